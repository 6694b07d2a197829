"""Opening a chat: a new one, or a resumed one taken over from wherever it lived."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from channels.db import database_sync_to_async
from channels.layers import InMemoryChannelLayer, get_channel_layer
from django.utils.translation import gettext as _

from ..conf import HANDOVER_WAIT_SECONDS, get_config
from ..handler_api.message import Message
from ..handler_api.profiles import ChatProfile, Starter, StarterCategory
from ..handler_api.registry import ChatApp, load_app
from ..models import ChatSession
from ..storage import persistence
from ..wire import frames
from ..wire.frames import CloseCode, ErrorCode
from ..wire.protocol import ProtocolError, Start
from . import control, replay
from .chat import LiveChat, live_chats
from .writer import writer

logger = logging.getLogger("chatsessions")


class Refusal(Exception):
    """The chat cannot open on this socket, which closes with close_code."""

    close_code = CloseCode.TRY_AGAIN_LATER
    error_code = ErrorCode.UNAVAILABLE

    @property
    def detail(self) -> str:
        return str(self)


class ServiceUnavailable(Refusal):
    """The database or the channel layer cannot be reached; the client should retry."""

    @property
    def detail(self) -> str:
        return f"{self}; try again shortly"


class ResumeRefused(Refusal):
    """The session does not exist, is not this user's, or belongs to another app."""

    close_code = CloseCode.FORBIDDEN
    error_code = ErrorCode.FORBIDDEN
    detail = "that chat is not yours to resume"


class ResumeConflict(Refusal):
    """Another socket resumed the same chat at the same moment, and won."""

    close_code = CloseCode.RESUMED_ELSEWHERE
    error_code = ErrorCode.RESUMED_ELSEWHERE
    detail = "another socket resumed this chat"


class ResumeEnded(Exception):
    """The session has ended and cannot be resumed."""


async def chat_profiles(app: ChatApp, user: Any) -> list[ChatProfile]:
    """Returns the profiles set_chat_profiles offers this user (none if not declared)."""
    handler = app.handler("set_chat_profiles")
    if handler is None:
        return []
    profiles = await handler(user)
    if profiles is None:
        return []
    if not isinstance(profiles, (list, tuple)) or not all(
        isinstance(profile, ChatProfile) for profile in profiles
    ):
        raise TypeError("set_chat_profiles must return a list of ChatProfile")
    return list(profiles)


def choose_profile(profiles: list[ChatProfile], wanted: str | None) -> str | None:
    """Returns the profile to use, or raises ProtocolError for an undeclared one, or one
    whose config overrides have no counterpart here."""
    if wanted is None:
        chosen = next((p for p in profiles if p.default), profiles[0] if profiles else None)
    else:
        chosen = next((profile for profile in profiles if profile.name == wanted), None)
        if chosen is None:
            names = [profile.name for profile in profiles]
            raise ProtocolError(
                ErrorCode.INVALID_PROFILE, f"unknown chat profile {wanted!r}; declared: {names}"
            )
    if chosen is None:
        return None
    refused = chosen.refused_overrides()
    if refused:
        logger.warning(
            "chat profile %r overrides what chats here cannot do: %s", chosen.name, ", ".join(refused)
        )
        raise ProtocolError(
            ErrorCode.INVALID_PROFILE,
            f"chat profile {chosen.name!r} overrides settings chats here have no counterpart for: "
            f"{', '.join(refused)} (see the handler API's config overrides)",
        )
    return chosen.name


def declared_env(app: ChatApp, env: dict[str, str]) -> dict[str, str]:
    """Keeps the env values of the keys the app declares; others are dropped unseen."""
    return {key: env[key] for key in app.user_env if key in env}


SendFrame = Callable[[dict[str, Any]], Awaitable[None]]

#: A page of history: message frames, oldest first, and the cursor of the page before.
HistoryPage = tuple[list[dict[str, Any]], int | None]


