"""`figures <words> [year]` ranks by score classes (bot/ask/queries.py `_ranked_figures`): the
same figures in the same order as sorting every candidate's (score, inspection, position)
tuple, the way it was ranked before, on the shipped content and on a synthetic base."""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict

import pytest

from bot.ask.queries import figures
from bot.content import loader
from bot.content.areas import match_area
from bot.content.kb import KnowledgeBase
from bot.content.words import tokens
from tests.test_synthetic import _synthetic


def plain_ranking(kb: KnowledgeBase, words: str, year: str) -> list[str]:
    """The ranking as it was: every candidate's tuple built and sorted."""
    from bot.ask.asof import inspections_for_year

    insps = inspections_for_year(kb, year) if year else kb.inspections
    allowed = {i.id for i in insps}
    query = set(tokens(words))
    area = match_area(kb, words) if words.strip() else None
    hits: dict[int, int] = defaultdict(int)
    for word in query:
        for n in kb.index["figure_terms"].get(word, ()):
            hits[n] += 1
    candidates = set(hits)
    if area is not None:
        candidates.update(kb.index["figures_in_area"].get(area.id, ()))
    ranked = []
    insp_of = kb.index["figure_inspection"]
    allowed_at = {n for n, i in enumerate(kb.inspections) if i.id in allowed}
    in_area = set(kb.index["figures_in_area"].get(area.id, ())) if area is not None else set()
    for n in candidates:
        at = insp_of[n]
        if at not in allowed_at:
            continue
        covered = hits.get(n, 0) / len(query)
        if n in in_area:
            ranked.append((-(covered + 0.5), at, n))
        elif covered >= 0.5:
            ranked.append((-covered, at, n))
    ranked.sort()
    return [kb.figures[n].id for *_, n in ranked]


@pytest.fixture(scope="module")
def synthetic_kb(tmp_path_factory) -> KnowledgeBase:
    out = tmp_path_factory.mktemp("figures") / "content"
    _synthetic().generate(out, forces=3, inspections=4, base_date=dt.date(2026, 1, 1))
    return loader.load(out)


@pytest.mark.parametrize("which", ["shipped", "synthetic"])
def test_figures_rank_as_sorting_every_candidate(which, kb, synthetic_kb) -> None:
    base = kb if which == "shipped" else synthetic_kb
    words = sorted({w for fig in base.figures for w in tokens(fig.label + " " + " ".join(fig.topics))})
    areas = [a.name.lower() for a in base.areas]
    years = ["", *sorted({i.year for i in base.inspections})]
    rng = random.Random(17)
    matched = mixed = 0
    for _ in range(300):
        picked = rng.sample(words, rng.choice([1, 1, 2, 3, 4]))
        if rng.random() < 0.3:  # an area's name among the words
            picked.insert(rng.randrange(len(picked) + 1), rng.choice(areas))
        text, year = " ".join(picked), rng.choice(years)
        got = [row.figure.id for row in figures(base, text, year).rows]
        assert got == plain_ranking(base, text, year), (text, year)
        matched += bool(got)
        mixed += len({len(set(tokens(text)) & set(tokens(row.figure.label))) for row in
                      figures(base, text, year).rows[:50]}) > 1
    assert matched > 100 and mixed > 20, (matched, mixed)
