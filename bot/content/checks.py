"""Checks across files: ids, references, grades against scales, evidence behind statuses.

These run on the checked mappings (which remember their line and column) with the built
knowledge base for look-ups, so every problem points at the exact key to fix.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.content.fields import LDict, did_you_mean
from bot.errors import Problem

if TYPE_CHECKING:
    from bot.content.kb import KnowledgeBase
    from bot.content.raw import Raw


class _Out:
    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def at(self, d: LDict, key: str | None, path: str, message: str, hint: str = "",
           warning: bool = False) -> None:
        m = d.key_marks.get(key, d.mark) if key else d.mark
        self.problems.append(Problem(m.file, m.line, m.column, path, message, hint, warning))


def _ref(out: _Out, d: LDict, key: str, path: str, value: str | None, known: dict, what: str) -> bool:
    if value is None or value in known:
        return True
    out.at(d, key, f"{path}.{key}", f"unknown {what} '{value}'.",
           did_you_mean(value, list(known)) or f"Known: {', '.join(sorted(known)[:12])}.")
    return False


def cross_references(kb: KnowledgeBase, raw: Raw) -> list[Problem]:
    out = _Out()
    idx = kb.index
    _duplicate_ids(out, raw)

    for d, _, _ in raw.of("areas"):
        for target in d.get("see_also") or []:
            _ref(out, d, "see_also", f"areas({d.get('id')})", target, idx["area"], "area")

    for d, _, _ in raw.of("inspections"):
        path = "inspection"
        _ref(out, d, "force", path, d.get("force"), idx["force"], "force")
        for doc in d.get("sources") or []:
            _ref(out, d, "sources", path, doc, idx["document"], "document")
        if d.get("published") is not None and "published_source" not in d:
            out.at(d, "published", f"{path}.published",
                   "a publication date needs a published_source saying where it is stated.")
        _source(out, d, path, idx)

    for d, _, insp in raw.of("judgments"):
        path = f"judgments({d.get('area')})"
        _ref(out, d, "area", path, d.get("area"), idx["area"], "area")
        _source(out, d, path, idx)
        carried = d.get("carried_from")
        scale = kb.index["inspection"].get(insp.get("id")) if insp else None
        known = _ref(out, d, "carried_from", path, carried, idx["inspection"], "inspection")
        if carried is not None and known and d.get("grade") is not None:
            out.at(d, "grade", f"{path}.grade",
                   "a carried-forward judgment takes its grade from 'carried_from'; remove 'grade'.")
        grade = d.get("grade")
        if grade is not None and scale is not None and grade not in scale.grades:
            out.at(d, "grade", f"{path}.grade",
                   f"'{grade}' is not one of: {', '.join(scale.grades)}.",
                   did_you_mean(grade, scale.grades) or f"(the {scale.scale} scale)")

    for d, _, _ in raw.of("findings"):
        _finding(out, kb, d)

    for d, _, _ in raw.of("figures"):
        path = f"figures({d.get('id')})"
        _ref(out, d, "area", path, d.get("area"), idx["area"], "area")
        _source(out, d, path, idx)
        legible = d.get("legible", True)
        if "value" in d and d["value"] is None and legible:
            out.at(d, "value", f"{path}.value",
                   "value is null: set 'legible: false' and say why in 'note'.")
        if d.get("value") is not None and not legible:
            out.at(d, "legible", f"{path}.legible", "a value that is not legible must be null.")
        if d.get("unit") == "other" and not d.get("unit_label"):
            out.at(d, "unit", f"{path}.unit", "unit 'other' needs a 'unit_label'.")

    _drafts(out, raw)
    for d, _, _ in raw.of("responses"):
        path = f"responses({d.get('id')})"
        _ref(out, d, "inspection", path, d.get("inspection"), idx["inspection"], "inspection")
        _source(out, d, path, idx)
    return out.problems


def _source(out: _Out, d: LDict, path: str, idx: dict) -> None:
    for key in ("source", "published_source", "governance_source"):
        src = d.get(key)
        if isinstance(src, LDict):
            _ref(out, src, "document", f"{path}.{key}", src.get("document"), idx["document"],
                 "document")
    for src in d.get("also_in") or []:
        _ref(out, src, "document", f"{path}.also_in", src.get("document"), idx["document"],
             "document")


def _finding(out: _Out, kb: KnowledgeBase, d: LDict) -> None:
    idx = kb.index
    fid = d.get("id")
    path = f"findings({fid})"
    _ref(out, d, "area", path, d.get("area"), idx["area"], "area")
    _ref(out, d, "owner", path, d.get("owner"), idx["owner"], "owner")
    _source(out, d, path, idx)
    kind = d.get("kind")
    cause = d.get("cause")
    if cause is not None:
        if kind != "recommendation":
            out.at(d, "cause", f"{path}.cause", "only a recommendation answers a cause of concern.")
        elif (_ref(out, d, "cause", path, cause, idx["finding"], "finding")
              and idx["finding"][cause].kind != "cause_of_concern"):
            out.at(d, "cause", f"{path}.cause", f"'{cause}' is not a cause of concern.")
    if kind == "cause_of_concern" and fid and not kb.recommendations_for(fid):
        out.at(d, "id", path, "a cause of concern needs at least one recommendation.",
               f"Add a recommendation with 'cause: {fid}'.")
    links = d.get("links")
    if isinstance(links, LDict):
        for rel in ("follows_up", "repeats", "supersedes"):
            for target in links.get(rel) or []:
                if target == fid:
                    out.at(links, rel, f"{path}.links.{rel}", "a finding cannot link to itself.")
                else:
                    _ref(out, links, rel, f"{path}.links", target, idx["finding"], "finding")
    history = [h for h in d.get("history") or [] if "status" in h]
    status = d.get("status", "open")
    if history and history[-1]["status"] != status:
        out.at(d, "status" if "status" in d else "id", f"{path}.status",
               f"status is '{status}' but the latest history entry says '{history[-1]['status']}'.",
               "Make them agree.")
    if status != "open" and not history:
        out.at(d, "status", f"{path}.status",
               f"status '{status}' has no history entry with evidence.",
               "Add a 'history' entry with the date, status and evidence.", warning=True)
    dates = [h.get("date") for h in history if h.get("date")]
    if dates != sorted(dates):
        out.at(d, "history", f"{path}.history", "history entries must be oldest first.")
    for h in history:
        ev = h.get("evidence")
        if isinstance(ev, LDict) and "document" in ev:
            _ref(out, ev, "document", f"{path}.history.evidence", ev["document"],
                 idx["document"], "document")


def _duplicate_ids(out: _Out, raw: Raw) -> None:
    """Ids people type are unique across the knowledge base, whatever kind of item they name."""
    seen: dict[str, tuple[str, int]] = {}
    scopes = (("forces",), ("documents",), ("areas",), ("owners",),
              ("inspections", "judgments", "findings", "figures", "responses"))
    for scope in scopes:
        seen.clear()
        for key in scope:
            for d, _, insp in raw.of(key):
                ids = [(d, d.get("id") or (f"{insp.get('id')}-{d.get('area')}" if insp else None))]
                ids += [(p, p.get("id")) for p in d.get("parts") or []]
                for owner, item_id in ids:
                    if not item_id:
                        continue
                    if item_id in seen:
                        file, line = seen[item_id]
                        out.at(owner, "id", f"{key}({item_id}).id",
                               f"duplicate id '{item_id}' (first used at {file}:{line}).",
                               "Ids must be unique: choose another.")
                    else:
                        seen[item_id] = (owner.mark.file, owner.mark.line)


def _drafts(out: _Out, raw: Raw) -> None:
    """An imported item not yet checked by a maintainer: a warning, an error under --strict."""
    for key in ("judgments", "findings", "figures", "responses"):
        for d, _, _ in raw.of(key):
            if d.get("review") == "draft":
                name = d.get("id") or d.get("area")
                out.at(d, "review", f"{key}({name}).review",
                       "drafted by inspection-bot import and not yet reviewed.",
                       "Check it against its cited source line, then delete 'review: draft'.",
                       warning=True)
