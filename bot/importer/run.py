"""`inspection-bot import`: a report to content/sources/ and a draft content file, with a review
summary. Nothing is written when anything would be overwritten or the content has errors."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from bot.content import loader
from bot.content.kb import KnowledgeBase
from bot.errors import BotError
from bot.importer.build import build_items
from bot.importer.document import SourceText
from bot.importer.draft import Block, Raw, render_file, source
from bot.importer.figures import find_figures
from bot.importer.findings import find_findings
from bot.importer.judgments import find_judgments
from bot.importer.metadata import read_metadata
from bot.importer.outline import AreaMap, outline
from bot.importer.reading import read_source
from bot.importer.responses import find_responses, repeats

_NAME = re.compile(r"\b((?:[A-Z][a-z]+(?:[ -](?:and|&|[A-Z][a-z]+))*) (?:Police|Constabulary))\b")


@dataclass
class Imported:
    written: list[Path]
    summary: list[str]
    text: SourceText
    draft: Path | None = None
    counts: dict[str, int] = field(default_factory=dict)


def _existing(content_dir: Path) -> KnowledgeBase | None:
    kb, problems = loader.check(content_dir)
    if kb is None:
        errors = [str(p) for p in problems if not p.warning]
        raise BotError("the content has errors; fix them before importing:\n" + "\n".join(errors[:20]))
    return kb


def _force_name(doc: SourceText) -> str | None:
    names = Counter(_NAME.findall("\n".join(doc.lines)))
    return names.most_common(1)[0][0] if names else None


def _prefix(force: str, kb: KnowledgeBase) -> str:
    taken = {f.prefix for f in kb.forces}
    letters = re.sub(r"[^a-z0-9]", "", force.lower()) or "force"
    for n in range(3, len(letters) + 1):
        if letters[:n] not in taken:
            return letters[:n]
    return f"{letters}{len(taken) + 1}"


def _responses(doc: SourceText, document: str, kb: KnowledgeBase, force: str, prefix: str,
               year: str, unsure: list[str]) -> list[Block]:
    """A response document's responses, to the force's inspection of that year, if recorded."""
    unsure.extend(repeats(doc, kb, force))
    found = find_responses(doc)
    same_year = [i for i in kb.inspections if i.force == force and str(i.start_year) == year]
    if found and len(same_year) != 1:
        unsure.append(f"{len(found)} response(s) found, but {len(same_year)} inspections of {force} in "
                      f"{year} are recorded: import the report first; responses not drafted.")
        return []
    blocks, short = [], {"chief_constable": "cc", "pcc": "pcc", "force": "force"}
    for r in found:
        quoted = doc.holds(r.said, r.line) and (
            not r.governance or doc.holds(r.governance, r.governance_line or 0))
        if not quoted:
            unsure.append(f"line {r.line}: a response by {r.name} could not be quoted verbatim; dropped.")
            continue
        b = Block().add("id", f"{prefix}-{year}-response-{short[r.by]}").add("inspection", same_year[0].id)
        b.add("by", r.by).add("name", r.name).add("said", r.said)
        if r.governance:
            b.add("governance", r.governance)
        b.add("source", Raw(source(document, r.line, doc.page_of(r.line))))
        if r.governance_line:
            b.add("governance_source", Raw(source(document, r.governance_line,
                                                  doc.page_of(r.governance_line))))
        blocks.append(b.add("review", "draft"))
    return blocks


def import_report(path: Path, content_dir: Path, force: str, *, name: str | None = None,
                  inspection: str | None = None) -> Imported:
    if not re.fullmatch(r"[a-z0-9][a-z0-9-]*", force):
        raise BotError(f"--force '{force}' is not an id: use lower-case letters, digits and dashes "
                       "(e.g. durham).")
    kb = _existing(content_dir)
    assert kb is not None
    doc = read_source(path)
    if not any(t.strip() for t in doc.lines):
        raise BotError(f"{path}: no text could be read from it (a scanned PDF needs OCR first).")
    document = doc.name if doc.kind == "text" and doc.name.endswith(".txt") else f"{Path(doc.name).stem}.txt"
    if document in {d.id for d in kb.documents}:
        raise BotError(f"document '{document}' is already recorded in {content_dir}; rename the "
                       "file to import it as a new document.")
    known = {f.id: f for f in kb.forces}
    force_name = name or (known[force].name if force in known else None) or _force_name(doc)
    if not force_name:
        raise BotError("the report does not name its force clearly: pass --name \"Durham Constabulary\".")
    prefix = known[force].prefix if force in known else _prefix(force, kb)

    meta = read_metadata(doc)
    areas = AreaMap(list(kb.areas))
    if not areas.areas:
        raise BotError(f"{content_dir} has no areas.yaml: the importer maps items onto its areas.")
    shape = outline(doc, areas)
    judged = find_judgments(doc, shape, areas, response=meta.response)
    found = find_findings(doc, shape)
    figures, figure_notes = find_figures(doc, shape, force_name)
    if meta.response:
        found.findings, figures = [], []  # a response document restates a report: see summary

    start = meta.year[:4]
    inspection_id = inspection or f"{prefix}-{start}-{meta.slug}"
    taken = set(kb.all_ids())
    if inspection_id in taken and not meta.response:
        raise BotError(f"inspection '{inspection_id}' is already recorded; pass --inspection ID "
                       "to import this report under another id.")
    # ids like cle-2016-afi-01, unless another inspection of that year already uses them
    clash = any(i.startswith(f"{prefix}-{start}-") and re.search(r"-(rec|afi|coc|fig)-", i) for i in taken)
    base = inspection_id if clash else f"{prefix}-{start}"
    unsure = judged.unsure + found.unsure + figure_notes
    built = build_items(doc, document, base, force, meta.year, judged.judgments, found.findings,
                        figures, kb, unsure)

    folder = content_dir / force
    draft_path = folder / (f"{inspection}.yaml" if inspection else f"{start}-{meta.slug}.yaml")
    if meta.response:
        draft_path = folder / f"{start}-response-{Path(document).stem}.yaml"
    source_path = content_dir / "sources" / document
    for target in (draft_path, source_path):
        if target.exists():
            raise BotError(f"{target} already exists; nothing was written. Move it away or pass "
                           "--inspection ID.")

    grades = {j.grade for j in judged.judgments}
    scale = "five-tier" if "adequate" in grades or int(start) >= 2021 else "four-tier"
    if meta.response and meta.published:  # the date the report it responds to was published
        unsure.append(f"line {meta.published_line}: the report responded to was published on "
                      f"{meta.published.isoformat()}: record that on the report's document "
                      "(published, published_source), not on this one.")
    doc_block = Block().add("id", document).add("title", meta.title) \
        .add("kind", "response" if meta.response else "report") \
        .add("published", None if meta.response else meta.published)
    if meta.published_line and not meta.response:
        doc_block.add("published_source", Raw(source(document, meta.published_line,
                                                     doc.page_of(meta.published_line))))
    sections: list[tuple[str, object]] = [("documents", [doc_block])]
    if meta.response:
        drafted = _responses(doc, document, kb, force, prefix, start, unsure)
        built.counts["responses"] = len(drafted)
        if drafted:
            sections.append(("responses", drafted))
    if not meta.response:
        insp = Block().add("id", inspection_id).add("force", force).add("title", meta.title) \
            .add("inspectorate", meta.inspectorate).add("programme", meta.programme) \
            .add("year", meta.year).add("published", meta.published)
        if meta.published_line:
            insp.add("published_source", Raw(source(document, meta.published_line,
                                                    doc.page_of(meta.published_line))))
        insp.add("scale", scale).add("sources", [document])
        sections.append(("inspection", insp))
        for key in ("judgments", "findings", "figures"):
            if getattr(built, key):
                sections.append((key, getattr(built, key)))
    header = [f"Drafted by `inspection-bot import` from {path.name} on {dt.date.today().isoformat()}.",
              "Every item is marked `review: draft`: check it against its cited line in",
              f"content/sources/{document}, correct it, then delete its `review: draft` line.",
              "`inspection-bot validate` warns for each draft item; `validate --strict` refuses them."]
    text = render_file(header, sections)

    written = []
    if force not in known:
        force_path = folder / "force.yaml"
        if force_path.exists():
            raise BotError(f"{force_path} already exists but does not record force '{force}'.")
        folder.mkdir(parents=True, exist_ok=True)
        force_path.write_text(render_file([f"{force_name}: added by `inspection-bot import`."],
                                          [("forces", [Block().add("id", force).add("name", force_name)
                                                       .add("prefix", prefix)])]), encoding="utf-8")
        written.append(force_path)
    source_path.parent.mkdir(parents=True, exist_ok=True)
    source_path.write_text("\n".join(doc.lines) + "\n", encoding="utf-8")
    folder.mkdir(parents=True, exist_ok=True)
    draft_path.write_text(text, encoding="utf-8")
    written += [source_path, draft_path]

    from bot.importer.summary import summarise

    lines = summarise(meta, doc, built, unsure, shape.unread, draft_path, source_path)
    return Imported(written, lines, doc, draft_path, built.counts)
