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
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.ask.postings import FilePostings, KeyList, Postings, entries
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
# A scoped search slices a word's postings at each run of items in scope (a bisection each) when
# the word has this many times more items than the scope has runs; else it reads them through.
SCAN_RATIO = 12
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
        # Items are numbered in (kind, id) order, so comparing numbers ranks ties as comparing
        # keys did. `keys`: item number -> (kind, id).
        self.keys: KeyList = KeyList()
        self.n_docs = 0
        self.avg: dict[str, float] = {}  # field -> its average length over the items having it
        self.by_initial: dict[str, list[str]] = {}
        # word -> (its items' numbers ascending, their weights: the saturated, weighted term
        # frequency BM25F needs, computed once; positions of its MAX_POSTINGS heaviest items,
        # heaviest first): in memory, or in an SQLite file for a base served from the cache
        # (bot/ask/postings.py), so the serving process holds none of it.
        self.words: Postings = {}
        self.items_of: dict[str, array[int]] = {}  # inspection id -> its items' numbers
        # inspection id -> its items as runs of consecutive numbers, ascending ([first, last,
        # first, last, ...]): what a scoped search slices the postings at (`_runs`)
        self.runs_of: dict[str, array[int]] = {}

    @classmethod
    def build(cls, kb: KnowledgeBase) -> SearchIndex:
        return _Builder(kb).index()

    def store(self, path: str) -> None:
        """Move the postings into a new SQLite file at `path` and read them from there."""
        self.words = FilePostings.write(path, self.words)

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

    def search(self, query: str, limit: int = 20, kinds: tuple[str, ...] = (),
               inspections: set[str] | None = None,
               unindexed: list[tuple[str, list[str]]] | None = None) -> list[Hit]:
        """Items for the query words, best first; only of `kinds` ('finding', 'figure', ...)
        and `inspections` when given. `unindexed`, when given, receives each word of the query
        that no item holds, with the words read for it instead (none: it matched nothing), so
        that the answer can say so."""
        n_docs = self.n_docs or 1
        scores: dict[int, float] = defaultdict(float)
        matched: Counter[int] = Counter()
        # With an inspection filter, score that inspection's items (a few hundred) whatever the
        # size of the base; without, each word's best-weighted items only (its postings are
        # kept heaviest first), so a common word costs the same at 43 forces as at one.
        runs = self._runs(inspections) if inspections is not None else None
        within: set[int] | None = None
        asked = list(dict.fromkeys(tokens(query)))
        expanded = [self.expand_word(word) for word in asked]
        if unindexed is not None:
            unindexed += [(word, [term for term, _ in terms]) for word, terms
                          in zip(asked, expanded, strict=True) if terms != [(word, 1.0)]]
        read = entries(self.words, [term for terms in expanded for term, _ in terms])
        for terms in expanded:
            hit_by_word: set[int] = set()
            for term, weight in terms:
                items, weights, heaviest = read[term]
                idf = weight * math.log(1 + (n_docs - len(items) + 0.5) / (len(items) + 0.5))
                if runs is not None and len(runs) * SCAN_RATIO < len(items):
                    # few runs of items in scope among many: each run's slice of the word's
                    # items, found by bisection (ascending, as reading them through gives)
                    pairs: list[tuple[int, float]] = []
                    for first, last in runs:
                        lo = bisect_left(items, first)
                        hi = bisect_left(items, last + 1, lo)
                        pairs += zip(items[lo:hi], weights[lo:hi], strict=True)
                elif inspections is not None:  # else read the word's items once
                    if within is None:
                        within = self._items_of(inspections)
                    pairs = [(k, w) for k, w in zip(items, weights, strict=True) if k in within]
                else:
                    pairs = [(items[i], weights[i]) for i in heaviest]
                if kinds:
                    kind = self.keys.kind
                    pairs = [(key, w) for key, w in pairs if kind(key) in kinds]
                for key, w in pairs:  # each item's sum in the same order as ever: same floats
                    scores[key] += idf * w
                hit_by_word.update(key for key, _ in pairs)
            matched.update(hit_by_word)
        # Items matching more of the query's words come first, then by score (then by key:
        # item numbers are in key order).
        ranked = heapq.nsmallest(limit, _contenders(matched, limit),
                                 key=lambda k: (-matched[k], -scores[k], k))
        return [Hit(*self.keys[k], round(scores[k], 4)) for k in ranked]


    def _runs(self, inspections: set[str]) -> list[tuple[int, int]]:
        """The inspections' items as runs of consecutive item numbers, ascending. Items are
        numbered in (kind, id) order and ids start with their inspection's, so an inspection's
        items of one kind are one run, as a rule: a year at 43 forces is a few hundred runs,
        where it is thousands of items."""
        # Each inspection's runs were worked out with the index; those of the inspections
        # asked about are merged (a year at 43 forces: 200-odd runs, not 5,000 numbers).
        return _merged(sorted(run for i in inspections
                              for run in _pairs(self.runs_of.get(i, ()))))

    def _items_of(self, inspections: set[str]) -> set[int]:
        return {k for i in inspections for k in self.items_of.get(i, ())}