@dataclass
class Opened:
    """A chat a start frame opened, and what its session frame needs."""

    chat: LiveChat
    resumed: bool
    profiles: list[ChatProfile]
    # The history, when it was read already: a chat taken over from another process
    # reads it in the same trip to the database as its claim.
    history: HistoryPage | None = None


async def open_chat(frame: Start, app_name: str, app: ChatApp, user: Any, send_frame: SendFrame) -> Opened:
    """Opens the chat a start frame asks for. Raises Refusal if it cannot open,
    ProtocolError for a bad profile; what goes wrong short of that is sent as an error
    frame and the chat opens anyway."""
    env = declared_env(app, frame.env)
    try:
        profiles = await chat_profiles(app, user)
    except Exception as error:
        logger.exception("set_chat_profiles of %s failed", app.module)
        await send_frame(
            frames.handler_error("set_chat_profiles", error, get_config()["EXPOSE_HANDLER_ERRORS"])
        )
        profiles = []
    if frame.resume is not None:
        try:
            chat, history_page = await resume_chat(frame.resume, app_name, app, user, env)
        except ResumeEnded:
            await send_frame(
                frames.error(ErrorCode.RESUME_UNAVAILABLE, _("that chat has ended; a new one starts"))
            )
        else:
            return Opened(chat, True, profiles, history_page)
    profile = choose_profile(profiles, frame.profile)
    return Opened(await new_chat(app_name, app, user, profile, env), False, profiles)


async def starters(
    app: ChatApp, user: Any, profile: ChatProfile | None, send_frame: SendFrame
) -> list[dict[str, Any]]:
    """The starters a new chat shows: its profile's, else those set_starters returns."""
    if profile is not None and profile.starters:
        return [starter.to_dict() for starter in profile.starters]
    return await _suggested(app, "set_starters", Starter, user, send_frame)


async def starter_categories(app: ChatApp, user: Any, send_frame: SendFrame) -> list[dict[str, Any]]:
    """The starters in categories a new chat shows, as set_starter_categories returns them."""
    return await _suggested(app, "set_starter_categories", StarterCategory, user, send_frame)


async def _suggested(
    app: ChatApp, event: str, kind: type[Starter | StarterCategory], user: Any, send_frame: SendFrame
) -> list[dict[str, Any]]:
    handler = app.handler(event)
    if handler is None:
        return []
    try:
        # Chainlit passes the user, the browser's language and the chat profile; the page
        # sends no language.
        chosen = await handler(user, None, None)
        if chosen is None:
            return []
        if not isinstance(chosen, (list, tuple)) or not all(isinstance(s, kind) for s in chosen):
            raise TypeError(f"{event} must return a list of {kind.__name__}")
    except Exception as error:
        logger.exception("%s of %s failed", event, app.module)
        await send_frame(frames.handler_error(event, error, get_config()["EXPOSE_HANDLER_ERRORS"]))
        return []
    return [item.to_dict() for item in chosen]


async def session_frame(opened: Opened, send_frame: SendFrame) -> dict[str, Any]:
    """Returns the session frame that answers a start: the history of a resumed chat, the
    starters of a new one."""
    chat, resumed, profiles = opened.chat, opened.resumed, opened.profiles
    replayed: list[dict[str, Any]] = []
    before = None
    suggested: list[dict[str, Any]] = []
    categories: list[dict[str, Any]] = []
    if not resumed:
        current = chat.store.reserved["chat_profile"]
        profile = next((p for p in profiles if p.name == current), None)
        suggested = await starters(chat.app, chat.user, profile, send_frame)
        categories = await starter_categories(chat.app, chat.user, send_frame)
    elif opened.history is not None:
        writer().mark(chat.journal)  # its env keys, say; nothing of its transcript is new
        replayed, before = opened.history
    else:
        try:
            replayed, before = await history_frames(chat)
        except Exception:
            logger.warning("chat %s: history unavailable", chat.id, exc_info=True)
            await send_frame(frames.error(ErrorCode.HISTORY_UNAVAILABLE, _("the history cannot be read now")))
    return frames.session(
        session_id=chat.id,
        resumed=resumed,
        user=chat.user.get_username() if chat.user is not None else None,
        chat_profile=chat.store.reserved["chat_profile"],
        profiles=[profile.to_dict() for profile in profiles],
        widgets=[widget.to_dict() for widget in chat.settings_widgets],
        chat_settings=chat.store.reserved["chat_settings"],
        user_env=chat.app.user_env,
        history=replayed,
        history_before=before,
        starters=suggested,
        starter_categories=categories,
        commands=chat.transcript.commands,
        modes=[mode.to_dict() for mode in chat.transcript.modes],
        # A resumed chat may be in a handler, even one that waits on a question.
        running=chat.jobs.running,
        ask=asking.frame() if (asking := chat.transcript.interaction.asking) else None,
    )


