"""chainlit.step's path: `from chatsessions.step import Step, StepDict, step` (they live
in handler_api/steps.py and handler_api/threads.py)."""

from .handler_api.steps import Step, step
from .handler_api.threads import StepDict

__all__ = ["Step", "StepDict", "step"]
