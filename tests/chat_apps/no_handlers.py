"""A module named as a chat app that registers no handler."""
