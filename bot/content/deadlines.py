"""Deadlines: resolving phrases relative to publication, and date arithmetic on them."""

from __future__ import annotations

import calendar
import datetime as dt
import re

_PERIOD = re.compile(r"^\s*(\d+)\s+(day|week|month|year)s?\s*$")


def parse_period(text: str) -> tuple[int, str] | None:
    """'3 months' -> (3, 'month'); None when the words are not a period."""
    m = _PERIOD.match(text.lower())
    return (int(m.group(1)), m.group(2)) if m else None


def add_period(start: dt.date, period: tuple[int, str]) -> dt.date:
    n, unit = period
    if unit == "day":
        return start + dt.timedelta(days=n)
    if unit == "week":
        return start + dt.timedelta(weeks=n)
    months = n * 12 if unit == "year" else n
    y, m = divmod(start.month - 1 + months, 12)
    year, month = start.year + y, m + 1
    # 31 January + 1 month is 28/29 February, not 3 March.
    day = min(start.day, calendar.monthrange(year, month)[1])
    return dt.date(year, month, day)


def days_between(a: dt.date, b: dt.date) -> int:
    return (b - a).days
