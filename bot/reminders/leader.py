"""Who ticks: one scheduler among replicas sharing a database.

On PostgreSQL a session advisory lock held on a dedicated connection: it is released the moment
the leader's connection closes (stop, crash, network loss), and a stand-by's next try wins it.
Elsewhere (SQLite) a lease row with an expiry the leader renews on each tick.
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid

from sqlalchemy import Connection, Engine, insert, text, update
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from bot.reminders.ledger import lease, utcnow

log = logging.getLogger(__name__)
LOCK_ID = 0x1A5EC7  # pg advisory lock key for "inspection reminders"


class Leadership:
    def __init__(self, engine: Engine, *, name: str = "reminders", lease_seconds: int = 600,
                 holder: str | None = None):
        self.engine = engine
        self.name = name
        self.lease = dt.timedelta(seconds=lease_seconds)
        self.holder = holder or uuid.uuid4().hex
        self._conn: Connection | None = None

    @property
    def postgres(self) -> bool:
        return self.engine.dialect.name == "postgresql"

    def acquire(self) -> bool:
        """True when this process leads (now or still); cheap to call on every tick."""
        return self._pg_acquire() if self.postgres else self._lease_acquire()

    def release(self) -> None:
        if self.postgres:
            if self._conn is not None:
                try:
                    self._conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": LOCK_ID})
                    self._conn.commit()
                except SQLAlchemyError:
                    pass
                finally:
                    self._conn.close()
                    self._conn = None
            return
        with self.engine.begin() as c:
            c.execute(update(lease).where(lease.c.name == self.name,
                                          lease.c.holder == self.holder)
                      .values(expires_at=dt.datetime(1970, 1, 1, tzinfo=dt.UTC)))

    # --- PostgreSQL ---------------------------------------------------------------------
    def _pg_acquire(self) -> bool:
        if self._conn is not None:
            try:
                self._conn.execute(text("SELECT 1"))
                self._conn.commit()
                return True
            except SQLAlchemyError:
                log.warning("lost the reminders leader connection; trying again")
                self._conn.invalidate()
                self._conn = None
        conn = self.engine.connect()
        got = conn.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": LOCK_ID}).scalar()
        conn.commit()
        if got:
            self._conn = conn
            log.info("this process now sends reminders (advisory lock %s)", LOCK_ID)
            return True
        conn.close()
        return False

    # --- a lease row (SQLite and others) -------------------------------------------------
    def _lease_acquire(self) -> bool:
        now = utcnow()
        with self.engine.begin() as c:
            r = c.execute(update(lease).where(
                lease.c.name == self.name,
                (lease.c.holder == self.holder) | (lease.c.expires_at < now))
                .values(holder=self.holder, expires_at=now + self.lease))
            if r.rowcount == 1:
                return True
        try:
            with self.engine.begin() as c:
                c.execute(insert(lease).values(name=self.name, holder=self.holder,
                                               expires_at=now + self.lease))
            return True
        except IntegrityError:
            return False
