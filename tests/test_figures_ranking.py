"""`figures <words> [year]` ranks by score classes (bot/ask/queries.py `_ranked_figures`): the
same figures in the same order as the ranking before lazy rows (tests/test_paging.py keeps it
as the oracle), for random words, areas and years, on the shipped content and a synthetic
base."""

from __future__ import annotations

import datetime as dt
import random

import pytest

from bot.ask.queries import figures
from bot.content import loader
from bot.content.kb import KnowledgeBase
from bot.content.words import tokens
from tests.test_paging import _ranked_as_before
from tests.test_synthetic import _synthetic


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
        assert got == _ranked_as_before(base, text, year), (text, year)
        matched += bool(got)
        mixed += len({len(set(tokens(text)) & set(tokens(row.figure.label))) for row in
                      figures(base, text, year).rows[:50]}) > 1
    assert matched > 100 and mixed > 20, (matched, mixed)
