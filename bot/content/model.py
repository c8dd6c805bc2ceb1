"""The knowledge base's typed, frozen objects. Code past the loader never sees raw YAML."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from bot.content.pickling import fast_pickling


@dataclass(frozen=True, slots=True)
class SourceRef:
    document: str
    line: int

    def __str__(self) -> str:
        return f"{self.document}:{self.line}"


@dataclass(frozen=True, slots=True)
class Loc:
    """Where an item is defined in content/, for messages that point a maintainer at it."""

    file: str
    line: int


@dataclass(frozen=True, slots=True)
class Force:
    id: str
    name: str
    prefix: str


@dataclass(frozen=True, slots=True)
class Document:
    id: str
    title: str
    kind: str
    published: dt.date | None
    published_source: SourceRef | None


@dataclass(frozen=True, slots=True)
class Area:
    id: str
    name: str
    aliases: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()
    see_also: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Owner:
    id: str
    role: str
    slack_user: str | None = None
    slack_usergroup: str | None = None
    force: str | None = None  # the force whose role this is; None: every force's


@dataclass(frozen=True, slots=True)
class Statement:
    """Something a report states about itself (fieldwork dates, who signed it, a monitoring
    status, a piece of innovative practice), as data rather than a maintainer's note."""

    label: str  # the short answer: the dates, the name, the status word, the title
    text: str | None  # the wording around it, verbatim where the source words it
    source: SourceRef


@dataclass(frozen=True, slots=True)
class NotRaised:
    """A kind of finding the report did not raise, and how we know: the source says so
    ('stated'), or the report's structure shows it ('structure': e.g. only one kind of box)."""

    kind: str
    basis: str  # stated | structure
    quote: str | None
    source: SourceRef


@dataclass(frozen=True, slots=True)
class Inspection:
    id: str
    force: str
    title: str
    inspectorate: str
    programme: str
    year: str
    published: dt.date | None
    published_source: SourceRef | None
    scale: str
    grades: tuple[str, ...]  # the scale's grade words, best first
    sources: tuple[str, ...]
    note: str | None = None
    loc: Loc | None = field(default=None, compare=False)
    # Whether the report states one overall grade; None when no maintainer has recorded it.
    overall_stated: bool | None = None
    overall: Statement | None = None
    not_raised: tuple[NotRaised, ...] = ()
    fieldwork: Statement | None = None
    inspectors: tuple[Statement, ...] = ()
    monitoring: Statement | None = None
    notable_practice: tuple[Statement, ...] = ()

    @property
    def start_year(self) -> int:
        return int(self.year[:4])

    @property
    def end_year(self) -> int:
        """The last calendar year the label names: 2022 for '2021/22'."""
        tail = self.year[5:] if len(self.year) > 5 and self.year[4] in "/-" else ""
        return int(self.year[:2] + tail[-2:]) if tail else self.start_year

    @property
    def counted_from(self) -> dt.date:
        """The day the inspection counts from in an as-of answer: its publication date, or
        (undated) the end of the last year its label names."""
        return self.published or dt.date(self.end_year, 12, 31)


@dataclass(frozen=True, slots=True)
class EarlierGrade:
    """A grade from an inspection the knowledge base does not record, as a later report states
    it ("when we judged the force to require improvement" in 2015)."""

    year: str
    grade: str
    quote: str | None
    source: SourceRef


@dataclass(frozen=True, slots=True)
class Judgment:
    id: str
    inspection: str
    area: str
    question: str
    grade: str | None  # None: ungraded, or carried (see carried_from)
    carried_from: str | None
    quote: str | None
    source: SourceRef
    note: str | None = None
    loc: Loc | None = field(default=None, compare=False)
    earlier: EarlierGrade | None = None


@dataclass(frozen=True, slots=True)
class Deadline:
    phrase: str
    date: dt.date | None  # resolved date (explicit, or publication + offset), None if unresolvable
    precision: str = "day"
    after_publication: str | None = None
    set_by: str = "inspectorate"

    @property
    def resolved(self) -> bool:
        return self.date is not None


@dataclass(frozen=True, slots=True)
class Evidence:
    document: str | None = None
    line: int | None = None
    quote: str | None = None
    url: str | None = None
    note: str | None = None


