"""The wire: the chat protocol itself, both ways. frames.py builds every frame the server
sends and owns the close and error codes; protocol.py parses and checks every frame a
client sends. Pure data, no I/O: every other room speaks through it.

May import: nothing of the app.
"""
