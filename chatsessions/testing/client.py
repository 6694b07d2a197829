"""ChatClient: a chat as a test sees it, one turn at a time; SyncChatClient, its sync form."""

from __future__ import annotations

import asyncio
import threading
import uuid
from collections.abc import Coroutine, Iterator, Mapping, Sequence
from typing import Any, TypeVar

from asgiref.sync import sync_to_async

from ..conf import get_config
from ..handler_api.registry import ChatApp, load_app
from ..live.chat import live_chats
from ..wire.frames import ErrorCode
from .custom_elements import CustomElements, Element
from .interactive import Interactive
from .raw_frames import RawFrames
from .socket import TestSocket
from .transport import InProcess, Live, Transport, login_cookie, socket_path
from .turns import ChatClosed, ChatError, Reply, Turn, reply_of
from .uploads import Attaching, Attachment

T = TypeVar("T")


def _resolve(app: str) -> tuple[str, str, bool]:
    """Returns (the app's name, its handler module, whether APPS lists it) for an APPS
    name or a module path."""
    apps = get_config()["APPS"]
    if app in apps:
        return app, apps[app], True
    for name, module in apps.items():
        if module == app:
            return name, module, True
    return app, app, False


def _load(module: str) -> tuple[ChatApp, bool]:
    """Returns what module registered, and whether it imports at all."""
    try:
        return load_app(module), True
    except Exception:  # the server refuses it too (unknown_app, app_unavailable)
        return ChatApp(module), False


def _store_of(session_id: str) -> Mapping[str, Any]:
    chat = live_chats.get(session_id)
    if chat is None:
        raise LookupError(f"chat {session_id} is not live in this process")
    return _StoreView(chat.store.reserved, chat.store.data)


#: Error frames a start may bring before its session frame, the chat opening all the same.
_NOT_FATAL_AT_START = frozenset(
    {ErrorCode.HANDLER_ERROR, ErrorCode.RESUME_UNAVAILABLE, ErrorCode.HISTORY_UNAVAILABLE}
)


