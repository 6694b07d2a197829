"""{% chat_widget "app" %}: the chat as a copilot on any page of the site, a launcher
button that opens the chat app's page in a panel, on the user's own login, with the
same protocol, history and files as the chat page. The page adds one custom element,
<chat-widget>, and nothing global besides.

    {% load chatsessions %}
    {% chat_widget "assistant" object=product.pk label="Ask about this product" %}

object (any JSON: an id, a dict) is what the page shows; the chat's handlers read it,
with the page's URL, in cl.context.session.page.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlencode

from django import template
from django.templatetags.static import static
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext

from ..conf import get_config
from ..web.page_strings import WIDGET_STRINGS, page_catalog

register = template.Library()


@register.simple_tag(takes_context=True)
def chat_widget(context: Any, app: str = "default", object: Any = None, label: str | None = None) -> str:
    """The widget of the chat app app (a name of CHATSESSIONS["APPS"])."""
    if app not in get_config()["APPS"]:
        raise template.TemplateSyntaxError(f"chat_widget: no chat app named {app!r} in CHATSESSIONS['APPS']")
    page = reverse("chatsessions:chat") if app == "default" else reverse("chatsessions:chat-app", args=[app])
    query = {"client": "copilot"}
    if object is not None:
        query["page_object"] = json.dumps(object, default=str)
    return format_html(
        '<script src="{}" defer></script>'
        '<chat-widget src="{}" stylesheet="{}" label="{}" texts="{}"></chat-widget>',
        static("chatsessions/widget.js"),
        f"{page}?{urlencode(query)}",
        static("chatsessions/widget.css"),
        label or gettext("Chat"),
        json.dumps(page_catalog(WIDGET_STRINGS), ensure_ascii=False),
    )
