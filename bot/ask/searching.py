"""`search WORDS`: the recorded items that match, narrowed by the year, inspection and kind words
in the question, and under them the passages of the reports' own text that match best."""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import replace

from bot.ask.asof import no_inspection
from bot.ask.filters import FINDING_KINDS, KIND_NAMES, Filters, parse_filters
from bot.ask.listing import counts
from bot.ask.quoting import quotes, quotes_beside
from bot.ask.results import NotFound, SearchResult, SearchRow
from bot.ask.search import index_of
from bot.content.kb import KnowledgeBase
from bot.content.model import Finding, Part
from bot.content.words import tokens


def _best_part(f: Finding, words: str) -> Part | None:
    """The part that holds more of the words than the finding's lead-in does, if any (the
    first of the parts holding the most)."""
    if not f.parts:
        return None
    want = _wanted(words)
    if not want:
        return None
    lead = len(want.intersection(tokens(f.text)))
    held = [len(want.intersection(tokens(p.text))) for p in f.parts]  # each part read once
    most = max(held)
    return f.parts[held.index(most)] if most > lead else None


@functools.lru_cache(maxsize=256)  # a search's words, asked once for each of its rows
def _wanted(words: str) -> frozenset[str]:
    return frozenset(tokens(words))


def _row(kb: KnowledgeBase, kind: str, item_id: str, words: str) -> SearchRow:
    if kind == "finding":
        f = kb.index["finding"][item_id]
        return SearchRow("finding", f.id, f.text, kb.area_name(f.area),
                         kb.inspection(f.inspection).year, f, part=_best_part(f, words))
    if kind == "figure":
        fig = kb.index["figure"][item_id]
        return SearchRow("figure", fig.id, fig.label, kb.area_name(fig.area),
                         kb.inspection(fig.inspection).year, fig)
    if kind == "judgment":
        j = kb.index["judgment"][item_id]
        grade, carried = j.grade, None
        if j.carried_from:
            carried = kb.index["inspection"].get(j.carried_from)
            earlier = kb.judgment_at(j.carried_from, j.area)
            grade = earlier.grade if earlier else None
        return SearchRow("judgment", j.id, j.question, kb.area_name(j.area),
                         kb.inspection(j.inspection).year, j, grade, carried)
    if kind == "inspection":
        i = kb.inspection(item_id)
        return SearchRow("inspection", i.id, i.title, i.programme, i.year, i)
    r = kb.index["response"][item_id]
    return SearchRow("response", r.id, r.said, r.name, kb.inspection(r.inspection).year, r)


def search(kb: KnowledgeBase, text: str, as_of: dt.date | None = None,
           limit: int = 20) -> SearchResult | NotFound:
    f = parse_filters(kb, text)
    if f.unknown_year and not f.words:
        return NotFound(no_inspection(kb, f.year), [],
                        quotes(kb, f"{f.year} {f.said}", None, 3))
    narrow = None if f.unknown_year else _search(kb, text, f, limit)
    if narrow is None or (f.year and not narrow.rows and not narrow.quotes):
        # Nothing from that year matches (or none is recorded): the year is a word of the
        # question ("revisits during 2017"), searched in every inspection, and the answer says so.
        wider = _search(kb, text, replace(f, inspections=None, words=f"{f.words} {f.year}",
                                          said=f"{f.said} {f.year}"), limit)
        why = (no_inspection(kb, f.year) if f.unknown_year
               else f"Nothing from the {f.year} inspection matches.")
        return replace(wider, filters=f"{why} Searched every inspection for '{f.year}' as a word")
    return narrow


def _search(kb: KnowledgeBase, text: str, f: Filters, limit: int) -> SearchResult:
    index_kinds = tuple(dict.fromkeys("finding" if k in FINDING_KINDS else k for k in f.kinds))
    only = {i.id for i in f.inspections} if f.inspections is not None else None
    said = []
    if f.kinds:
        said.append(", ".join(KIND_NAMES[k] for k in f.kinds))
    if f.inspections is not None:
        said.append("from " + ", ".join(dict.fromkeys(i.year for i in f.inspections)))  # once each
    # the passages, looked up meanwhile (bot/ask/quoting.py)
    found = quotes_beside(kb, f.said, list(f.inspections) if f.inspections is not None else None)
    rows: list[SearchRow] = []
    unindexed: list[tuple[str, list[str]]] = []
    if f.words:
        for hit in index_of(kb).search(f.words, limit * 3, index_kinds, only, unindexed):
            row = _row(kb, hit.kind, hit.id, f.words)
            if row.kind == "finding" and f.kinds and row.item.kind not in f.kinds:
                continue
            rows.append(row)
            if len(rows) == limit:
                break
    else:  # only filters ("search recommendations 2014"): the items they select, in order
        for fd in kb.findings:
            if (only is None or fd.inspection in only) and (not f.kinds or fd.kind in f.kinds):
                rows.append(_row(kb, "finding", fd.id, ""))
        for fig in kb.figures if "figure" in f.kinds else ():
            if only is None or fig.inspection in only:
                rows.append(_row(kb, "figure", fig.id, ""))
        for j in kb.judgments if "judgment" in f.kinds else ():
            if only is None or j.inspection in only:
                rows.append(_row(kb, "judgment", j.id, ""))
        if len(rows) > limit:
            said.append(f"the first {limit} of {len(rows)}; `findings` lists every finding")
            rows = rows[:limit]
    none = []
    asked = tuple(k for k in f.kinds if k in FINDING_KINDS)
    if asked:
        for insp in f.inspections if f.inspections is not None else kb.inspections:
            for count in counts(kb, insp, asked):
                if not count.count:
                    none.append((insp, count))
    return SearchResult(text, rows, found(), "; ".join(said), none, unindexed)
