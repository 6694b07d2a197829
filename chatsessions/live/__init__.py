"""The live chat: a socket's chat while it runs in this process.
One message's path, top to bottom:
consumers.py (the socket) -> wire.protocol (parse) -> inbox.py (what the frame asks) ->
jobs.py (handler calls, one at a time) -> the handler -> transcript.py (what the chat
says, the one way out) -> delivery.py -> outbox.py (the socket's frames, batched), and
journal.py -> writer.py -> storage.persistence (the database, in batches), and
data_feed.py (the app's data layer, if it has one, told behind the chat).
Around it: opening.py (a new or resumed chat), chat.py (LiveChat and this process's
chats), control.py (end, notice, recheck, retitle through the channel layer), lease.py
(heartbeats, orphans), access.py and auth.py (the login, by cookie or by an embedded
chat's key), origins.py and limits.py (what a socket may send), language.py (the
language it speaks to its user).

May import: conf, models, signals, accounts, handler_api, storage, wire.
"""
