"""The database side of a chat: session rows, transcript writes and history reads.

Everything here is synchronous ORM code (SQL where it runs per message or per resume),
called through database_sync_to_async, off the event loop. It is the one module that
knows the tables' column names.
"""

from __future__ import annotations

import os
import socket
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import Enum
from functools import cache
from typing import Any, NamedTuple
from uuid import UUID, uuid4

from django.db import (
    DEFAULT_DB_ALIAS,
    IntegrityError,
    InterfaceError,
    OperationalError,
    connection,
    connections,
    transaction,
)
from django.db.models import Field, Model
from django.utils import timezone

from ..models import ChatFeedback, ChatMessage, ChatSession, ChatWorker
from ..wire.protocol import UNSTORABLE
from .batches import Batch, SessionChanges


def _storable(value: Any) -> Any:
    """Returns value with every string's unstorable characters replaced by U+FFFD."""
    if isinstance(value, str):
        return UNSTORABLE.sub("\ufffd", value)
    if isinstance(value, dict):
        return {_storable(key): _storable(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_storable(item) for item in value]
    return value


MESSAGE_ID_LENGTH = ChatMessage._meta.get_field("message_id").max_length or 64
AUTHOR_LENGTH = ChatMessage._meta.get_field("author").max_length or 150


def storable(batch: Batch) -> Batch:
    """Returns a copy of batch whose text any database keeps: unstorable characters
    replaced, names and ids cut to their column's length."""
    return Batch(
        messages=[
            message._replace(
                message_id=_storable(message.message_id)[:MESSAGE_ID_LENGTH],
                author=_storable(message.author)[:AUTHOR_LENGTH],
                content=_storable(message.content),
                meta=_storable(message.meta),
            )
            for message in batch.messages
        ],
        edits=[
            edit._replace(
                message_id=_storable(edit.message_id),
                content=None if edit.content is None else _storable(edit.content),
                meta=_storable(edit.meta),
            )
            for edit in batch.edits
        ],
        session=SessionChanges(**_storable(batch.session.changed())),
        maybe_written=batch.maybe_written,
    )


def insert_sessions(rows: list[ChatSession]) -> list[Exception | None]:
    """Inserts new session rows in one transaction; returns each row's error, or None.

    If the database refuses the batch for one row's sake (its owner was deleted a moment
    ago, say), the rows are inserted one by one, so that only that row fails. Any other
    error (the database cannot be reached) is raised: every row failed.
    """
    record_alive_once()
    try:
        with transaction.atomic():
            ChatSession.objects.bulk_create(rows)
    except IntegrityError:
        if len(rows) == 1:
            raise
    else:
        return [None] * len(rows)
    errors: list[Exception | None] = []
    for row in rows:
        try:
            with transaction.atomic():
                row.save(force_insert=True)
        except IntegrityError as error:
            errors.append(error)
        else:
            errors.append(None)
    return errors


_this_worker: ChatWorker | None = None


def this_worker() -> ChatWorker:
    """Returns this process's worker row (unsaved until its first heartbeat); a process
    forked from another gets its own."""
    global _this_worker
    if _this_worker is None or _this_worker.pid != os.getpid():
        now = timezone.now()
        _this_worker = ChatWorker(
            id=uuid4(), host=socket.gethostname()[:255], pid=os.getpid(), started_at=now, heartbeat_at=now
        )
    return _this_worker


_recorded_in: int | None = None


def record_alive_once() -> None:
    """Records this process's first heartbeat before its first chat is written: a holder
    with no recent beat looks dead, and its chats orphaned, to every other worker (its
    heartbeat loop first beats a whole HEARTBEAT_SECONDS after it starts)."""
    global _recorded_in
    if _recorded_in != os.getpid():
        beat(this_worker())
        _recorded_in = os.getpid()


class ClaimState(NamedTuple):
    """What a resume checks of a chat's row before it asks the chat's holder to let go."""

    owner_id: Any
    app: str
    status: str
    holder_epoch: int


def claim_state(session_id: str) -> ClaimState | None:
    """The chat's owner, app, status and claim epoch; None if it has no row."""
    with connection.cursor() as cursor:
        sql = _session_select_sql(connection.vendor, ClaimState._fields)
        cursor.execute(sql, [_session_id_value(session_id)])
        found = cursor.fetchone()
    if found is None:
        return None
    owner_id, app, status, epoch = found
    # As the ORM would give it: a UUID primary key of the user model is text on SQLite.
    return ClaimState(_field(ChatSession, "owner").to_python(owner_id), app, status, epoch)


@dataclass
class TakenOver:
    """A chat this worker has just claimed: its row as claimed (its owner not read), the
    next free message sequence, and its last message (its root_message), if any."""

    row: ChatSession
    next_sequence: int
    last_message: ChatMessage | None


class NotTaken(Enum):
    """Why take_over claimed nothing."""

    ENDED = "ended"  # ended (and not to be reopened), or deleted
    CLAIMED = "claimed"  # another worker claimed it since seen_epoch


def take_over(session_id: str, seen_epoch: int, holder: UUID, reopen: bool = False) -> TakenOver | NotTaken:
    """Claims the chat for the worker holder, if nobody claimed it since seen_epoch (an
    ended chat only if reopen, and then it is live again), and reads what rebuilding it
    needs: one trip to the database, where a storm of resumes queues on one thread. In
    SQL: compiling its three ORM queries cost more than running them."""
    session = _session_id_value(session_id)
    live, ended = ChatSession.Status.LIVE.value, ChatSession.Status.ENDED.value
    holder_value = _field(ChatSession, "holder").get_db_prep_value(holder, connection)
    params = [seen_epoch + 1, live, holder_value, session, seen_epoch] + ([] if reopen else [ended])
    record_alive_once()
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(_claim_sql(connection.vendor, reopen), params)
            claimed = cursor.rowcount == 1
        row_sql = _session_select_sql(connection.vendor, _SESSION_FIELDS)
        rows = list(ChatSession.objects.raw(row_sql, [session]))
        if not rows:
            return NotTaken.ENDED
        row = rows[0]
        if not claimed:
            if row.status == ended and not reopen:
                return NotTaken.ENDED
            return NotTaken.CLAIMED
        newest = latest_messages(session_id, None, 1)
        last = newest[0] if newest else None
    return TakenOver(row, (last.sequence if last else 0) + 1, last)


#: Every column of a chat's row, for a row read in SQL.
_SESSION_FIELDS = tuple(field.attname for field in ChatSession._meta.concrete_fields)


def _session_id_value(session_id: str) -> Any:
    return _field(ChatSession, "id").get_db_prep_value(UUID(session_id), connection)


def latest_messages(session_id: Any, before: int | None, limit: int) -> list[ChatMessage]:
    """The chat's last limit messages before sequence number before (all of them if
    None), newest first. In SQL: every resume reads them, and compiling the ORM query
    cost four times what running it did."""
    value = _field(ChatMessage, "session").get_db_prep_value(session_id, connection)
    params = [value, limit] if before is None else [value, before, limit]
    return list(ChatMessage.objects.raw(_latest_messages_sql(connection.vendor, before is not None), params))


def feedback_on(session_id: Any, message_ids: list[str], user: Any) -> list[tuple[str, int, str]]:
    """The user's feedback (message id, value, comment) on those messages of the chat;
    an anonymous user's is the feedback given without a user."""
    session = _field(ChatFeedback, "session").get_db_prep_value(session_id, connection)
    user_id = getattr(user, "pk", None)
    if user_id is None:
        params = [session, *message_ids]
    else:  # in the backend's form, as the session's: a UUID user key is text on SQLite
        params = [session, _field(ChatFeedback, "user").get_db_prep_value(user_id, connection), *message_ids]
    with connection.cursor() as cursor:
        cursor.execute(_feedback_sql(connection.vendor, len(message_ids), user_id is not None), params)
        return [(message_id, value, comment) for message_id, value, comment in cursor.fetchall()]


def beat(worker: ChatWorker) -> None:
    """Records that the worker is alive now."""
    worker.heartbeat_at = timezone.now()
    ChatWorker.objects.update_or_create(
        pk=worker.pk,
        defaults={"heartbeat_at": worker.heartbeat_at},
        create_defaults={
            "host": worker.host,
            "pid": worker.pid,
            "started_at": worker.started_at,
            "heartbeat_at": worker.heartbeat_at,
        },
    )


def orphans(lease_seconds: float, grace_seconds: float, limit: int = 100) -> list[str]:
    """Returns chats not ended whose worker has missed its heartbeats for lease_seconds,
    idle for grace_seconds: nobody will end them, nor, it seems, resume them."""
    now = timezone.now()
    alive = ChatWorker.objects.filter(heartbeat_at__gte=now - timedelta(seconds=lease_seconds))
    rows = (
        ChatSession.objects.exclude(status=ChatSession.Status.ENDED)
        .filter(last_activity_at__lt=now - timedelta(seconds=grace_seconds))
        .exclude(holder__in=alive.values("pk"))
        .values_list("id", flat=True)[:limit]
    )
    return [str(session_id) for session_id in rows]


def forget_dead_workers(older_than_seconds: float) -> None:
    """Deletes the rows of workers silent for so long that no chat can wait for them."""
    cutoff = timezone.now() - timedelta(seconds=older_than_seconds)
    ChatWorker.objects.filter(heartbeat_at__lt=cutoff).delete()


def holds(session_id: str, epoch: int) -> bool:
    """Tells whether this process may end the chat: its claim epoch is still the chat's
    current one, or the row is gone (deleted with its user, say), so nobody else holds it."""
    current = ChatSession.objects.filter(pk=session_id).values_list("holder_epoch", flat=True).first()
    return current is None or current == epoch


_MESSAGE_COLUMNS = ("session", "sequence", "message_id", "role", "author", "content", "created_at", "meta")


#: Errors that say the database cannot be reached now, rather than that it refused a value.
OUTAGE_ERRORS = (OperationalError, InterfaceError)


@dataclass
class WriteOutcome:
    """What write_batches did beyond writing: which chats it skipped or changed, and why."""

    # Chats another process has claimed since: their batches are not written.
    superseded: set[str] = field(default_factory=set)
    # Chats whose row is gone (deleted in the admin, or with its user): nothing to write.
    deleted: set[str] = field(default_factory=set)
    # Chats whose batch the database refused until its unstorable text was replaced.
    repaired: dict[str, str] = field(default_factory=dict)
    # Chats whose batch the database refused even then: it is dropped, the chat goes on.
    refused: dict[str, str] = field(default_factory=dict)


def write_batches(items: list[tuple[str, int, Batch]], now: datetime) -> WriteOutcome:
    """Writes the batches of several chats in one transaction, so a reader never sees half
    of one, and returns what it skipped or changed.

    A batch the database refuses (text it cannot store, a value too long) must not stop
    the other chats' writes: then every chat is written again in a savepoint of its own,
    and the refused one once more with its text made storable. Errors that say the
    database is unreachable are raised, with nothing written.

    This runs for every chat at every write delay, so it speaks SQL through executemany
    (and COPY, on PostgreSQL) rather than building an ORM query per row.
    """
    try:
        with transaction.atomic():
            outcome, current = _claimed(items)
            _write_rows(current, now)
            return outcome
    except OUTAGE_ERRORS:
        raise
    except Exception:
        pass  # one chat's batch was refused; find out which, below
    with transaction.atomic():
        outcome, current = _claimed(items)
        for session_id, batch in current:
            errors = []
            for attempt in (batch, storable(batch)):
                try:
                    with transaction.atomic():
                        _write_rows([(session_id, attempt)], now)
                    break
                except OUTAGE_ERRORS:
                    raise
                except Exception as error:
                    errors.append(f"{type(error).__name__}: {error}")
            if len(errors) == 1:
                outcome.repaired[session_id] = errors[0]
            elif errors:
                outcome.refused[session_id] = "; then ".join(errors)
    return outcome


def _claimed(items: list[tuple[str, int, Batch]]) -> tuple[WriteOutcome, list[tuple[str, Batch]]]:
    """Returns the batches of the chats this process still holds; the others are superseded."""
    epochs = _epochs([session_id for session_id, _, _ in items])
    outcome = WriteOutcome()
    current = []
    for session_id, epoch, batch in items:
        found = epochs.get(UUID(session_id))
        if found is None:
            outcome.deleted.add(session_id)
        elif found != epoch:
            outcome.superseded.add(session_id)
        else:
            current.append((session_id, batch))
    return outcome, current


def _epochs(session_ids: list[str]) -> dict[UUID, int]:
    """The claim epochs of those chats that still have a row, by id; the rows are locked
    (on PostgreSQL) so that no claim slips in between this read and the writes. In SQL:
    as an ORM query, its compilation cost more than the rest of a write of one chat."""
    id_field = _field(ChatSession, "id")
    values = [id_field.get_db_prep_value(UUID(session_id), connection) for session_id in session_ids]
    epochs: dict[UUID, int] = {}
    with connection.cursor() as cursor:
        # At most 500 ids to a query: SQLite takes at most 999 parameters to a statement.
        for start in range(0, len(values), 500):
            chunk = values[start : start + 500]
            cursor.execute(_epochs_sql(connection.vendor, len(chunk)), chunk)
            for found_id, epoch in cursor.fetchall():
                epochs[found_id if isinstance(found_id, UUID) else UUID(found_id)] = epoch
    return epochs


def _write_rows(current: list[tuple[str, Batch]], now: datetime) -> None:
    with connection.cursor() as cursor:
        _update_sessions(cursor, current, now)
        _insert_messages(cursor, current)
    for session_id, batch in current:
        for edit in batch.edits:
            rows = ChatMessage.objects.filter(session_id=UUID(session_id), message_id=edit.message_id)
            if edit.removed:
                rows.delete()
                continue
            meta = edit.meta
            if meta is not None and edit.merge:  # rare: a message's buttons changed
                meta = {**(rows.values_list("meta", flat=True).first() or {}), **meta}
            changes = {"content": edit.content, "meta": meta}
            if changed := {name: value for name, value in changes.items() if value is not None}:
                rows.update(**changed)


def _field(model: type[Model], name: str) -> Field[Any, Any]:
    field = model._meta.get_field(name)
    assert isinstance(field, Field)
    return field


def _column(field: Field[Any, Any]) -> str:
    return connection.ops.quote_name(str(field.column))


# The SQL of the statements on the per-message and per-resume paths, built once per
# database vendor and shape (the fields an update changes, say), not once per call.


def _quoted_table(model: type[Model]) -> str:
    return connection.ops.quote_name(model._meta.db_table)


@cache
def _session_select_sql(vendor: str, names: tuple[str, ...]) -> str:
    """Selects the named fields of one chat's row, by id."""
    columns = ", ".join(_column(_field(ChatSession, name)) for name in names)
    where = f"{_column(_field(ChatSession, 'id'))} = %s"
    return f"SELECT {columns} FROM {_quoted_table(ChatSession)} WHERE {where}"


@cache
def _claim_sql(vendor: str, reopen: bool) -> str:
    epoch, status, holder, ended_at, session_id = (
        _column(_field(ChatSession, name)) for name in ("holder_epoch", "status", "holder", "ended_at", "id")
    )
    not_ended = "" if reopen else f" AND {status} <> %s"
    claim = f"{epoch} = %s, {status} = %s, {holder} = %s, {ended_at} = NULL"
    where = f"{session_id} = %s AND {epoch} = %s{not_ended}"
    return f"UPDATE {_quoted_table(ChatSession)} SET {claim} WHERE {where}"


@cache
def _latest_messages_sql(vendor: str, before: bool) -> str:
    columns = ", ".join(_column(field) for field in ChatMessage._meta.concrete_fields)
    session, sequence = _column(_field(ChatMessage, "session")), _column(_field(ChatMessage, "sequence"))
    older = f" AND {sequence} < %s" if before else ""
    return (
        f"SELECT {columns} FROM {_quoted_table(ChatMessage)} WHERE {session} = %s{older}"
        f" ORDER BY {sequence} DESC LIMIT %s"
    )


@cache
def _feedback_sql(vendor: str, count: int, by_user: bool) -> str:
    message_id, value, comment, session, user = (
        _column(_field(ChatFeedback, name)) for name in ("message_id", "value", "comment", "session", "user")
    )
    whose = f"{user} = %s" if by_user else f"{user} IS NULL"
    marks = ", ".join(["%s"] * count)
    return (
        f"SELECT {message_id}, {value}, {comment} FROM {_quoted_table(ChatFeedback)}"
        f" WHERE {session} = %s AND {whose} AND {message_id} IN ({marks})"
    )


@cache
def _epochs_sql(vendor: str, count: int) -> str:
    lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
    session_id, epoch = _column(_field(ChatSession, "id")), _column(_field(ChatSession, "holder_epoch"))
    marks = ", ".join(["%s"] * count)
    table = _quoted_table(ChatSession)
    return f"SELECT {session_id}, {epoch} FROM {table} WHERE {session_id} IN ({marks}){lock}"


@cache
def _update_sql(vendor: str, names: tuple[str, ...]) -> str:
    assignments = ", ".join(f"{_column(_field(ChatSession, name))} = %s" for name in names)
    where = f"{_column(_field(ChatSession, 'id'))} = %s"
    return f"UPDATE {_quoted_table(ChatSession)} SET {assignments} WHERE {where}"


@cache
def _insert_sql(vendor: str, unless_there: bool = False) -> str:
    columns = ", ".join(_column(_field(ChatMessage, name)) for name in _MESSAGE_COLUMNS)
    placeholders = ", ".join(["%s"] * len(_MESSAGE_COLUMNS))
    insert = f"INSERT INTO {_quoted_table(ChatMessage)} ({columns}) VALUES ({placeholders})"
    if not unless_there:
        return insert
    unique = ", ".join(_column(_field(ChatMessage, name)) for name in ("session", "sequence"))
    return f"{insert} ON CONFLICT ({unique}) DO NOTHING"


@cache
def _copy_sql(vendor: str) -> str:
    columns = ", ".join(_column(_field(ChatMessage, name)) for name in _MESSAGE_COLUMNS)
    return f"COPY {_quoted_table(ChatMessage)} ({columns}) FROM STDIN"


def _update_sessions(cursor: Any, current: list[tuple[str, Batch]], now: datetime) -> None:
    """One executemany per set of changed fields (most batches change the same few)."""
    groups: dict[tuple[str, ...], list[list[Any]]] = {}
    for session_id, batch in current:
        # SessionChanges names its values after the ChatSession fields they go to.
        changed = batch.session.changed()
        names = (*sorted(changed), "last_activity_at")
        values = {**changed, "last_activity_at": now}
        row = [_field(ChatSession, name).get_db_prep_save(values[name], connection) for name in names]
        row.append(_field(ChatSession, "id").get_db_prep_save(UUID(session_id), connection))
        groups.setdefault(names, []).append(row)
    for names, rows in groups.items():
        cursor.executemany(_update_sql(connection.vendor, names), rows)


def _insert_messages(cursor: Any, current: list[tuple[str, Batch]]) -> None:
    if not any(batch.messages for _, batch in current):
        return
    fields = [_field(ChatMessage, name) for name in _MESSAGE_COLUMNS]
    # Per row, only the session id and the time need the backend's own form; the text and
    # number columns go as they are. (This runs once per message written.)
    db = connections[DEFAULT_DB_ALIAS]
    session_field, time_field, meta_field = fields[0], fields[-2], fields[-1]
    rows: list[list[Any]] = []
    maybe_there: list[list[Any]] = []
    for session_id, batch in current:
        session_value = session_field.get_db_prep_save(UUID(session_id), db)
        into = maybe_there if batch.maybe_written else rows
        for message in batch.messages:
            into.append(
                [
                    session_value,
                    message.sequence,
                    message.message_id,
                    message.role,
                    message.author,
                    message.content,
                    time_field.get_db_prep_save(message.created_at, db),
                    None if message.meta is None else meta_field.get_db_prep_save(message.meta, db),
                ]
            )
    if rows and connection.vendor == "postgresql" and hasattr(cursor.cursor, "copy"):  # psycopg 3
        # COPY costs this process a fifth of the CPU of one INSERT per row.
        with cursor.cursor.copy(_copy_sql(connection.vendor)) as copy:
            for row in rows:
                copy.write_row(row)
    elif rows:
        cursor.executemany(_insert_sql(connection.vendor), rows)
    if maybe_there:
        # A write of these was cancelled and may have committed (writer.Writer._write_now):
        # a message already there is this very one. Nobody else writes this chat's
        # sequence numbers: another process's claim supersedes this one's epoch.
        cursor.executemany(_insert_sql(connection.vendor, unless_there=True), maybe_there)
