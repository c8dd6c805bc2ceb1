"""The report's outline: which units are section headings, and which area each unit sits in.

A heading is recognised by the area taxonomy (content/areas.yaml): each year's wording of an
area is one of its aliases, so "How effective is the force at investigating offending?" (2014),
"Investigating crime" (2021/22) and the 2016 core questions all land on stable area ids. A
question-shaped heading that no alias names is kept, so the review summary can list it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from bot.content.model import Area
from bot.content.words import fold
from bot.importer.document import GRADE_WORDS, SourceText, Unit, squeeze

GRADES = ("outstanding", "good", "adequate", "requires improvement", "inadequate")
GRADE_PATTERN = r"outstanding|good|adequate|inadequate"
_WHO = r"(?:[A-Z][\w’'&.-]*\s){1,4}(?:Police|Constabulary|Police Service|Police Force)"
# "<Force> is good at ...", "<Force> requires improvement in the way ...": a grade sentence,
# which opens a section from 2016 on.
SENTENCE = re.compile(
    rf"^(?P<who>{_WHO})\s+(?:(?:is|has been judged|was judged)\s+(?:to be\s+)?(?P<g1>{GRADE_PATTERN})"
    rf"|(?P<g2>requires improvement))(?P<rest>(?:\s+(?:at|in|overall)\b[^.]*)?)\.", re.I)
_CONTENTS = re.compile(r"(?:\t\s*\d{1,3}|\.{3,}\s*\d{1,3}|\s{3,}\d{1,3})\s*$")
_QUESTION = re.compile(r"^(?:overview\s*[–—-]\s*)?how (?:effective|efficient|legitimate|well|good|much)\b"
                       r".*\?$", re.I)
_PUNCT = re.compile(r"[^\w\s]")
_HEADING_PREFIX = re.compile(r"^(?:overview|summary|question \d+|\d+(?:\.\d+)*)\s*[–—:.-]\s*", re.I)


def plain(text: str) -> str:
    """Folded for comparing headings: lower case, punctuation dropped, spaces squeezed."""
    text = text.replace("\u2011", "-").replace("\u2010", "-")
    return " ".join(_PUNCT.sub(" ", fold(text)).split())


@dataclass
class AreaMap:
    areas: list[Area]
    exact: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for area in self.areas:
            for wording in (area.name, *area.aliases):
                self.exact.setdefault(plain(wording), area.id)

    def heading(self, text: str) -> str | None:
        """The area a heading names: an alias exactly, or (for a long alias) contained in it."""
        key = plain(_HEADING_PREFIX.sub("", text))
        if key in self.exact:
            return self.exact[key]
        for wording, area in self.exact.items():
            if len(wording) >= 30 and wording in plain(text):
                return area
        return None

    def phrase(self, text: str) -> str | None:
        """The area a phrase names ("at managing SOC"): an alias exactly, else the area whose
        wording and keywords share most of its words."""
        key = plain(text)
        if key in self.exact:
            return self.exact[key]
        words = set(key.split()) - _COMMON
        best, best_score = None, 0.0
        for area in self.areas:
            for wording in (area.name, *area.aliases, *area.keywords):
                terms = set(plain(wording).split()) - _COMMON
                if not terms:
                    continue
                shared = len(words & terms)
                # how much of the wording the phrase covers and of the phrase the wording covers
                score = (shared / len(terms) + shared / len(words)) / 2 if shared else 0.0
                if score > best_score:
                    best, best_score = area.id, score
        return best if best_score >= 0.5 else None


_COMMON = {"the", "and", "of", "at", "in", "to", "its", "it", "a", "how", "is", "force", "police",
           "effective", "effectiveness", "way", "which", "with", "for", "those", "who", "are",
           "from", "that", "some", "their", "on"}


@dataclass(frozen=True)
class Heading:
    unit: Unit
    area: str | None


@dataclass
class Outline:
    """Each unit's section area, the headings seen, and those no area names."""

    headings: list[Heading]
    area_at: dict[int, str | None]  # unit start line -> the area of the section it is in
    unread: list[Unit]


def is_contents(unit: Unit) -> bool:
    return bool(_CONTENTS.search(unit.text)) and len(unit.text) < 200 and "\t" in unit.text or bool(
        re.search(r"\.{4,}\s*\d{1,3}$", unit.text))


def grade_phrase(m: re.Match[str]) -> str:
    """What a grade sentence grades: "at managing SOC" -> "managing SOC"."""
    phrase = re.sub(r"^(?:at|in|overall)\s+", "", (m.group("rest") or "").strip(), flags=re.I)
    return re.sub(r"^(?:the way (?:in which )?it\s+|respect of its\s+)", "", phrase)


def looks_like_heading(unit: Unit) -> bool:
    text = unit.text
    if squeeze(text).lower() in GRADE_WORDS:
        return False  # a grade printed alone is not a section heading
    return (len(text) <= 150 and not unit.is_bullet and not text.endswith((".", ";", ",", ":"))
            and text[:1].isupper())


def outline(doc: SourceText, areas: AreaMap) -> Outline:
    headings: list[Heading] = []
    unread: list[Unit] = []
    area_at: dict[int, str | None] = {}
    current: str | None = None
    units = doc.units()
    for i, unit in enumerate(units):
        if not is_contents(unit) and looks_like_heading(unit):
            area = areas.heading(unit.text)
            after = units[i + 1].text if i + 1 < len(units) else ""
            graded = SENTENCE.match(after)
            # 2018/19: a question heading with its grade printed under it
            boxed = bool(_QUESTION.match(unit.text)) and squeeze(after).lower().rstrip(".") in GRADE_WORDS
            opens_graded = graded is not None or boxed
            if area is None and opens_graded:
                # a heading areas.yaml does not know, over a grade: the grade sentence's words
                # ("... is good at preventing crime.") or the heading's name the area
                what = grade_phrase(graded) if graded else ""
                area = (what and (areas.heading(what) or areas.phrase(what))) or areas.phrase(unit.text)
                if area is None:
                    headings.append(Heading(unit, None))
                    unread.append(unit)
                    current = None
            if area is not None:
                current = area
                headings.append(Heading(unit, area))
            elif _QUESTION.match(unit.text) and not opens_graded:
                headings.append(Heading(unit, None))
                unread.append(unit)
        area_at[unit.start] = current
    return Outline(headings, area_at, unread)
