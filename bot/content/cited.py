"""Which recorded items cite each line of the reports' text: what a passage quoted in an answer
says it is "recorded as" (bot/ask/quoting.py)."""

from __future__ import annotations

from array import array
from bisect import bisect_left, bisect_right
from collections import defaultdict
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.content.kb import KnowledgeBase


def cited_at(kb: KnowledgeBase, document: str, first: int, last: int) -> list[str]:
    """Ids of the recorded items whose source (or a part's, or a repeat's) is on those lines."""
    return cited_lines(kb).at(document, first, last)


class CitedLines:
    """(document, line) -> the ids of the items citing it, as each document's cited lines
    ascending and their ids in one flat tuple (a tuple key and a list a cited line was 14 MiB
    at 43 forces)."""

    def __init__(self, by_line: dict[tuple[str, int], list[str]]):
        grouped: dict[str, list[tuple[int, list[str]]]] = defaultdict(list)
        for (document, line), ids in by_line.items():
            grouped[document].append((line, ids))
        # document -> (lines ascending, where each line's ids start in `ids`, ids)
        self.documents: dict[str, tuple[array[int], array[int], tuple[str, ...]]] = {}
        for document, rows in grouped.items():
            rows.sort(key=lambda row: row[0])
            starts, flat = array("I"), list[str]()
            for _, ids in rows:
                starts.append(len(flat))
                flat.extend(ids)
            starts.append(len(flat))
            self.documents[document] = (array("I", (line for line, _ in rows)), starts,
                                        tuple(flat))

    def at(self, document: str, first: int, last: int) -> list[str]:
        """The ids citing lines first..last, line by line, each once."""
        entry = self.documents.get(document)
        if entry is None:
            return []
        lines, starts, flat = entry
        out: list[str] = []
        for n in range(bisect_left(lines, first), bisect_right(lines, last)):
            out.extend(i for i in flat[starts[n]:starts[n + 1]] if i not in out)
        return out


def cited_lines(kb: KnowledgeBase) -> CitedLines:
    """Which items cite each line. Built with the cache (bot.kbcache) or on first use: at 43
    forces it takes half a second, which a search must not wait for."""
    cited = kb.index.get("cited_lines")
    if cited is None:
        by_line: dict[tuple[str, int], list[str]] = defaultdict(list)
        for j in kb.judgments:
            by_line[(j.source.document, j.source.line)].append(j.id)
        for f in kb.findings:
            for src in (f.source, *f.also_in, *(p.source for p in f.parts if p.source)):
                if f.id not in by_line[(src.document, src.line)]:
                    by_line[(src.document, src.line)].append(f.id)
        for fig in kb.figures:
            by_line[(fig.source.document, fig.source.line)].append(fig.id)
        for r in kb.responses:
            by_line[(r.source.document, r.source.line)].append(r.id)
        kb.index["cited_lines"] = cited = CitedLines(by_line)
    return cited