def closure_evidenced(date: dt.date | None, evidence: Evidence | Any | None) -> bool:
    """A closure is evidenced by an entry with evidence that is dated, or that cites the line
    of a source document saying so (some sources are undated: a date is never guessed)."""
    if not evidence:
        return False
    document = evidence.get("document") if isinstance(evidence, dict) else evidence.document
    return bool(date or document)


@dataclass(frozen=True, slots=True)
class HistoryEntry:
    date: dt.date | None
    status: str
    note: str | None = None
    evidence: Evidence | None = None


@dataclass(frozen=True, slots=True)
class Part:
    id: str
    text: str
    deadline: Deadline | None
    source: SourceRef | None


@dataclass(frozen=True, slots=True)
class Finding:
    id: str
    inspection: str
    kind: str
    area: str
    text: str
    source: SourceRef
    parts: tuple[Part, ...] = ()
    cause: str | None = None
    also_in: tuple[SourceRef, ...] = ()
    deadline: Deadline | None = None
    target: tuple[dt.date, str | None] | None = None
    owner: str | None = None
    status: str = "open"
    history: tuple[HistoryEntry, ...] = ()
    follows_up: tuple[str, ...] = ()
    repeats: tuple[str, ...] = ()
    supersedes: tuple[str, ...] = ()
    note: str | None = None
    loc: Loc | None = field(default=None, compare=False)

    @property
    def is_live(self) -> bool:
        """Still to be acted on: not closed and not superseded."""
        return self.status not in ("closed", "superseded")

    @property
    def deadlines(self) -> tuple[tuple[str, Deadline], ...]:
        """Every deadline the finding carries, with the id it belongs to (finding or part)."""
        out: list[tuple[str, Deadline]] = []
        if self.deadline:
            out.append((self.id, self.deadline))
        out.extend((p.id, p.deadline) for p in self.parts if p.deadline)
        return tuple(out)

    @property
    def closed_without_evidence(self) -> bool:
        """Closed, but the latest history entry neither is dated nor cites a source for it
        (answers then say "closed (no evidence recorded)"; `validate --strict` refuses it)."""
        return self.status == "closed" and not (self.history and closure_evidenced(
            self.history[-1].date, self.history[-1].evidence))

    @property
    def last_update(self) -> dt.date | None:
        dates = [h.date for h in self.history if h.date]
        return max(dates) if dates else None


@dataclass(frozen=True, slots=True)
class Figure:
    id: str
    inspection: str
    label: str
    value: float | int | None
    legible: bool
    unit: str
    unit_label: str | None
    period: str | None
    area: str
    topics: tuple[str, ...]
    england_and_wales: float | int | None
    ci: tuple[float, float] | None
    source: SourceRef
    note: str | None = None
    printed: str | None = None  # the source's own words around the value, verbatim
    qualifier: str | None = None  # more_than, at_least, about, fewer_than, up_to, range
    range: tuple[float, float] | None = None  # a printed range "60 to 80"
    direction: str | None = None  # rise, fall, no_change: the figure is a change
    better: str | None = None  # higher, lower: which way is better, where clear
    superseded_by: str | None = None  # a figure for a later period of the same measure
    loc: Loc | None = field(default=None, compare=False)

    @property
    def difference(self) -> float | None:
        """Force minus England and Wales, where both are known exactly. A value the source
        qualifies ("more than 50") or gives as a range has no exact difference."""
        if self.value is None or self.england_and_wales is None or self.qualifier:
            return None
        return round(self.value - self.england_and_wales, 6)

    @property
    def is_change(self) -> bool:
        return self.direction is not None


@dataclass(frozen=True, slots=True)
class Response:
    id: str
    inspection: str
    by: str
    name: str
    said: str
    governance: str | None
    source: SourceRef
    governance_source: SourceRef | None
    loc: Loc | None = field(default=None, compare=False)


for _cls in (SourceRef, Loc, Force, Document, Area, Owner, Statement, NotRaised, Inspection,
             EarlierGrade, Judgment, Deadline, Evidence, HistoryEntry, Part, Finding, Figure,
             Response):
    fast_pickling(_cls)
