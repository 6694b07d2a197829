"""Chainlit's auth hooks on Django's own mechanisms: an app's @password_auth_callback as
an authentication backend (backends.py), its @header_auth_callback as Django's remote
user middleware and backend are (headers.py), @oauth_callback as django-allauth's social
account adapter (oauth.py, imported only by a project that names it), @on_logout on user_logged_out and what a
callback said of its user kept in the login's session (logins.py), the callbacks found
in CHATSESSIONS["APPS"] and called with a time limit (callbacks.py); and the logins of a
chat embedded in another site's pages, by signed token and frame key (embed.py).

May import: conf, models, signals, handler_api.
"""
