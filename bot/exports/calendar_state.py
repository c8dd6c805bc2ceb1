"""What the calendar feed has published before: one row per item (finding or part), so its UID
can stay the same when its deadline moves while SEQUENCE and LAST-MODIFIED rise.

RFC 5545 wants a calendar client to replace an event when the same UID comes with a higher
SEQUENCE. The feed is computed from content on every fetch, so the feed itself cannot know
what it said last time: this table remembers the version it published (the deadline date,
and whether the item was still live) and bumps the sequence when that changes. It lives in
the same database as the reminders ledger (SQLite by default, PostgreSQL via DATABASE_URL).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from sqlalchemy import (
    Column,
    DateTime,
    Engine,
    Integer,
    MetaData,
    String,
    Table,
    and_,
    create_engine,
    select,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite

metadata = MetaData()

items = Table(
    "calendar_items", metadata,
    Column("item", String(200), primary_key=True),
    Column("version", String(40), nullable=False),  # "2017-05-01" or "2017-05-01 closed"
    Column("sequence", Integer, nullable=False),
    Column("modified", DateTime(timezone=True), nullable=False),
)


def _url(url: str) -> str:
    """postgresql:// (libpq style) -> postgresql+psycopg:// (the driver installed)."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


class CalendarState:
    def __init__(self, engine: Engine | str):
        self.engine = create_engine(_url(engine)) if isinstance(engine, str) else engine

    def create(self) -> CalendarState:
        metadata.create_all(self.engine)
        return self

    def publish(self, versions: Mapping[str, str],
                now: dt.datetime) -> dict[str, tuple[int, dt.datetime]]:
        """Record the versions about to be published; (sequence, last modified) per item. A
        new item starts at 0; an item whose version changed gets sequence + 1 and `now`. One
        transaction, safe when two replicas publish at once (insert-if-absent, then a
        conditional update)."""
        dialect = postgresql if self.engine.dialect.name == "postgresql" else sqlite
        with self.engine.begin() as c:
            if versions:
                rows = [{"item": k, "version": v, "sequence": 0, "modified": now}
                        for k, v in versions.items()]
                c.execute(dialect.insert(items).values(rows).on_conflict_do_nothing())
            for item, version in versions.items():
                c.execute(update(items)
                          .where(and_(items.c.item == item, items.c.version != version))
                          .values(version=version, sequence=items.c.sequence + 1, modified=now))
            found = c.execute(select(items.c.item, items.c.sequence, items.c.modified)
                              .where(items.c.item.in_(list(versions)))).all()
        out = {}
        for item, seq, modified in found:
            if modified.tzinfo is None:  # SQLite keeps no zone: we always write UTC
                modified = modified.replace(tzinfo=dt.UTC)
            out[item] = (seq, modified)
        return out
