"""The template tags a project's own templates load: {% load chatsessions %}.

The widget's words come from web/page_strings.py.

May import: conf, web.
"""
