"""The reports' own words for a question: the best passages, verbatim, with the document's title
and the recorded items that cite their lines. Used under "From the reports" in `search`, and
where a year has no recorded inspection (what the reports say about it instead)."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from bot.ask.results import Quote
from bot.content.cited import cited_at
from bot.content.kb import KnowledgeBase
from bot.content.model import Inspection
from bot.content.passages import passages_of


def quotes(kb: KnowledgeBase, words: str, inspections: list[Inspection] | None = None,
           limit: int = 3) -> list[Quote]:
    """The best passages of the reports for the words (of those inspections' documents)."""
    if not kb.texts or not words.strip():
        return []
    documents = {d for i in inspections for d in i.sources} if inspections is not None else None
    if documents is None and kb.index.get("whole") is not None:
        documents = set(kb.texts)  # a force's view searches the whole index: its reports only
    out = []
    for p in passages_of(kb).search(words, documents, limit):
        doc = kb.index["document"].get(p.document)
        out.append(Quote(p, doc.title if doc else p.document,
                         cited_at(kb, p.document, p.line, p.end_line)))
    return out


# A search's passages are looked up here while the answer's own thread ranks the recorded items:
# SQLite ranks them without the GIL, so the two overlap (at 43 forces the passage query is the
# larger half of a search). Two: as many as answers are worked out at once (bot/slack/slots.py).
_BESIDE = ThreadPoolExecutor(max_workers=2, thread_name_prefix="passages")
# Below this many sentences (a few forces' reports) a passage query takes less than handing it
# to another thread and back costs (0.3 ms for the shipped content's searches): asked in turn.
BESIDE_FROM = 50_000


def quotes_beside(kb: KnowledgeBase, words: str, inspections: list[Inspection] | None = None,
                  limit: int = 3) -> Callable[[], list[Quote]]:
    """`quotes`, started on a thread of its own when the reports' text is large; call what it
    returns for them (it waits, and raises what `quotes` raised)."""
    if not kb.texts or passages_of(kb).size < BESIDE_FROM:
        found = quotes(kb, words, inspections, limit)
        return lambda: found
    return _BESIDE.submit(quotes, kb, words, inspections, limit).result
