"""Matching the words people type to a canonical area, by id, name, aliases and keywords."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.content.model import Area
from bot.content.words import fold, tokens

if TYPE_CHECKING:
    from bot.content.kb import KnowledgeBase


def _area_terms(area: Area) -> list[list[str]]:
    texts = [area.id.replace("-", " "), area.name, *area.aliases, *area.keywords]
    return [tokens(t) for t in texts]


def match_area(kb: KnowledgeBase, words: str) -> Area | None:
    """The area the words name best, or None. An exact id, name, alias or keyword wins; otherwise
    the area whose wording covers most of the words."""
    text = fold(words).strip()
    if not text:
        return None
    if kb.area(text.replace(" ", "-")):
        return kb.area(text.replace(" ", "-"))
    query = tokens(text)
    if not query:
        return None
    # the areas' wordings as words, worked out once per knowledge base (each was tokenised
    # again for every question that names an area)
    wordings = kb.index.get("area_terms")
    if wordings is None:
        wordings = kb.index["area_terms"] = [(area, _area_terms(area)) for area in kb.areas]
    best: tuple[float, Area] | None = None
    for area, wording in wordings:
        score = 0.0
        for terms in wording:
            if not terms:
                continue
            if terms == query:
                return area
            covered = sum(1 for w in query if w in terms)
            # How much of what was typed this wording explains, lightly preferring short wordings.
            s = covered / len(query) + (0.1 * covered / len(terms))
            score = max(score, s)
        if score >= 0.5 and (best is None or score > best[0]):
            best = (score, area)
    return best[1] if best else None
