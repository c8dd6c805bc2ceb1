"""The ledger's schema: Alembic migrations (bot/reminders/migrations/), run under a lock.

`upgrade` is what `inspection-bot db upgrade`, `serve` and `remind` run at start. Several
processes may start at once on a new database (replicas, a cron `remind` beside `serve`): the
first takes the lock and migrates, the others wait for it and then find nothing to do.
- PostgreSQL: a transaction-scoped advisory lock; the DDL runs in the same transaction, so a
  migration that fails leaves nothing half done.
- SQLite: an exclusive lock on a file beside the database (`<db>.migrate.lock`).

`check` refuses a database migrated by a newer version of the bot (a revision this version
does not know), rather than writing to a schema it does not understand.
"""

from __future__ import annotations

import contextlib
import fcntl
import functools
import logging
from collections.abc import Iterator
from pathlib import Path

from sqlalchemy import Connection, Engine, inspect, text

from bot.errors import BotError

log = logging.getLogger(__name__)
VERSION_TABLE = "reminder_schema_version"
MIGRATIONS = Path(__file__).resolve().parent / "migrations"
MIGRATE_LOCK_ID = 0x1A5EC8  # pg advisory lock key for "migrating the reminders ledger"
TABLES = ("reminder_ledger", "reminder_lease", VERSION_TABLE)


def _config(connection: Connection | None = None):
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["connection"] = connection
    return cfg


@functools.cache  # the files do not change while the process runs
def _script():
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(_config())


def head() -> str:
    rev = _script().get_current_head()
    assert rev is not None
    return rev


def known() -> set[str]:
    return {s.revision for s in _script().walk_revisions()}


def current(connection: Connection) -> str | None:
    from alembic.runtime.migration import MigrationContext

    ctx = MigrationContext.configure(connection, opts={"version_table": VERSION_TABLE})
    return ctx.get_current_revision()


@contextlib.contextmanager
def _exclusive(engine: Engine) -> Iterator[Connection]:
    """A connection inside a transaction that no other migrating process shares."""
    if engine.dialect.name == "postgresql":
        with engine.connect() as conn:
            conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": MIGRATE_LOCK_ID})
            yield conn
            conn.commit()
        return
    database = engine.url.database
    if not database or database == ":memory:":
        with engine.connect() as conn:
            yield conn
            conn.commit()
        return
    with open(f"{database}.migrate.lock", "a+b") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes, or the process dies
        try:
            with engine.connect() as conn:
                yield conn
                conn.commit()
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def check(engine: Engine) -> str | None:
    """The database's revision (None for a new one); BotError when it is newer than this
    version of the bot knows."""
    with engine.connect() as conn:
        rev = current(conn)
    if rev is not None and rev not in known():
        raise BotError(f"the reminders ledger's schema is at revision {rev}, which this version "
                       f"of inspection-bot does not know (it knows up to {head()}): it was "
                       "upgraded by a newer version. Run that version, or restore a backup.")
    return rev


def upgrade(engine: Engine) -> tuple[str | None, str]:
    """Create or upgrade the ledger to the newest revision; (revision before, after)."""
    from alembic import command

    if check(engine) == head():
        log.info("reminders ledger schema at revision %s (the newest)", head())
        return head(), head()  # the usual start: nothing to do, no lock to wait for
    with _exclusive(engine) as conn:
        before = current(conn)
        if before != head():
            command.upgrade(_config(conn), "head")
    after = head()
    if before != after:
        log.info("reminders ledger schema: %s -> %s", before or "new", after)
    return before, after


def drop(engine: Engine) -> None:
    """Drop the ledger's tables and version (tests and the benchmark start afresh)."""
    with engine.begin() as c:
        existing = set(inspect(c).get_table_names())
        for name in TABLES:
            if name in existing:
                c.execute(text(f"DROP TABLE {name}"))
