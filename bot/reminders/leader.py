"""One tick at a time: the lock every tick takes before it claims anything.

`serve` (every replica), its same-day retries and `inspection-bot remind` all take the same
lock for the length of one tick, so two ticks never claim or reconcile at once. A second tick
waits, trying again every `lock_retry_seconds`, and gives up after `lock_wait_seconds`.

- PostgreSQL: a session advisory lock held on a dedicated connection. It is released the
  moment its connection closes (the process stops, is killed, or loses the network), so a
  waiting replica takes over within one retry.
- SQLite: a lease row naming its holder (host, process id, a token) with an expiry that a
  heartbeat thread renews while the tick runs. It is free when released, when it expired
  (the holder hung or died elsewhere), or at once when its holder was a process on this host
  that is gone.

Whoever holds the lock knows that every other tick is over or dead: a pending claim it finds
belongs to nobody alive (reconcile in sender.py settles it from the channel). Before each post
the holder checks it still holds the lock (`check`), so a tick that lost it stops posting.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import os
import socket
import threading
import time
import uuid
from collections.abc import Iterator

from sqlalchemy import Connection, Engine, delete, insert, select, text, update
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from bot.reminders.ledger import lease, utcnow

log = logging.getLogger(__name__)
LOCK_ID = 0x1A5EC7  # pg advisory lock key for "inspection reminders"
LEASE_NAME = "reminders"


class LockBusy(Exception):
    """Another tick held the lock for longer than this one would wait."""

    def __init__(self, holder: str | None, waited: float):
        self.holder, self.waited = holder, waited
        who = f" ({describe(holder)})" if holder else ""
        super().__init__(f"another reminders tick{who} held the lock for {waited:.0f} s; "
                         "this one did not run")


def new_holder() -> str:
    return f"{socket.gethostname()[:40]}:{os.getpid()}:{uuid.uuid4().hex[:12]}"


def describe(holder: str) -> str:
    host, _, rest = holder.partition(":")
    pid = rest.partition(":")[0]
    return f"process {pid} on {host}" if pid else holder


def process_gone(holder: str) -> bool:
    """True when `holder` was a process on this host that no longer exists."""
    host, _, rest = holder.partition(":")
    pid_text = rest.partition(":")[0]
    if host != socket.gethostname()[:40] or not pid_text.isdigit():
        return False
    pid = int(pid_text)
    if pid == os.getpid():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


class TickLock:
    def __init__(self, engine: Engine, *, lease_seconds: float = 30.0,
                 retry_seconds: float = 2.0, holder: str | None = None):
        self.engine = engine
        self.lease = dt.timedelta(seconds=lease_seconds)
        self.retry_seconds = retry_seconds
        self.holder = holder or new_holder()
        self._conn: Connection | None = None
        self._held = False
        self._lost = threading.Event()
        self._stop_beat = threading.Event()
        self._beat: threading.Thread | None = None
        self._local = threading.Lock()  # ticks of one process queue here first
        self._renewed_at = 0.0  # time.monotonic() of the last renewal that reached the database

    @property
    def postgres(self) -> bool:
        return self.engine.dialect.name == "postgresql"

    @contextlib.contextmanager
    def held(self, wait: float) -> Iterator[TickLock]:
        """Hold the lock for one tick, waiting up to `wait` seconds; LockBusy otherwise."""
        start = time.monotonic()
        if not self._local.acquire(timeout=max(wait, 0.0)):
            raise LockBusy(self.holder, time.monotonic() - start)
        try:
            holder = None
            while True:
                got, holder = self.try_acquire()
                if got:
                    break
                waited = time.monotonic() - start
                if waited + self.retry_seconds > wait:
                    raise LockBusy(holder, waited)
                time.sleep(self.retry_seconds)
            if holder is not None and holder != self.holder:
                log.warning("took the reminders lock over from %s", describe(holder))
            try:
                yield self
            finally:
                self.release()
        finally:
            self._local.release()

    def try_acquire(self) -> tuple[bool, str | None]:
        """(won, the holder seen before): one try."""
        try:
            return self._pg_try() if self.postgres else self._lease_try()
        except SQLAlchemyError as exc:  # a busy or unreachable database: try again later
            log.warning("could not try the reminders lock: %s", exc)
            return False, None

    def check(self) -> bool:
        """Still the holder? Called before every post."""
        if not self._held or self._lost.is_set():
            return False
        if self.postgres:
            try:
                assert self._conn is not None
                self._conn.execute(text("SELECT 1"))
                self._conn.commit()
                return True
            except SQLAlchemyError:
                log.error("lost the reminders lock's connection; this tick stops posting")
                self._lost.set()
                return False
        return self._renew()

    def release(self) -> None:
        self._stop_beat.set()
        if self._beat is not None:
            self._beat.join(timeout=5)
            self._beat = None
        if self.postgres:
            if self._conn is not None:
                with contextlib.suppress(SQLAlchemyError):
                    self._conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": LOCK_ID})
                    self._conn.commit()
                with contextlib.suppress(SQLAlchemyError):
                    self._conn.close()
                self._conn = None
        elif self._held:
            with contextlib.suppress(SQLAlchemyError), self.engine.begin() as c:
                c.execute(delete(lease).where(lease.c.name == LEASE_NAME,
                                              lease.c.holder == self.holder))
        self._held = False

    # --- PostgreSQL ---------------------------------------------------------------------
    def _pg_try(self) -> tuple[bool, str | None]:
        conn = self.engine.connect()
        try:
            got = conn.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": LOCK_ID}).scalar()
            conn.commit()
        except SQLAlchemyError:
            conn.close()
            raise
        if not got:
            conn.close()
            return False, None
        self._conn, self._held = conn, True
        self._lost.clear()
        return True, None

    # --- a lease row (SQLite) -----------------------------------------------------------
    def _lease_try(self) -> tuple[bool, str | None]:
        now = utcnow()
        with self.engine.begin() as c:
            row = c.execute(select(lease).where(lease.c.name == LEASE_NAME)).first()
            if row is None:
                try:
                    c.execute(insert(lease).values(name=LEASE_NAME, holder=self.holder,
                                                   expires_at=now + self.lease))
                except IntegrityError:
                    return False, None
                return self._won(None)
            expires = row.expires_at if row.expires_at.tzinfo else row.expires_at.replace(
                tzinfo=dt.UTC)
            if row.holder != self.holder and expires > now and not process_gone(row.holder):
                return False, row.holder
            # compare-and-set: of two takers of one dead lease, one update matches
            r = c.execute(update(lease).where(lease.c.name == LEASE_NAME,
                                              lease.c.holder == row.holder)
                          .values(holder=self.holder, expires_at=now + self.lease))
            if r.rowcount != 1:
                return False, row.holder
        return self._won(row.holder)

    def _won(self, previous: str | None) -> tuple[bool, str | None]:
        self._held = True
        self._renewed_at = time.monotonic()
        self._lost.clear()
        self._stop_beat.clear()
        self._beat = threading.Thread(target=self._heartbeat, daemon=True,
                                      name="reminders-lease")
        self._beat.start()
        return True, previous

    def _renew(self) -> bool:
        try:
            with self.engine.begin() as c:
                r = c.execute(update(lease).where(lease.c.name == LEASE_NAME,
                                                  lease.c.holder == self.holder)
                              .values(expires_at=utcnow() + self.lease))
        except SQLAlchemyError as exc:
            # the database is busy or away: still ours until the lease would have run out
            log.warning("could not renew the reminders lease: %s", exc)
            if time.monotonic() - self._renewed_at >= self.lease.total_seconds():
                self._lost.set()
            return not self._lost.is_set()
        if r.rowcount != 1:
            log.error("the reminders lease was taken over; this tick stops posting")
            self._lost.set()
            return False
        self._renewed_at = time.monotonic()
        return True

    def _heartbeat(self) -> None:
        every = max(self.lease.total_seconds() / 3, 0.05)
        while not self._stop_beat.wait(every):
            if not self._renew():
                return
