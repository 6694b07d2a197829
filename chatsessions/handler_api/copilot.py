"""The copilot's side of the handler API: the chat on another page, talking with that page,
as in Chainlit. `cl.send_window_message(data)` posts data to the page hosting the chat
(its `@cl.on_window_message` gets what the page posts back); `CopilotFunction(name,
args).acall()` calls a function the host page registered and returns what it returned;
`cl.context.session.client_type` is "copilot" in such a chat, and
`cl.context.session.page` says which page it is on."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from ..wire import frames
from .session import active_chat

#: How long acall() waits for the page's answer unless told (Chainlit waits 300 s).
DEFAULT_CALL_TIMEOUT = 60.0


class CopilotFunctionError(RuntimeError):
    """A CopilotFunction call the page did not answer: the chat is no copilot, the page
    has no function of that name or it threw, or no answer came in time."""


@dataclass
class CopilotFunction:
    """A function of the page hosting the copilot, called from a handler:

    result = await cl.CopilotFunction(name="highlight", args={"id": 3}).acall()
    """

    name: str
    args: dict[str, Any] = field(default_factory=dict)
    timeout: float = DEFAULT_CALL_TIMEOUT

    async def acall(self) -> Any:
        """Asks the host page to call the function; returns its JSON result, or raises
        CopilotFunctionError."""
        if not isinstance(self.name, str) or not self.name:
            raise ValueError("CopilotFunction needs a function name")
        _check_json(self.args, "CopilotFunction.args")
        return await active_chat().call_function(self.name, self.args, self.timeout)


async def send_window_message(data: Any) -> None:
    """Posts data (JSON) to the page hosting the chat (Chainlit's send_window_message)."""
    _check_json(data, "send_window_message's data")
    await active_chat().send(frames.window_message(data))


def _check_json(value: Any, what: str) -> None:
    try:
        json.dumps(value, allow_nan=False)
    except (TypeError, ValueError) as error:
        raise TypeError(f"{what} must be JSON: {error}") from None
