"""The words in a question that narrow it rather than name its subject: a year or an inspection
id, and kinds of item ("recommendations", "causes of concern", "figures"). `findings` and
`search` read them the same way, so `search recommendations 2014` and `findings
recommendations 2014` agree on what 2014 and recommendations mean."""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.ask.asof import inspections_for_year
from bot.ask.command import normalise_year
from bot.content.kb import KnowledgeBase
from bot.content.model import Inspection
from bot.content.words import fold

FINDING_KINDS = ("cause_of_concern", "recommendation", "area_for_improvement")
# Folded text (lower case, hyphens joined) -> item kind. Longest phrases are tried first.
KIND_PATTERNS: tuple[tuple[str, str], ...] = (
    ("cause_of_concern", r"causes? of concerns?|concerns?|cocs?"),
    ("area_for_improvement", r"areas? for improvements?|areas? of improvements?|afis?"),
    ("recommendation", r"recommendations?|recs?"),
    ("figure", r"figures?|stats?|statistics|numbers?"),
    ("judgment", r"judge?ments?|grades?|graded|gradings?"),
    ("response", r"responses?"),
)
_KIND_RE = [(kind, re.compile(rf"(?<![a-z0-9])(?:{pattern})(?![a-z0-9])"))
            for kind, pattern in KIND_PATTERNS]
# Filler a person types around the filters: "findings for 2014", "any recommendations in 2016".
FILLER = frozenset(["all", "any", "the", "in", "for", "from", "of", "and", "or", "list", "show",
                    "me", "how", "many", "were", "was", "there", "did", "make", "made", "what",
                    "which", "report", "reports", "inspection", "inspections", "by", "kind",
                    "kinds", "each", "per", "count", "counts", "number"])


# The kinds of finding as a title names them ("Overdue recommendations").
KIND_TITLES = {"cause_of_concern": "Causes of concern", "recommendation": "Recommendations",
               "area_for_improvement": "Areas for improvement"}


def finding_kinds_in(text: str) -> tuple[tuple[str, ...], str]:
    """The kinds of finding the text names ("overdue recommendations", "due 90 days afis"),
    in the order FINDING_KINDS lists them, and the text without their words; ((), text) when
    it names none (then the text is returned as it was)."""
    rest = text.lower()  # not folded: an owner id keeps its hyphens ("head-of-crime")
    found: set[str] = set()
    for kind, pattern in _KIND_RE:
        if kind in FINDING_KINDS and pattern.search(rest):
            found.add(kind)
            rest = pattern.sub(" ", rest)
    if not found:
        return (), text
    rest = " ".join(w for w in rest.split()
                    if w not in ("and", "or", "the", "all", "any", "findings"))
    return tuple(k for k in FINDING_KINDS if k in found), rest


MONTHS = frozenset(["january", "february", "march", "april", "may", "june", "july", "august",
                    "september", "october", "november", "december"])


@dataclass(frozen=True)
class Filters:
    year: str = ""  # normalised, as typed ("2016", "2021/22"); "" when none
    inspections: tuple[Inspection, ...] | None = None  # None: every inspection
    kinds: tuple[str, ...] = ()  # () : every kind
    words: str = ""  # what is left: the subject
    said: str = ""  # the text without the year and inspection words (kind words kept)

    @property
    def unknown_year(self) -> bool:
        return bool(self.year) and not self.inspections


def parse_filters(kb: KnowledgeBase, text: str, *, kinds: tuple[str, ...] | None = None) -> Filters:
    """Take the year, inspection id and kind words out of the text. `kinds` limits which kind
    words are read as filters (for `findings`, only the three kinds of finding)."""
    allowed = kinds or tuple(k for k, _ in KIND_PATTERNS)
    year = ""
    insps: list[Inspection] | None = None
    rest: list[str] = []
    previous = ""
    for word in text.split():
        y = normalise_year(word)
        # "March 2015", "1 May 2017": a date in the question, not the inspection's year.
        dated = previous.lower() in MONTHS or previous.isdigit()
        previous = word
        if y and not year and not dated:
            year, insps = y, inspections_for_year(kb, y)
            continue
        insp = kb.index["inspection"].get(word.lower())
        if insp is not None:
            insps = [*(insps or []), insp]
            continue
        rest.append(word)
    folded = fold(" ".join(rest))
    found: list[str] = []
    for kind, pattern in _KIND_RE:
        if kind not in allowed:
            continue
        if pattern.search(folded):
            found.append(kind)
            folded = pattern.sub(" ", folded)
    words = [w for w in folded.split() if w not in FILLER]
    return Filters(year, tuple(insps) if insps is not None else None, tuple(found), " ".join(words),
                   " ".join(rest))
