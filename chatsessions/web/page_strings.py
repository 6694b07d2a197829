"""The chat page's own words, which its scripts show (`t("...")` in
chatsessions/static/chatsessions/), for Django's i18n: `makemessages` finds them here, and
the page view renders their translations in the active language into the page as JSON
(page/i18n.js reads it). The copilot widget's too, which {% chat_widget %} gives it.
tests/test_i18n.py checks that these lists and the scripts' calls name the same
strings."""

from __future__ import annotations

from django.utils.translation import gettext, gettext_noop

#: The copilot widget's (widget.js: `this.#t("...")`), given to it by {% chat_widget %}.
WIDGET_STRINGS = (
    gettext_noop("Chat"),
    gettext_noop("Close the chat"),
    gettext_noop("The chat cannot log you in: %(reason)s"),
    gettext_noop("The chat did not load: are you logged in?"),
)

PAGE_STRINGS = (
    gettext_noop("Attach the file(s) asked for; they are sent once uploaded"),
    gettext_noop("Bad answer"),
    gettext_noop("Bad answer: %(comment)s"),
    gettext_noop("Cancel"),
    gettext_noop("Chats cannot be opened from this address; the server's log says why."),
    gettext_noop("Choose a file"),
    gettext_noop("Choose up to %(count)s files"),
    gettext_noop("Commands"),
    gettext_noop("Connected"),
    gettext_noop("Connected (resumed)"),
    gettext_noop("Connecting…"),
    gettext_noop("Copy code"),
    gettext_noop("Copy message"),
    gettext_noop("Delete “%(title)s”"),
    gettext_noop("Disconnected; reconnecting in %(seconds)s s…"),
    gettext_noop("Earlier messages cannot be loaded now (%(reason)s)."),
    gettext_noop("Edit message"),
    gettext_noop("Edited message"),
    gettext_noop("Good answer"),
    gettext_noop("Keys saved in this tab."),
    gettext_noop("Logged out"),
    gettext_noop("New chat"),
    gettext_noop("New title"),
    gettext_noop("No chat matches."),
    gettext_noop("No chats yet."),
    gettext_noop("Not connected; your message was not sent."),
    gettext_noop("Not logged in"),
    gettext_noop("Remove %(name)s"),
    gettext_noop("Rename “%(title)s”"),
    gettext_noop("Send"),
    gettext_noop("Send feedback"),
    gettext_noop("Settings applied."),
    gettext_noop("Tasks"),
    gettext_noop("That chat cannot be resumed here; a new one starts."),
    gettext_noop("The browser did not allow copying."),
    gettext_noop("The chat cannot be deleted (%(reason)s)."),
    gettext_noop("The chat cannot be renamed (%(reason)s)."),
    gettext_noop("The chat could not start. Start a new chat to try again."),
    gettext_noop("This chat app is not available."),
    gettext_noop("This chat cannot log you in: %(detail)s"),
    gettext_noop("This chat continues in another tab."),
    gettext_noop("This chat opens in another site's page"),
    gettext_noop("This chat was ended by the server. Start a new chat to go on."),
    gettext_noop("This site may not embed the chat"),
    gettext_noop("Tools"),
    gettext_noop("Wait for the chat to connect, then attach your files."),
    gettext_noop("What was wrong with this answer?"),
    gettext_noop("What was wrong? (optional)"),
    gettext_noop("You"),
    gettext_noop("Your answer (Enter sends it)"),
    gettext_noop("Your chats cannot be listed now (%(reason)s)."),
    gettext_noop("Your files are still uploading; the message goes once they are done."),
)


def page_catalog(strings: tuple[str, ...] = PAGE_STRINGS) -> dict[str, str]:
    """Those of strings (the page's) that the active language translates, by their English."""
    return {text: translated for text in strings if (translated := gettext(text)) != text}
