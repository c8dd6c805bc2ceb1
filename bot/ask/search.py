"""Ranked full-text search over findings, figures and judgments, tolerant of typos.

An inverted index with BM25 scoring. A query word that is not in the vocabulary is matched to
close words (edit similarity), at a discount, so `safegaurding` still finds safeguarding.
"""

from __future__ import annotations

import difflib
import heapq
import math
import threading
from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.content.words import tokens

if TYPE_CHECKING:
    from bot.content.kb import KnowledgeBase

K1, B = 1.2, 0.75
_build_lock = threading.Lock()


def index_of(kb: KnowledgeBase) -> SearchIndex:
    """The knowledge base's search index, built on first use and kept with it (in `kb.index`,
    beside the other indexes; the content layer does not know how search ranks)."""
    index = kb.index.get("search")
    if index is None:
        with _build_lock:  # one build per knowledge base, however many threads ask at once
            index = kb.index.get("search")
            if index is None:
                index = kb.index["search"] = SearchIndex.build(kb)
    return index


@dataclass(frozen=True)
class Hit:
    kind: str  # finding | figure | judgment
    id: str
    score: float


class SearchIndex:
    def __init__(self) -> None:
        self.postings: dict[str, dict[tuple[str, str], int]] = defaultdict(dict)
        self.lengths: dict[tuple[str, str], int] = {}
        self.by_initial: dict[str, list[str]] = defaultdict(list)
        self.avg_len = 1.0

    @classmethod
    def build(cls, kb: KnowledgeBase) -> SearchIndex:
        index = cls()
        for f in kb.findings:
            text = " ".join([f.text, *(p.text for p in f.parts), kb.area_name(f.area)])
            index._add(("finding", f.id), text)
        for fig in kb.figures:
            index._add(("figure", fig.id), " ".join([fig.label, *fig.topics, kb.area_name(fig.area)]))
        for j in kb.judgments:
            index._add(("judgment", j.id), " ".join([j.question, j.quote or "",
                                                      kb.area_name(j.area)]))
        index.avg_len = (sum(index.lengths.values()) / len(index.lengths)) if index.lengths else 1.0
        for word in index.postings:
            index.by_initial[word[0]].append(word)
        return index

    def _add(self, key: tuple[str, str], text: str) -> None:
        counts = Counter(tokens(text))
        self.lengths[key] = sum(counts.values())
        for word, n in counts.items():
            self.postings[word][key] = n

    def expand_word(self, word: str) -> list[tuple[str, float]]:
        """The word itself if indexed, else close words with a weight below 1."""
        if word in self.postings:
            return [(word, 1.0)]
        prefixed = [w for w in self.by_initial.get(word[0], ()) if w.startswith(word)]
        if len(word) >= 4 and prefixed:
            return [(w, 0.8) for w in prefixed[:5]]
        if len(word) < 4:
            return []
        candidates = [w for w in self.by_initial.get(word[0], ()) if abs(len(w) - len(word)) <= 2]
        close = difflib.get_close_matches(word, candidates, n=3, cutoff=0.75)
        return [(w, 0.7) for w in close]

    def search(self, query: str, limit: int = 20) -> list[Hit]:
        n_docs = len(self.lengths) or 1
        scores: dict[tuple[str, str], float] = defaultdict(float)
        matched: dict[tuple[str, str], int] = defaultdict(int)
        words = list(dict.fromkeys(tokens(query)))
        for word in words:
            hit_by_word: set[tuple[str, str]] = set()
            for term, weight in self.expand_word(word):
                posting = self.postings[term]
                idf = math.log(1 + (n_docs - len(posting) + 0.5) / (len(posting) + 0.5))
                for key, tf in posting.items():
                    norm = tf * (K1 + 1) / (tf + K1 * (1 - B + B * self.lengths[key] / self.avg_len))
                    scores[key] += weight * idf * norm
                    hit_by_word.add(key)
            for key in hit_by_word:
                matched[key] += 1
        # Items matching more of the query's words come first, then by score.
        ranked = heapq.nsmallest(limit, scores, key=lambda k: (-matched[k], -scores[k], k))
        return [Hit(k[0], k[1], round(scores[k], 4)) for k in ranked]