def _contenders(matched: dict[int, int], limit: int) -> list[int] | dict[int, int]:
    """The items that can be among the best `limit`: those matching as many of the words as the
    `limit`-th best does, or more (a year's search at 43 forces scores thousands of items,
    most of them holding one word of three)."""
    if len(matched) <= limit:
        return matched
    counts = Counter(matched.values())
    enough, least = 0, 0
    for n in sorted(counts, reverse=True):
        enough += counts[n]
        least = n
        if enough >= limit:
            break
    return [k for k, n in matched.items() if n >= least]


def _pairs(flat: array[int] | tuple[()]) -> Iterator[tuple[int, int]]:
    it = iter(flat)
    return zip(it, it, strict=True)


def _merged(runs: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Sorted, disjoint runs with the adjacent ones joined."""
    out: list[tuple[int, int]] = []
    for first, last in runs:
        if out and out[-1][1] + 1 == first:
            out[-1] = (out[-1][0], last)
        else:
            out.append((first, last))
    return out


def _runs_of(numbers: array[int]) -> array[int]:
    flat = array("I")
    for first, last in _merged([(k, k) for k in sorted(numbers)]):
        flat.extend((first, last))
    return flat


class _Builder:
    """Two passes over the items: each field's words counted (and its length), then, with the
    fields' average lengths known, each word's weight in each item. Items, words and each
    word's items are met in the order they are added, which the ranking's ties and the typo
    matching's candidates follow."""

    def __init__(self, kb: KnowledgeBase):
        self.kb = kb
        # (key, inspection, [(field, word counts)], {field: length}) in the order added
        self.items: list[tuple[Key, str, list[tuple[str, Counter[str]]], dict[str, int]]] = []
        self._counted: dict[str, Counter[str]] = {}  # a field text met again: an area's words

    def _counts(self, text: str) -> Counter[str]:
        counts = self._counted.get(text)
        if counts is None:
            counts = self._counted[text] = Counter(tokens(text))
        return counts

    def add(self, key: Key, inspection: str, fields: dict[str, str]) -> None:
        counted = [(name, c) for name, text in fields.items() if (c := self._counts(text))]
        self.items.append((key, inspection, counted,
                           {name: c.total() for name, c in counted}))

    def index(self) -> SearchIndex:
        kb = self.kb
        # Findings printed in one paragraph (a recommendation embedded in an area for
        # improvement) are found by each other's words too, at a lower weight.
        at_line: dict[tuple[str, int], list[str]] = defaultdict(list)
        for f in kb.findings:
            at_line[(f.source.document, f.source.line)].append(f.text)
        for f in kb.findings:
            context = [t for t in at_line[(f.source.document, f.source.line)] if t != f.text]
            self.add(("finding", f.id), f.inspection, {
                "text": f.text, "parts": " ".join(p.text for p in f.parts),
                "kind": KIND_WORDS.get(f.kind, f.kind), "area": _area_words(kb, f.area),
                "context": " ".join(context), "note": f.note or ""})
        for fig in kb.figures:
            self.add(("figure", fig.id), fig.inspection, {
                "label": fig.label, "printed": fig.printed or "", "topics": " ".join(fig.topics),
                "area": _area_words(kb, fig.area), "period": fig.period or "",
                "note": fig.note or ""})
        for j in kb.judgments:
            self.add(("judgment", j.id), j.inspection, {
                "question": j.question, "quote": j.quote or "", "area": _area_words(kb, j.area),
                "grade": j.grade or "", "note": j.note or ""})
        for i in kb.inspections:  # what a report says about itself
            facts = [s for s in (i.fieldwork, i.monitoring, *i.inspectors, *i.notable_practice) if s]
            self.add(("inspection", i.id), i.id, {
                "name": f"{i.title} {i.programme} {i.inspectorate}",
                "said": " ".join(f"{s.label} {s.text or ''}" for s in facts)
                        + (" monitoring status" if i.monitoring else "")
                        + (" innovative notable practice" if i.notable_practice else "")
                        + (" fieldwork" if i.fieldwork else "")})
        for r in kb.responses:
            self.add(("response", r.id), r.inspection, {
                "said": r.said + " " + (r.governance or ""), "name": r.name})
        self._counted.clear()
        return self._weigh()

    def _weigh(self) -> SearchIndex:
        index = SearchIndex()
        # Average length per field over the items that have the field (a figure has no
        # 'text': counting it would make every finding's wording look overlong).
        totals: Counter[str] = Counter()
        having: Counter[str] = Counter()
        for *_, lengths in self.items:
            totals.update(lengths)
            having.update(lengths.keys())
        index.avg = avg = {name: max(total / having[name], 1.0) for name, total in totals.items()}
        keys = sorted({item[0] for item in self.items})
        number = {key: n for n, key in enumerate(keys)}
        index.keys, index.n_docs = KeyList(keys), len(keys)
        # word -> its items' numbers and weights, in the order the items were added
        found: dict[str, tuple[list[int], list[float]]] = {}
        for key, inspection, counted, lengths in self.items:
            n = number[key]
            index.items_of.setdefault(inspection, array("I")).append(n)
            tf: dict[str, float] = {}
            for name, counts in counted:
                weight = WEIGHTS.get(name, 1.0)
                norm = 1 - B + B * lengths[name] / avg[name]
                for word, count in counts.items():
                    tf[word] = tf.get(word, 0) + weight * count / norm
            prior = PRIOR.get(key[0], 1.0)
            for word, t in tf.items():
                entry = found.get(word)
                if entry is None:
                    entry = found[word] = ([], [])
                entry[0].append(n)
                entry[1].append(t * (K1 + 1) / (t + K1) * prior)
        self.items.clear()
        index.runs_of = {i: _runs_of(numbers) for i, numbers in index.items_of.items()}
        by_initial: dict[str, list[str]] = defaultdict(list)
        words: dict[str, tuple[array[int], array[float], array[int]]] = {}
        for word, (numbers, weights) in found.items():
            by_initial[word[0]].append(word)
            ascending = sorted(range(len(numbers)), key=numbers.__getitem__)
            at = [0] * len(numbers)
            for pos, i in enumerate(ascending):
                at[i] = pos
            # Heaviest first, ties in the order the items were added (a stable sort).
            heaviest = sorted(range(len(weights)), key=weights.__getitem__,
                              reverse=True)[:MAX_POSTINGS]
            words[word] = (array("I", (numbers[i] for i in ascending)),
                           array("d", (weights[i] for i in ascending)),
                           array("I", (at[i] for i in heaviest)))
        index.words = words
        index.by_initial = dict(by_initial)
        return index
