"""The handler author's API: everything `import chatsessions as cl` gives, as in Chainlit.
The decorators and the registry of chat apps they fill (registry.py), user_session and
the per-chat store (session.py), Message, Step, elements, actions, the Ask* questions,
settings widgets, chat profiles and starters. A handler reaches its running chat only
through session.RunningChat, the one way out; it never sees a socket or a layer.

May import: conf, models, storage, wire.
"""
