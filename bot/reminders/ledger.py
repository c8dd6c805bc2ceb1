"""The reminders ledger: one row per (item, milestone, deadline version, destination).

Claim (insert pending) -> post -> confirm (sent + ts). The unique key makes a claim succeed
once, whoever asks. One claim is one digest: its rows share a `digest` token, the message
carries that token in its Slack message metadata, and a claim left pending by a crash is
settled by `reconcile` (sender.py) from the channel itself.

Every operation on a digest is one transaction, whatever its size: a year of daily ticks over
43 forces writes about a million rows.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
import time
import uuid
from collections import defaultdict
from collections.abc import Iterable, Sequence, Set
from dataclasses import dataclass

from sqlalchemy import (
    Column,
    Connection,
    DateTime,
    Engine,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    and_,
    create_engine,
    delete,
    event,
    func,
    insert,
    literal,
    select,
    text,
    true,
    tuple_,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite

from bot.ask.milestones import Key, LedgerState
from bot.database import engine_url

metadata = MetaData()

reminders = Table(
    "reminder_ledger", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("item", String(200), nullable=False),
    Column("milestone", String(40), nullable=False),
    Column("version", String(20), nullable=False),  # the deadline date, ISO
    Column("destination", String(40), nullable=False),
    Column("state", String(10), nullable=False),  # pending | sent | failed
    Column("digest", String(32)),  # the claim (one message) that holds the row
    Column("channel", String(40)),  # where it was posted (a DM's channel for a user)
    Column("ts", String(40)),
    Column("error", Text),
    Column("attempts", Integer, nullable=False, default=1),
    Column("owner", String(80)),  # the tick (lock holder) that made the claim
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("item", "milestone", "version", "destination", name="uq_reminder_key"),
    Index("ix_reminder_digest", "digest"),
)
# Reconciliation looks for pending rows on every tick; there are few. A partial index keeps
# planners from using it for state = 'sent' (nearly every row).
_pending = reminders.c.state == "pending"
Index("ix_reminder_pending", reminders.c.state, sqlite_where=_pending, postgresql_where=_pending)
# Failed rows are read on every tick too (a failed milestone is folded into the next).
_failed = reminders.c.state == "failed"
Index("ix_reminder_failed", reminders.c.state, sqlite_where=_failed, postgresql_where=_failed)

lease = Table(
    "reminder_lease", metadata,
    Column("name", String(40), primary_key=True),
    Column("holder", String(80), nullable=False),
    Column("expires_at", DateTime(timezone=True), nullable=False),
)

KEY_COLUMNS = (reminders.c.item, reminders.c.milestone, reminders.c.version,
               reminders.c.destination)

# The keys a tick asks about, in a temporary table of the connection: joining it to the ledger
# uses the unique index on all four columns, where `(a, b, c, d) IN (...)` lists do not
# (SQLite then matched on the item alone: 3.2 s a tick at 300,000 rows, against 0.16 s).
# Its own MetaData: create_all must not make it a real table.
wanted = Table(
    "reminder_wanted", MetaData(),
    Column("item", String(200)), Column("milestone", String(40)), Column("version", String(20)),
    Column("destination", String(40)),
)
WANTED_DDL = ("CREATE TEMP TABLE IF NOT EXISTS reminder_wanted (item VARCHAR(200), "
              "milestone VARCHAR(40), version VARCHAR(20), destination VARCHAR(40))")


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def sqlite_wal(engine: Engine) -> Engine:
    """SQLite in write-ahead-log mode: readers (a `digest` preview in the Slack app) never wait
    for the scheduler's writes, and a commit costs one fsync instead of several. Commits stay
    synchronous (FULL), so a claim is on disk before its message is posted."""
    if engine.dialect.name == "sqlite" and engine.url.database not in (None, "", ":memory:"):
        @event.listens_for(engine, "connect")
        def _wal(dbapi_connection, _record) -> None:
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode")
            # WAL is a property of the file, set once; two processes opening a new file at
            # once may both try, and SQLite then answers "locked" at once, without waiting
            for _ in range(100):
                if cursor.fetchone()[0].lower() == "wal":
                    break
                try:
                    cursor.execute("PRAGMA journal_mode=WAL")
                except sqlite3.OperationalError:
                    time.sleep(0.05)
                    cursor.execute("PRAGMA journal_mode")
            cursor.execute("PRAGMA synchronous=FULL")
            cursor.close()
    return engine



def _fill_wanted(c: Connection, keys: Sequence[Key]) -> None:
    c.exec_driver_sql(WANTED_DDL)
    c.execute(delete(wanted))
    if not keys:
        return
    if c.dialect.name == "postgresql":  # one statement: psycopg sends executemany row by row
        columns = [list(col) for col in zip(*map(_parts, keys), strict=True)]
        c.execute(text("INSERT INTO reminder_wanted SELECT * FROM unnest(CAST(:a AS text[]), "
                       "CAST(:b AS text[]), CAST(:c AS text[]), CAST(:d AS text[]))"),
                  dict(zip("abcd", columns, strict=True)))
    elif c.dialect.name == "sqlite":  # the driver's executemany, as tuples: SQLAlchemy's own
        # work per row (a dict each, its parameters compiled) was a third of a tick's on the
        # first day at 43 forces (6,000 keys)
        c.exec_driver_sql("INSERT INTO reminder_wanted (item, milestone, version, destination)"
                          " VALUES (?, ?, ?, ?)", [_parts(k) for k in keys])
    else:
        c.execute(insert(wanted), [dict(zip(("item", "milestone", "version", "destination"),
                                            _parts(k), strict=True)) for k in keys])


def _same_key():
    return and_(*(col == wanted.c[col.name] for col in KEY_COLUMNS))


def _key(r) -> Key:
    return Key(r.item, r.milestone, r.version, r.destination)


@dataclass(frozen=True)
class Row:
    key: Key
    state: str
    channel: str | None
    ts: str | None
    error: str | None
    created_at: dt.datetime
    digest: str | None = None
    owner: str | None = None


@dataclass(frozen=True)
class Claim:
    """The keys one digest won, under the token its message will carry."""

    digest: str
    keys: list[Key]


class Ledger:
    def __init__(self, engine: Engine | str):
        if isinstance(engine, str):
            url = engine_url(engine)
            # several processes share a SQLite ledger (a cron `remind` beside `serve`): wait
            # for another's write rather than fail with "database is locked"
            args = {"timeout": 30} if url.startswith("sqlite") else {}
            engine = sqlite_wal(create_engine(url, connect_args=args))
        if engine.dialect.name not in ("sqlite", "postgresql"):
            raise ValueError(f"the reminders ledger runs on SQLite or PostgreSQL, not "
                             f"{engine.dialect.name} (check DATABASE_URL)")
        self.engine = engine
        self._sent: set[Key] = set()  # keys seen sent by the last state(keys)

    def create(self) -> Ledger:
        """Create or upgrade the tables (bot/reminders/migrate.py: safe to run concurrently)."""
        from sqlalchemy.exc import SQLAlchemyError

        from bot.errors import BotError
        from bot.reminders.migrate import upgrade

        try:
            upgrade(self.engine)
        except SQLAlchemyError as exc:
            where = self.engine.url.render_as_string(hide_password=True)
            raise BotError(f"cannot open the reminders ledger at {where}: "
                           f"{exc.__class__.__name__}: {str(exc).splitlines()[0]}. Check "
                           "DATABASE_URL (or DATA_DIR) and that the database is running.") from None
        return self

    # --- reading --------------------------------------------------------------------------
    def rows(self, state: str | None = None) -> list[Row]:
        q = select(reminders).order_by(reminders.c.id)
        if state:
            q = q.where(reminders.c.state == state)
        with self.engine.connect() as c:
            return [Row(_key(r), r.state, r.channel, r.ts, r.error, _aware(r.created_at),
                        r.digest, r.owner) for r in c.execute(q)]

    def failed(self) -> frozenset[Key]:
        """Every key whose delivery failed (few: they are retried, or folded into the next
        milestone, and then sent)."""
        with self.engine.connect() as c:
            return frozenset(_key(r) for r in c.execute(select(*KEY_COLUMNS).where(_failed)))

    def state(self, keys: Iterable[Key] | None = None) -> LedgerState:
        """What due_posts needs: the keys taken (sent or pending) and the deadline versions
        sent per (item, destination). Given `keys` (this tick's candidates), only the rows
        that bear on them are read: not those already seen sent, and versions only for keys
        not yet taken. A tick costs about the same in year five as on day one, and reads
        little more than what came due since the last one."""
        if keys is None:
            with self.engine.connect() as c:
                taken_rows = c.execute(select(*KEY_COLUMNS).where(reminders.c.state != "failed"))
                taken = frozenset(_key(r) for r in taken_rows)
                sent = c.execute(self._versions_query()).all()
                failed = frozenset(_key(r) for r in c.execute(select(*KEY_COLUMNS)
                                                              .where(_failed)))
            return LedgerState(taken, _versions(sent), failed)
        keys = list(dict.fromkeys(keys))  # unique, in order (sorting Keys costs more)
        known = self._sent & set(keys)
        unknown = [k for k in keys if k not in known]
        with self.engine.begin() as c:  # begin: the lookup table is written
            _fill_wanted(c, unknown)
            rows = c.execute(select(*KEY_COLUMNS, reminders.c.state).join(wanted, _same_key())
                             .where(reminders.c.state != "failed")).all()
            taken_now = known | {_key(r) for r in rows}
            # versions matter only for what goes out now (to show a moved date)
            _fill_wanted(c, [k for k in unknown if k not in taken_now])
            pairs = select(wanted.c.item, wanted.c.destination)  # an IN, not a join: see above
            sent = c.execute(self._versions_query().where(
                tuple_(reminders.c.item, reminders.c.destination).in_(pairs))).all()
            failed = frozenset(_key(r) for r in c.execute(select(*KEY_COLUMNS).where(_failed)))
        # A sent row never changes again, so it need not be read again; keep only what this
        # tick asked about (older milestones are never asked about again).
        self._sent = known | {_key(r) for r in rows if r.state == "sent"}
        return LedgerState(frozenset(taken_now), _versions(sent), failed)

    @property
    def seen_sent(self) -> Set[Key]:
        """The keys the last state(keys) found sent (a tick's Due drops them for good)."""
        return self._sent

    @staticmethod
    def _versions_query():
        last = func.max(reminders.c.id).label("last")
        return (select(reminders.c.item, reminders.c.destination, reminders.c.version, last)
                .where(reminders.c.state == "sent")
                .group_by(reminders.c.item, reminders.c.destination, reminders.c.version))

    # --- claim, confirm, fail, release ----------------------------------------------------
    def claim(self, keys: Sequence[Key], channel: str, owner: str | None = None) -> Claim:
        """Claim the keys for one message (insert pending, or take back failed ones), in one
        transaction; return the token and the keys won, in the order given. `owner` names
        the tick (its lock holder) that will post it."""
        token, now = uuid.uuid4().hex, utcnow()
        if not keys:
            return Claim(token, [])
        values = dict(state="pending", channel=channel, digest=token, created_at=now,
                      updated_at=now, owner=owner)
        with self.engine.begin() as c:
            _fill_wanted(c, keys)
            upsert = sqlite.insert if self.engine.dialect.name == "sqlite" else postgresql.insert
            names = ["item", "milestone", "version", "destination", *values, "attempts"]
            new = select(*wanted.c, *(literal(v, reminders.c[k].type) for k, v in values.items()),
                         literal(1)).where(true())  # WHERE: SQLite's ON CONFLICT needs one
            c.execute(upsert(reminders).from_select(names, new).on_conflict_do_nothing(
                index_elements=["item", "milestone", "version", "destination"]))
            c.execute(update(reminders)
                      .where(reminders.c.state == "failed",
                             select(wanted.c.item).where(_same_key()).exists())
                      .values(error=None, attempts=reminders.c.attempts + 1, **values))
            won = {_key(r) for r in c.execute(select(*KEY_COLUMNS)
                                              .where(reminders.c.digest == token))}
        return Claim(token, [k for k in keys if k in won])

    def _by_digest(self, digest: str | None, **values) -> None:
        with self.engine.begin() as c:
            c.execute(update(reminders).where(_of(digest), reminders.c.state == "pending")
                      .values(updated_at=utcnow(), **values))

    def confirm(self, digest: str | None, channel: str, ts: str) -> None:
        self._by_digest(digest, state="sent", channel=channel, ts=ts, error=None)

    def fail(self, digest: str | None, error: str) -> None:
        """The message is known not to be in Slack (refused, rate limited, never sent)."""
        self._by_digest(digest, state="failed", error=error)

    def unknown(self, digest: str | None, error: str) -> None:
        """The post's outcome is unknown (5xx, dropped, timed out): the claim stays pending,
        for reconcile to settle from the channel before anything is posted again."""
        self._by_digest(digest, error=f"outcome unknown: {error}")

    def release(self, digest: str | None) -> None:
        """Forget a claim whose message never arrived, so the next tick posts it again."""
        with self.engine.begin() as c:
            c.execute(delete(reminders).where(_of(digest), reminders.c.state == "pending"))


def _aware(when: dt.datetime) -> dt.datetime:
    """SQLite hands back naive datetimes; the ledger writes UTC."""
    return when if when.tzinfo else when.replace(tzinfo=dt.UTC)


def _of(digest: str | None):
    """The rows of one claim (None: rows from a ledger made before claims had tokens)."""
    return reminders.c.digest.is_(None) if digest is None else reminders.c.digest == digest


def _parts(k: Key) -> tuple[str, str, str, str]:
    return (k.item, k.milestone, k.version, k.destination)


def _versions(sent) -> dict[tuple[str, str], tuple[str, ...]]:
    """(item, destination) -> versions sent, oldest first (by the last row of each)."""
    out: defaultdict = defaultdict(list)
    for item, dest, version, _ in sorted(sent, key=lambda r: r[3]):
        out[(item, dest)].append(version)
    return {k: tuple(v) for k, v in out.items()}

