"""The findings tracker for committee papers: every finding in its official wording, with a RAG
status decided from the evidence (bot/ask/rag.py), as of a date.

`as_of` reproduces the tracker as it stood on that date: findings from inspections not yet
published are left out and history entries dated after `as_of` are ignored. Live findings are
grouped by area with their parts listed under them, each part with its own deadline; closed and
superseded findings have their own section with the date and the evidence of the closing entry.
Nothing is cut short: the csv and markdown carry the whole official text.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass

from bot.ask.asof import published_by
from bot.ask.rag import GREY, ORDER, Rag, closed_words, evidence_words, lead_window, legend, rag
from bot.content.kb import KnowledgeBase
from bot.content.model import Deadline, Finding, Part
from bot.content.policy import Policy, policy_of

RAG_ORDER = ORDER
COLUMNS = ["area", "id", "part_of", "inspection", "kind", "text", "owner", "deadline",
           "deadline_date", "status", "rag", "rag_reason", "days_overdue", "last_update",
           "closed_on", "evidence"]
HEADERS = {"area": "Area", "id": "Id", "part_of": "Part of", "inspection": "Inspection",
           "kind": "Kind", "text": "Official wording", "owner": "Owner", "deadline": "Deadline",
           "deadline_date": "Deadline date", "status": "Status", "rag": "RAG",
           "rag_reason": "Why", "days_overdue": "Days overdue", "last_update": "Last update",
           "closed_on": "Closed on", "evidence": "Evidence"}
KIND_WORDS = {"cause_of_concern": "Cause of concern", "recommendation": "Recommendation",
              "area_for_improvement": "Area for improvement"}
STATUS_WORDS = {"open": "Open", "in_progress": "In progress",
                "pending_sign_off": "Pending sign-off", "closed": "Closed",
                "superseded": "Superseded"}


def plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def short_text(text: str, limit: int = 120) -> str:
    """A one-line summary for a calendar title, never for a committee paper's wording."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0] if " " in text[:limit] else text[:limit]
    return cut.rstrip(" ,;:") + "…"


def full_text(text: str) -> str:
    return " ".join(text.split())


@dataclass(frozen=True)
class PartRow:
    part: Part
    days_overdue: int | None


@dataclass(frozen=True)
class TrackerRow:
    finding: Finding
    area: str  # area name
    inspection: str  # inspection year
    owner: str
    rag_status: Rag
    parts: list[PartRow]
    closed_on: str = ""  # for grey rows: the date, or what is known of an undated closure

    @property
    def rag(self) -> str:
        return self.rag_status.colour

    @property
    def rag_reason(self) -> str:
        return self.rag_status.reason

    @property
    def status(self) -> str:
        return self.rag_status.status

    @property
    def days_overdue(self) -> int | None:
        return self.rag_status.days_overdue

    @property
    def last_update(self) -> dt.date | None:
        return self.rag_status.last_update

    @property
    def deadline(self) -> Deadline | None:
        """The finding's own deadline (a part's deadline is the part's, shown under it)."""
        return self.finding.deadline

    def cells(self) -> dict[str, str]:
        f, r = self.finding, self.rag_status
        closed = r.closed
        return {
            "area": self.area, "id": f.id, "part_of": "", "inspection": self.inspection,
            "kind": KIND_WORDS.get(f.kind, f.kind), "text": full_text(f.text),
            "owner": self.owner, **deadline_cells(f.deadline, bool(f.parts)),
            "status": STATUS_WORDS.get(r.status, r.status), "rag": r.colour,
            "rag_reason": r.reason,
            "days_overdue": str(r.days_overdue) if r.days_overdue else "",
            "last_update": r.last_update.isoformat() if r.last_update else "none recorded",
            "closed_on": self.closed_on,
            "evidence": evidence_words(closed.evidence) if closed else "",
        }

    def part_cells(self, p: PartRow) -> dict[str, str]:
        cells = dict.fromkeys(COLUMNS, "")
        cells.update({"area": self.area, "id": p.part.id, "part_of": self.finding.id,
                      "inspection": self.inspection, "kind": "Part",
                      "text": full_text(p.part.text), "owner": self.owner,
                      **deadline_cells(p.part.deadline, False, part=True),
                      "days_overdue": str(p.days_overdue) if p.days_overdue else ""})
        return cells


def deadline_cells(d: Deadline | None, has_parts: bool, part: bool = False) -> dict[str, str]:
    if d is None:
        words = ("none of its own" if part else "see its parts" if has_parts else "none stated")
        return {"deadline": words, "deadline_date": ""}
    date = d.date.isoformat() if d.date else "cannot be dated yet"
    return {"deadline": d.phrase, "deadline_date": date}


@dataclass(frozen=True)
class Tracker:
    as_of: dt.date
    rows: list[TrackerRow]  # grouped by area, worst first within an area
    policy: Policy

    @property
    def amber_days(self) -> int:
        return lead_window(self.policy)

    def live(self) -> list[TrackerRow]:
        return [r for r in self.rows if r.rag != GREY]

    def done(self) -> list[TrackerRow]:
        return [r for r in self.rows if r.rag == GREY]

    def by_area(self) -> list[tuple[str, list[TrackerRow]]]:
        groups: dict[str, list[TrackerRow]] = {}
        for row in self.live():
            groups.setdefault(row.area, []).append(row)
        return list(groups.items())

    def totals(self, rows: list[TrackerRow] | None = None) -> dict[str, int]:
        counts = dict.fromkeys(ORDER, 0)
        for row in self.rows if rows is None else rows:
            counts[row.rag] += 1
        return counts


