"""Load content/ into a KnowledgeBase: read every YAML file, check it against the schema, build
typed objects, then check references across files. Every problem is collected; nothing is
served unless the whole knowledge base is valid."""

from __future__ import annotations

import gc
import os
from pathlib import Path
from typing import Any

from bot.content import checks
from bot.content.deadlines import add_period, parse_period
from bot.content.fields import Checker, Invalid, LDict
from bot.content.filecache import FileCache
from bot.content.kb import KnowledgeBase
from bot.content.model import (
    Area,
    Deadline,
    Document,
    EarlierGrade,
    Evidence,
    Figure,
    Finding,
    Force,
    HistoryEntry,
    Inspection,
    Judgment,
    Loc,
    NotRaised,
    Owner,
    Part,
    Response,
    SourceRef,
    Statement,
)
from bot.content.policy import Policy
from bot.content.policy import build as build_policy
from bot.content.raw import Raw
from bot.content.schema import FILE, GRADE_SCALES
from bot.content.yamlfile import Mark, YamlSyntaxError, clip, display_path, read_file
from bot.errors import ContentInvalid, Problem


def content_files(content_dir: Path) -> list[Path]:
    """The *.yaml files under content_dir (links included: `find` refuses those outside)."""
    return find(content_dir)[0]


def find(content_dir: Path) -> tuple[list[Path], list[Problem]]:
    """The *.yaml files to read, and the problems met on the way: a folder that cannot be read,
    a file or folder that is a link resolving outside the content folder (refused by name and
    never read, so a link to a secret cannot leak it into an error message)."""
    root = content_dir.resolve()
    files: list[Path] = []
    problems: list[Problem] = []

    def refuse(path: Path, what: str) -> None:
        problems.append(Problem(display_path(path), 1, 1, "",
                                f"is a link to a {what} outside the content folder; refused "
                                "(not read).", "Copy the file into the content folder instead."))

    def unreadable(err: OSError) -> None:
        where = Path(err.filename) if err.filename else content_dir
        problems.append(Problem(display_path(where), 1, 1, "",
                                "this folder cannot be read, so its files were not checked.",
                                "Make it readable by the user the bot runs as."))

    for folder, dirs, names in os.walk(content_dir, onerror=unreadable):
        base = Path(folder)
        for name in list(dirs):
            sub = base / name
            if sub.is_symlink() and not _inside(sub, root):
                refuse(sub, "folder")
        for name in names:
            path = base / name
            if not name.endswith(".yaml"):
                continue
            if not _inside(path, root):
                refuse(path, "file")
            elif path.is_file():
                files.append(path)
    return sorted(files), problems


def _inside(path: Path, root: Path) -> bool:
    try:
        return path.resolve().is_relative_to(root)
    except (OSError, RuntimeError):  # a link loop
        return False


def _read_one(path: Path, shown: str) -> tuple[LDict | None, list[Problem], bool]:
    """One file parsed and checked against the schema: its checked mapping (None when empty
    or invalid), its problems, and whether it could be read at all."""
    try:
        node = read_file(path, shown)
    except YamlSyntaxError as exc:
        return None, [Problem(exc.mark.file, exc.mark.line, exc.mark.column, "", exc.message,
                              exc.hint)], False
    if node is None:  # an empty file (or only comments) is allowed
        return None, [], True
    ck = Checker(shown)
    try:
        data = FILE.check(node, "", ck)
    except Invalid:
        return None, ck.problems, True
    return data, ck.problems, True


def _read_cached(path: Path, shown: str,
                 cache: FileCache | None) -> tuple[LDict | None, list[Problem], bool]:
    if cache is None:
        return _read_one(path, shown)
    try:
        key = cache.key(shown, path.read_bytes())
    except OSError:
        return _read_one(path, shown)  # which says why it cannot be read
    hit = cache.get(key)
    if hit is None:
        hit = _read_one(path, shown)
        cache.put(key, hit)
    return hit  # type: ignore[no-any-return]


