"""What queries return: plain data, no Slack, no text. Renderers turn these into messages."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from bot.content.model import (
    Area,
    Deadline,
    Figure,
    Finding,
    Force,
    Inspection,
    Judgment,
    NotRaised,
    Part,
    Response,
)
from bot.content.sentences import Passage


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
    note: str = ""  # how the as-of date picked the inspections, when it matters


@dataclass(frozen=True)
class AreaRow:
    inspection: Inspection
    judgment: Judgment | None
    grade: str | None
    carried_from: Inspection | None


@dataclass(frozen=True)
class ForceAreaRows:
    """One force's rows of an area's history, when several forces are recorded."""

    force: Force
    rows: list[AreaRow]


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
    rows: Sequence[DeadlineRow]  # lazy (bot.ask.rows): len() from the index, rows when read
    unresolved: Sequence[DeadlineRow] = field(default_factory=list)
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
    note: str = ""  # inspections counted from the end of their year (no publication date)
    # With several forces recorded, `rows` again, a group a force (in the forces' order): each
    # group is a chunk of its own, so the history pages like the findings under it (at 43
    # forces it is 430 rows, which as one header overflowed every page); else empty.
    by_force: list[ForceAreaRows] = field(default_factory=list)


@dataclass(frozen=True)
class FigureRow:
    figure: Figure
    inspection: Inspection


@dataclass(frozen=True)
class FiguresResult:
    rows: Sequence[FigureRow]  # lazy for the unfiltered listing (bot.ask.rows)
    topic: str = ""
    year: str = ""


@dataclass(frozen=True)
class ItemResult:
    kind: str  # finding | part | judgment | figure | inspection | response | area
    item: Any
    context: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class SearchRow:
    kind: str  # finding | figure | judgment | response
    id: str
    title: str
    detail: str
    year: str = ""  # the inspection's year label
    item: Any = None  # the Finding, Figure, Judgment or Response
    grade: str | None = None  # a judgment's effective grade
    carried_from: Inspection | None = None
    part: Part | None = None  # the part of a finding that matches best, when not its lead-in


@dataclass(frozen=True)
class KindCount:
    kind: str
    count: int
    parts: int  # sub-points of those findings
    none: NotRaised | None = None  # the report says (or shows) it raised none of this kind


@dataclass(frozen=True)
class Quote:
    """A passage of a report, verbatim, and the recorded items that cite its lines."""

    passage: Passage
    title: str  # the document's title
    items: list[str]


@dataclass(frozen=True)
class SearchResult:
    words: str
    rows: list[SearchRow]
    quotes: list[Quote] = field(default_factory=list)
    filters: str = ""  # how the year and kind words narrowed the search, in words
    # Per inspection searched, the finding kinds asked for that it has none of (`search cause
    # of concern 2016`): said explicitly, with the source when the report says so.
    none: list[tuple[Inspection, KindCount]] = field(default_factory=list)
    # Words of the search that no recorded item holds, each with the close words searched for
    # instead (none: it was not searched for at all): `search zebra crossings` says that no
    # item holds "zebra" and that "crossing" was read as "closing", rather than list what
    # those matched as if it were what was asked.
    unindexed: list[tuple[str, list[str]]] = field(default_factory=list)


@dataclass(frozen=True)
class FindingLine:
    finding: Finding
    status: str  # as of the date asked
    parts: list[Part]


@dataclass(frozen=True)
class InspectionFindings:
    inspection: Inspection
    counts: list[KindCount]
    rows: Sequence[FindingLine]  # lazy (bot.ask.rows): counted from the index


@dataclass(frozen=True)
class FindingsList:
    """`findings [kind] [year|inspection] [area]`: findings by inspection, counted by kind."""

    groups: list[InspectionFindings]
    kinds: tuple[str, ...]
    area: Area | None
    as_of: dt.date
    note: str = ""


@dataclass(frozen=True)
class HelpResult:
    topic: str = ""


@dataclass(frozen=True)
class NotFound:
    """The words were understood but matched nothing; `suggestions` are things to try."""

    message: str
    suggestions: list[str] = field(default_factory=list)
    quotes: list[Quote] = field(default_factory=list)  # what the reports' text says instead


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
