"""RAG status from evidence: the one function that decides red, amber, green or grey.

The csv, markdown and html tracker, App Home and the digest all call `rag()`, and every legend
is `legend()`, so no output can call an item "on track" that the record does not show on track.

- Red: a deadline (the finding's or a part's) has passed and the item is not closed.
- Amber: a deadline falls within the policy's lead window (when the first reminder goes out); or
  no update is recorded within `stale_after_days`; or no owner is recorded; or the latest update
  does not say the work is in progress.
- Green: none of that, and an update within `stale_after_days` says the item is in progress or
  pending sign-off.
- Grey: closed or superseded, with the date and evidence of the entry that closed it.

An item with no deadline and no update is amber "no update recorded", never green: silence is
not progress.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from bot.content.kb import KnowledgeBase
from bot.content.model import Evidence, Finding, HistoryEntry
from bot.content.policy import Policy, policy_of

RED, AMBER, GREEN, GREY = "red", "amber", "green", "grey"
ORDER = {RED: 0, AMBER: 1, GREEN: 2, GREY: 3}
ON_TRACK = ("in_progress", "pending_sign_off")  # statuses that say work is under way
DONE = ("closed", "superseded")


@dataclass(frozen=True)
class Rag:
    colour: str  # red | amber | green | grey
    reasons: tuple[str, ...]  # why, in plain words, most serious first
    status: str  # the status as of the date
    last_update: dt.date | None  # the latest dated history entry in effect
    days_overdue: int | None  # days since the earliest passed deadline
    closed: HistoryEntry | None = None  # for grey: the entry that closed or superseded it

    @property
    def reason(self) -> str:
        return "; ".join(self.reasons)


def entry_date(kb: KnowledgeBase, h: HistoryEntry) -> dt.date | None:
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


def history_as_of(kb: KnowledgeBase, f: Finding,
                  as_of: dt.date) -> tuple[str, dt.date | None, list[HistoryEntry]]:
    """The status, the last dated update and the entries in effect on `as_of`."""
    applied = [h for h in f.history if (entry_date(kb, h) or as_of) <= as_of]
    last = max((h.date for h in applied if h.date), default=None)
    if len(applied) == len(f.history):
        return f.status, last, applied  # nothing lies in the future: the recorded status stands
    return (applied[-1].status if applied else "open"), last, applied


def lead_window(policy: Policy) -> int:
    """Amber "due soon": the policy's largest lead time, when the first reminder goes out."""
    return max(policy.lead_times, default=30)


def rag(kb: KnowledgeBase, f: Finding, as_of: dt.date, policy: Policy | None = None) -> Rag:
    """The RAG status of one finding on `as_of`, with its reasons."""
    policy = policy or policy_of(kb)
    status, last, applied = history_as_of(kb, f, as_of)
    if status in DONE:
        closing = next((h for h in reversed(applied) if h.status == status), None)
        return Rag(GREY, (status.replace("_", " "),), status, last, None, closing)
    dated = sorted(d.date for _, d in f.deadlines if d.date)
    passed = sorted((d.date, item) for item, d in f.deadlines if d.date and d.date < as_of)
    if passed:
        overdue = (as_of - passed[0][0]).days
        late = tuple(f"{'' if item == f.id else item + ' '}{(as_of - day).days:,} days overdue"
                     for day, item in passed)
        return Rag(RED, late, status, last, overdue)
    window, stale = lead_window(policy), policy.stale_after_days
    reasons: list[str] = []
    ahead = [d for d in dated if d >= as_of]
    if ahead and (ahead[0] - as_of).days <= window:
        days = (ahead[0] - as_of).days
        reasons.append("due today" if days == 0 else f"due in {days} days")
    if any(not d.date for _, d in f.deadlines):
        reasons.append("a deadline cannot be dated yet")
    if last is None:
        reasons.append("no update recorded")
    elif (as_of - last).days > stale:
        reasons.append(f"no update for {(as_of - last).days} days (more than {stale})")
    elif status not in ON_TRACK:
        reasons.append("the latest update does not say it is in progress")
    if f.owner is None or kb.owner(f.owner) is None:
        reasons.append("no owner recorded")
    if reasons:
        return Rag(AMBER, tuple(reasons), status, last, None)
    days = (as_of - last).days if last else 0
    return Rag(GREEN, (f"in progress, updated {days} days ago",), status, last, None)


def legend(policy: Policy) -> list[tuple[str, str]]:
    """(colour, meaning) for every colour, in the words `rag()` decides by."""
    window, stale = lead_window(policy), policy.stale_after_days
    return [
        (RED, "a deadline (the finding's or one of its parts') has passed"),
        (AMBER, f"a deadline falls within {window} days (when the first reminder goes out) or "
                f"cannot be dated yet, or no update is recorded within {stale} days, or the "
                "latest update does not say the work is in progress, or no owner is recorded; "
                "an item with no deadline and no update is amber"),
        (GREEN, f"an update within {stale} days says the work is in progress or pending "
                "sign-off, an owner is recorded and no deadline is near or passed"),
        (GREY, "closed or superseded, with the date and evidence of the closing entry"),
    ]


def legend_text(policy: Policy) -> str:
    return " ".join(f"{colour.capitalize()}: {meaning}." for colour, meaning in legend(policy))


def legend_short(policy: Policy) -> str:
    """One line for a Slack message, with the same thresholds as `legend`."""
    window, stale = lead_window(policy), policy.stale_after_days
    return (f"RAG: red, a deadline has passed · amber, due within {window} days or not yet "
            f"datable, no update within {stale} days, not said to be in progress, or no owner · "
            f"green, in progress and updated within {stale} days · grey, closed or superseded")


def of_finding(kb: KnowledgeBase, finding_id: str | None, day: dt.date) -> Rag | None:
    """The RAG of a finding by id (None for a reminder that is not about a finding)."""
    f = kb.index["finding"].get(finding_id or "")
    return rag(kb, f, day) if f else None


def closed_words(kb: KnowledgeBase, h: HistoryEntry | None) -> str:
    """When an item was closed, or what is known of it when the entry is undated."""
    if h is None:
        return "not recorded"
    if h.date:
        return h.date.isoformat()
    doc_id = h.evidence.document if h.evidence else None
    for insp in kb.inspections:
        if doc_id and doc_id in insp.sources:
            return f"undated; stated in the {insp.year} report"
    return "not recorded"


def evidence_words(e: Evidence | None) -> str:
    """Where the evidence for a closure is, in words a committee paper can cite."""
    if e is None:
        return "no evidence recorded"
    parts = []
    if e.document:
        parts.append(f"{e.document}" + (f" line {e.line}" if e.line else ""))
    if e.quote:
        parts.append(f"“{' '.join(e.quote.split())}”")
    if e.url:
        parts.append(e.url)
    if e.note:
        parts.append(e.note)
    return "; ".join(parts) or "no evidence recorded"