def read_all(content_dir: Path,
             cache: FileCache | None = None) -> tuple[Raw, list[Problem]]:
    raw = Raw()
    files, problems = find(content_dir)
    if not files and not problems:
        problems.append(Problem(display_path(content_dir), 1, 1, "", "no *.yaml files found"))
    raw.unread = bool(problems)
    for path in files:
        shown = display_path(path)
        data, more, readable = _read_cached(path, shown, cache)
        problems.extend(more)
        if not readable:
            raw.unread = True
        if data is None:
            continue
        inspection = data.get("inspection")
        for key in ("forces", "documents", "areas", "owners", "judgments", "findings",
                    "figures", "responses"):
            if key in ("judgments", "findings", "figures") and key in data and inspection is None:
                m = data.key_marks[key]
                problems.append(Problem(m.file, m.line, m.column, key,
                                        f"'{key}' belong to an inspection, but this file has none.",
                                        "Add an 'inspection:' block to the file."))
                continue
            for item in data.get(key) or []:
                raw.add(key, item, shown, inspection)
        if inspection is not None:
            raw.add("inspections", inspection, shown, None)
        if "policy" in data:
            raw.policy = data["policy"]
    if cache is not None:
        cache.prune()
    return raw, problems


def load(content_dir: Path | str, *, strict: bool = False) -> KnowledgeBase:
    """Load and validate; raise ContentInvalid listing every problem (warnings too if strict)."""
    kb, problems = check(content_dir)
    errors = [p for p in problems if strict or not p.warning]
    if errors or kb is None:
        raise ContentInvalid(sorted(errors or problems))
    return kb


def check(content_dir: Path | str,
          cache: FileCache | None = None) -> tuple[KnowledgeBase | None, list[Problem]]:
    """Load and validate; return the knowledge base (None when there are errors) and problems.
    With a `cache`, files parsed and checked before (same bytes, same code) are not again."""
    content_dir = Path(content_dir)
    # The loader makes millions of small objects that live as long as the knowledge base:
    # the cyclic garbage collector would rescan them over and over (2.4x slower at 43 forces).
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        return _check(content_dir, cache)
    finally:
        if gc_was_enabled:
            gc.enable()


def _check(content_dir: Path,
           cache: FileCache | None) -> tuple[KnowledgeBase | None, list[Problem]]:
    if not content_dir.is_dir():
        # The knowledge base is not in the installed package: it is a folder of its own (the
        # repository's content/), found through --content or CONTENT_DIR from anywhere else.
        return None, [Problem(str(content_dir), 1, 1, "",
                              f"content folder not found: {content_dir.resolve()} is not a "
                              "folder. Point --content (or CONTENT_DIR) at the knowledge "
                              "base's folder, e.g. the repository's content/.")]
    raw, problems = read_all(content_dir, cache)
    policy = None
    if raw.policy is not None:  # the reminders policy: its time zone, routes, quiet periods
        ids = None if raw.unread else {kind: {str(d.get("id")) for d, _, _ in raw.of(f"{kind}s")}
                                         for kind in ("area", "owner", "force")}
        policy, more = build_policy(raw.policy, ids)
        problems.extend(more)
    kb = build(raw, problems, policy, read_texts(content_dir))
    if not raw.unread:
        # With a file unread, references to what it defines would all look wrong: the checks
        # across files wait until every file parses.
        problems.extend(checks.cross_references(kb, raw))
    problems = sorted(set(problems))
    return (None if any(not p.warning for p in problems) else kb), problems


# --- building typed objects -------------------------------------------------------------------

def _src(d: Any) -> SourceRef | None:
    return SourceRef(d["document"], d["line"]) if d and "document" in d and "line" in d else None


def _statement(d: Any, label: str, text: str) -> Statement | None:
    src = _src(d.get("source")) if d else None
    if not d or label not in d or src is None:
        return None
    return Statement(d[label], d.get(text), src)


