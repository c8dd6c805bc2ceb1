"""What people asked in plain English, and their 👍 / 👎: so maintainers can fill gaps in the
content or the question reader (`inspection-bot questions`).

One row per question answered in Slack: when, the question as typed (no other message text),
the reading answered, the items cited, whether anything was found, and the vote. Rows older
than RETENTION_DAYS are pruned as new ones are written. The table is created with SQLAlchemy
metadata on first use (idempotent), in the same database as the reminders ledger.

Writing a row is off the answer's path: `record` hands it to one writer thread, which commits
what has queued in one transaction (a commit is an fsync; eight answers at once must not queue
behind eight of them). A vote or a listing first waits for the queue to drain, so it always
sees the questions recorded before it."""

from __future__ import annotations

import datetime as dt
import logging
import queue
import threading
import uuid
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    Engine,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    create_engine,
    delete,
    event,
    insert,
    or_,
    select,
    update,
)

from bot.database import engine_url

RETENTION_DAYS = 180
PRUNE_EVERY = dt.timedelta(hours=1)
log = logging.getLogger(__name__)
metadata = MetaData()
questions = Table(
    "asked_questions", metadata,
    Column("id", String(32), primary_key=True),
    Column("asked_at", DateTime(timezone=True), nullable=False, index=True),
    Column("question", Text, nullable=False),
    Column("reading", String(300), nullable=False, default=""),
    Column("items", Text, nullable=False, default=""),  # cited ids, comma-separated
    Column("answered", Boolean, nullable=False),
    Column("vote", Integer),  # +1, -1, or NULL (no vote)
    Column("voted_at", DateTime(timezone=True)),
)


@dataclass(frozen=True)
class Asked:
    id: str
    asked_at: dt.datetime
    question: str
    reading: str
    items: list[str]
    answered: bool
    vote: int | None


def _utc(value: dt.datetime) -> dt.datetime:
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def _wal(engine: Engine) -> Engine:
    """SQLite in write-ahead-log mode, so a listing never waits for the writer (as the
    reminders ledger does)."""
    if engine.dialect.name == "sqlite" and engine.url.database not in (None, "", ":memory:"):
        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_connection, _record) -> None:
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.close()
    return engine


class FeedbackStore:
    def __init__(self, url: str, *, engine: Engine | None = None) -> None:
        if engine is None:
            args: dict = {}
            if url.startswith("sqlite:///"):
                Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
                args = {"timeout": 15}  # answers on 8 threads may write at once: wait a turn
            engine = _wal(create_engine(engine_url(url), pool_pre_ping=True,
                                        connect_args=args))
        self.engine = engine
        self._ready = False
        self._lock = threading.Lock()
        self._queue: queue.Queue[dict] = queue.Queue()
        self._writer: threading.Thread | None = None
        self._pruned: dt.datetime | None = None

    def _setup(self) -> None:
        if not self._ready:
            with self._lock:
                if not self._ready:
                    metadata.create_all(self.engine, checkfirst=True)
                    self._ready = True

    def record(self, question: str, reading: str, items: list[str], answered: bool,
               now: dt.datetime) -> str:
        """Queue one question answered for writing; returns the token its vote buttons carry."""
        token = uuid.uuid4().hex
        self._queue.put(dict(id=token, asked_at=now, question=question[:2000],
                             reading=reading[:300], items=",".join(items)[:4000],
                             answered=answered))
        self._start_writer()
        return token

    def flush(self) -> None:
        """Wait until every queued question is written."""
        if self._writer is not None:
            self._queue.join()

    def _start_writer(self) -> None:
        if self._writer is None:
            with self._lock:
                if self._writer is None:
                    self._writer = threading.Thread(target=self._write_forever, daemon=True,
                                                    name="questions-writer")
                    self._writer.start()

    def _write_forever(self) -> None:
        while True:
            rows = [self._queue.get()]
            while True:  # everything queued meanwhile goes in the same transaction
                try:
                    rows.append(self._queue.get_nowait())
                except queue.Empty:
                    break
            try:
                self._write(rows)
            except Exception:  # a lost record must not stop the next ones
                log.exception("could not record %d question(s)", len(rows))
            finally:
                for _ in rows:
                    self._queue.task_done()

    def _write(self, rows: list[dict]) -> None:
        self._setup()
        newest = max(r["asked_at"] for r in rows)
        with self.engine.begin() as conn:
            conn.execute(insert(questions), rows)
            if self._pruned is None or newest - self._pruned >= PRUNE_EVERY:
                conn.execute(delete(questions).where(
                    questions.c.asked_at < newest - dt.timedelta(days=RETENTION_DAYS)))
                self._pruned = newest

    def vote(self, token: str, vote: int, now: dt.datetime) -> bool:
        """Record 👍 (+1) or 👎 (-1); a second vote replaces the first. False: unknown token."""
        self.flush()
        self._setup()
        with self.engine.begin() as conn:
            done = conn.execute(update(questions).where(questions.c.id == token[:32])
                                .values(vote=1 if vote > 0 else -1, voted_at=now))
        return bool(done.rowcount)

    def listing(self, *, since: dt.datetime | None = None, unanswered: bool = False
                ) -> list[Asked]:
        """Questions asked (newest first); `unanswered`: only those that found nothing or were
        voted down."""
        self.flush()
        self._setup()
        query = select(questions).order_by(questions.c.asked_at.desc())
        if since is not None:
            query = query.where(questions.c.asked_at >= since)
        if unanswered:
            query = query.where(or_(questions.c.answered.is_(False), questions.c.vote == -1))
        with self.engine.connect() as conn:
            rows = conn.execute(query).all()
        return [Asked(r.id, _utc(r.asked_at), r.question, r.reading,
                      [i for i in r.items.split(",") if i], bool(r.answered), r.vote)
                for r in rows]
