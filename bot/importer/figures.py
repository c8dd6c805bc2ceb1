"""Figures: values with their unit, period and England and Wales comparator, from three shapes.

- "Force in numbers" panels: a heading (label, unit, period), the force's name, a value,
  "England and Wales", a value. When both names come before both values (the PDF layout moved
  them) the pair is still read in order, and listed in the review summary to check.
- Tables whose header names England and Wales: one row a figure, the last two numbers the
  force's value and the comparator; the unit from the header or the figure caption.
- Sentences: a number followed by percent, "per 1,000 population", "of the 77 cases", days, or a
  noun (a count); "compared with 14 percent across England and Wales" is its comparator, and
  "reduced by 16 percent" is -16. A number the extraction has clipped (a double space where a
  digit was) is recorded as not legible, never as the digits that are left.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from bot.importer.document import SourceText, Unit, squeeze
from bot.importer.outline import Outline

_NUM = r"[+-]?\d{1,3}(?:,\d{3})+(?:\.\d+)?|[+-]?\d+(?:\.\d+)?"
_VALUE_UNIT = re.compile(rf"^(?P<v>{_NUM})\s*(?P<pct>%)?$")
_ROW = re.compile(rf"^(?P<label>.*?[^\d\s.,%+-])[\s*]*\t?\s*(?P<v1>{_NUM})%?\s+(?P<v2>{_NUM})%?\s*$")
_PERIOD = re.compile(r"(?:12 months to (?:the end of )?(?:\d{1,2} )?[A-Z][a-z]+ \d{4}|year ending \d{1,2} "
                     r"[A-Z][a-z]+ \d{4}|as (?:at|of) \d{1,2} [A-Z][a-z]+ \d{4}|\d{4}/\d{2})")
_NUMBER = re.compile(r"(?<![\w.,/£$-])(?P<sign>[+-])?(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)"
                     r"(?![\w/]|[.,]\d)")
_AFTER = [
    ("percent", re.compile(r"^\s*(?:%|percent\b|per cent\b)")),
    ("percentage_points", re.compile(r"^\s*percentage points?\b")),
    ("per_1000_population", re.compile(r"^\s+(?:[\w-]+\s+){0,3}per 1,000 (?:population|people|residents)\b")),
    ("other:per 1,000 households", re.compile(r"^\s+(?:[\w-]+\s+){0,3}per 1,000 households\b")),
    ("other:per 100", re.compile(r"^\s+per 100\b(?!,)")),
    ("cases", re.compile(r"^\s+(?:out\s+)?of\s+(?:the\s+)?(?:\d+|these)\b")),
    ("days", re.compile(r"^\s+(?:working\s+)?days?\b")),
    ("hours", re.compile(r"^\s+hours?\b")),
    ("minutes", re.compile(r"^\s+minutes?\b")),
    ("pounds", re.compile(r"^\s*(?:m|million|bn|billion)?\s*(?:pounds)\b")),
]
_NOT_COUNT = re.compile(r"^\s+(?:months?|years?|weeks?|am|pm|[A-Z][a-z]+ \d{4}|and|or|to|percent|per|"
                        r"January|February|March|April|May|June|July|August|September|October|"
                        r"November|December)\b")
_MONTH_BEFORE = re.compile(r"(?:January|February|March|April|May|June|July|August|September|October|"
                           r"November|December|page|pages|line|Figure|figure|Table|table|section|"
                           r"paragraph|annex|Annex|PEEL|since|in|by|from|until|of the|to|between)\s*$")
_NEGATIVE = re.compile(r"(?:reduc(?:ed|tion)|decreas(?:ed|e)|fell|fall|fallen|down|drop(?:ped)?|"
                       r"lower)\s+(?:of|by|in)?\s*(?:\w+\s+){0,1}$", re.I)
_NEGATIVE_AFTER = re.compile(r"^\s*(?:%|percent|per cent)?\s+(?:fewer|less|lower|decrease|reduction|drop|"
                             r"fall)\b", re.I)
_COMPARES = re.compile(r"^(?:This|That|It) (?:compares|is compared|is (?:higher|lower|above|below|more|less|"
                       r"one of the))", re.I)
_CI = re.compile(r"(?:\+/-|±|plus or minus)\s*$")
_EW = re.compile(r"England and Wales|national average|all forces", re.I)
_SENTENCES = re.compile(r"(?<=[.!?])\s+(?=[A-Z‘“'\"(])")


@dataclass
class DraftFigure:
    label: str
    value: float | int | None
    unit: str
    line: int
    printed: str  # the value as printed, checked against the source line
    area: str | None
    period: str | None = None
    comparator: float | int | None = None
    unit_label: str | None = None
    ci: tuple[float, float] | None = None
    notes: list[str] = field(default_factory=list)


def number(text: str) -> float | int:
    text = text.replace(",", "").replace("%", "").lstrip("+")
    return float(text) if "." in text else int(text)


def _unit_from(text: str) -> tuple[str, str | None]:
    low = text.lower()
    if "per 1,000 population" in low or "per 1,000 people" in low:
        return "per_1000_population", None
    for per in ("per 1,000 households", "per million population", "per 100 "):
        if per in low:
            found = re.search(re.escape(per) + r"[\w ]*", low)
            return "other", found.group(0).strip() if found else per.strip()
    if re.search(r"%|percent|percentage|proportion|rate of outcomes|satisfaction", low):
        return "percent", None
    return "other", "as printed"


def find_figures(doc: SourceText, outline: Outline, force_name: str) -> tuple[list[DraftFigure], list[str]]:
    figures: list[DraftFigure] = []
    unsure: list[str] = []
    units = doc.units()
    used: set[int] = set()
    _panels(doc, units, outline, force_name, figures, unsure, used)
    _tables(units, outline, figures, used)
    for i, unit in enumerate(units):
        if i not in used and not unit.text.startswith(("Figure ", "Source:", "Table ")):
            _prose(doc, unit, outline.area_at.get(unit.start), figures)
    return figures, unsure


def _is_name(text: str, force_name: str) -> str | None:
    t = squeeze(text)
    if t == "England and Wales":
        return "ew"
    if t == force_name or (t.endswith(("Police", "Constabulary")) and len(t.split()) <= 4):
        return "force"
    return None


def _panels(doc, units, outline, force_name, figures, unsure, used) -> None:
    for i in range(1, len(units) - 3):
        seq = units[i:i + 4]
        names = [_is_name(u.text, force_name) for u in seq]
        values = [_VALUE_UNIT.match(u.text) for u in seq]
        if names[0] != "force":
            continue
        if names[2] == "ew" and values[1] and values[3]:
            v1, v2, swapped = seq[1], seq[3], False
        elif names[1] == "ew" and values[2] and values[3]:
            v1, v2, swapped = seq[2], seq[3], True
        else:
            continue
        header = units[i - 1]
        label = _PERIOD.split(header.text)[0].strip()
        period = _PERIOD.search(header.text)
        unit, unit_label = ("percent", None) if v1.text.endswith("%") else _unit_from(header.text)
        fig = DraftFigure(label or header.text, number(v1.text), unit, v1.start, v1.text,
                          outline.area_at.get(v1.start) or "context",
                          period.group(0) if period else None, number(v2.text), unit_label)
        if swapped:
            confirmed = _in_body(units, label, v1.text, v2.text, seq[0].start, v2.start)
            if confirmed:
                fig.notes.append(f"both names print before both values (lines {seq[0].start}-{v2.start}); "
                                 f"the body text at line {confirmed} confirms the force's value")
            else:
                fig.notes.append(f"both names print before both values (lines {seq[0].start}-{v2.start}); "
                                 "the first value is taken as the force's: check it against the body text")
                unsure.append(f"line {header.start}: '{label}': the labels and values are out of order "
                              "in the layout and the body text does not confirm the pair; check it.")
        figures.append(fig)
        used.update(range(i - 1, i + 4))


def _in_body(units: list[Unit], label: str, value: str, comparator: str, first: int, last: int) -> int | None:
    """The line of a sentence outside the panel that states the force's value with the label's
    words and does not give it to England and Wales, if there is one."""
    number = re.escape(value.rstrip("%").lstrip("+"))
    words = [w for w in re.findall(r"[a-z]{4,}", label.lower()) if w not in ("population", "months")]
    for unit in units:
        if first <= unit.start <= last:
            continue
        for sentence in _SENTENCES.split(unit.text):
            m = re.search(rf"(?<![\d.,]){number}(?:\s*(?:%|percent|per cent)|\s+[a-z])", sentence)
            if not m or not words or sum(w in sentence.lower() for w in words) < min(2, len(words)):
                continue
            near = sentence[max(0, m.start() - 40):m.end() + 40]
            if not re.search(r"England and Wales", near) or comparator.rstrip("%") in sentence:
                return unit.start
    return None


def _tables(units: list[Unit], outline, figures, used) -> None:
    header: Unit | None = None
    caption = ""
    rows = 0
    for i, unit in enumerate(units):
        text = unit.text
        if text.startswith(("Figure ", "Table ")):
            caption = text
            continue
        if _EW.search(text) and len(text) < 140 and not text.endswith("."):
            header, rows = unit, 0
            used.add(i)
            continue
        if header is None:
            continue
        m = _ROW.match(text.replace("\t\t", "\t"))
        if m and not unit.is_bullet:
            label = re.sub(r"^(?:\d{1,2}|\*)\t", "", m.group("label")).strip(" \t*")
            context = f"{caption} {header.text}"
            unit_name, unit_label = _unit_from(context)
            if m.group(0).rstrip().endswith("%"):
                unit_name, unit_label = "percent", None
            period = _PERIOD.search(context)
            fig = DraftFigure(label, number(m.group("v1")), unit_name, unit.start, m.group("v1"),
                              outline.area_at.get(unit.start) or "context",
                              period.group(0) if period else None, number(m.group("v2")), unit_label)
            if m.group("label").rstrip().endswith("*"):
                fig.notes.append("the label has a footnote mark: check its unit and period")
            figures.append(fig)
            used.add(i)
            rows += 1
        elif len(text) < 100 and not re.search(r"\d", text):
            continue  # a group row with no values ("Evidential difficulties (...)")
        elif rows or len(text) > 100:
            header, caption = None, ""


def _prose(doc: SourceText, unit: Unit, area: str | None, figures: list[DraftFigure]) -> None:
    text = unit.text
    last: DraftFigure | None = None
    for sentence in _SENTENCES.split(text):
        if last is not None and last.comparator is None and last.unit != "count" \
                and _COMPARES.match(sentence) and _EW.search(sentence):
            # "... at 4.0 percent. This is compared to 1.8 percent across ... England and Wales."
            for m in _NUMBER.finditer(sentence):
                kind = next((k for k, rx in _AFTER if rx.match(sentence[m.end():])), None)
                if kind == last.unit:
                    value = number(m.group("num"))
                    after = sentence[m.end():]
                    negative = _NEGATIVE.search(sentence[:m.start()][-40:]) or _NEGATIVE_AFTER.match(after)
                    last.comparator = -value if negative else value
                    break
            last = None
            continue
        found: list[DraftFigure] = []
        prev_end, last_was_comparator = 0, False
        for m in _NUMBER.finditer(sentence):
            before, after = sentence[:m.start()], sentence[m.end():]
            kind = next((k for k, rx in _AFTER if rx.match(after)), None)
            if _CI.search(before):
                if found and not last_was_comparator and found[-1].unit == "percent" \
                        and found[-1].value is not None:
                    v, w = found[-1].value, number(m.group("num"))
                    found[-1].ci = (round(v - w, 6), round(v + w, 6))
                continue
            if kind is None:
                if (_NOT_COUNT.match(after) or _MONTH_BEFORE.search(before)
                        or not re.match(r"^\s+(?:[a-z(]|[A-Z]{2,})", after)):
                    continue
                value = number(m.group("num"))
                year_like = 1900 <= value <= 2100 and "," not in m.group("num")
                if isinstance(value, float) or value < 2 or year_like:
                    continue
                kind = "count"
            value = number(m.group("num"))
            if m.group("sign") == "-" or _NEGATIVE.search(before[-40:]) or _NEGATIVE_AFTER.match(after):
                value = -value
            unit_name, unit_label = kind, None
            if kind == "cases":
                of = re.match(r"^\s+(?:out\s+)?of\s+(?:the\s+)?\S+(?:\s+\w+){0,2}", after)
                unit_name, unit_label = "other", squeeze(of.group(0)) if of else "cases"
            elif kind.startswith("other:"):
                unit_name, unit_label = "other", kind[6:]
            printed = sentence[m.start():m.end() + 24].split("  ")[0].strip()
            start = doc.locate(unit, sentence[m.start():][:40])
            fig = DraftFigure(_label(sentence, m.start()), value, unit_name, start, printed,
                              area or "context",
                              _period(sentence), unit_label=unit_label)
            if _clipped(doc.line(start), m.group("num")):
                fig.value = None
                fig.notes.append(f"not legible in the source: the extraction prints '{printed}' with a "
                                 "double space where characters were lost")
            # "... compared with 14 percent across England and Wales": the comparator
            between = before[prev_end:]
            last_was_comparator = False
            if found and found[-1].unit == fig.unit != "count" and found[-1].comparator is None and (
                    _EW.search(after[:70]) or _EW.search(between[-45:])):
                found[-1].comparator = fig.value
                last_was_comparator = True
                prev_end = m.end()
                continue
            prev_end = m.end()
            found.append(fig)
        figures.extend(found)
        last = found[-1] if found else None


def _clipped(raw_line: str, num: str) -> bool:
    return re.search(r"\S {2,}" + re.escape(num) + r"(?!\d)", raw_line) is not None


def _period(sentence: str) -> str | None:
    m = _PERIOD.search(sentence)
    return m.group(0) if m else None


def _label(sentence: str, at: int) -> str:
    """The sentence as the figure's label, shortened to the words around the number."""
    sentence = squeeze(sentence)
    if len(sentence) <= 160:
        return sentence
    start = max(0, sentence.rfind(" ", 0, max(0, at - 80)) + 1)
    end = sentence.find(" ", at + 60)
    return sentence[start:end if end != -1 else None].strip()