def _inspection_facts(d: LDict) -> dict[str, Any]:
    """What the report states about itself: overall grade or not, kinds it did not raise,
    fieldwork, inspectors, monitoring status, notable practice."""
    overall = d.get("overall_grade")
    return {
        "overall_stated": overall.get("stated") if overall else None,
        "overall": (Statement(overall.get("quote") or "", overall.get("quote"), src)
                    if overall and (src := _src(overall.get("source"))) else None),
        "not_raised": tuple(NotRaised(n["kind"], n["basis"], n.get("quote"), src)
                            for n in d.get("not_raised") or []
                            if _ok(n, "kind", "basis") and (src := _src(n.get("source")))),
        "fieldwork": _statement(d.get("fieldwork"), "phrase", "quote"),
        "inspectors": tuple(s for s in (_statement(x, "name", "role")
                                        for x in d.get("inspectors") or []) if s),
        "monitoring": _statement(d.get("monitoring"), "status", "quote"),
        "notable_practice": tuple(s for s in (_statement(x, "title", "text")
                                              for x in d.get("notable_practice") or []) if s),
    }


def _earlier(d: Any) -> EarlierGrade | None:
    src = _src(d.get("source")) if d else None
    if not d or not _ok(d, "year", "grade") or src is None:
        return None
    return EarlierGrade(d["year"], d["grade"], d.get("quote"), src)


def read_texts(content_dir: Path) -> dict[str, str]:
    """The reports' own text, content/sources/*.txt, by file name, each one string (one str a
    line would cost 40 bytes a line at 43 forces). Read as bytes and decoded, so the lines are
    the ones `cat -n` numbers and citations count."""
    folder = content_dir / "sources"
    if not folder.is_dir():
        return {}
    return {p.name: p.read_bytes().decode("utf-8", errors="replace")
            for p in sorted(folder.glob("*.txt")) if p.is_file()}


def _loc(d: LDict) -> Loc:
    return Loc(d.mark.file, d.mark.line)


def _ok(d: LDict, *keys: str) -> bool:
    """A mapping can be built when its required keys survived checking."""
    return all(k in d for k in keys)


def _deadline(d: LDict | None, published: Any, problems: list[Problem], path: str) -> Deadline | None:
    if not d or "phrase" not in d:
        return None
    date = d.get("date")
    after = d.get("after_publication")
    if after is not None:
        period = parse_period(after)
        if period is None:
            m = d.key_marks["after_publication"]
            problems.append(Problem(m.file, m.line, m.column, f"{path}.after_publication",
                                    f"'{clip(after)}' is not a period.",
                                    "Write e.g. '3 months', '6 weeks' or '0 days'."))
        elif date is None and published is not None:
            date = add_period(published, period)
    return Deadline(phrase=d["phrase"], date=date, precision=d.get("precision", "day"),
                    after_publication=after, set_by=d.get("set_by", "inspectorate"))


