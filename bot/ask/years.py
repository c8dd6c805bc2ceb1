"""Years in a question, in every form people write them: `2016`, `2016/17`, `2021-22`, `21/22`,
`last year`, `this year`, `latest`, `most recent`, `now`. Relative forms are read against the
as-of date, never the clock. A year inside a date ("by 1 May 2017", "12 months to March 2014")
is part of that date, not the inspection asked about, and is left in the text."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from bot.ask.command import normalise_year

MONTHS = ("january|february|march|april|may|june|july|august|september|october|november|"
          "december|jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec")
_ABSOLUTE = re.compile(r"(?<![\w,.])(?P<date>(?:(?:\d{1,2}\s+)?(?:" + MONTHS + r")\s+))?"
                       r"(?P<year>(?:19|20)\d{2}(?:\s*[/\-–]\s*\d{2}(?:\d{2})?)?|\d{2}/\d{2})"
                       r"(?![\w/])", re.IGNORECASE)
# Phrases that mean "the newest inspection"; longest first so "latest inspection" wins.
_LATEST = re.compile(r"\b(?:the\s+)?(?:latest|most\s+recent|newest|current(?:ly)?|recent|"
                     r"last\s+(?:inspection|report|peel|time)|right\s+now|now|today)\b",
                     re.IGNORECASE)
# A year named relative to the as-of date ("judgments last year" is English, not arguments).
RELATIVE_YEAR = re.compile(r"\b(?:last|this|previous|past) year\b|\blatest\b|\bmost recent\b")
_RELATIVE = re.compile(r"\b(?P<which>last|this|previous|past)\s+year(?:'s)?\b", re.IGNORECASE)


@dataclass(frozen=True)
class YearRef:
    year: str = ""  # normalised: '2016' or '2021/22'; '' when none was named
    latest: bool = False
    phrase: str = ""  # the words as typed, for saying what was understood


def take_year(text: str, as_of: dt.date) -> tuple[YearRef, str]:
    """The year a question names and the text without it. The first absolute year wins; a
    relative one is read against `as_of`."""
    for m in _ABSOLUTE.finditer(text):
        if m.group("date"):
            continue  # part of a date: "by March 2015"
        year = normalise_year(m.group("year"))
        if year:
            rest = text[:m.start()] + " " + text[m.end():]
            return YearRef(year, False, m.group("year")), _squash(rest)
    rel = _RELATIVE.search(text)
    if rel:
        offset = 0 if rel.group("which").lower() == "this" else 1
        rest = text[:rel.start()] + " " + text[rel.end():]
        return YearRef(str(as_of.year - offset), False, rel.group(0)), _squash(rest)
    new = _LATEST.search(text)
    if new:
        rest = text[:new.start()] + " " + text[new.end():]
        return YearRef("", True, new.group(0)), _squash(rest)
    return YearRef(), text


def _squash(text: str) -> str:
    return " ".join(text.split())
