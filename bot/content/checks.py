"""Checks across files: ids, references, grades against scales, evidence behind statuses.

These run on the checked mappings (which remember their line and column) with the built
knowledge base for look-ups, so every problem points at the exact key to fix.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from bot.content.fields import LDict, did_you_mean
from bot.content.model import closure_evidenced
from bot.content.schema import GRADE_SCALES
from bot.content.yamlfile import clip
from bot.errors import Problem

if TYPE_CHECKING:
    from bot.content.kb import KnowledgeBase
    from bot.content.raw import Raw


class _Out:
    def __init__(self) -> None:
        self.problems: list[Problem] = []
        # Ids written in the content, valid or not: a reference to an item that failed its own
        # checks is not reported again as unknown (that error is a knock-on of the first).
        self.defined: dict[str, set[str]] = {}

    def at(self, d: LDict, key: str | None, path: str, message: str, hint: str = "",
           warning: bool = False) -> None:
        m = d.key_marks.get(key, d.mark) if key else d.mark
        self.problems.append(Problem(m.file, m.line, m.column, path, message, hint, warning))


WHERE_DEFINED = {"owner": "content/owners.yaml", "area": "content/areas.yaml",
                 "force": "a force file", "document": "a file's 'documents:'",
                 "inspection": "an inspection file", "finding": "a file's 'findings:'"}


def _ref(out: _Out, d: LDict, key: str, path: str, value: str | None, known: dict, what: str) -> bool:
    if value is None or value in known:
        return True
    if value in out.defined.get(what, ()):
        return False  # defined, but broken: its own error says why
    if known:
        hint = did_you_mean(value, list(known)) or f"Known: {', '.join(sorted(known)[:12])}."
    else:
        hint = f"No {what} is defined yet: add one in {WHERE_DEFINED.get(what, 'the content')}."
    out.at(d, key, f"{path}.{key}", f"unknown {what} '{clip(value)}'.", hint)
    return False


def _owners_of_forces(out: _Out, raw: Raw, kb: KnowledgeBase) -> None:
    """An owner may belong to one force; a finding of another force cannot be theirs."""
    for d, _, _ in raw.of("owners"):
        _ref(out, d, "force", f"owners({d.get('id')})", d.get("force"), kb.index["force"],
             "force")
    for d, _, insp in raw.of("findings"):
        owner = kb.owner(d.get("owner")) if isinstance(d.get("owner"), str) else None
        force = insp.get("force") if insp is not None else None
        if owner is not None and owner.force and force and owner.force != force:
            out.at(d, "owner", f"findings({d.get('id')}).owner",
                   f"owner '{owner.id}' is {owner.force}'s, but this finding is {force}'s.",
                   f"Name an owner of {force} (or one with no force), or add one in "
                   "content/owners.yaml with `force: " + force + "`.")


def _defined(raw: Raw) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for what in ("force", "document", "area", "owner", "inspection", "finding", "figure"):
        out[what] = {str(d["id"]) for d, _, _ in raw.of(f"{what}s") if d.get("id")}
    return out


def cross_references(kb: KnowledgeBase, raw: Raw) -> list[Problem]:
    out = _Out()
    out.defined = _defined(raw)
    idx = kb.index
    _duplicate_ids(out, raw)
    _documents_have_text(out, raw, kb)

    for d, _, _ in raw.of("areas"):
        for target in d.get("see_also") or []:
            _ref(out, d, "see_also", f"areas({d.get('id')})", target, idx["area"], "area")

    _owners_of_forces(out, raw, kb)

    for d, _, _ in raw.of("inspections"):
        path = "inspection"
        _ref(out, d, "force", path, d.get("force"), idx["force"], "force")
        for doc in d.get("sources") or []:
            _ref(out, d, "sources", path, doc, idx["document"], "document")
        if d.get("published") is not None and "published_source" not in d:
            out.at(d, "published", f"{path}.published",
                   "a publication date needs a published_source saying where it is stated.",
                   "Add 'published_source: {document: ..., line: ...}', or write published: "
                   "null if no source states it.")
        _source(out, d, path, idx)
        for key in ("overall_grade", "fieldwork", "monitoring"):
            if isinstance(d.get(key), LDict):
                _source(out, d[key], f"{path}.{key}", idx)
        for key in ("not_raised", "inspectors", "notable_practice"):
            for n, sub in enumerate(d.get(key) or []):
                _source(out, sub, f"{path}.{key}[{n}]", idx)
        _not_raised(out, kb, d, path)

    for d, _, insp in raw.of("judgments"):
        path = f"judgments({d.get('area')})"
        _ref(out, d, "area", path, d.get("area"), idx["area"], "area")
        _source(out, d, path, idx)
        if isinstance(d.get("earlier"), LDict):
            _source(out, d["earlier"], f"{path}.earlier", idx)
        carried = d.get("carried_from")
        scale = kb.index["inspection"].get(insp.get("id")) if insp else None
        known = _ref(out, d, "carried_from", path, carried, idx["inspection"], "inspection")
        if carried is not None and known and d.get("grade") is not None:
            out.at(d, "grade", f"{path}.grade",
                   "a carried-forward judgment takes its grade from 'carried_from'.",
                   "Remove 'grade', or remove 'carried_from' if it was graded this time.")
        grade = d.get("grade")
        if grade is not None and scale is not None and grade not in scale.grades:
            other = next((name for name, words in GRADE_SCALES.items()
                          if name != scale.scale and grade in words), None)
            hint = (f"'{grade}' is a grade of the {other} scale; this inspection uses the "
                    f"{scale.scale} scale." if other else
                    did_you_mean(grade, scale.grades) or f"(the {scale.scale} scale)")
            out.at(d, "grade", f"{path}.grade",
                   f"'{clip(grade)}' is not one of: {', '.join(scale.grades)}.", hint)

    for d, _, _ in raw.of("findings"):
        _finding(out, kb, d)

    for d, _, _ in raw.of("figures"):
        figure_checks(out, d, idx)

    _drafts(out, raw)
    for d, _, _ in raw.of("responses"):
        path = f"responses({d.get('id')})"
        _ref(out, d, "inspection", path, d.get("inspection"), idx["inspection"], "inspection")
        _source(out, d, path, idx)
    idx.pop("line_counts", None)  # a help to these checks, not an index queries use
    return out.problems


# A label is a noun phrase a person would write, not a fragment cut from a sentence.
_DANGLING = {"of", "by", "to", "than", "in", "that", "made", "was", "were", "and", "or", "the",
             "a", "an", "with", "for", "at", "is", "are", "been"}
LABEL_MAX = 80


def label_problem(label: str) -> str:
    """Why a label reads as a sentence fragment, or ''."""
    words = label.rstrip(")").split()
    if not label[:1].isupper() and not label[:1].isdigit():
        return "a label starts with a capital letter"
    if label.rstrip()[-1:] in ".:,;":
        return "a label is a noun phrase, without a full stop or colon at the end"
    if words and words[-1].lower() in _DANGLING:
        return f"a label does not end with '{words[-1]}' (a sentence cut short)"
    if len(label) > LABEL_MAX:
        return f"a label is at most {LABEL_MAX} characters (put the source's words in 'printed')"
    return ""


def figure_checks(out: _Out, d: LDict, idx: dict) -> None:
    path = f"figures({d.get('id')})"
    _ref(out, d, "area", path, d.get("area"), idx["area"], "area")
    _source(out, d, path, idx)
    legible = d.get("legible", True)
    value, qualifier, direction = d.get("value"), d.get("qualifier"), d.get("direction")
    if "value" in d and value is None and legible and "range" not in d:
        out.at(d, "value", f"{path}.value", "value is null but the figure is legible.",
               "Write the value as printed, or if it cannot be read set 'legible: false' and "
               "say why in 'note', or give a 'range'.")
    if value is not None and not legible:
        out.at(d, "legible", f"{path}.legible", "a value that is not legible must be null.",
               "Write value: null, or remove 'legible: false'.")
    if d.get("unit") == "other" and not d.get("unit_label"):
        out.at(d, "unit", f"{path}.unit", "unit 'other' needs a 'unit_label'.",
               "Add 'unit_label:' with the unit as printed.")
    if isinstance(d.get("label"), str) and (why := label_problem(d["label"])):
        out.at(d, "label", f"{path}.label", f"'{d['label']}': {why}.",
               "Write a short noun phrase, e.g. 'Unrecorded crimes'; keep the source's words "
               "in 'printed'.")
    if ("range" in d) != (qualifier == "range"):
        out.at(d, "range" if "range" in d else "qualifier", f"{path}.range",
               "a range needs both 'qualifier: range' and 'range: {low, high}'.")
    if "range" in d and value is not None:
        out.at(d, "value", f"{path}.value", "a range has no single value: write 'value: null'.")
    rng = d.get("range")
    if isinstance(rng, LDict) and "low" in rng and "high" in rng and rng["low"] > rng["high"]:
        out.at(rng, "high", f"{path}.range.high", "the range ends below where it starts.")
    if isinstance(value, (int, float)):
        if value < 0 and direction != "fall":
            out.at(d, "value", f"{path}.value",
                   f"a negative value is a fall: add 'direction: fall' (found {direction!r}).")
        if direction == "fall" and value >= 0:
            out.at(d, "direction", f"{path}.direction", "a fall is recorded as a negative value.")
        if direction == "rise" and value <= 0:
            out.at(d, "direction", f"{path}.direction", "a rise is recorded as a positive value.")
        if direction == "no_change" and value != 0:
            out.at(d, "direction", f"{path}.direction", "no_change needs value 0.")
    later = d.get("superseded_by")
    if later is not None and _ref(out, d, "superseded_by", path, later, idx["figure"], "figure"):
        other = idx["figure"][later]
        if later == d.get("id"):
            out.at(d, "superseded_by", f"{path}.superseded_by", "a figure cannot supersede itself.")
        elif other.unit != d.get("unit"):
            out.at(d, "superseded_by", f"{path}.superseded_by",
                   f"'{later}' is in {other.unit}, this figure in {d.get('unit')}: not the same "
                   "measure.")
        elif other.superseded_by == d.get("id"):
            out.at(d, "superseded_by", f"{path}.superseded_by",
                   f"'{later}' is itself superseded by this figure: one of them is the later.")


def _not_raised(out: _Out, kb: KnowledgeBase, d: LDict, path: str) -> None:
    """A kind recorded as not raised must not have findings of that kind in the inspection."""
    iid = d.get("id")
    for n, entry in enumerate(d.get("not_raised") or []):
        kind = entry.get("kind")
        raised = [f.id for f in kb.findings if f.inspection == iid and f.kind == kind]
        if raised:
            out.at(entry, "kind", f"{path}.not_raised[{n}].kind",
                   f"'{kind}' is recorded as not raised, but {raised[0]} is one.",
                   "Remove the not_raised entry or check the finding's kind.")


def _line(out: _Out, src: LDict, path: str, idx: dict) -> None:
    """A cited line must be inside the document, when its text ships in content/sources/."""
    document = src.get("document")
    # Each document's lines counted once, not once per citation (75,000 citations of 860
    # documents at 43 forces made this the slowest check).
    counts: dict[Any, int | None] = idx.setdefault("line_counts", {})
    if document not in counts:
        text = idx["texts"].get(document)
        counts[document] = text.count("\n") + 1 if text is not None else None
    count = counts[document]
    line = src.get("line")
    if count is not None and isinstance(line, int) and line > count:
        out.at(src, "line", f"{path}.line",
               f"line {line} is past the end of {src.get('document')} ({count} lines).")


def _source(out: _Out, d: LDict, path: str, idx: dict) -> None:
    for key in ("source", "published_source", "governance_source"):
        src = d.get(key)
        if isinstance(src, LDict) and _ref(out, src, "document", f"{path}.{key}",
                                           src.get("document"), idx["document"], "document"):
            _line(out, src, f"{path}.{key}", idx)
    for src in d.get("also_in") or []:
        if _ref(out, src, "document", f"{path}.also_in", src.get("document"), idx["document"],
                "document"):
            _line(out, src, f"{path}.also_in", idx)


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
            out.at(d, "cause", f"{path}.cause", "only a recommendation answers a cause of concern.",
                   "Remove 'cause', or set 'kind: recommendation'.")
        elif (_ref(out, d, "cause", path, cause, idx["finding"], "finding")
              and idx["finding"][cause].kind != "cause_of_concern"):
            out.at(d, "cause", f"{path}.cause", f"'{cause}' is not a cause of concern.",
                   "Point 'cause' at the cause of concern this recommendation answers.")
    if kind == "cause_of_concern" and fid and not kb.recommendations_for(fid):
        out.at(d, "id", path, "a cause of concern needs at least one recommendation.",
               f"Add a recommendation with 'cause: {fid}'.")
    links = d.get("links")
    if isinstance(links, LDict):
        for rel in ("follows_up", "repeats", "supersedes"):
            for target in links.get(rel) or []:
                if target == fid:
                    out.at(links, rel, f"{path}.links.{rel}", "a finding cannot link to itself.",
                           "Link to the id of the other finding.")
                else:
                    _ref(out, links, rel, f"{path}.links", target, idx["finding"], "finding")
    history = [h for h in d.get("history") or [] if "status" in h]
    if "status" in d.key_marks and "status" not in d:
        return  # the status itself is wrong (its error says so): nothing to compare
    if any("status" in h.key_marks and "status" not in h for h in d.get("history") or []):
        return  # so is a history entry's
    status = d.get("status", "open")
    if history and history[-1]["status"] != status:
        out.at(d, "status" if "status" in d else "id", f"{path}.status",
               f"status is '{status}' but the latest history entry says '{history[-1]['status']}'.",
               "Make them agree.")
    if status == "closed":
        last = history[-1] if history else None
        if not (last and closure_evidenced(last.get("date"), last.get("evidence"))):
            out.at(d, "status", f"{path}.status",
                   "status 'closed' needs a history entry with evidence, dated or citing a "
                   "source document; until then the bot says 'closed (no evidence recorded)'.",
                   "Add a 'history' entry with the date, status: closed and its evidence "
                   "(document and line, or a url).", warning=True)
    elif status != "open" and not history:
        out.at(d, "status", f"{path}.status",
               f"status '{status}' has no history entry with evidence.",
               "Add a 'history' entry with the date, status and evidence.", warning=True)
    dates = [h.get("date") for h in history if h.get("date")]
    if dates != sorted(dates):
        out.at(d, "history", f"{path}.history", "history entries must be oldest first.",
               "Reorder the entries by date, oldest at the top.")
    for h in history:
        ev = h.get("evidence")
        if isinstance(ev, LDict) and "document" in ev:
            _ref(out, ev, "document", f"{path}.history.evidence", ev["document"],
                 idx["document"], "document")


def _documents_have_text(out: _Out, raw: Raw, kb: KnowledgeBase) -> None:
    """When content/sources/ ships the reports' text, every recorded document should be there
    (a warning: the answers then quote nothing from it; errors under --strict)."""
    if not kb.texts:
        return
    for d, _, _ in raw.of("documents"):
        doc = d.get("id")
        if doc and doc not in kb.texts:
            out.at(d, "id", f"documents({doc}).id",
                   f"no text for '{doc}' in content/sources/.",
                   f"Add content/sources/{doc} (the text the citations' line numbers count in).",
                   warning=True)


def _duplicate_ids(out: _Out, raw: Raw) -> None:
    """Ids people type are unique across the knowledge base, whatever kind of item they name."""
    seen: dict[str, tuple[str, int]] = {}
    scopes = (("forces",), ("documents",), ("areas",), ("owners",),
              ("inspections", "judgments", "findings", "figures", "responses"))
    for scope in scopes:
        seen.clear()
        for key in scope:
            for d, _, insp in raw.of(key):
                item_id = d.get("id")
                if not item_id and key == "judgments" and insp and "id" not in d.key_marks:
                    item_id = f"{insp.get('id')}-{d.get('area')}"  # a judgment's implied id
                ids = [(d, item_id)]
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