def build(raw: Raw, problems: list[Problem], policy: Policy | None = None,
          texts: dict[str, str] | None = None) -> KnowledgeBase:
    forces = [Force(d["id"], d["name"], d["prefix"]) for d, _, _ in raw.of("forces")
              if _ok(d, "id", "name", "prefix")]
    documents = [Document(d["id"], d["title"], d["kind"], d.get("published"),
                          _src(d.get("published_source")))
                 for d, _, _ in raw.of("documents") if _ok(d, "id", "title", "kind")]
    areas = [Area(d["id"], d["name"], tuple(d.get("aliases") or ()), tuple(d.get("keywords") or ()),
                  tuple(d.get("see_also") or ()))
             for d, _, _ in raw.of("areas") if _ok(d, "id", "name")]
    owners = [Owner(d["id"], d["role"], d.get("slack_user"), d.get("slack_usergroup"),
                    d.get("force"))
              for d, _, _ in raw.of("owners") if _ok(d, "id", "role")]
    inspections = []
    for d, _, _ in raw.of("inspections"):
        if not _ok(d, "id", "force", "title", "inspectorate", "programme", "year", "scale"):
            continue
        inspections.append(Inspection(
            id=d["id"], force=d["force"], title=d["title"], inspectorate=d["inspectorate"],
            programme=d["programme"], year=d["year"], published=d.get("published"),
            published_source=_src(d.get("published_source")), scale=d["scale"],
            grades=GRADE_SCALES[d["scale"]], sources=tuple(d.get("sources") or ()),
            note=d.get("note"), loc=_loc(d), **_inspection_facts(d)))

    judgments = []
    for d, _, insp in raw.of("judgments"):
        if insp is None or "id" not in insp or not _ok(d, "area", "question", "source"):
            continue
        judgments.append(Judgment(
            id=d.get("id") or f"{insp['id']}-{d['area']}", inspection=insp["id"], area=d["area"],
            question=d["question"], grade=d.get("grade"), carried_from=d.get("carried_from"),
            quote=d.get("quote"), source=_src(d["source"]) or SourceRef("", 0),
            note=d.get("note"), loc=_loc(d), earlier=_earlier(d.get("earlier"))))

    findings = []
    for d, _, insp in raw.of("findings"):
        if insp is None or "id" not in insp or not _ok(d, "id", "kind", "area", "text", "source"):
            continue
        published = insp.get("published")
        path = f"findings({d['id']})"
        parts = tuple(
            Part(p["id"], p["text"], _deadline(p.get("deadline"), published, problems,
                                               f"{path}.parts[{j}].deadline"),
                 _src(p.get("source")))
            for j, p in enumerate(d.get("parts") or []) if _ok(p, "id", "text"))
        history = tuple(
            HistoryEntry(h.get("date"), h["status"], h.get("note"),
                         Evidence(**{k: v for k, v in h["evidence"].items() if k != "__invalid__"})
                         if h.get("evidence") else None)
            for h in d.get("history") or [] if _ok(h, "status"))
        links = d.get("links") or {}
        target = d.get("target")
        findings.append(Finding(
            id=d["id"], inspection=insp["id"], kind=d["kind"], area=d["area"], text=d["text"],
            source=_src(d["source"]) or SourceRef("", 0), parts=parts, cause=d.get("cause"),
            also_in=tuple(s for s in (_src(x) for x in d.get("also_in") or []) if s),
            deadline=_deadline(d.get("deadline"), published, problems, f"{path}.deadline"),
            target=(target["date"], target.get("note")) if target and "date" in target else None,
            owner=d.get("owner"), status=d.get("status", "open"), history=history,
            follows_up=tuple(links.get("follows_up") or ()), repeats=tuple(links.get("repeats") or ()),
            supersedes=tuple(links.get("supersedes") or ()), note=d.get("note"), loc=_loc(d)))

    figures = []
    for d, _, insp in raw.of("figures"):
        if insp is None or "id" not in insp or not _ok(d, "id", "label", "unit", "area", "source"):
            continue
        comp = d.get("comparators") or {}
        ci = d.get("confidence_interval")
        rng = d.get("range")
        figures.append(Figure(
            id=d["id"], inspection=insp["id"], label=d["label"], value=d.get("value"),
            legible=d.get("legible", True), unit=d["unit"], unit_label=d.get("unit_label"),
            period=d.get("period"), area=d["area"], topics=tuple(d.get("topics") or ()),
            england_and_wales=comp.get("england_and_wales"),
            ci=(ci["low"], ci["high"]) if ci and _ok(ci, "low", "high") else None,
            source=_src(d["source"]) or SourceRef("", 0), note=d.get("note"),
            printed=d.get("printed"), qualifier=d.get("qualifier"),
            range=(rng["low"], rng["high"]) if rng and _ok(rng, "low", "high") else None,
            direction=d.get("direction"), better=d.get("better"),
            superseded_by=d.get("superseded_by"), loc=_loc(d)))

    responses = [
        Response(d["id"], d["inspection"], d["by"], d["name"], d["said"], d.get("governance"),
                 _src(d["source"]) or SourceRef("", 0), _src(d.get("governance_source")),
                 loc=_loc(d))
        for d, _, _ in raw.of("responses")
        if _ok(d, "id", "inspection", "by", "name", "said", "source")]

    return KnowledgeBase(forces=forces, documents=documents, areas=areas, owners=owners,
                         inspections=inspections, judgments=judgments, findings=findings,
                         figures=figures, responses=responses, policy=policy,
                         texts=texts or {})


__all__ = ["load", "check", "Mark"]