class ChatClient(Interactive, Attaching, CustomElements, RawFrames):
    """One chat of one user, driven the way the page drives it, frame by frame.

        async with ChatClient("myproject.chat", user=user) as chat:
            reply = await chat.send("hi")

    app is a name of CHATSESSIONS["APPS"] or a handler module path. By default the chat
    runs in this process, without a server; with server (a live server's URL, such as
    ChannelsLiveServerTestCase.live_server_url) it goes over a real WebSocket, logged in
    as user (or with cookie). `with ChatClient(...) as chat` gives the same methods,
    synchronous, for django.test.TransactionTestCase and plain test functions.
    """

    def __init__(
        self,
        app: str,
        user: Any = None,
        *,
        server: str | None = None,
        cookie: str | None = None,
        path: str | None = None,
        timeout: float = 5.0,
        start: bool = True,
        profile: str | None = None,
        env: dict[str, str] | None = None,
        resume: str | None = None,
        client: str | None = None,
        page: dict[str, Any] | None = None,
    ) -> None:
        self.app_name, self.module, listed = _resolve(app)
        self.app, self._importable = _load(self.module)
        self.user = user
        self.server = server.rstrip("/") if server else None
        self.cookie = cookie
        self.path = path
        if self.server is not None and not listed and path is None:
            raise ValueError(f"{app!r} is not in CHATSESSIONS['APPS']; a live server serves only those")
        self.timeout = timeout
        self._start_with: dict[str, Any] | None = (
            {"profile": profile, "env": env, "resume": resume, "client": client, "page": page}
            if start
            else None
        )
        self.socket = TestSocket(timeout)
        #: The last session frame.
        self.session: dict[str, Any] = {}
        #: Every frame of the last turn (task frames left out, streamed tokens joined).
        self.frames: list[dict[str, Any]] = []
        self.steps: list[dict[str, Any]] = []
        #: Every message of the chat as this client has seen it, oldest first.
        self.history: list[Reply] = []

    # -- opening and closing --------------------------------------------------------------

    async def __aenter__(self) -> ChatClient:
        await self.connect()
        if self._start_with is not None:
            try:
                await self.start(**self._start_with)
            except BaseException:
                await self.let_go()
                raise
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.let_go()

    def __enter__(self) -> SyncChatClient:
        self._sync = SyncChatClient(self)
        return self._sync.__enter__()

    def __exit__(self, *exc_info: object) -> None:
        self._sync.__exit__(*exc_info)

    async def connect(self) -> None:
        """Opens a socket (start() then starts or resumes the chat on it)."""
        await self.socket.open(await self._transport())

    async def _transport(self) -> Transport:
        if self.server is None:
            in_apps = self.module == get_config()["APPS"].get(self.app_name)
            override = self.module if self._importable and not in_apps else None
            return InProcess(self.app_name, override, self.user)
        cookie = self.cookie
        if cookie is None and self.user is not None:
            cookie = await sync_to_async(login_cookie)(self.user)
        return Live.to(self.server, self.path or socket_path(self.app_name), cookie)

    async def close(self) -> None:
        """Closes the socket, as a closed browser tab does: the chat waits for a resume."""
        await self.socket.close()

    async def let_go(self) -> None:
        """Closes the socket; in process, also writes the chat and forgets it here (it
        stays resumable from the database), so that nothing of it outlives the test."""
        await self.close()
        chat = live_chats.get(self.session.get("id", "")) if self.server is None else None
        if chat is not None:
            await chat.let_go()

    # -- what a user does ---------------------------------------------------------------

    async def start(
        self,
        profile: str | None = None,
        env: dict[str, str] | None = None,
        resume: str | None = None,
        client: str | None = None,
        page: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        """Starts the chat (or resumes the one named), waits for on_chat_start (or
        on_chat_resume) and returns the session frame. client="copilot" (with page, its
        {"url", "object"}) starts it as a copilot's."""
        frame: dict[str, Any] = {"type": "start"}
        for key, value in (
            ("profile", profile),
            ("env", env),
            ("resume", resume),
            ("client", client),
            ("page", page),
        ):
            if value is not None:
                frame[key] = value
        await self.socket.send(frame)
        turn = Turn()
        while True:
            received = await self.socket.next(turn)
            if received.get("type") == "session":
                break
            if received.get("type") == "error" and received["code"] not in _NOT_FATAL_AT_START:
                raise ChatError(received["code"], received["detail"], turn.frames)
        self.session = received
        self.socket.chat_is(received["id"])
        # A resumed chat may be in a handler already, perhaps one that asked a question.
        self.socket.open_tasks = 1 if received.get("running") else 0
        self.socket.asking = received.get("ask")
        self.history = [reply_of(frame) for frame in received["history"] if frame["type"] == "message"]
        handler = "on_chat_resume" if received["resumed"] else "on_chat_start"
        # The frames of the start turn are those of its handler, after the session frame.
        after = Turn(errors=turn.errors)
        await self._finish_turn(after, self._runs(handler))
        return self.session

    async def send(
        self,
        text: str = "",
        *,
        id: str | None = None,
        files: Sequence[Attachment] = (),
        command: str | None = None,
        modes: Mapping[str, str] | None = None,
    ) -> Reply | None:
        """Sends a message, with files (paths or (name, bytes) pairs, uploaded first) and the
        composer's command and modes, and returns the reply: the last message the handler
        sent for it (None if none). Raises HandlerError, or UploadRefused for the files."""
        # Each message has an id, as the page gives it: a later change (an edit, say) finds it.
        id = id or uuid.uuid4().hex
        frame: dict[str, Any] = {"type": "message", "id": id, "content": text}
        composed = {"command": command, "modes": dict(modes) if modes else None}
        frame.update({key: value for key, value in composed.items() if value})
        described = await self.upload(*files) if files else []
        if described:
            frame["files"] = [item["id"] for item in described]
        await self.socket.send(frame)
        self._sent(Reply(id, "user", self._username(), text, elements=described))
        # An answer to the question a handler asked runs no on_message: that handler goes on.
        runs = 0 if self.answering_text(with_files=bool(described)) else self._runs("on_message")
        turn = await self._finish_turn(Turn(), runs)
        return turn.reply

    async def send_later(self, text: str) -> None:
        """Sends a message without waiting for its turn: for stop(), or to queue several.
        The next send(), stop() or wait() collects its frames too."""
        message_id = uuid.uuid4().hex
        await self.socket.send({"type": "message", "id": message_id, "content": text})
        self.history.append(Reply(message_id, "user", self._username(), text))
        self.socket.pending += 0 if self.answering_text() else self._runs("on_message")

    async def end(self) -> int:
        """Ends the chat (the New chat button): on_chat_end runs; returns the close code."""
        await self.socket.send({"type": "end"})
        turn = Turn()
        try:
            while True:
                await self.socket.next(turn)
        except ChatClosed as closed:
            self.frames = turn.frames
            self.socket.raise_handler_errors(turn)
            return closed.code

    async def reconnect(self) -> dict[str, Any]:
        """Drops the socket and resumes the chat on a new one; returns the session frame."""
        session_id = self.session["id"]
        await self.socket.close()
        await self.connect()
        return await self.start(resume=session_id)

    # -- what the client sees -----------------------------------------------------------

    @property
    def session_id(self) -> str:
        return str(self.session["id"])

    @property
    def user_session(self) -> Mapping[str, Any]:
        """The chat's store, live and read-only: reserved keys and the app's own.
        In process only: a live server keeps it in its own memory."""
        if self.server is not None:
            raise TypeError(
                "user_session is only readable in process; a live server keeps it in its own "
                "memory (its written snapshot is ChatSession.store)"
            )
        return _store_of(self.session_id)

    # -- frames -------------------------------------------------------------------------

    async def _finish_turn(self, turn: Turn, handler_runs: int, through_questions: bool = False) -> Turn:
        """Receives the rest of turn; keeps its frames and messages, also when it raises."""
        try:
            return await self.socket.finish(turn, handler_runs, through_questions)
        finally:
            self.frames = turn.frames
            self.history.extend(message for message in turn.messages.values() if message.role != "user")
            self._keep_changes(turn)

    def _runs(self, event: str) -> int:
        """How many handler runs a frame that triggers event causes: 1, or 0 if the app
        declares no handler for it."""
        return 1 if self.app.handler(event) else 0

    def _username(self) -> str:
        return str(self.user.get_username()) if self.user is not None else "User"


class _StoreView(Mapping[str, Any]):
    """A read-only view of a chat's store."""

    def __init__(self, reserved: dict[str, Any], data: dict[str, Any]) -> None:
        self._reserved = reserved
        self._data = data

    def __getitem__(self, key: str) -> Any:
        if key in self._reserved:
            return self._reserved[key]
        return self._data[key]

    def __iter__(self) -> Iterator[str]:
        yield from self._reserved
        yield from self._data

    def __len__(self) -> int:
        return len(self._reserved) + len(self._data)

    def __repr__(self) -> str:
        return f"user_session({dict(self)!r})"


class SyncChatClient:
    """ChatClient's methods, each waited for: the chat runs on an event loop of its own,
    in a thread of its own, for as long as the client is open."""

    def __init__(self, client: ChatClient) -> None:
        self.client = client
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="chatsessions test client")

    def _run(self, coroutine: Coroutine[Any, Any, T]) -> T:
        return asyncio.run_coroutine_threadsafe(coroutine, self._loop).result()

    def __enter__(self) -> SyncChatClient:
        self._thread.start()
        try:
            self._run(self.client.__aenter__())
        except BaseException:
            self._shut_down()
            raise
        return self

    def __exit__(self, *exc_info: object) -> None:
        try:
            self._run(self.client.let_go())
        finally:
            self._shut_down()

    def _shut_down(self) -> None:
        async def cancel_the_rest() -> None:
            # The writer, the control listener and the like were this loop's alone.
            others = [task for task in asyncio.all_tasks() if task is not asyncio.current_task()]
            for task in others:
                task.cancel()
            await asyncio.gather(*others, return_exceptions=True)

        self._run(cancel_the_rest())
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join()
        self._loop.close()

    def start(
        self,
        profile: str | None = None,
        env: dict[str, str] | None = None,
        resume: str | None = None,
        client: str | None = None,
        page: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        return self._run(self.client.start(profile, env, resume, client, page))

    def send(
        self,
        text: str = "",
        *,
        id: str | None = None,
        files: Sequence[Attachment] = (),
        command: str | None = None,
        modes: Mapping[str, str] | None = None,
    ) -> Reply | None:
        return self._run(self.client.send(text, id=id, files=files, command=command, modes=modes))

    def upload(self, *attachments: Attachment) -> list[dict[str, Any]]:
        return self._run(self.client.upload(*attachments))

    def click(self, label: str) -> Reply | None:
        return self._run(self.client.click(label))

    def feedback(self, message_id: str, value: int, comment: str = "") -> dict[str, Any]:
        return self._run(self.client.feedback(message_id, value, comment))

    def custom_element(self, name: str) -> dict[str, Any]:
        return self.client.custom_element(name)

    def update_element(self, element: Element, props: Mapping[str, Any]) -> dict[str, Any]:
        return self._run(self.client.update_element(element, props))

    def delete_element(self, element: Element) -> None:
        self._run(self.client.delete_element(element))

    def call_action(
        self, element: Element, name: str, payload: Mapping[str, Any] | None = None
    ) -> Reply | None:
        return self._run(self.client.call_action(element, name, payload))

    def send_from_element(self, element: Element, text: str, command: str | None = None) -> Reply | None:
        return self._run(self.client.send_from_element(element, text, command))

    def submit_element(self, element: Element, values: Mapping[str, Any] | None) -> Reply | None:
        return self._run(self.client.submit_element(element, values))

    @property
    def asked(self) -> dict[str, Any] | None:
        return self.client.asked

    @property
    def starters(self) -> list[dict[str, Any]]:
        return self.client.starters

    @property
    def starter_categories(self) -> list[dict[str, Any]]:
        return self.client.starter_categories

    @property
    def steps(self) -> list[dict[str, Any]]:
        return self.client.steps

    def settings(self, **values: Any) -> dict[str, Any]:
        return self._run(self.client.settings(**values))

    def send_later(self, text: str) -> None:
        self._run(self.client.send_later(text))

    def edit(self, message_id: str, content: str) -> Reply | None:
        return self._run(self.client.edit(message_id, content))

    def stop(self) -> Reply | None:
        return self._run(self.client.stop())

    def wait(self) -> Turn:
        return self._run(self.client.wait())

    def end(self) -> int:
        return self._run(self.client.end())

    def reconnect(self) -> dict[str, Any]:
        return self._run(self.client.reconnect())

    def send_frame(self, frame: dict[str, Any] | str | bytes) -> None:
        self._run(self.client.send_frame(frame))

    def receive(self, timeout: float | None = None) -> dict[str, Any]:
        return self._run(self.client.receive(timeout))

    @property
    def session(self) -> dict[str, Any]:
        return self.client.session

    @property
    def session_id(self) -> str:
        return self.client.session_id

    @property
    def frames(self) -> list[dict[str, Any]]:
        return self.client.frames

    @property
    def history(self) -> list[Reply]:
        return self.client.history

    def expect(self, frame_type: str, timeout: float | None = None) -> dict[str, Any]:
        return self._run(self.client.expect(frame_type, timeout))

    def closed(self, timeout: float | None = None) -> int:
        return self._run(self.client.closed(timeout))

    def close(self) -> None:
        self._run(self.client.close())

    @property
    def close_code(self) -> int | None:
        return self.client.close_code

    @property
    def user_session(self) -> Mapping[str, Any]:
        return self.client.user_session
