"""The findings tracker for committee papers: one row per finding, with a RAG status, as of a date.

`as_of` reproduces the tracker as it stood on that date: findings from inspections not yet
published are left out and history entries dated after `as_of` are ignored.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass

from bot.ask.asof import published_by
from bot.content.kb import KnowledgeBase
from bot.content.model import Deadline, Finding, HistoryEntry
from bot.content.policy import policy_of

# Amber "due soon" is the reminders policy's window: its largest lead time (30 days by
# default), so the tracker turns amber when the first reminder goes out.
DEFAULT_AMBER_DAYS = 30
# A live finding with a deadline and no recorded update for this long needs chasing.
STALE_AFTER_DAYS = 90
SHORT_TEXT = 120

RAG_ORDER = {"red": 0, "amber": 1, "green": 2, "closed": 3}
COLUMNS = ["area", "id", "inspection", "kind", "text", "owner", "deadline", "deadline_date",
           "status", "rag", "rag_reason", "days_overdue", "last_update", "parts"]
HEADERS = {"area": "Area", "id": "Id", "inspection": "Inspection", "kind": "Kind",
           "text": "Finding", "owner": "Owner", "deadline": "Deadline",
           "deadline_date": "Deadline date", "status": "Status", "rag": "RAG",
           "rag_reason": "Why", "days_overdue": "Days overdue", "last_update": "Last update",
           "parts": "Parts"}
KIND_WORDS = {"cause_of_concern": "Cause of concern", "recommendation": "Recommendation",
              "area_for_improvement": "Area for improvement"}
STATUS_WORDS = {"open": "Open", "in_progress": "In progress",
                "pending_sign_off": "Pending sign-off", "closed": "Closed",
                "superseded": "Superseded"}


@dataclass(frozen=True)
class TrackerRow:
    finding: Finding
    area: str  # area name
    inspection: str  # inspection year
    owner: str
    deadline: Deadline | None  # the earliest dated deadline, else the first one
    status: str  # as of the date
    rag: str  # red | amber | green | closed
    rag_reason: str
    days_overdue: int | None
    last_update: dt.date | None
    parts: str  # e.g. "3 parts, 2 with their own deadline"

    def cells(self) -> dict[str, str]:
        f = self.finding
        d = self.deadline
        return {
            "area": self.area, "id": f.id, "inspection": self.inspection,
            "kind": KIND_WORDS.get(f.kind, f.kind), "text": short_text(f.text),
            "owner": self.owner, "deadline": d.phrase if d else "none stated",
            "deadline_date": d.date.isoformat() if d and d.date else
            ("not resolvable" if d else ""),
            "status": STATUS_WORDS.get(self.status, self.status), "rag": self.rag,
            "rag_reason": self.rag_reason,
            "days_overdue": str(self.days_overdue) if self.days_overdue else "",
            "last_update": self.last_update.isoformat() if self.last_update else "none recorded",
            "parts": self.parts,
        }


@dataclass(frozen=True)
class Tracker:
    as_of: dt.date
    rows: list[TrackerRow]  # grouped by area, worst first within an area
    amber_days: int = DEFAULT_AMBER_DAYS  # "due soon": within this many days

    def by_area(self) -> list[tuple[str, list[TrackerRow]]]:
        groups: dict[str, list[TrackerRow]] = {}
        for row in self.rows:
            groups.setdefault(row.area, []).append(row)
        return list(groups.items())

    def totals(self, rows: list[TrackerRow] | None = None) -> dict[str, int]:
        counts = dict.fromkeys(RAG_ORDER, 0)
        for row in self.rows if rows is None else rows:
            counts[row.rag] += 1
        return counts


def short_text(text: str, limit: int = SHORT_TEXT) -> str:
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0] if " " in text[:limit] else text[:limit]
    return cut.rstrip(" ,;:") + "…"


def _known_on(kb: KnowledgeBase, f: Finding, as_of: dt.date) -> bool:
    """Was the finding published by `as_of`? (bot.ask.asof: an unknown publication date counts
    from the end of the inspection's year, as every as-of answer does.)"""
    return published_by(kb.inspection(f.inspection), as_of)


def _entry_date(kb: KnowledgeBase, h: HistoryEntry) -> dt.date | None:
    """When an entry took effect. An undated entry takes its evidence document's date: the
    document's recorded publication, else that of the inspection citing it, else 31 December of
    that inspection's year (late rather than early: never claim a closure before it was known).
    With no evidence it cannot be placed and counts as in effect."""
    if h.date:
        return h.date
    doc_id = h.evidence.document if h.evidence else None
    if not doc_id:
        return None
    doc = kb.index["document"].get(doc_id)
    if doc and doc.published:
        return doc.published
    for insp in kb.inspections:
        if doc_id in insp.sources:
            return insp.published or dt.date(insp.start_year, 12, 31)
    return None


def history_as_of(kb: KnowledgeBase, f: Finding, as_of: dt.date) -> tuple[str, dt.date | None]:
    """The status and the last dated update as they stood on `as_of`."""
    applied = [h for h in f.history if (_entry_date(kb, h) or as_of) <= as_of]
    last = max((h.date for h in applied if h.date), default=None)
    if len(applied) == len(f.history):
        return f.status, last  # nothing lies in the future: the recorded status stands
    return (applied[-1].status if applied else "open"), last


def amber_window(kb: KnowledgeBase) -> int:
    """The reminders policy's largest lead time: when the first reminder goes out."""
    return max(policy_of(kb).lead_times, default=DEFAULT_AMBER_DAYS)


def _row(kb: KnowledgeBase, f: Finding, as_of: dt.date, amber_days: int) -> TrackerRow:
    status, last = history_as_of(kb, f, as_of)
    live = status not in ("closed", "superseded")
    deadlines = [d for _, d in f.deadlines]
    dated = sorted((d for d in deadlines if d.date), key=lambda d: d.date or as_of)
    shown = dated[0] if dated else (deadlines[0] if deadlines else None)
    overdue = max(((as_of - d.date).days for d in dated if d.date and d.date < as_of),
                  default=0)
    owner = kb.owner(f.owner)
    parts = ""
    if f.parts:
        own = sum(1 for p in f.parts if p.deadline)
        parts = f"{len(f.parts)} parts" + (f", {own} with their own deadline" if own else "")
    if not live:
        rag, reason = "closed", STATUS_WORDS.get(status, status).lower()
    elif overdue:
        rag, reason = "red", f"{overdue} days overdue"
    elif dated and dated[0].date and (dated[0].date - as_of).days <= amber_days:
        rag, reason = "amber", f"due within {amber_days} days"
    elif deadlines and (last is None or (as_of - last).days > STALE_AFTER_DAYS):
        rag = "amber"
        reason = (f"no update for {STALE_AFTER_DAYS} days" if last else "no update recorded")
    else:
        rag, reason = "green", "on track"
    return TrackerRow(f, kb.area_name(f.area), kb.inspection(f.inspection).year,
                      owner.role if owner else "not recorded", shown, status, rag, reason,
                      overdue or None, last, parts)


def build(kb: KnowledgeBase, as_of: dt.date) -> Tracker:
    amber_days = amber_window(kb)
    rows = [_row(kb, f, as_of, amber_days) for f in kb.findings if _known_on(kb, f, as_of)]
    rows.sort(key=lambda r: (r.area, RAG_ORDER[r.rag], -(r.days_overdue or 0), r.finding.id))
    return Tracker(as_of, rows, amber_days)


def to_csv(tracker: Tracker) -> str:
    """Flat rows sorted by area, starting with a BOM so Excel reads the file as UTF-8."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([HEADERS[c] for c in COLUMNS])
    for row in tracker.rows:
        cells = row.cells()
        writer.writerow([cells[c] for c in COLUMNS])
    return out.getvalue()


def _md(text: str) -> str:
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")


def _totals_line(counts: dict[str, int]) -> str:
    total = sum(counts.values())
    return (f"**Totals:** {total} finding{'s' if total != 1 else ''}: {counts['red']} red, "
            f"{counts['amber']} amber, {counts['green']} green, {counts['closed']} closed")


MD_COLUMNS = ["id", "inspection", "kind", "text", "owner", "deadline", "deadline_date", "status",
              "rag", "days_overdue", "last_update"]


def _table(rows: list[TrackerRow]) -> list[str]:
    lines = ["| " + " | ".join(HEADERS[c] for c in MD_COLUMNS) + " |",
             "|" + "|".join("---" for _ in MD_COLUMNS) + "|"]
    for row in rows:
        cells = row.cells()
        if row.parts:
            cells["deadline"] += f" ({row.parts})"
        cells["rag"] = cells["rag"].upper() + (f": {row.rag_reason}" if row.rag != "closed" else "")
        lines.append("| " + " | ".join(_md(cells[c]) for c in MD_COLUMNS) + " |")
    return lines


def to_markdown(tracker: Tracker) -> str:
    lines = [f"# Findings tracker as of {tracker.as_of.isoformat()}", "",
             _totals_line(tracker.totals()), "",
             f"RAG: red is overdue; amber is due within {tracker.amber_days} days (when the "
             "first reminder goes out) or has no "
             f"update recorded for {STALE_AFTER_DAYS} days; green is on track. Closed and "
             "superseded findings are listed apart.", ""]
    closed = [r for r in tracker.rows if r.rag == "closed"]
    for area, rows in tracker.by_area():
        live = [r for r in rows if r.rag != "closed"]
        if not live:
            continue
        lines += [f"## {area}", "", *_table(live), "", _totals_line(tracker.totals(live)), ""]
    if closed:
        lines += ["## Closed and superseded", "", *_table(closed), "",
                  f"**Totals:** {len(closed)} closed", ""]
    return "\n".join(lines)
