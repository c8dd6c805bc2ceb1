"""Ranked full-text search over findings, judgments, figures and responses, tolerant of typos.

BM25F: each item is indexed by field (a finding's official text, its parts, its kind, its area,
the maintainers' note...), each field with its own weight and length normalisation, so a word
in a finding's official wording counts for more than the same word in a note, and a short figure
label does not win on length alone. Findings and judgments get a small prior over figures: a
person searching `domestic abuse` wants the findings about it before the figures that mention
it. A query word that is not in the vocabulary is matched to close words (edit similarity), at a
discount, so `safegaurding` still finds safeguarding.
"""

from __future__ import annotations

import difflib
import heapq
import math
import threading
from array import array
from bisect import bisect_left
from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.content.words import tokens

if TYPE_CHECKING:
    from bot.content.kb import KnowledgeBase

K1, B = 1.2, 0.75
KIND_WORDS = {"cause_of_concern": "cause of concern", "recommendation": "recommendation",
              "area_for_improvement": "area for improvement"}
# Field weights: official wording first, then what names the item, then notes.
WEIGHTS = {"text": 3.0, "context": 1.0, "parts": 2.0, "kind": 1.0, "area": 1.5, "note": 0.5, "label": 2.5,
           "printed": 1.0,
           "topics": 1.5, "period": 0.5, "question": 2.0, "quote": 1.5, "grade": 1.0,
           "said": 1.0, "name": 1.0}
PRIOR = {"finding": 1.5, "judgment": 1.4, "figure": 1.0, "response": 0.9, "inspection": 0.9}
# A word's postings scored per query, heaviest first: every one at the shipped size (no word is
# in more than a few hundred items), a bounded share at 43 forces.
MAX_POSTINGS = 2000
_build_lock = threading.Lock()

Key = tuple[str, str]  # (kind, id)


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
    kind: str  # finding | figure | judgment | response
    id: str
    score: float


def _area_words(kb: KnowledgeBase, area_id: str) -> str:
    area = kb.area(area_id)
    return " ".join([area.name, *area.aliases]) if area else area_id


