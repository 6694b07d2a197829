"""Storage: what the database and the file storage keep of chats, and the queries on it.
Session rows and transcript writes (persistence.py, in batches.py's batches), a user's
past chats (history.py), files and their types (files.py, sniffing.py), feedback, and
control commands kept until applied (commands.py), the token use of LLM calls
(usage.py). Knows rows, never a running chat.

May import: conf, models, wire.
"""