def _known_on(kb: KnowledgeBase, f: Finding, as_of: dt.date) -> bool:
    """Was the finding published by `as_of`? (bot.ask.asof: an unknown publication date counts
    from the end of the inspection's year, as every as-of answer does.)"""
    return published_by(kb.inspection(f.inspection), as_of)


def _row(kb: KnowledgeBase, f: Finding, as_of: dt.date, policy: Policy) -> TrackerRow:
    owner = kb.owner(f.owner)
    parts = [PartRow(p, (as_of - p.deadline.date).days
                     if p.deadline and p.deadline.date and p.deadline.date < as_of else None)
             for p in f.parts]
    status = rag(kb, f, as_of, policy)
    return TrackerRow(f, kb.area_name(f.area), kb.inspection(f.inspection).year,
                      owner.role if owner else "not recorded", status, parts,
                      closed_words(kb, status.closed) if status.colour == GREY else "")


def build(kb: KnowledgeBase, as_of: dt.date) -> Tracker:
    policy = policy_of(kb)
    rows = [_row(kb, f, as_of, policy) for f in kb.findings if _known_on(kb, f, as_of)]
    rows.sort(key=lambda r: (r.area, ORDER[r.rag], -(r.days_overdue or 0), r.finding.id))
    return Tracker(as_of, rows, policy)


def to_csv(tracker: Tracker) -> str:
    """One row per finding and one per part (under its finding), starting with a BOM so Excel
    reads the file as UTF-8; live findings by area, then closed and superseded."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([HEADERS[c] for c in COLUMNS])
    writer.writerows(_csv_rows(tracker))
    return out.getvalue()


def _csv_rows(tracker: Tracker) -> list[list[str]]:
    rows = []
    for row in tracker.live() + tracker.done():
        cells = row.cells()
        rows.append([cells[c] for c in COLUMNS])
        for p in row.parts:
            part = row.part_cells(p)
            rows.append([part[c] for c in COLUMNS])
    return rows


def to_csv_by_force(trackers: list[tuple[str, Tracker]]) -> str:
    """Several forces' trackers in one file: a Force column first, grouped by force."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["Force", *(HEADERS[c] for c in COLUMNS)])
    for name, tracker in trackers:
        writer.writerows([name, *cells] for cells in _csv_rows(tracker))
    return out.getvalue()


def _md(text: str) -> str:
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")


def totals_line(counts: dict[str, int]) -> str:
    total = sum(counts.values())
    return (f"**Totals:** {plural(total, 'finding')}: {counts['red']} red, "
            f"{counts['amber']} amber, {counts['green']} green, {counts['grey']} grey "
            "(closed or superseded)")


MD_LIVE = ["id", "inspection", "kind", "text", "owner", "deadline", "deadline_date", "status",
           "rag", "days_overdue", "last_update"]
MD_DONE = ["id", "inspection", "kind", "text", "status", "closed_on", "evidence"]


def _header(columns: list[str]) -> list[str]:
    return ["| " + " | ".join(HEADERS[c] for c in columns) + " |",
            "|" + "|".join("---" for _ in columns) + "|"]


def _live_table(rows: list[TrackerRow]) -> list[str]:
    lines = _header(MD_LIVE)
    for row in rows:
        cells = row.cells()
        cells["rag"] = f"**{row.rag.upper()}**: {row.rag_reason}"
        if row.parts:
            cells["kind"] += f" ({plural(len(row.parts), 'part')}, listed below)"
        lines.append("| " + " | ".join(_md(cells[c]) for c in MD_LIVE) + " |")
        for p in row.parts:
            part = row.part_cells(p)
            part["id"] = f"↳ {p.part.id}"
            part["kind"] = f"Part of {row.finding.id}"
            part["status"] = part["rag"] = ""
            lines.append("| " + " | ".join(_md(part[c]) for c in MD_LIVE) + " |")
    return lines


def _done_table(rows: list[TrackerRow]) -> list[str]:
    lines = _header(MD_DONE)
    for row in rows:
        cells = row.cells()
        lines.append("| " + " | ".join(_md(cells[c]) for c in MD_DONE) + " |")
    return lines


def to_markdown(tracker: Tracker, force: str = "") -> str:
    """The tracker for committee papers; `force` names the force in the title when one file
    holds several forces' trackers."""
    title = f"# Findings tracker as of {tracker.as_of.isoformat()}"
    lines = [f"{title}: {force}" if force else title, "",
             totals_line(tracker.totals()), "", "**RAG status, decided from the record:**", ""]
    lines += [f"- **{colour.capitalize()}**: {meaning}." for colour, meaning in
              legend(tracker.policy)]
    lines.append("")
    for area, rows in tracker.by_area():
        lines += [f"## {area}", "", *_live_table(rows), "", totals_line(tracker.totals(rows)), ""]
    done = tracker.done()
    lines += ["## Closed and superseded", ""]
    if done:
        lines += [*_done_table(done), "", f"**Totals:** {plural(len(done), 'finding')} closed "
                  "or superseded", ""]
    else:
        lines += ["No finding was closed or superseded by this date.", ""]
    return "\n".join(lines)