class SearchIndex:
    def __init__(self) -> None:
        # While building: word -> item -> field -> term frequency, and each item's field
        # lengths. `_compact` then keeps what a query needs, as arrays of numbers: items are
        # numbered in (kind, id) order, so comparing numbers ranks ties as comparing keys did.
        self.postings: dict[str, dict[Key, dict[str, int]]] = defaultdict(dict)
        self.lengths: dict[Key, dict[str, int]] = {}
        self.inspection_of: dict[Key, str] = {}
        self.avg: dict[str, float] = {}
        self.by_initial: dict[str, list[str]] = defaultdict(list)
        self.keys: list[Key] = []  # item number -> (kind, id)
        self.n_docs = 0
        # word -> (its items' numbers ascending, their weights: the saturated, weighted term
        # frequency BM25F needs, computed once; positions of its MAX_POSTINGS heaviest items,
        # heaviest first)
        self.words: dict[str, tuple[array[int], array[float], array[int]]] = {}
        self.items_of: dict[str, array[int]] = {}  # inspection id -> its items' numbers

    @classmethod
    def build(cls, kb: KnowledgeBase) -> SearchIndex:
        index = cls()
        # Findings printed in one paragraph (a recommendation embedded in an area for
        # improvement) are found by each other's words too, at a lower weight.
        at_line: dict[tuple[str, int], list[str]] = defaultdict(list)
        for f in kb.findings:
            at_line[(f.source.document, f.source.line)].append(f.text)
        for f in kb.findings:
            context = [t for t in at_line[(f.source.document, f.source.line)] if t != f.text]
            index._add(("finding", f.id), f.inspection, {
                "text": f.text, "parts": " ".join(p.text for p in f.parts),
                "kind": KIND_WORDS.get(f.kind, f.kind), "area": _area_words(kb, f.area),
                "context": " ".join(context), "note": f.note or ""})
        for fig in kb.figures:
            index._add(("figure", fig.id), fig.inspection, {
                "label": fig.label, "printed": fig.printed or "", "topics": " ".join(fig.topics),
                "area": _area_words(kb, fig.area), "period": fig.period or "",
                "note": fig.note or ""})
        for j in kb.judgments:
            index._add(("judgment", j.id), j.inspection, {
                "question": j.question, "quote": j.quote or "", "area": _area_words(kb, j.area),
                "grade": j.grade or "", "note": j.note or ""})
        for i in kb.inspections:  # what a report says about itself
            facts = [s for s in (i.fieldwork, i.monitoring, *i.inspectors, *i.notable_practice) if s]
            index._add(("inspection", i.id), i.id, {
                "name": f"{i.title} {i.programme} {i.inspectorate}",
                "said": " ".join(f"{s.label} {s.text or ''}" for s in facts)
                        + (" monitoring status" if i.monitoring else "")
                        + (" innovative notable practice" if i.notable_practice else "")
                        + (" fieldwork" if i.fieldwork else "")})
        for r in kb.responses:
            index._add(("response", r.id), r.inspection, {
                "said": r.said + " " + (r.governance or ""), "name": r.name})
        # Average length per field over the items that have the field (a figure has no
        # 'text': counting it would make every finding's wording look overlong).
        totals: Counter[str] = Counter()
        having: Counter[str] = Counter()
        for fields in index.lengths.values():
            totals.update(fields)
            having.update(fields.keys())
        index.avg = {name: max(total / having[name], 1.0) for name, total in totals.items()}
        index._compact()
        return index

    def _compact(self) -> None:
        self.keys = sorted(self.lengths)
        number = {key: n for n, key in enumerate(self.keys)}
        self.n_docs = len(self.lengths)
        for word, posting in self.postings.items():
            self.by_initial[word[0]].append(word)
            weights = {}
            for key, fields in posting.items():
                tf = self._weighted_tf(key, fields)
                weights[key] = tf * (K1 + 1) / (tf + K1) * PRIOR.get(key[0], 1.0)
            # Heaviest first, ties in the order the items were added (a stable sort).
            heaviest = sorted(weights, key=lambda k: -weights[k])[:MAX_POSTINGS]
            ordered = sorted(number[k] for k in weights)
            at = {n: i for i, n in enumerate(ordered)}
            self.words[word] = (array("I", ordered),
                                array("d", (weights[self.keys[n]] for n in ordered)),
                                array("I", (at[number[k]] for k in heaviest)))
        for key, inspection in self.inspection_of.items():
            self.items_of.setdefault(inspection, array("I")).append(number[key])
        self.by_initial = dict(self.by_initial)
        # What only building needed. (`postings` stays, empty, as before: bot/ask/reader.py
        # reads it.)
        self.postings.clear()
        self.lengths.clear()
        self.inspection_of.clear()

    def _add(self, key: Key, inspection: str, fields: dict[str, str]) -> None:
        self.inspection_of[key] = inspection
        lengths: dict[str, int] = {}
        for name, text in fields.items():
            counts = Counter(tokens(text))
            if not counts:
                continue
            lengths[name] = sum(counts.values())
            for word, tf in counts.items():
                self.postings[word].setdefault(key, {})[name] = tf
        self.lengths[key] = lengths

    def expand_word(self, word: str) -> list[tuple[str, float]]:
        """The word itself if indexed, else close words with a weight below 1."""
        if word in self.words:
            return [(word, 1.0)]
        prefixed = [w for w in self.by_initial.get(word[0], ()) if w.startswith(word)]
        if len(word) >= 4 and prefixed:
            return [(w, 0.8) for w in prefixed[:5]]
        if len(word) < 4:
            return []
        candidates = [w for w in self.by_initial.get(word[0], ()) if abs(len(w) - len(word)) <= 2]
        close = difflib.get_close_matches(word, candidates, n=3, cutoff=0.75)
        return [(w, 0.7) for w in close]

    def _weighted_tf(self, key: Key, fields: dict[str, int]) -> float:
        lengths = self.lengths[key]
        return sum(WEIGHTS.get(name, 1.0) * tf
                   / (1 - B + B * lengths.get(name, 1) / self.avg.get(name, 1.0))
                   for name, tf in fields.items())

    def search(self, query: str, limit: int = 20, kinds: tuple[str, ...] = (),
               inspections: set[str] | None = None) -> list[Hit]:
        """Items for the query words, best first; only of `kinds` ('finding', 'figure', ...)
        and `inspections` when given."""
        n_docs = self.n_docs or 1
        scores: dict[int, float] = defaultdict(float)
        matched: dict[int, int] = defaultdict(int)
        # With an inspection filter, score that inspection's items (a few hundred) whatever the
        # size of the base; without, each word's best-weighted items only (its postings are
        # kept heaviest first), so a common word costs the same at 43 forces as at one.
        scope = ([k for i in inspections for k in self.items_of.get(i, ())]
                 if inspections is not None else None)
        for word in dict.fromkeys(tokens(query)):
            hit_by_word: set[int] = set()
            for term, weight in self.expand_word(word):
                items, weights, heaviest = self.words[term]
                idf = weight * math.log(1 + (n_docs - len(items) + 0.5) / (len(items) + 0.5))
                if scope is not None:
                    pairs = [(k, weights[i]) for k in scope
                             if (i := bisect_left(items, k)) < len(items) and items[i] == k]
                else:
                    pairs = [(items[i], weights[i]) for i in heaviest]
                for key, w in pairs:
                    if kinds and self.keys[key][0] not in kinds:
                        continue
                    scores[key] += idf * w
                    hit_by_word.add(key)
            for key in hit_by_word:
                matched[key] += 1
        # Items matching more of the query's words come first, then by score (then by key:
        # item numbers are in key order).
        ranked = heapq.nsmallest(limit, scores, key=lambda k: (-matched[k], -scores[k], k))
        return [Hit(*self.keys[k], round(scores[k], 4)) for k in ranked]
