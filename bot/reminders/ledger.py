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
import uuid
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
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
    create_engine,
    delete,
    func,
    inspect,
    select,
    text,
    tuple_,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError

from .due import Key, LedgerState

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
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("item", "milestone", "version", "destination", name="uq_reminder_key"),
    Index("ix_reminder_digest", "digest"),
    Index("ix_reminder_state", "state"),
    Index("ix_reminder_item_versions", "item", "destination", "version"),
)

lease = Table(
    "reminder_lease", metadata,
    Column("name", String(40), primary_key=True),
    Column("holder", String(80), nullable=False),
    Column("expires_at", DateTime(timezone=True), nullable=False),
)

KEY_COLUMNS = (reminders.c.item, reminders.c.milestone, reminders.c.version,
               reminders.c.destination)
CHUNK = 400  # keys per IN (...) list: well under SQLite's bound-parameter limit


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def sqlalchemy_url(url: str) -> str:
    """postgresql:// (libpq style) -> postgresql+psycopg:// (the driver installed)."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def _chunks(seq: Sequence, size: int = CHUNK) -> Iterator[Sequence]:
    for i in range(0, len(seq), size):
        yield seq[i:i + size]


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


@dataclass(frozen=True)
class Claim:
    """The keys one digest won, under the token its message will carry."""

    digest: str
    keys: list[Key]


class Ledger:
    def __init__(self, engine: Engine | str):
        if isinstance(engine, str):
            engine = create_engine(sqlalchemy_url(engine))
        self.engine = engine

    def create(self) -> Ledger:
        metadata.create_all(self.engine)
        columns = {c["name"] for c in inspect(self.engine).get_columns("reminder_ledger")}
        if "digest" not in columns:  # a ledger made before digests had tokens (0.1 drafts)
            with self.engine.begin() as c:
                c.execute(text("ALTER TABLE reminder_ledger ADD COLUMN digest VARCHAR(32)"))
        return self

    # --- reading --------------------------------------------------------------------------
    def rows(self, state: str | None = None) -> list[Row]:
        q = select(reminders).order_by(reminders.c.id)
        if state:
            q = q.where(reminders.c.state == state)
        with self.engine.connect() as c:
            return [Row(_key(r), r.state, r.channel, r.ts, r.error, r.created_at, r.digest)
                    for r in c.execute(q)]

    def state(self, keys: Iterable[Key] | None = None) -> LedgerState:
        """What due_posts needs: the keys taken (sent or pending) and the deadline versions
        sent per (item, destination). Given `keys` (this tick's candidates), only the rows
        that bear on them are read (versions only for keys not yet taken), so a tick costs
        about the same in year five as on day one."""
        if keys is None:
            with self.engine.connect() as c:
                taken_rows = c.execute(select(*KEY_COLUMNS).where(reminders.c.state != "failed"))
                taken = frozenset(_key(r) for r in taken_rows)
                sent = c.execute(self._versions_query()).all()
            return LedgerState(taken, _versions(sent))
        wanted = sorted(set(keys))
        taken_set: set[Key] = set()
        sent = []
        with self.engine.connect() as c:
            for chunk in _chunks(wanted):
                q = select(*KEY_COLUMNS).where(
                    tuple_(*KEY_COLUMNS).in_([_parts(k) for k in chunk]),
                    reminders.c.state != "failed")
                taken_set.update(_key(r) for r in c.execute(q))
            # versions matter only for what goes out now (to show a moved date)
            pairs = sorted({(k.item, k.destination) for k in wanted if k not in taken_set})
            for chunk in _chunks(pairs):
                q = self._versions_query().where(
                    tuple_(reminders.c.item, reminders.c.destination).in_(list(chunk)))
                sent.extend(c.execute(q))
        return LedgerState(frozenset(taken_set), _versions(sent))

    @staticmethod
    def _versions_query():
        last = func.max(reminders.c.id).label("last")
        return (select(reminders.c.item, reminders.c.destination, reminders.c.version, last)
                .where(reminders.c.state == "sent")
                .group_by(reminders.c.item, reminders.c.destination, reminders.c.version))

    # --- claim, confirm, fail, release ----------------------------------------------------
    def claim(self, keys: Sequence[Key], channel: str) -> Claim:
        """Claim the keys for one message (insert pending, or take back failed ones), in one
        transaction; return the token and the keys won, in the order given."""
        token, now = uuid.uuid4().hex, utcnow()
        if not keys:
            return Claim(token, [])
        with self.engine.begin() as c:
            self._insert_new(c, keys, dict(state="pending", channel=channel, digest=token,
                                           attempts=1, created_at=now, updated_at=now))
            for chunk in _chunks(keys):
                c.execute(update(reminders)
                          .where(tuple_(*KEY_COLUMNS).in_([_parts(k) for k in chunk]),
                                 reminders.c.state == "failed")
                          .values(state="pending", channel=channel, digest=token, error=None,
                                  created_at=now, updated_at=now,
                                  attempts=reminders.c.attempts + 1))
            won = {_key(r) for r in c.execute(select(*KEY_COLUMNS)
                                              .where(reminders.c.digest == token))}
        return Claim(token, [k for k in keys if k in won])

    def _insert_new(self, c: Connection, keys: Sequence[Key], values: dict) -> None:
        rows = [dict(zip(("item", "milestone", "version", "destination"), _parts(k),
                         strict=True), **values) for k in keys]
        dialect = self.engine.dialect.name
        if dialect in ("sqlite", "postgresql"):
            insert = sqlite.insert if dialect == "sqlite" else postgresql.insert
            c.execute(insert(reminders).on_conflict_do_nothing(
                index_elements=["item", "milestone", "version", "destination"]), rows)
            return
        for row in rows:  # other databases: a savepoint per row
            try:
                with c.begin_nested():
                    c.execute(reminders.insert().values(**row))
            except IntegrityError:
                pass

    def _by_digest(self, digest: str | None, **values) -> None:
        with self.engine.begin() as c:
            c.execute(update(reminders).where(_of(digest), reminders.c.state == "pending")
                      .values(updated_at=utcnow(), **values))

    def confirm(self, digest: str | None, channel: str, ts: str) -> None:
        self._by_digest(digest, state="sent", channel=channel, ts=ts, error=None)

    def fail(self, digest: str | None, error: str) -> None:
        self._by_digest(digest, state="failed", error=error)

    def release(self, digest: str | None) -> None:
        """Forget a claim whose message never arrived, so the next tick posts it again."""
        with self.engine.begin() as c:
            c.execute(delete(reminders).where(_of(digest), reminders.c.state == "pending"))


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