async def _go_live(chat: LiveChat) -> LiveChat:
    """Joins the chat's control group; without a channel layer the chat cannot stay.
    It has run no handler yet, so it is dropped, not ended: a resume may try again."""
    try:
        await chat.open_control()
    except Exception as error:
        live_chats.pop(chat.id, None)
        raise ServiceUnavailable("the channel layer cannot be reached") from error
    return chat


async def new_chat(
    app_name: str, app: ChatApp, user: Any, profile: str | None, env: dict[str, str]
) -> LiveChat:
    """Starts a chat in this process and inserts its row.

    The chat joins its control group before its row exists: a refusal for want of the
    channel layer leaves no row behind that says live.
    """
    row = ChatSession(
        owner=user,
        app=app_name,
        chat_profile=profile or "",
        chat_settings=app.initial_settings(),
        env_keys=sorted(env),
        holder=persistence.this_worker().pk,
    )
    chat = await _go_live(LiveChat(row, app, user, env, next_sequence=1))
    try:
        await writer().insert(row)
    except Exception as error:
        live_chats.pop(chat.id, None)
        await chat.close_control()
        raise ServiceUnavailable("the database cannot be reached") from error
    return chat


def _single_process() -> bool:
    # The in-memory layer reaches this process only: no other process can hold the chat.
    return isinstance(get_channel_layer(), InMemoryChannelLayer)


async def resume_chat(
    session_id: str, app_name: str, app: ChatApp, user: Any, env: dict[str, str]
) -> tuple[LiveChat, HistoryPage | None]:
    """Returns the live chat for session_id: the one in this process, or one rebuilt from
    the snapshot after the process that held it has written it out and let go (then
    with its history, read in the same trip to the database)."""
    owner_id = user.pk if user is not None else None
    chat = live_chats.get(session_id)
    history_page = None
    if chat is None:
        chat, history_page = await _take_over(session_id, app_name, app, user, owner_id)
    else:
        try:
            await chat.open_control()  # renews the group membership the layer expires
        except Exception:
            logger.warning("chat %s: resumed without renewing its channel layer group", session_id)
    if chat.owner_id != owner_id or chat.app_name != app_name:
        raise ResumeRefused(session_id)
    if not chat.accepting:
        raise ResumeEnded(session_id)
    if env or not chat.store.reserved["env"]:  # a rebuilt chat has none until the client resends it
        chat.set_env(env)
    chat.user = chat.store.reserved["user"] = user
    return chat, history_page


