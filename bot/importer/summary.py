"""The review summary `inspection-bot import` prints: what was drafted, what to check and why."""

from __future__ import annotations

from pathlib import Path

from bot.importer.build import Built
from bot.importer.document import SourceText, Unit
from bot.importer.metadata import Metadata

_KINDS = (("judgments", "judgments"), ("cause_of_concern", "causes of concern"),
          ("recommendation", "recommendations"), ("area_for_improvement", "areas for improvement"),
          ("figures", "figures"))


def summarise(meta: Metadata, doc: SourceText, built: Built, unsure: list[str], unread: list[Unit],
              draft: Path, source: Path) -> list[str]:
    counts = ", ".join(f"{built.counts.get(k, 0)} {words}" for k, words in _KINDS)
    what = "a response document" if meta.response else f"{meta.programme} {meta.year}"
    lines = [f"Imported {doc.name} ({doc.kind}, {len(doc.lines)} lines): {what}, {meta.inspectorate}.",
             f"Drafted: {counts}; every item is marked `review: draft`.",
             f"Source text: {source}",
             f"Draft: {draft}",
             ("Published: not stated for this document." if meta.response else
              f"Published: {meta.published.isoformat() if meta.published else 'not stated in the text'}.")]
    if meta.response:
        lines.append(f"This reads as a response document: {built.counts.get('responses', 0)} "
                     "response(s) drafted; no judgments, findings or figures (it restates the "
                     "report: the findings it repeats are listed below, for their `also_in`).")
    if unsure:
        lines.append(f"Check these ({len(unsure)}):")
        lines.extend(f"  - {u}" for u in unsure)
    if unread:
        lines.append(f"Headings seen but not matched to an area in areas.yaml ({len(unread)}); add "
                     "their wording to an area's aliases if they are sections:")
        lines.extend(f"  - line {u.start}: {u.text}" for u in unread)
    if built.dropped:
        lines.append(f"Dropped, not found at their line ({len(built.dropped)}):")
        lines.extend(f"  - {d}" for d in built.dropped)
    lines.append("Next: review each item against its line, delete its `review: draft`, then run "
                 "`inspection-bot validate --strict`.")
    return lines
