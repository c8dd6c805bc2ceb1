"""The whole knowledge base as data (`export json`), in the shape DESIGN.md fixes."""

from __future__ import annotations

import datetime as dt
from typing import Any

from bot.content.kb import KnowledgeBase
from bot.content.model import Deadline, Inspection, Judgment, SourceRef, Statement


def _src(s: SourceRef | None) -> dict[str, Any] | None:
    return {"document": s.document, "line": s.line} if s else None


def _date(d: dt.date | None) -> str | None:
    return d.isoformat() if d else None


def _deadline(d: Deadline | None) -> dict[str, Any] | None:
    if d is None:
        return None
    return {"date": _date(d.date), "phrase": d.phrase, "precision": d.precision,
            "after_publication": d.after_publication, "set_by": d.set_by}


def _effective_grade(kb: KnowledgeBase, j: Judgment) -> str | None:
    seen = {j.id}
    while j.carried_from:  # a grade may be carried more than once (2016 -> 2017 -> ...)
        earlier = kb.judgment_at(j.carried_from, j.area)
        if earlier is None or earlier.id in seen:
            return None
        seen.add(earlier.id)
        j = earlier
    return j.grade


def _facts(i: Inspection) -> dict[str, Any]:
    """What the report says about itself (see content/README.md, inspection fields)."""
    def stmt(s: Statement | None, label: str, text: str) -> dict[str, Any] | None:
        return {label: s.label, text: s.text, "source": _src(s.source)} if s else None

    return {
        "overall_grade_stated": i.overall_stated,
        "not_raised": [{"kind": n.kind, "basis": n.basis, "quote": n.quote,
                        "source": _src(n.source)} for n in i.not_raised],
        "fieldwork": stmt(i.fieldwork, "phrase", "quote"),
        "inspectors": [stmt(s, "name", "role") for s in i.inspectors],
        "monitoring": stmt(i.monitoring, "status", "quote"),
        "notable_practice": [stmt(s, "title", "text") for s in i.notable_practice],
    }


def to_json(kb: KnowledgeBase, as_of: dt.date) -> dict[str, Any]:
    data = _to_json(kb, as_of)
    if len(kb.forces) > 1:  # several forces: every item says whose it is, not only inspections
        force_of = {i.id: i.force for i in kb.inspections}
        for kind in ("judgments", "findings", "figures", "responses"):
            data[kind] = [{"force": force_of.get(x["inspection"]), **x} for x in data[kind]]
    return data


def _to_json(kb: KnowledgeBase, as_of: dt.date) -> dict[str, Any]:
    def overdue(f) -> bool:
        return f.is_live and any(d.date and d.date < as_of for _, d in f.deadlines)

    return {
        "as_of": as_of.isoformat(),
        "forces": [{"id": f.id, "name": f.name} for f in kb.forces],
        "inspections": [{
            "id": i.id, "force": i.force, "title": i.title, "inspectorate": i.inspectorate,
            "programme": i.programme, "year": i.year, "published": _date(i.published),
            "scale": list(i.grades), "sources": list(i.sources), **_facts(i)}
            for i in kb.inspections],
        "judgments": [{
            "id": j.id, "inspection": j.inspection, "area": j.area, "question": j.question,
            # A carried-forward judgment gives the grade it carries (with carried_from), so a
            # consumer does not read it as ungraded.
            "grade": _effective_grade(kb, j), "carried_from": j.carried_from,
            "source": _src(j.source)}
            for j in kb.judgments],
        "findings": [{
            "id": f.id, "inspection": f.inspection, "kind": f.kind, "area": f.area,
            "text": f.text, "parts": [{"id": p.id, "text": p.text,
                                       "deadline": _deadline(p.deadline)} for p in f.parts],
            "cause": f.cause, "deadline": _deadline(f.deadline), "owner": f.owner,
            "status": f.status, "overdue": overdue(f),
            "history": [{"date": _date(h.date), "status": h.status, "note": h.note}
                        for h in f.history],
            "links": {"follows_up": list(f.follows_up), "repeats": list(f.repeats),
                      "supersedes": list(f.supersedes)},
            "source": _src(f.source), "also_in": [_src(s) for s in f.also_in]}
            for f in kb.findings],
        "figures": [{
            "id": g.id, "inspection": g.inspection, "label": g.label, "printed": g.printed,
            "value": g.value, "qualifier": g.qualifier,
            "range": {"low": g.range[0], "high": g.range[1]} if g.range else None,
            "direction": g.direction, "better": g.better, "superseded_by": g.superseded_by,
            "legible": g.legible, "unit": g.unit, "period": g.period, "area": g.area,
            "comparators": ({"england_and_wales": g.england_and_wales}
                            if g.england_and_wales is not None else {}),
            "confidence_interval": ({"low": g.ci[0], "high": g.ci[1]} if g.ci else None),
            "source": _src(g.source)} for g in kb.figures],
        "responses": [{
            "id": r.id, "inspection": r.inspection, "by": r.by, "name": r.name,
            "said": r.said, "governance": r.governance, "source": _src(r.source)}
            for r in kb.responses],
    }
