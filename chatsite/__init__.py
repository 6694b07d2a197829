"""The demo project: settings, ASGI app, URLs and demo chat apps."""
