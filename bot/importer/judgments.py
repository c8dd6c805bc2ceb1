"""Judgments, in every era's wording.

- 2014: a grade printed alone at the end of each question's section ("Good"); a one-line grade
  strip near the top is compared with them, never trusted over them.
- 2016/17: "<Force> is good at ...", "<Force> requires improvement in the way ..."; a summary
  table "question<TAB>Good"; "This question was not inspected in 2017. The grade and findings
  from last year's inspection still stand." (carried forward).
- 2021/22 and later: "<Force> is adequate at <area>." opening each section.
- Ungraded: "Ungraded", "While this assessment is ungraded", "... hasn't yet been completed", or
  a question section that states no grade at all.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from bot.importer.document import SourceText, Unit, squeeze
from bot.importer.outline import GRADE_PATTERN, GRADES, SENTENCE, AreaMap, Outline, grade_phrase, is_contents

_WORD_LINE = re.compile(rf"^(?P<g>{GRADE_PATTERN}|requires improvement|ungraded|not graded)\.?$", re.I)
_STRIP = re.compile(rf"^(?:(?:{GRADE_PATTERN}|requires improvement)\s*){{2,}}$", re.I)
_STRIP_WORD = re.compile(rf"{GRADE_PATTERN}|requires improvement", re.I)
_ROW = re.compile(rf"^(?P<q>.+?)\s*\t\s*(?P<g>{GRADE_PATTERN}|requires improvement|ungraded|not graded)\s*$",
                  re.I)
_CARRIED = re.compile(r"not (?:been )?inspected in (?P<year>\d{4})\b.*?still stands?", re.I | re.S)
_UNGRADED = re.compile(r"\bungraded\b|\bnot graded\b|n[’']t make a graded judgment|"
                       r"do not make a graded judgment|ha(?:s|ve)n[’']t yet been completed|"
                       r"ha(?:s|ve) not yet been completed", re.I)
_SENTENCES = re.compile(r"(?<=[.!?])\s+(?=[A-Z‘“'\"(])")


@dataclass
class DraftJudgment:
    area: str
    question: str
    grade: str | None
    quote: str
    line: int
    carried_year: str | None = None
    how: str = "sentence"  # sentence, section end, table, carried, ungraded, no grade stated
    notes: list[str] = field(default_factory=list)


@dataclass
class Judged:
    judgments: list[DraftJudgment]
    unsure: list[str]


def first_sentence(text: str) -> str:
    return _SENTENCES.split(text, maxsplit=1)[0]


def _question_for(area: str, outline: Outline) -> str | None:
    for h in outline.headings:
        if h.area == area and "?" in h.unit.text and not is_contents(h.unit):
            return h.unit.text
    for h in outline.headings:
        if h.area == area and not is_contents(h.unit):
            return h.unit.text
    return None


def find_judgments(doc: SourceText, outline: Outline, areas: AreaMap, *, response: bool) -> Judged:
    found: dict[str, DraftJudgment] = {}
    tables: dict[str, DraftJudgment] = {}
    strips: list[Unit] = []
    unsure: list[str] = []
    unknown: list[DraftJudgment] = []
    rank = {"carried": 0, "sentence": 1, "section end": 2, "ungraded": 3, "table": 4}

    def offer(j: DraftJudgment) -> None:
        held = found.get(j.area)
        if held is None or rank[j.how] < rank[held.how]:
            if held is not None and held.grade != j.grade and j.how != "carried":
                unsure.append(f"line {j.line}: {j.area}: '{j.quote}' ({j.grade or 'ungraded'}) "
                              f"disagrees with line {held.line} ({held.grade or 'ungraded'}); "
                              f"line {j.line} used.")
            found[j.area] = j
        elif held.grade == j.grade and held.quote == j.quote and held.line != j.line:
            held.notes.append(f"repeated at line {j.line}")
        elif held.grade != j.grade and held.how == j.how:
            unsure.append(f"line {j.line}: {j.area}: '{j.quote}' says {j.grade or 'ungraded'} but "
                          f"line {held.line} says {held.grade or 'ungraded'}; check which stands.")

    if response:
        return Judged([], [])
    units = doc.units()
    for i, unit in enumerate(units):
        section = outline.area_at.get(unit.start)
        text = unit.text
        if _STRIP.match(text) and len(_STRIP_WORD.findall(text)) >= 2:
            strips.append(unit)
            continue
        row = _ROW.match(text)
        if row:
            area = areas.heading(row.group("q"))
            if area:
                grade = _grade(row.group("g"))
                tables.setdefault(area, DraftJudgment(area, squeeze(row.group("q")), grade,
                                                      text, unit.start, how="table"))
            continue
        m = _WORD_LINE.match(text)
        follows = units[i + 1].text if i + 1 < len(units) else ""
        if m and SENTENCE.match(follows):
            continue  # a grade box over the sentence that states it (2016): the sentence counts
        if m and section and not unit.is_bullet and text[:1].isupper():
            grade = _grade(m.group("g"))
            offer(DraftJudgment(section, "", grade, text, unit.start,
                                how="section end" if grade else "ungraded"))
            continue
        m = SENTENCE.match(text)
        if m:
            phrase = grade_phrase(m)
            area = areas.heading(phrase) if phrase else None
            area = area or section or (areas.phrase(phrase) if phrase else None)
            if "effectiveness at keeping people safe" in phrase or (not phrase and not section):
                area = area if area else "overall"
            grade = _grade(m.group("g1") or m.group("g2"))
            if area:
                offer(DraftJudgment(area, "", grade, m.group(0), unit.start))
            else:  # kept, never dropped: the maintainer chooses the area
                unknown.append(DraftJudgment("overall", phrase or m.group(0), grade, m.group(0),
                                             unit.start, notes=[f"area not recognised: '{phrase}'"]))
                unsure.append(f"line {unit.start}: '{m.group(0)}': no area in areas.yaml matches "
                              f"'{phrase}'; drafted under 'overall', set its area.")
            continue
        c = _CARRIED.search(text)
        if c and section:
            offer(DraftJudgment(section, "", None, text, unit.start, carried_year=c.group("year"),
                                how="carried"))
            continue
        u = _UNGRADED.search(text)
        if u and section and section not in ("overall", "context") and section not in found:
            sentence = next(s for s in _SENTENCES.split(text) if _UNGRADED.search(s))
            line = doc.locate(unit, sentence)
            offer(DraftJudgment(section, "", None, sentence, line, how="ungraded"))

    for area, tabled in tables.items():
        held = found.get(area)
        if held is None:
            tabled.notes.append("graded only in the summary table")
            found[area] = tabled
        elif held.grade != tabled.grade and held.how != "carried":
            unsure.append(f"line {tabled.line}: the summary table gives {area} "
                          f"{tabled.grade or 'ungraded'}, line {held.line} gives "
                          f"{held.grade or 'ungraded'}; line {held.line} used.")

    graded = [j for j in found.values() if j.grade]
    if graded:  # a question section that states no grade: ungraded (a maintainer confirms)
        for h in outline.headings:
            if (h.area and h.area not in found and h.area not in ("overall", "context")
                    and "?" in h.unit.text and not is_contents(h.unit)):
                found[h.area] = DraftJudgment(h.area, h.unit.text, None, h.unit.text, h.unit.start,
                                              how="no grade stated")
                unsure.append(f"line {h.unit.start}: {h.area}: the section states no grade; "
                              "drafted as ungraded.")

    for strip in strips:
        printed = [_grade(g) for g in _STRIP_WORD.findall(strip.text)]
        ends = [j.grade for j in sorted(found.values(), key=lambda j: j.line)
                if j.how in ("section end", "sentence") and j.area not in ("overall", "context")]
        if printed != ends[: len(printed)]:
            unsure.append(f"line {strip.start}: the grade strip '{strip.text}' reads "
                          f"{', '.join(g or '?' for g in printed)} but the sections end "
                          f"{', '.join(g or '?' for g in ends)}; the section grades are used "
                          "(a PDF layout scrambles such strips).")

    out = sorted([*found.values(), *unknown], key=lambda j: j.line)
    for j in out:
        j.question = j.question or _question_for(j.area, outline) or areas_name(areas, j.area)
    return Judged(out, unsure)


def areas_name(areas: AreaMap, area_id: str) -> str:
    return next((a.name for a in areas.areas if a.id == area_id), area_id)


def _grade(word: str) -> str | None:
    word = squeeze(word).lower()
    return word if word in GRADES else None