async def _take_over(
    session_id: str, app_name: str, app: ChatApp, user: Any, owner_id: Any
) -> tuple[LiveChat, HistoryPage | None]:
    reopen = bool(get_config()["REOPEN_ENDED_CHATS"])
    try:
        state = await database_sync_to_async(persistence.claim_state)(session_id)
        if state is None or state.owner_id != owner_id or state.app != app_name:
            raise ResumeRefused(session_id)
        if state.status == ChatSession.Status.ENDED and not reopen:
            raise ResumeEnded(session_id)
        if state.status != ChatSession.Status.ENDED and not _single_process():
            # An ended chat has no holder to ask. The holder writes everything it
            # answered and lets go, without claiming: the epoch read above still holds.
            await control.arequest_release(session_id, HANDOVER_WAIT_SECONDS)
        if session_id in live_chats:
            return live_chats[session_id], None  # another socket of this process rebuilt it meanwhile
        taken, history_page = await database_sync_to_async(_claim_and_read)(
            session_id, state.holder_epoch, reopen, user
        )
    except (ResumeRefused, ResumeEnded):
        raise
    except Exception as error:
        raise ServiceUnavailable("the database or the channel layer cannot be reached") from error
    if taken is persistence.NotTaken.ENDED:
        raise ResumeEnded(session_id)
    if taken is persistence.NotTaken.CLAIMED:
        raise ResumeConflict(session_id)
    chat = await _go_live(LiveChat(taken.row, app, user, {}, taken.next_sequence, _root(taken)))
    if history_page is not None:  # what it replays is what its chat_context holds
        chat.transcript.conversation.extend(replay.conversation_of(history_page[0]))
    return chat, history_page


def _claim_and_read(
    session_id: str, seen_epoch: int, reopen: bool, user: Any
) -> tuple[persistence.TakenOver | persistence.NotTaken, HistoryPage | None]:
    """Claims the chat for this worker and reads its history, in one trip to the database
    thread: in a storm of resumes, every trip queues behind the others'."""
    taken = persistence.take_over(session_id, seen_epoch, persistence.this_worker().pk, reopen)
    if not isinstance(taken, persistence.TakenOver):
        return taken, None
    try:
        return taken, replay.page(session_id, None, get_config()["HISTORY_LIMIT"], user)
    except Exception:  # the claim holds; the session frame tries the history once more
        logger.warning("chat %s: history unavailable at its takeover", session_id, exc_info=True)
        return taken, None


async def adopt_orphan(session_id: str) -> LiveChat | None:
    """Takes over a chat whose worker died and ends it here: on_chat_end runs with its
    store restored. Returns None if another process took it first, or it has ended."""
    state = await database_sync_to_async(persistence.claim_state)(session_id)
    if state is None or state.status == ChatSession.Status.ENDED:
        return None
    taken = await database_sync_to_async(persistence.take_over)(
        session_id, state.holder_epoch, persistence.this_worker().pk
    )
    if not isinstance(taken, persistence.TakenOver):
        return None
    row = taken.row
    owner = await database_sync_to_async(lambda: row.owner)()  # its on_chat_end sees its user
    module_path = get_config()["APPS"].get(row.app)
    try:
        app = load_app(module_path) if module_path is not None else ChatApp(f"<unknown app {row.app}>")
    except (Exception, SystemExit):
        logger.exception(
            "chat %s: its app %r cannot be loaded; ended without on_chat_end", session_id, row.app
        )
        app = ChatApp(f"<unloadable app {row.app}>")
    chat = LiveChat(row, app, owner, {}, taken.next_sequence, _root(taken))
    chat.end()
    return chat


def _root(taken: persistence.TakenOver) -> Message | None:
    """The chat's last message: its root_message when it is rebuilt from the database."""
    return replay.stored(taken.last_message) if taken.last_message is not None else None


async def history_frames(chat: LiveChat) -> HistoryPage:
    """Returns the chat's last HISTORY_LIMIT messages as message frames, and the cursor
    of the messages before them (None if there are none). Messages not written yet are
    written first; anything else (the status, the env keys) goes with the writer's next
    batch, so that a storm of resumes does not queue one transaction each."""
    if chat.journal.transcript_pending:
        await chat.flush()
    else:
        writer().mark(chat.journal)
    return await database_sync_to_async(replay.page)(chat.id, None, get_config()["HISTORY_LIMIT"], chat.user)
