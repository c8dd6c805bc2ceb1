"""Database URLs as people write them, for SQLAlchemy.

DATABASE_URL is written libpq-style (postgresql://user@host/db); SQLAlchemy needs the driver
that is installed named (psycopg 3). One function, shared by the reminders ledger, the
calendar feed's state and the question log, which keep their tables in the same database.
"""

from __future__ import annotations


def engine_url(url: str) -> str:
    """postgresql:// (libpq style) -> postgresql+psycopg:// (the driver installed)."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url
