"""The knowledge base: frozen content plus the indexes queries need, built once per load."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from .model import (
    Area,
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
from .search import SearchIndex


def _by_id(items: Iterable[Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for item in items:
        out.setdefault(item.id, item)  # duplicates are reported by checks, first one wins
    return out


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
    index: dict[str, Any] = field(init=False, repr=False, compare=False)
    search_index: SearchIndex = field(init=False, repr=False, compare=False)

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
        object.__setattr__(self, "index", idx)
        object.__setattr__(self, "search_index", SearchIndex.build(self))

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

    def counts(self) -> dict[str, int]:
        return {"inspections": len(self.inspections), "judgments": len(self.judgments),
                "findings": len(self.findings), "figures": len(self.figures),
                "responses": len(self.responses)}
