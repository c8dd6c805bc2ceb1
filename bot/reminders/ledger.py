"""The reminders ledger: one row per (item, milestone, deadline version, destination).

Claim (insert pending) -> post -> confirm (sent + ts). The unique key makes a claim succeed
once, whoever asks; a claim left pending by a crash is settled by `reconcile` (sender.py) from
the channel itself, because every message carries its keys in Slack message metadata.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import (
    Column,
    DateTime,
    Engine,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    and_,
    create_engine,
    delete,
    insert,
    select,
    update,
)
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
    Column("channel", String(40)),  # where it was posted (a DM's channel for a user)
    Column("ts", String(40)),
    Column("error", Text),
    Column("attempts", Integer, nullable=False, default=1),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("item", "milestone", "version", "destination", name="uq_reminder_key"),
)

lease = Table(
    "reminder_lease", metadata,
    Column("name", String(40), primary_key=True),
    Column("holder", String(80), nullable=False),
    Column("expires_at", DateTime(timezone=True), nullable=False),
)


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def sqlalchemy_url(url: str) -> str:
    """postgresql:// (libpq style) -> postgresql+psycopg:// (the driver installed)."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def _where(key: Key):
    return and_(reminders.c.item == key.item, reminders.c.milestone == key.milestone,
                reminders.c.version == key.version, reminders.c.destination == key.destination)


@dataclass(frozen=True)
class Row:
    key: Key
    state: str
    channel: str | None
    ts: str | None
    error: str | None
    created_at: dt.datetime


class Ledger:
    def __init__(self, engine: Engine | str):
        if isinstance(engine, str):
            engine = create_engine(sqlalchemy_url(engine))
        self.engine = engine

    def create(self) -> Ledger:
        metadata.create_all(self.engine)
        return self

    # --- reading --------------------------------------------------------------------------
    def rows(self, state: str | None = None) -> list[Row]:
        q = select(reminders).order_by(reminders.c.id)
        if state:
            q = q.where(reminders.c.state == state)
        with self.engine.connect() as c:
            return [Row(Key(r.item, r.milestone, r.version, r.destination), r.state, r.channel,
                        r.ts, r.error, r.created_at) for r in c.execute(q)]

    def state(self) -> LedgerState:
        taken: set = set()
        versions: defaultdict = defaultdict(list)
        for row in self.rows():
            if row.state != "failed":
                taken.add(row.key)
            if row.state == "sent":
                seen = versions[(row.key.item, row.key.destination)]
                if row.key.version in seen:
                    seen.remove(row.key.version)
                seen.append(row.key.version)  # ordered by row id: the latest last
        return LedgerState(frozenset(taken), {k: tuple(v) for k, v in versions.items()})

    # --- claim, confirm, fail, release ----------------------------------------------------
    def claim(self, keys: list[Key], channel: str) -> list[Key]:
        """Claim each key (insert pending, or take back a failed one); return those won."""
        won = []
        for key in keys:
            now = utcnow()
            try:
                with self.engine.begin() as c:
                    c.execute(insert(reminders).values(
                        item=key.item, milestone=key.milestone, version=key.version,
                        destination=key.destination, state="pending", channel=channel,
                        attempts=1, created_at=now, updated_at=now))
                won.append(key)
            except IntegrityError:
                with self.engine.begin() as c:
                    r = c.execute(update(reminders)
                                  .where(_where(key), reminders.c.state == "failed")
                                  .values(state="pending", channel=channel, updated_at=now,
                                          created_at=now, attempts=reminders.c.attempts + 1))
                if r.rowcount == 1:
                    won.append(key)
        return won

    def _set(self, keys: list[Key], **values) -> None:
        with self.engine.begin() as c:
            for key in keys:
                c.execute(update(reminders).where(_where(key))
                          .values(updated_at=utcnow(), **values))

    def confirm(self, keys: list[Key], channel: str, ts: str) -> None:
        self._set(keys, state="sent", channel=channel, ts=ts, error=None)

    def fail(self, keys: list[Key], error: str) -> None:
        self._set(keys, state="failed", error=error)

    def release(self, keys: list[Key]) -> None:
        """Forget pending claims whose message never arrived, so the next tick posts them."""
        with self.engine.begin() as c:
            for key in keys:
                c.execute(delete(reminders).where(_where(key), reminders.c.state == "pending"))
