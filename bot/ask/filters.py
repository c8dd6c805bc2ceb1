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


MONTHS = frozenset(["january", "february", "march", "april", "may", "june", "july", "august",
                    "september", "october", "november", "december"])


# How an answer names each kind of item ("Overdue recommendations", "from 2014: causes of
# concern").
KIND_NAMES = {"cause_of_concern": "causes of concern", "recommendation": "recommendations",
              "area_for_improvement": "areas for improvement", "figure": "figures",
              "judgment": "judgments", "response": "responses"}


def _take_kinds(text: str, allowed: tuple[str, ...]) -> tuple[list[str], str]:
    """The allowed kinds the (lower-case) text names, in KIND_PATTERNS order, and the text
    without their words."""
    found: list[str] = []
    for kind, pattern in _KIND_RE:
        if kind in allowed and pattern.search(text):
            found.append(kind)
            text = pattern.sub(" ", text)
    return found, text


def finding_kinds_in(text: str) -> tuple[tuple[str, ...], str]:
    """The kinds of finding the text names ("overdue recommendations", "due 90 days afis"),
    in the order FINDING_KINDS lists them, and the text without their words; ((), text) when
    it names none (then the text is returned as it was)."""
    # Not folded: an owner id keeps its hyphens ("head-of-crime").
    found, rest = _take_kinds(text.lower(), FINDING_KINDS)
    if not found:
        return (), text
    rest = " ".join(w for w in rest.split()
                    if w not in ("and", "or", "the", "all", "any", "findings"))
    return tuple(k for k in FINDING_KINDS if k in found), rest


def take_inspections(kb: KnowledgeBase, text: str
                     ) -> tuple[str, list[Inspection] | None, list[str], list[str]]:
    """The year the words name (normalised; "" when none: only the first, and not a date's,
    "March 2015"), the inspections it and any inspection ids select (None: none named), the
    year and ids as taken, and the other words."""
    year = ""
    insps: list[Inspection] | None = None
    taken: list[str] = []
    rest: list[str] = []
    previous = ""
    for word in text.split():
        y = normalise_year(word)
        # "March 2015", "1 May 2017": a date in the question, not the inspection's year.
        dated = previous.lower() in MONTHS or previous.isdigit()
        previous = word
        if y and not year and not dated:
            year, insps = y, inspections_for_year(kb, y)
            taken.append(y)
            continue
        insp = kb.index["inspection"].get(word.lower())
        if insp is not None:
            insps = [*(insps or []), insp]
            taken.append(insp.id)
            continue
        rest.append(word)
    return year, insps, taken, rest


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
    year, insps, _, rest = take_inspections(kb, text)
    found, folded = _take_kinds(fold(" ".join(rest)), allowed)
    words = [w for w in folded.split() if w not in FILLER]
    return Filters(year, tuple(insps) if insps is not None else None, tuple(found), " ".join(words),
                   " ".join(rest))
