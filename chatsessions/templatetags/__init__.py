"""The template tags a project's own templates load: {% load chatsessions %}.

May import: conf.
"""
