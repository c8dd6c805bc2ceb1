"""The search index's build as it was before it was made faster (bot/ask/search.py's `_Builder`):
every word's postings kept as nested dicts while building, each weight worked out from them one
by one. Verbatim but for the ending, which lays the result out as the compact index does (items
numbered in key order, arrays). The reference the faster build is compared with
(tests/test_search_index.py)."""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Any

from bot.ask.search import K1, KIND_WORDS, MAX_POSTINGS, PRIOR, WEIGHTS, B, _area_words
from bot.content.kb import KnowledgeBase
from bot.content.words import _TOKEN_RE, STOPWORDS, expand, fold, stem

Key = tuple[str, str]


def tokens(text: str) -> list[str]:
    """bot.content.words.tokens as it was, before it remembered its stems."""
    return [stem(w) for w in _TOKEN_RE.findall(expand(fold(text))) if w not in STOPWORDS]


class PlainIndex:
    def __init__(self) -> None:
        self.postings: dict[str, dict[Key, dict[str, int]]] = defaultdict(dict)
        self.lengths: dict[Key, dict[str, int]] = {}
        self.avg: dict[str, float] = {}
        self.inspection_of: dict[Key, str] = {}

    @classmethod
    def build(cls, kb: KnowledgeBase) -> dict[str, Any]:
        index = cls()
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
        for i in kb.inspections:
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
        totals: Counter[str] = Counter()
        having: Counter[str] = Counter()
        for fields in index.lengths.values():
            totals.update(fields)
            having.update(fields.keys())
        index.avg = {name: max(total / having[name], 1.0) for name, total in totals.items()}
        return index._laid_out()

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

    def _weighted_tf(self, key: Key, fields: dict[str, int]) -> float:
        lengths = self.lengths[key]
        return sum(WEIGHTS.get(name, 1.0) * tf
                   / (1 - B + B * lengths.get(name, 1) / self.avg.get(name, 1.0))
                   for name, tf in fields.items())

    def _laid_out(self) -> dict[str, Any]:
        keys = sorted(self.lengths)
        number = {key: n for n, key in enumerate(keys)}
        words: dict[str, tuple[list[int], list[float], list[int]]] = {}
        by_initial: dict[str, list[str]] = defaultdict(list)
        for word, posting in self.postings.items():
            by_initial[word[0]].append(word)
            weights = {}
            for key, fields in posting.items():
                tf = self._weighted_tf(key, fields)
                weights[key] = tf * (K1 + 1) / (tf + K1) * PRIOR.get(key[0], 1.0)
            heaviest = sorted(weights, key=lambda k: -weights[k])[:MAX_POSTINGS]
            ordered = sorted(number[k] for k in weights)
            at = {n: i for i, n in enumerate(ordered)}
            words[word] = (ordered, [weights[keys[n]] for n in ordered],
                           [at[number[k]] for k in heaviest])
        items_of: dict[str, list[int]] = {}
        for key, inspection in self.inspection_of.items():
            items_of.setdefault(inspection, []).append(number[key])
        return {"keys": keys, "words": words, "avg": self.avg, "items_of": items_of,
                "by_initial": dict(by_initial), "n_docs": len(keys)}


def search(index: Any, query: str, limit: int = 20, kinds: tuple[str, ...] = (),
           inspections: set[str] | None = None) -> list[Any]:
    """SearchIndex.search as it was: every scoped item looked up by bisection."""
    import heapq
    import math
    from bisect import bisect_left

    from bot.ask.search import Hit

    n_docs = index.n_docs or 1
    scores: dict[int, float] = defaultdict(float)
    matched: dict[int, int] = defaultdict(int)
    scope = ([k for i in inspections for k in index.items_of.get(i, ())]
             if inspections is not None else None)
    for word in dict.fromkeys(tokens(query)):
        hit_by_word: set[int] = set()
        for term, weight in index.expand_word(word):
            items, weights, heaviest = index.words[term]
            idf = weight * math.log(1 + (n_docs - len(items) + 0.5) / (len(items) + 0.5))
            if scope is not None:
                pairs = [(k, weights[i]) for k in scope
                         if (i := bisect_left(items, k)) < len(items) and items[i] == k]
            else:
                pairs = [(items[i], weights[i]) for i in heaviest]
            for key, w in pairs:
                if kinds and index.keys[key][0] not in kinds:
                    continue
                scores[key] += idf * w
                hit_by_word.add(key)
        for key in hit_by_word:
            matched[key] += 1
    ranked = heapq.nsmallest(limit, scores, key=lambda k: (-matched[k], -scores[k], k))
    return [Hit(*index.keys[k], round(scores[k], 4)) for k in ranked]
