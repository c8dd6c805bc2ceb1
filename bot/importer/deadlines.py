"""Deadline phrases as the inspectorate prints them, resolved where the words allow.

"by 1 May 2017" is a date; "By March 2015" is the end of that month (precision month);
"Within three months" and "immediately" are periods after publication, which the loader turns
into dates once a publication date is recorded.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

MONTHS = {m.lower(): i for i, m in enumerate(calendar.month_name) if m}
_NUMBERS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
            "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "eighteen": 18,
            "twenty-four": 24}
_MONTH = "|".join(m.capitalize() for m in MONTHS)
_COUNT = "|".join(_NUMBERS) + r"|\d{1,3}"
PHRASE = re.compile(
    rf"\b(?P<phrase>(?P<immediate>immediately|take immediate (?:steps|action))"
    rf"|(?:within|in the next)\s+(?P<n>{_COUNT})\s+(?P<unit>day|week|month|year)s?"
    rf"(?:\s+of\s+(?:the\s+)?(?:publication|date)\s+of\s+this\s+report)?"
    rf"|by\s+(?:the\s+end\s+of\s+)?(?P<day>\d{{1,2}}\s+)?(?P<month>{_MONTH})\s+(?P<year>\d{{4}}))\b",
    re.I)


@dataclass(frozen=True)
class DraftDeadline:
    phrase: str
    date: dt.date | None = None
    precision: str = "day"
    after_publication: str | None = None


def find_deadline(text: str) -> DraftDeadline | None:
    m = PHRASE.search(text)
    if not m:
        return None
    phrase = m.group("phrase")
    if m.group("immediate"):
        return DraftDeadline(phrase, after_publication="0 days")
    if m.group("n"):
        count = m.group("n").lower()
        n = _NUMBERS.get(count) or int(count)
        return DraftDeadline(phrase, after_publication=f"{n} {m.group('unit').lower()}s"
                             if n != 1 else f"1 {m.group('unit').lower()}")
    year, month = int(m.group("year")), MONTHS[m.group("month").lower()]
    if m.group("day"):
        day = int(m.group("day"))
        try:
            return DraftDeadline(phrase, dt.date(year, month, day))
        except ValueError:
            return DraftDeadline(phrase)  # "31 April": leave it to the maintainer
    return DraftDeadline(phrase, dt.date(year, month, calendar.monthrange(year, month)[1]), "month")
