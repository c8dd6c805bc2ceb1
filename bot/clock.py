"""The one place that reads the wall clock for "today": everything below takes a date or a
`now` as an argument (DESIGN.md: nothing deep calls `datetime.now()`)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from bot.settings import Settings


def today(settings: Settings) -> dt.date:
    """Today's date in the deployment's time zone."""
    return dt.datetime.now(ZoneInfo(settings.timezone)).date()
