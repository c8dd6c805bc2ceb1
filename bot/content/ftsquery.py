"""The text of FTS5 queries over the passage index (bot/content/passages.py): a report filter
written as SQL, and the word of a one-word match."""

from __future__ import annotations

import re

WORD_RE = re.compile(r"[a-z0-9]+")  # a word, as the index's vocabulary holds them


def within(ranges: list[tuple[int, int]]) -> str:
    """SQL that holds when `rowid` is in one of the sorted, disjoint ranges: a binary search
    (CASE on the middle range's start), so each sentence holding the words is tested against
    log2(n) ranges, not all of them. (An OR of BETWEENs, tested in turn, was three times the
    cost of the match itself for a year's 43 reports.) The numbers are the index's own rowids,
    written in as integers."""
    if len(ranges) == 1:
        first, last = ranges[0]
        return f"rowid BETWEEN {int(first)} AND {int(last)}"
    mid = len(ranges) // 2
    return (f"CASE WHEN rowid < {int(ranges[mid][0])} THEN {within(ranges[:mid])}"
            f" ELSE {within(ranges[mid:])} END")


def one_word(match: str) -> str | None:
    """The word of a one-word match ('"calls"'), else None."""
    if len(match) > 2 and match[0] == match[-1] == '"' and WORD_RE.fullmatch(match[1:-1]):
        return match[1:-1]
    return None
