"""chainlit.data.base's path for BaseDataLayer."""

from ..handler_api.data_layer import BaseDataLayer

__all__ = ["BaseDataLayer"]
