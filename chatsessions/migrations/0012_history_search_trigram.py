# Written by hand: an index of PostgreSQL's alone, which the models do not describe.
"""On PostgreSQL, a trigram index under the history's search, so that finding a word in
a user's messages reads the index instead of every message (storage/history.py:
newest_found). Its expression is the one Django's case-insensitive `icontains` compares,
UPPER(content). Built CONCURRENTLY, outside a transaction, so that a deploy onto a
large table does not stop the chats' writes while it builds. Other databases get
nothing: their search reads the messages, as before.

pg_trgm ships with PostgreSQL and is a trusted extension (PostgreSQL 13 and newer): the
database's owner may create it. Where it cannot be created, the migration says so and
goes on; the search stays correct, only slower (docs/deployment.md)."""

import sys

from django.db import DatabaseError, migrations

INDEX = "chatmessage_content_trgm"


def create_index(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return
    table = connection.ops.quote_name(apps.get_model("chatsessions", "ChatMessage")._meta.db_table)
    with connection.cursor() as cursor:
        try:
            cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        except DatabaseError as error:
            sys.stderr.write(
                f"\n  chatsessions: no trigram index for the history's search ({error}).\n"
                "  Run CREATE EXTENSION pg_trgm; as a superuser in this database, then\n"
                "  migrate chatsessions 0011 and migrate again. The search works without it.\n"
            )
            return
        cursor.execute(
            f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {INDEX} ON {table} USING gin (UPPER(content) gin_trgm_ops)"
        )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("chatsessions", "0011_system_messages"),
    ]

    operations = [
        migrations.RunPython(create_index, drop_index, elidable=False),
    ]
