"""The reminders ledger, read-only, for previews (`digest`, `remind --dry-run`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.ask.milestones import Key, LedgerState
from bot.settings import Settings

if TYPE_CHECKING:
    from bot.reminders.ledger import Ledger


class LedgerReader:
    """The ledger's state for previews (`digest`, `remind --dry-run`), read-only: it never
    creates the database or its table, and reads nothing sent when there is none yet."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self._ledger: Ledger | None = None

    def __call__(self, keys: list[Key]) -> LedgerState:
        if self._ledger is None:
            if not self.settings.database_url and not self.settings.sqlite_path.exists():
                return LedgerState()
            # Imported here: SQLAlchemy adds 0.3 s to every CLI start, and only `digest` reads
            # the ledger.
            from sqlalchemy import inspect

            from bot.reminders.ledger import Ledger

            ledger = Ledger(self.settings.db_url)
            if not inspect(ledger.engine).has_table("reminder_ledger"):
                ledger.engine.dispose()
                return LedgerState()
            self._ledger = ledger  # kept: one engine (and pool) for every later preview
        return self._ledger.state(keys)
