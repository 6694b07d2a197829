"""The frames of one WebSocket message, for a project's own Python clients (outbox.py in live/)."""

from .live.outbox import frames_in

__all__ = ["frames_in"]
