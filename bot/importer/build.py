"""Drafted items to the YAML blocks of the draft file, with ids, areas and review markers.
Every item is checked against the source text here: one whose quote is not at its line is
dropped and named in the summary (nothing is invented)."""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.content.kb import KnowledgeBase
from bot.importer.deadlines import DraftDeadline, find_deadline
from bot.importer.document import SourceText
from bot.importer.draft import Block, Raw, source
from bot.importer.figures import DraftFigure
from bot.importer.findings import DraftFinding
from bot.importer.judgments import DraftJudgment
from bot.importer.labels import draft_label

_HOW = {"sentence": "the sentence stating the grade", "section end": "the grade closing the section",
        "table": "the summary table of grades", "carried": "a carried-forward statement",
        "ungraded": "a statement that the area is ungraded",
        "no grade stated": "a question section that states no grade"}
ABBREVIATION = {"cause_of_concern": "coc", "recommendation": "rec", "area_for_improvement": "afi"}


@dataclass
class Built:
    judgments: list[Block] = field(default_factory=list)
    findings: list[Block] = field(default_factory=list)
    figures: list[Block] = field(default_factory=list)
    dropped: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)


def _deadline(d: DraftDeadline | None) -> Block | None:
    if d is None:
        return None
    b = Block().add("phrase", d.phrase)
    if d.date is not None:
        b.add("date", d.date)
    if d.precision != "day":
        b.add("precision", d.precision)
    if d.after_publication is not None:
        b.add("after_publication", d.after_publication)
    return b


def carried_from(kb: KnowledgeBase | None, force: str, year: str, area: str) -> str | None:
    """The latest earlier inspection of the force with a judgment in the area."""
    if kb is None:
        return None
    start = int(year[:4])
    earlier = sorted((i for i in kb.inspections if i.force == force and i.start_year < start),
                     key=lambda i: i.start_year, reverse=True)
    return next((i.id for i in earlier if kb.judgment_at(i.id, area)), None)


def build_items(doc: SourceText, document: str, base: str, force: str, year: str,
                judgments: list[DraftJudgment], findings: list[DraftFinding],
                figures: list[DraftFigure], kb: KnowledgeBase | None, unsure: list[str]) -> Built:
    out = Built()

    def src(line: int) -> Raw:
        return Raw(source(document, line, doc.page_of(line)))

    def check(quote: str, line: int, what: str) -> bool:
        if doc.holds(quote, line):
            return True
        out.dropped.append(f"line {line}: {what} '{quote[:60]}' is not in the source at that line; "
                           "dropped.")
        return False

    for j in judgments:
        if not check(j.quote, j.line, "judgment"):
            continue
        b = Block().add("area", j.area).add("question", j.question)
        notes = list(j.notes)
        if j.how == "carried":
            origin = carried_from(kb, force, year, j.area)
            if origin:
                b.add("carried_from", origin)
            else:
                b.add("grade", None)
                notes.append(f"carried forward from an inspection before {year} that this knowledge "
                             "base does not record: import it, then set carried_from")
                unsure.append(f"line {j.line}: {j.area}: carried forward, but no earlier inspection "
                              "of this force is recorded; set carried_from.")
        else:
            b.add("grade", j.grade)
        b.add("quote", j.quote).add("source", src(j.line)).add("review", "draft")
        notes.insert(0, f"drafted from {_HOW[j.how]}")
        b.add("note", "; ".join(notes) + ".")
        out.judgments.append(b)

    numbers: dict[str, int] = {}
    ids: dict[int, str] = {}
    for index, f in enumerate(findings):
        if not check(f.text, f.line, f.kind.replace("_", " ")):
            continue
        abbr = ABBREVIATION[f.kind]
        numbers[abbr] = numbers.get(abbr, 0) + 1
        fid = f"{base}-{abbr}-{numbers[abbr]:02d}"
        ids[index] = fid
        b = Block().add("id", fid).add("kind", f.kind).add("area", f.area or "overall")
        if f.kind == "recommendation" and f.cause is not None and f.cause in ids:
            b.add("cause", ids[f.cause])
        b.add("text", f.text).add("source", src(f.line))
        if f.also_in:
            b.add("also_in", [Raw(source(document, n, doc.page_of(n))) for n in f.also_in])
        deadline = _deadline(f.deadline)
        if deadline:
            b.add("deadline", deadline)
        parts = []
        for letter, p in zip("abcdefghijklmnopqrstuvwxyz", f.parts, strict=False):
            if not check(p.text, p.line, "part"):
                continue
            pb = Block().add("id", f"{fid}{letter}").add("text", p.text)
            own = find_deadline(p.text)
            if own and (deadline is None or own.phrase != f.deadline.phrase):
                pb.add("deadline", _deadline(own))
            parts.append(pb.add("source", src(p.line)))
        if parts:
            b.add("parts", parts)
        b.add("status", "open").add("review", "draft")
        notes = list(f.notes)
        if f.area is None:
            notes.append("no section heading named its area: choose one")
        if notes:
            b.add("note", "; ".join(notes) + ".")
        out.findings.append(b)
        out.counts[f.kind] = out.counts.get(f.kind, 0) + 1

    for n, g in enumerate(figures, 1):
        if not check(g.printed, g.line, "figure value"):
            continue
        label, printed = draft_label(g.label)
        b = Block().add("id", f"{base}-fig-{n:03d}").add("label", label)
        if printed:
            b.add("printed", printed)
        b.add("value", g.value)
        notes = list(g.notes)
        if printed:
            notes.append("label shortened from the source's words (kept in 'printed'): check it")
        if isinstance(g.value, (int, float)) and g.value < 0:
            b.add("direction", "fall")  # validate: a negative value is a fall
        if g.value is None:
            b.add("legible", False)
            unsure.append(f"line {g.line}: '{g.printed}': digits lost in the extraction; the value "
                          "is recorded as not legible (value null), never as the digits left.")
        b.add("unit", g.unit)
        if g.unit == "other":
            b.add("unit_label", g.unit_label or "as printed")
        b.add("period", g.period).add("area", g.area or "context")
        if g.comparator is not None:
            b.add("comparators", Raw(f"{{england_and_wales: {g.comparator!r}}}"))
        if g.ci:
            b.add("confidence_interval", Raw(f"{{low: {g.ci[0]!r}, high: {g.ci[1]!r}}}"))
        b.add("source", src(g.line)).add("review", "draft")
        notes.insert(0, f"printed '{g.printed}'")
        b.add("note", "; ".join(notes) + ".")
        out.figures.append(b)
    out.counts["judgments"] = len(out.judgments)
    out.counts["figures"] = len(out.figures)
    return out
