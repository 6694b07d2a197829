"""The task list, Chainlit's panel of a handler's tasks and their states:

    task_list = cl.TaskList()
    await task_list.add_task(cl.Task(title="Load the data", status=cl.TaskStatus.RUNNING))
    await task_list.send()          # shows it, or shows its changes
    await task_list.remove()        # takes it away

The page shows it above the composer. It is not kept with the transcript: a chat resumed
in a new page shows it again only when the handler sends it again.
"""

from __future__ import annotations

import uuid
from enum import Enum
from typing import Any

from ..wire import frames
from .session import active_chat

#: How many tasks a list shows at most, and how long a title may be (longer is cut).
MAX_TASKS = 500
MAX_TITLE = 500


class TaskStatus(Enum):
    READY = "ready"
    RUNNING = "running"
    FAILED = "failed"
    DONE = "done"


class Task:
    """One task: its title and status; forId names the message it is about, if any."""

    def __init__(self, title: str, status: TaskStatus = TaskStatus.READY, forId: str | None = None) -> None:
        self.title = title
        self.status = status
        self.forId = forId

    def to_dict(self) -> dict[str, Any]:
        status = TaskStatus(self.status)  # a status given as its value ("done") is taken too
        return {"title": str(self.title)[:MAX_TITLE], "status": status.value, "forId": self.forId}


class TaskList:
    """The chat's task list; status is its headline ("Running...", say)."""

    def __init__(
        self, tasks: list[Task] | None = None, status: str = "Ready", name: str = "tasklist", **_: Any
    ):
        self.tasks: list[Task] = list(tasks or [])
        self.status = status
        self.name = name
        self.id = str(uuid.uuid4())

    async def add_task(self, task: Task) -> None:
        """Adds a task (shown at the next send)."""
        if not isinstance(task, Task):
            raise TypeError(f"add_task takes a Task, not {type(task).__name__}")
        self.tasks.append(task)

    async def send(self) -> None:
        """Shows the list as it is now."""
        if len(self.tasks) > MAX_TASKS:
            raise ValueError(f"a task list shows at most {MAX_TASKS} tasks")
        tasks = [task.to_dict() for task in self.tasks]
        await active_chat().send(frames.tasklist(self.id, str(self.status)[:MAX_TITLE], tasks))

    async def update(self) -> None:
        await self.send()

    async def remove(self) -> None:
        """Takes the list away from the page."""
        await active_chat().send(frames.remove_element(self.id, None))
