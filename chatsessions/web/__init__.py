"""The web side: HTTP. The chat page (views.py), the JSON endpoints of a user's chat
history (history_api.py), the upload endpoint and the file view (file_views.py), the
endpoints of a chat embedded in another site's pages (embed_views.py), their
one JSON error shape (errors.py) and their checks (guards.py), the admin (admin.py),
request body limits (bodies.py, daphne_limits.py), the database outage page
(middleware.py), and the page's and the widget's words for translation (page_strings.py).

May import: conf, models, signals, accounts, live, storage, wire.
"""
