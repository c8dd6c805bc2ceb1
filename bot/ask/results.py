"""What queries return: plain data, no Slack, no text. Renderers turn these into messages."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from bot.content.model import Area, Deadline, Figure, Finding, Inspection, Judgment, Response


@dataclass(frozen=True)
class JudgmentRow:
    judgment: Judgment
    grade: str | None  # the effective grade (a carried judgment shows the earlier grade)
    carried_from: Inspection | None


@dataclass(frozen=True)
class InspectionJudgments:
    inspection: Inspection
    rows: list[JudgmentRow]


@dataclass(frozen=True)
class JudgmentsResult:
    groups: list[InspectionJudgments]
    area: Area | None = None
    asked: str = ""


@dataclass(frozen=True)
class AreaRow:
    inspection: Inspection
    judgment: Judgment | None
    grade: str | None
    carried_from: Inspection | None


@dataclass(frozen=True)
class DeadlineRow:
    """One deadline of one finding (or of one of its parts), as of a date."""

    finding: Finding
    item_id: str  # the finding's id, or the part's
    text: str  # the finding's text, or the part's
    deadline: Deadline
    days: int | None  # days overdue (positive) or until due (negative: see due_in)
    owner: str | None  # owner role title

    @property
    def due_in(self) -> int | None:
        return -self.days if self.days is not None else None


@dataclass(frozen=True)
class FindingsResult:
    title: str
    as_of: dt.date
    rows: list[DeadlineRow]
    unresolved: list[DeadlineRow] = field(default_factory=list)
    mode: str = "overdue"  # overdue | due
    filter: str = ""
    window_days: int = 0


@dataclass(frozen=True)
class AreaResult:
    area: Area
    rows: list[AreaRow]
    scale_change: bool
    findings: list[Finding]
    overdue_ids: set[str]
    figures: list[Figure]
    see_also: list[Area]
    as_of: dt.date


@dataclass(frozen=True)
class FigureRow:
    figure: Figure
    inspection: Inspection


@dataclass(frozen=True)
class FiguresResult:
    rows: list[FigureRow]
    topic: str = ""
    year: str = ""


@dataclass(frozen=True)
class ItemResult:
    kind: str  # finding | part | judgment | figure | inspection | response | area
    item: Any
    context: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class SearchRow:
    kind: str
    id: str
    title: str
    detail: str


@dataclass(frozen=True)
class SearchResult:
    words: str
    rows: list[SearchRow]


@dataclass(frozen=True)
class HelpResult:
    topic: str = ""


@dataclass(frozen=True)
class NotFound:
    """The words were understood but matched nothing; `suggestions` are things to try."""

    message: str
    suggestions: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class ResponsesResult:
    inspection: Inspection
    responses: list[Response]


@dataclass(frozen=True)
class CalendarResult:
    """How to subscribe to the deadlines feed, and the next dated deadlines in it."""

    as_of: dt.date
    upcoming: list[DeadlineRow]
    total: int
