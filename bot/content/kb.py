"""The knowledge base: frozen content plus the indexes queries need, built once per load."""

from __future__ import annotations

import datetime as dt
import threading
from array import array
from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from bot.content.model import (
    Area,
    Deadline,
    Document,
    Figure,
    Finding,
    Force,
    Inspection,
    Judgment,
    Owner,
    Part,
    Response,
)
from bot.content.pickling import fast_pickling
from bot.content.policy import Policy
from bot.content.words import tokens

# Builds of scoped views wait on one another (rare: once per force per load). A module lock
# rather than one per base keeps the knowledge base free of unpicklable members.
_VIEWS_LOCK = threading.Lock()


def _by_id(items: Iterable[Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for item in items:
        out.setdefault(item.id, item)  # duplicates are reported by checks, first one wins
    return out


class SubTexts(Mapping[str, str]):
    """Some documents of a texts mapping (a force's view): the names are kept here and a text is
    read from the whole mapping only when asked for, so a view never copies the reports' text."""

    def __init__(self, whole: Mapping[str, str], names: Iterable[str]):
        self.whole = whole
        self.names = frozenset(n for n in names if n in whole)

    def __getitem__(self, name: str) -> str:
        if name not in self.names:
            raise KeyError(name)
        return self.whole[name]

    def __contains__(self, name: object) -> bool:
        return name in self.names

    def __iter__(self) -> Iterator[str]:
        return iter(sorted(self.names))

    def __len__(self) -> int:
        return len(self.names)


@dataclass(frozen=True, slots=True)
class DeadlineItem:
    """One deadline of a live finding: the finding's own (item_id is its id) or a part's."""

    finding: Finding
    item_id: str
    text: str
    deadline: Deadline


fast_pickling(DeadlineItem)


class Deadlines:
    """Deadlines of live findings: the dated ones sorted by date, so that what is overdue or due
    in a window is found by bisection; the undated ones in content order."""

    def __init__(self, items: Iterable[DeadlineItem]):
        self.dated: list[DeadlineItem] = []
        self.undated: list[DeadlineItem] = []
        for item in items:
            (self.dated if item.deadline.date else self.undated).append(item)
        self.dated.sort(key=lambda i: i.deadline.date)  # type: ignore[arg-type,return-value]
        self.dates: list[dt.date] = [i.deadline.date for i in self.dated]  # type: ignore[misc]
        # The same, in the order `overdue` and `due` list them (date, then item id), so that a
        # page of their answer is a slice found by bisection (bot.ask.queries).
        self.listed = sorted(self.dated, key=lambda i: (i.deadline.date, i.item_id))  # type: ignore[arg-type,return-value]
        # Each listed (and undated) item's inspection, so that the deadlines of inspections not
        # yet published on a day are left out without reading every item.
        self.listed_inspections = [i.finding.inspection for i in self.listed]
        self.undated_inspections = [i.finding.inspection for i in self.undated]

    def listed_before(self, day: dt.date) -> tuple[int, int]:
        """Where in `listed` the dated deadlines strictly before the day are."""
        return 0, bisect_left(self.dates, day)

    def listed_between(self, first: dt.date, last: dt.date) -> tuple[int, int]:
        """Where in `listed` the dated deadlines from first to last (both included) are."""
        return bisect_left(self.dates, first), bisect_right(self.dates, last)

    def before(self, day: dt.date) -> list[DeadlineItem]:
        """Dated deadlines strictly before the day."""
        return self.dated[:bisect_left(self.dates, day)]

    def between(self, first: dt.date, last: dt.date) -> list[DeadlineItem]:
        """Dated deadlines from first to last, both included."""
        return self.dated[bisect_left(self.dates, first):bisect_right(self.dates, last)]


def _deadline_items(findings: list[Finding]) -> list[DeadlineItem]:
    items = []
    for f in findings:
        if not f.is_live:
            continue
        for item_id, deadline in f.deadlines:
            text = f.text if item_id == f.id else next(p.text for p in f.parts if p.id == item_id)
            items.append(DeadlineItem(f, item_id, text, deadline))
    return items


NO_INSPECTION = 0xFFFFFFFF  # a figure whose inspection is not recorded (checks report it)


def _query_indexes(kb: KnowledgeBase, idx: dict[str, Any]) -> None:
    """Indexes that keep each query's cost to the size of its answer, not of the whole base."""
    by_insp: dict[str, list[Judgment]] = defaultdict(list)
    at: dict[tuple[str, str], Judgment] = {}
    for j in kb.judgments:  # already in inspection order
        by_insp[j.inspection].append(j)
        at.setdefault((j.inspection, j.area), j)
    idx["judgments_of"], idx["judgment_at"] = dict(by_insp), at
    in_area: dict[str, list[Finding]] = defaultdict(list)
    for f in kb.findings:
        in_area[f.area].append(f)
    idx["findings_in_area"] = dict(in_area)
    # Findings by inspection (content order), and how many of each kind (with their parts) an
    # inspection raised, overall and per area: `findings` counts from these, never a scan.
    findings_of: dict[str, list[Finding]] = defaultdict(list)
    kinds: dict[tuple[str, str, str], list[int]] = defaultdict(lambda: [0, 0])
    for f in kb.findings:
        findings_of[f.inspection].append(f)
        for key in ((f.inspection, "", f.kind), (f.inspection, f.area, f.kind)):
            kinds[key][0] += 1
            kinds[key][1] += len(f.parts)
    idx["findings_of"] = dict(findings_of)
    idx["finding_kinds"] = {k: (n, parts) for k, (n, parts) in kinds.items()}
    items = _deadline_items(kb.findings)
    by_area: dict[str, list[DeadlineItem]] = defaultdict(list)
    by_owner: dict[str, list[DeadlineItem]] = defaultdict(list)
    for item in items:
        by_area[item.finding.area].append(item)
        if item.finding.owner:
            by_owner[item.finding.owner].append(item)
    idx["deadlines"] = {("", ""): Deadlines(items),
                        **{("area", k): Deadlines(v) for k, v in by_area.items()},
                        **{("owner", k): Deadlines(v) for k, v in by_owner.items()}}
    # Figures by position in kb.figures (the order listings keep): per inspection, per area,
    # and per word of label and topics (`figures asb` looks at the figures that mention it).
    of_insp: dict[str, array[int]] = defaultdict(lambda: array("I"))
    fig_area: dict[str, array[int]] = defaultdict(lambda: array("I"))
    terms: dict[str, array[int]] = defaultdict(lambda: array("I"))
    position = {i.id: n for n, i in enumerate(kb.inspections)}
    insp_of = array("I")  # each figure's inspection, by its place in kb.inspections
    for n, fig in enumerate(kb.figures):
        insp_of.append(position.get(fig.inspection, NO_INSPECTION))
        of_insp[fig.inspection].append(n)
        fig_area[fig.area].append(n)
        for word in set(tokens(" ".join([fig.label, fig.printed or "", *fig.topics]))):
            terms[word].append(n)
    idx["figures_of"], idx["figures_in_area"] = dict(of_insp), dict(fig_area)
    idx["figure_terms"] = dict(terms)
    idx["figure_inspection"] = insp_of
    # each figure's place in inspection order, then content order: how `figures <words>`
    # orders figures of equal score (bot/ask/queries.py), without a sort of tuples per query
    place = array("I", bytes(4 * len(insp_of)))
    for rank, n in enumerate(sorted(range(len(insp_of)), key=lambda n: (insp_of[n], n))):
        place[n] = rank
    idx["figure_place"] = place


@dataclass(frozen=True)
class KnowledgeBase:
    forces: list[Force]
    documents: list[Document]
    areas: list[Area]
    owners: list[Owner]
    inspections: list[Inspection]
    judgments: list[Judgment]
    findings: list[Finding]
    figures: list[Figure]
    responses: list[Response]
    # content/policy.yaml as loaded; None when there is none (bot.content.policy.policy_of
    # then gives the defaults)
    policy: Policy | None = field(default=None, repr=False, compare=False)
    # The reports' own text (content/sources/*.txt) by document id, one string a document
    # (`lines(doc)` numbers it as citations do); empty when the folder ships no sources.
    texts: Mapping[str, str] = field(default_factory=dict, repr=False, compare=False)
    index: dict[str, Any] = field(init=False, repr=False, compare=False)
    # One force's view of this base (`scoped`), built on first use and kept
    _views: dict[str, KnowledgeBase] = field(default_factory=dict, init=False, repr=False,
                                             compare=False)

    def __post_init__(self) -> None:
        # Oldest first: every listing over inspections reads as a history.
        self.inspections.sort(key=lambda i: (i.start_year, i.id))
        order = {i.id: n for n, i in enumerate(self.inspections)}
        self.judgments.sort(key=lambda j: order.get(j.inspection, 0))
        idx: dict[str, Any] = {
            "force": _by_id(self.forces),
            "document": _by_id(self.documents),
            "area": _by_id(self.areas),
            "owner": _by_id(self.owners),
            "inspection": _by_id(self.inspections),
            "judgment": _by_id(self.judgments),
            "finding": _by_id(self.findings),
            "figure": _by_id(self.figures),
            "response": _by_id(self.responses),
            "texts": self.texts,
        }
        parts: dict[str, tuple[Finding, Part]] = {}
        for f in self.findings:
            for p in f.parts:
                parts.setdefault(p.id, (f, p))
        idx["part"] = parts
        # Inverse links, so an earlier finding knows what later repeated or addressed it.
        later: dict[str, list[tuple[str, str]]] = defaultdict(list)
        for f in self.findings:
            for rel, ids in (("follows_up", f.follows_up), ("repeats", f.repeats),
                             ("supersedes", f.supersedes)):
                for target in ids:
                    later[target].append((rel, f.id))
        idx["later"] = dict(later)
        recs: dict[str, list[str]] = defaultdict(list)
        for f in self.findings:
            if f.cause:
                recs[f.cause].append(f.id)
        idx["recommendations_for"] = dict(recs)
        _query_indexes(self, idx)
        object.__setattr__(self, "index", idx)

    # --- look-ups -------------------------------------------------------------------------

    def inspection(self, inspection_id: str) -> Inspection:
        return self.index["inspection"][inspection_id]

    def area(self, area_id: str) -> Area | None:
        return self.index["area"].get(area_id)

    def area_name(self, area_id: str) -> str:
        area = self.area(area_id)
        return area.name if area else area_id

    def finding(self, finding_id: str) -> Finding | None:
        return self.index["finding"].get(finding_id)

    def owner(self, owner_id: str | None) -> Owner | None:
        return self.index["owner"].get(owner_id) if owner_id else None

    def later_links(self, finding_id: str) -> list[tuple[str, str]]:
        return self.index["later"].get(finding_id, [])

    def recommendations_for(self, cause_id: str) -> list[str]:
        return self.index["recommendations_for"].get(cause_id, [])

    def judgments_of(self, inspection_id: str) -> list[Judgment]:
        """An inspection's judgments, in content order."""
        return self.index["judgments_of"].get(inspection_id, [])

    def judgment_at(self, inspection_id: str, area_id: str) -> Judgment | None:
        """The (first) judgment an inspection makes on an area."""
        return self.index["judgment_at"].get((inspection_id, area_id))

    def findings_in_area(self, area_id: str) -> list[Finding]:
        return self.index["findings_in_area"].get(area_id, [])

    def findings_of(self, inspection_id: str) -> list[Finding]:
        """The inspection's findings, in content order."""
        return self.index["findings_of"].get(inspection_id, [])

    def finding_count(self, inspection_id: str, kind: str, area_id: str = "") -> tuple[int, int]:
        """How many findings of the kind the inspection raised (in the area), and their parts."""
        return self.index["finding_kinds"].get((inspection_id, area_id, kind), (0, 0))

    def deadlines(self, owner: str = "", area: str = "") -> Deadlines:
        """Live findings' deadlines: all, or one owner's, or one area's."""
        key = ("owner", owner) if owner else ("area", area) if area else ("", "")
        return self.index["deadlines"].get(key) or Deadlines(())

    def lookup(self, item_id: str) -> tuple[str, Any] | None:
        """Any item by id, case-insensitively: ('finding', Finding), ('part', (Finding, Part))..."""
        key = item_id.strip().lower()
        for kind in ("finding", "part", "judgment", "figure", "inspection", "response", "area",
                     "owner", "document", "force"):
            item = self.index[kind].get(key)
            if item is not None:
                return kind, item
        return None

    def all_ids(self) -> list[str]:
        ids: list[str] = []
        for kind in ("finding", "part", "judgment", "figure", "inspection", "response", "area"):
            ids.extend(self.index[kind])
        return ids

    def lines(self, document: str) -> list[str] | None:
        """A source document's lines, line 1 at index 0; None when its text is not shipped."""
        text = self.texts.get(document)
        return None if text is None else text.split("\n")

    def counts(self) -> dict[str, int]:
        return {"inspections": len(self.inspections), "judgments": len(self.judgments),
                "findings": len(self.findings), "figures": len(self.figures),
                "responses": len(self.responses)}

    # --- several forces -------------------------------------------------------------------

    def scoped(self, force_id: str) -> KnowledgeBase:
        """This base as if it held only one force's items: the same item objects, indexed
        anew, so every query runs on it unchanged. Built once per force, on first use."""
        view = self._views.get(force_id)
        if view is None:
            with _VIEWS_LOCK:
                view = self._views.get(force_id)
                if view is None:
                    view = self._view_of(force_id)
                    # The view's passages come from the whole base's index, limited to its
                    # documents (bot.content.passages): one index, however many views.
                    view.index["whole"] = self
                    self._views[force_id] = view
        return view

    def _view_of(self, force_id: str) -> KnowledgeBase:
        insps = [i for i in self.inspections if i.force == force_id]
        ids = {i.id for i in insps}
        docs = {d for i in insps for d in i.sources}
        return KnowledgeBase(
            forces=[f for f in self.forces if f.id == force_id],
            documents=[d for d in self.documents if d.id in docs],
            areas=self.areas,
            owners=[o for o in self.owners if getattr(o, "force", None) in (None, force_id)],
            inspections=insps,
            judgments=[j for j in self.judgments if j.inspection in ids],
            findings=[f for f in self.findings if f.inspection in ids],
            figures=[f for f in self.figures if f.inspection in ids],
            responses=[r for r in self.responses if r.inspection in ids],
            policy=self.policy,
            texts=SubTexts(self.texts, docs))
