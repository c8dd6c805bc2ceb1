"""Every shipped figure's qualifier and direction agree with its source line.

Read from the source documents (../shared/seeds or $SEEDS_DIR), not from the YAML: the words
printed right before a value ("more than 2,600", "about", "at least") must be recorded as its
qualifier, a printed range ("60 to 80") as a range, and the words that say a value is a change
("a reduction of 3 percent", "increased by 36 percent", "2 percent fewer", "+11.0%") as its
direction, and nothing the source does not say.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from test_traceability import SEEDS, normalise, printed_forms, source  # skips without seeds

from bot.content.loader import load
from bot.content.model import Figure

ROOT = Path(__file__).resolve().parents[1]
KB = load(ROOT / "content")
WINDOW = 3  # lines either side of the cited line in which the value is looked for

QUALIFIER_WORDS = {
    "more_than": r"(?:more than|over|in excess of)",
    "at_least": r"(?:at least)",
    "about": r"(?:about|around|approximately|roughly)",
    "fewer_than": r"(?:fewer than|less than|under)",
    "up_to": r"(?:up to)",
}
# Words before the value ("increased by", "a reduction of", a sign) or after it ("percent fewer",
# "percent increase") that make it a change.
RISE_BEFORE = re.compile(r"(?:increase[ds]?|rise|rose|up)(?: of| by)?(?: only)?\s*\+?$|\+$", re.I)
RISE_AFTER = re.compile(r"^\s*(?:percent|%)?\s*(?:increase|more|higher)\b", re.I)
FALL_BEFORE = re.compile(r"(?:reduc(?:ed|tion)|decrease[ds]?|fell|down)(?: of| by)?(?: only)?\s*-?$"
                         r"|-$", re.I)
FALL_AFTER = re.compile(r"^\s*(?:percent|%)?\s*(?:decrease|reduction|fewer|lower)\b", re.I)


def _occurrences(fig: Figure, value: float | int) -> list[tuple[str, str]]:
    """(text before, text after) each printed form of the value near the cited line."""
    doc = source(fig.source.document)
    text = doc.window(fig.source.line - WINDOW, fig.source.line + WINDOW)
    out = []
    for form in sorted(printed_forms(value), key=len, reverse=True):
        for m in re.finditer(r"(?<![\d.,])[+-]?" + re.escape(form) + r"(?![\d]|[.,]\d)", text):
            sign = text[m.start()] if text[m.start()] in "+-" else ""
            out.append((text[max(0, m.start() - 40):m.start()] + sign, text[m.end():m.end() + 30]))
    return out


def expected_qualifier(fig: Figure) -> set[str | None]:
    """Qualifiers the source's wording allows at this value (None: stated exactly)."""
    if fig.range is not None:
        low, high = fig.range
        doc = source(fig.source.document)
        text = doc.window(fig.source.line - WINDOW, fig.source.line + WINDOW)
        lows, highs = printed_forms(low), printed_forms(high)
        found = any(re.search(re.escape(a) + r"\s*(?:to|-|–)\s*" + re.escape(b), text)
                    for a in lows for b in highs)
        return {"range"} if found else set()
    out: set[str | None] = set()
    assert fig.value is not None
    for before, _ in _occurrences(fig, fig.value):
        hit = None
        for name, words in QUALIFIER_WORDS.items():
            if re.search(r"\b" + words + r"\s*[+-]?$", normalise(before), re.I):
                hit = name
        out.add(hit)
    return out


def expected_direction(fig: Figure) -> set[str | None]:
    assert fig.value is not None
    out: set[str | None] = set()
    for before, after in _occurrences(fig, fig.value):
        b, a = normalise(before), normalise(after)
        if RISE_BEFORE.search(b) or RISE_AFTER.search(a):
            out.add("rise")
        elif FALL_BEFORE.search(b) or FALL_AFTER.search(a):
            out.add("fall")
        else:
            out.add(None)
    return out


LEGIBLE = [f for f in KB.figures if f.legible]


@pytest.mark.parametrize("fig", LEGIBLE, ids=lambda f: f.id)
def test_qualifier_matches_the_source(fig: Figure) -> None:
    allowed = expected_qualifier(fig)
    assert allowed, f"{fig.id}: the value is not printed within {WINDOW} lines of {fig.source}"
    assert fig.qualifier in allowed, (
        f"{fig.id}: recorded qualifier {fig.qualifier!r}, the source's wording near "
        f"{fig.source} gives {sorted(map(str, allowed))}")


@pytest.mark.parametrize("fig", [f for f in LEGIBLE if f.value is not None], ids=lambda f: f.id)
def test_direction_matches_the_source(fig: Figure) -> None:
    """A change the source states is recorded with its direction (a bare '+11.0%' or '-3.4%' in
    a panel counts), and no direction is recorded that the source does not state."""
    allowed = expected_direction(fig)
    if fig.direction is None:
        assert None in allowed, (f"{fig.id}: the source states a {sorted(map(str, allowed))} "
                                 f"near {fig.source}, but no direction is recorded")
    else:
        assert fig.direction in allowed, (
            f"{fig.id}: direction {fig.direction!r} is not what the source says near "
            f"{fig.source} ({sorted(map(str, allowed))})")


def test_seeds_folder_is_used() -> None:
    assert SEEDS.is_dir()
