"""Causes of concern, recommendations (with parts and deadlines) and areas for improvement.

A label ("Cause of concern", "Recommendations", "Areas for improvement", "Recommendation 3")
opens a run of items; an item is a sentence that tells someone to act ("The force should ...",
"Within three months, Durham Constabulary should ...", "By 31 March 2024, chief constables
should ..."), quoted whole. A lead-in ending with ':' takes the list items under it as parts.
"It is recommended that ..." inside an area for improvement is a recommendation of its own.
The same text printed twice (an extraction that repeats a block) is one item, `also_in` the other.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from bot.importer.deadlines import find_deadline
from bot.importer.document import SourceText, Unit, squeeze
from bot.importer.outline import SENTENCE, Outline, looks_like_heading

_LABEL = re.compile(r"^(?P<label>causes? of concern|recommendations?(?:\s+\d{1,2})?|areas? for "
                    r"improvement)\s*(?:[:.–-]\s*(?P<rest>.*))?$", re.I)
_KINDS = {"cause": "cause_of_concern", "recommendation": "recommendation", "area": "area_for_improvement"}
_DO = r"\b(?:should|needs? to|must|is required to)\b"
_ACTOR = (r"(?:The force|The constabulary|Forces|All forces|Every force|Each force|Chief constables|"
          r"All chief constables|Police forces|The police service|Police and crime commissioners|"
          r"The College of Policing|The National Police Chiefs[’']? Council|The Home Office|"
          r"(?:[A-Z][\w’'&.-]*\s){1,4}(?:Police|Constabulary|Police Service))")
_LEAD = r"(?:(?:By|Within|Before|From|In the next)\s[^,]{3,40}?,?\s)?"
INSTRUCTION = re.compile(rf"^(?:It is recommended that\s+{_LEAD}(?:the force|{_ACTOR})|We recommend that\s+"
                         rf"|{_LEAD}{_ACTOR})[^.]{{0,90}}?{_DO}", re.I)
_RECOMMENDED = re.compile(r"^(?:It is recommended that|We recommend that)\b", re.I)
_SENTENCES = re.compile(r"(?<=[.!?])\s+(?=[A-Z‘“'\"(])")
_DEADLINE_START = re.compile(r"^(?:By|Within|Before)\s", re.I)
_URL = re.compile(r"^(?:https?://|www\.)\S+$")


@dataclass
class DraftPart:
    text: str
    line: int


@dataclass
class DraftFinding:
    kind: str
    area: str | None
    text: str
    line: int
    parts: list[DraftPart] = field(default_factory=list)
    cause: int | None = None  # index of the cause of concern it answers
    also_in: list[int] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def deadline(self):
        return find_deadline(self.text)


@dataclass
class Found:
    findings: list[DraftFinding]
    unsure: list[str]


def _instruction(text: str) -> bool:
    return bool(INSTRUCTION.match(text))


def _split_item(text: str) -> tuple[str, list[str]]:
    """An item's own sentences (the first, and those after it that still instruct) and the rest."""
    sentences = _SENTENCES.split(text)
    kept = [sentences[0]]
    rest = sentences[1:]
    while rest and re.search(_DO, rest[0]) and not _RECOMMENDED.match(rest[0]) \
            and not _DEADLINE_START.match(rest[0]):
        kept.append(rest.pop(0))
    return " ".join(kept), rest


def find_findings(doc: SourceText, outline: Outline) -> Found:
    items: list[DraftFinding] = []
    unsure: list[str] = []
    kind: str | None = None
    label_unit: Unit | None = None
    label_items = 0
    lead: DraftFinding | None = None  # an item whose text ended with ':' takes parts
    lead_unit: Unit | None = None
    cause: int | None = None

    def close_label() -> None:
        if label_unit is not None and label_items == 0:
            unsure.append(f"line {label_unit.start}: '{label_unit.text}' is followed by no item: "
                          "its text may be lost in the extraction.")

    def add(k: str, text: str, line: int, unit: Unit, area: str | None) -> DraftFinding:
        nonlocal label_items
        item = DraftFinding(k, area, text, line, cause=cause if k == "recommendation" else None)
        items.append(item)
        label_items += 1
        return item

    for unit in doc.units():
        text, area = unit.text, outline.area_at.get(unit.start)
        m = _LABEL.match(text)
        if m and not unit.is_bullet:
            close_label()
            word = m.group("label").split()[0].lower().rstrip("s")
            kind, label_unit, label_items, lead = _KINDS[word], unit, 0, None
            if kind != "recommendation":
                cause = None
            if m.group("rest"):
                rest = m.group("rest")
                add(kind, rest, doc.locate(unit, rest), unit, area)
            continue
        if kind is None or _URL.match(text):
            continue
        if lead is not None and lead_unit is not None and unit.is_bullet and (
                not lead_unit.is_bullet or unit.marker != lead_unit.marker
                or unit.indent > lead_unit.indent or text[:1].islower()):
            lead.parts.append(DraftPart(text, unit.start))
            continue
        lead = None
        if SENTENCE.match(text) or (looks_like_heading(unit) and not _instruction(text)
                                    and len(text) < 90 and kind != "cause_of_concern"):
            close_label()
            kind, label_unit, cause = None, None, None
            continue
        if kind == "cause_of_concern":
            if label_items == 0:
                add(kind, text, unit.start, unit, area)
                cause = len(items) - 1
            continue
        if not _instruction(text):
            continue
        own, rest = _split_item(text)
        item_kind = "recommendation" if _RECOMMENDED.match(own) else kind
        item = add(item_kind, own, unit.start, unit, area)
        for sentence in rest:
            if _RECOMMENDED.match(sentence):
                item = add("recommendation", sentence, doc.locate(unit, sentence), unit, area)
            elif _DEADLINE_START.match(sentence) and item.kind == "recommendation" and item.deadline:
                item.parts.append(DraftPart(sentence, doc.locate(unit, sentence)))
        if item.text.endswith(":"):
            lead, lead_unit = item, unit
    close_label()
    return Found(_merge_repeats(items, unsure), unsure)


def _merge_repeats(items: list[DraftFinding], unsure: list[str]) -> list[DraftFinding]:
    """A block printed twice is recorded once, with the second place in `also_in`."""
    out: list[DraftFinding] = []
    seen: dict[tuple[str, str], DraftFinding] = {}
    renumber: dict[int, int] = {}
    for i, item in enumerate(items):
        key = (item.kind, squeeze(item.text).lower())
        parts = tuple(squeeze(p.text).lower() for p in item.parts)
        first = seen.get(key)
        if first is not None and tuple(squeeze(p.text).lower() for p in first.parts) == parts:
            first.also_in.append(item.line)
            unsure.append(f"line {item.line}: repeats the {item.kind.replace('_', ' ')} at line "
                          f"{first.line} (a block printed twice); recorded once.")
            renumber[i] = out.index(first)
            continue
        seen[key] = item
        renumber[i] = len(out)
        out.append(item)
    for item in out:
        if item.cause is not None:
            item.cause = renumber.get(item.cause)
    return out
