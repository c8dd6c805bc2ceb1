"""Finding the area (and the force) a whole question is about. `match_area` takes a few words
that name an area; a question is mostly other words, so here each area wording counts when the
question contains it: a short wording (a keyword, the name) wholly, a long one (a question as
a report words it) mostly. Words many areas share ("crime") count for less; a word and its
relatives ("investigating", "investigation") meet on their first six letters."""

from __future__ import annotations

import re
import threading
from collections import Counter

from bot.ask.cues import word_set
from bot.content.kb import KnowledgeBase
from bot.content.model import Area
from bot.content.words import fold, tokens

# Words every question about a grade uses, which name no area.
NOT_AREA = word_set("effective effectiveness good grade graded rated judged judgment judgement "
                     "latest inspection report peel question")
_lock = threading.Lock()


def _key(word: str) -> str:
    return word[:6] if len(word) >= 6 else word


Terms = list[tuple[Area, list[tuple[frozenset[str], bool]]]]


def _terms(kb: KnowledgeBase) -> tuple[Terms, dict[str, float]]:
    built = kb.index.get("reader_area_terms")
    if built is None:
        with _lock:
            built = kb.index.get("reader_area_terms")
            if built is None:
                per_area: Terms = []
                spread: Counter[str] = Counter()
                for a in kb.areas:
                    texts = [a.id.replace("-", " "), a.name, *a.aliases, *a.keywords]
                    # (words, names the area itself): ids, names and aliases do; keywords name
                    # a topic within it ("stop and search" is a topic of treating the public)
                    named = 2 + len(a.aliases)
                    terms = [(frozenset(_key(w) for w in tokens(t) if w not in NOT_AREA), n < named)
                             for n, t in enumerate(texts)]
                    terms = [t for t in terms if t[0]]
                    per_area.append((a, terms))
                    spread.update(set().union(*(t for t, _ in terms)) if terms else set())
                weight = {w: 1.0 / n for w, n in spread.items()}
                built = kb.index["reader_area_terms"] = (per_area, weight)
    return built


def find_area(kb: KnowledgeBase, text: str) -> tuple[Area | None, bool]:
    """The area the question names best (or None), and whether it was named as an area (its
    name, id or a report's wording) rather than only by a keyword of a topic within it."""
    words = {_key(w) for w in tokens(text) if w not in NOT_AREA}
    if not words:
        return None, False
    per_area, weight = _terms(kb)
    best: tuple[float, Area, bool] | None = None
    for area, terms in per_area:
        covered: set[str] = set()
        named = False
        for term, names_area in terms:
            hit = term & words
            if hit == term or (len(term) >= 3 and len(hit) >= 2 and len(hit) >= 0.6 * len(term)):
                covered |= hit
                named = named or names_area
        score = sum(weight.get(w, 0.0) for w in covered)
        if score > 0 and (best is None or score > best[0]):
            best = (score, area, named)
    return (best[1], best[2]) if best and best[0] >= 0.3 else (None, False)


def area_words(area: Area) -> frozenset[str]:
    """Every word of an area's wordings, folded: what is left of a question without them is
    its topic."""
    texts = [area.id.replace("-", " "), area.name, *area.aliases, *area.keywords]
    return frozenset(w for t in texts for w in re.findall(r"[a-z0-9]+", fold(t)))


def find_force(kb: KnowledgeBase, text: str) -> tuple[str | None, str]:
    """A force named in the question when more than one is recorded, and the text without it."""
    if len(kb.forces) < 2:
        return None, text
    folded = fold(text)
    for force in sorted(kb.forces, key=lambda f: -len(f.name)):
        for name in (force.name.lower(), force.name.lower().replace(" police", "")):
            if name and name in folded:
                return force.id, folded.replace(name, " ")
    return None, text
