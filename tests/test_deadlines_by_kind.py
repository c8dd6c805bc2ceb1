"""`overdue` and `due` narrowed to a kind of finding ("overdue recommendations", "due 90 days
causes of concern"), alone or with an owner or an area: exactly the unnarrowed listing's rows of
that kind, in its order, under a title that says so; and the questions that name a kind
("which recommendations are overdue") ask for it."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.ask import queries
from bot.ask.filters import finding_kinds_in
from bot.ask.results import FindingsResult
from bot.content import loader
from bot.render.answer import answer
from tests.test_synthetic import _synthetic

KINDS = {"recommendations": ("recommendation",), "causes of concern": ("cause_of_concern",),
         "areas for improvement": ("area_for_improvement",), "afis": ("area_for_improvement",),
         "recs and causes of concern": ("cause_of_concern", "recommendation")}


@pytest.fixture(scope="module")
def synthetic_kb(tmp_path_factory):
    out = tmp_path_factory.mktemp("synthetic") / "content"
    _synthetic().generate(out, forces=2, inspections=3, base_date=dt.date(2026, 1, 1))
    return loader.load(out)


def ids(result) -> list[str]:
    assert isinstance(result, FindingsResult), result
    return [r.item_id for r in result.rows] + [r.item_id for r in result.unresolved]


def narrowed(kb, day, words: str, narrowing: str, keep) -> int:
    """For `overdue` and `due`: `words` plus `narrowing` lists exactly the rows of `words` that
    `keep` keeps, in their order. How many rows that was."""
    kept = 0
    for listing in (lambda w: queries.overdue(kb, day, w), lambda w: queries.due(kb, day, 400, w)):
        every, narrow = listing(words), listing(f"{narrowing} {words}")
        want = [r.item_id for r in (*every.rows, *every.unresolved) if keep(r.finding)]
        assert ids(narrow) == want, (words, narrowing)
        assert narrow.filter == every.filter  # the owner's or area's name, as before
        kept += len(want)
    return kept


@pytest.mark.parametrize("words", sorted(KINDS))
def test_a_kind_keeps_the_listing_rows_of_that_kind(synthetic_kb, words) -> None:
    kb, kinds = synthetic_kb, KINDS[words]
    day = dt.date(2026, 6, 1)
    owner, area = kb.owners[1].id, "vulnerability"
    listed = sum(narrowed(kb, day, narrowing, words, lambda f: f.kind in kinds)
                 for narrowing in ("", owner, area))
    dated = any(f.kind in kinds and f.is_live and f.deadlines for f in kb.findings)
    assert bool(listed) == dated  # (the synthetic causes of concern carry no deadline)


def test_the_title_names_the_kind(kb) -> None:
    day = dt.date(2017, 4, 24)
    assert queries.overdue(kb, day, "recommendations").title == "Overdue recommendations"
    assert queries.due(kb, day, 60, "causes of concern").title == \
        "Causes of concern due in the next 60 days"
    assert queries.overdue(kb, day, "afis vulnerability").title == \
        "Overdue areas for improvement — Protecting vulnerable people"
    assert queries.overdue(kb, day, "").title == "Overdue findings"


def test_an_owner_id_keeps_its_hyphens_beside_a_kind() -> None:
    assert finding_kinds_in("recommendations head-of-crime") == (("recommendation",),
                                                                 "head-of-crime")
    assert finding_kinds_in("head-of-crime") == ((), "head-of-crime")


def test_which_recommendations_are_overdue_lists_no_area_for_improvement(kb, renderer) -> None:
    day = dt.date(2017, 4, 24)
    every = answer(kb, renderer, "overdue", day).text
    assert "cle-2016-afi-07" in every and "cle-2014-rec-06a" in every  # both are overdue then
    for question in ("which recommendations are overdue?", "are any recommendations overdue",
                     "overdue recommendations"):
        text = answer(kb, renderer, question, day).text
        assert "cle-2014-rec-06a" in text and "cle-2016-afi-07" not in text, question
    text = answer(kb, renderer, "what recommendations are due in the next 90 days?",
                  dt.date(2017, 3, 1)).text
    assert "due 90 recommendations" in text and "Recommendations due in the next 90 days" in text


def test_a_year_or_an_inspection_keeps_its_findings_rows(synthetic_kb) -> None:
    kb, day = synthetic_kb, dt.date(2026, 6, 1)
    insp = kb.inspections[1]
    years = {insp.year: {i.id for i in kb.inspections if i.year == insp.year},
             insp.id: {insp.id}}
    kept = sum(narrowed(kb, day, kind_words, named, lambda f, i=inspections: f.inspection in i)
               for named, inspections in years.items()
               for kind_words in ("", "recommendations"))  # (the rows of that kind already)
    assert kept
    for named in years:
        assert queries.overdue(kb, day, f"recommendations {named}").title == \
            f"Overdue recommendations from {named}"
        assert queries.due(kb, day, 30, named).title == \
            f"Findings from {named} due in the next 30 days"


def test_a_year_with_no_inspection_says_so(kb) -> None:
    result = queries.overdue(kb, dt.date(2017, 4, 24), "2015")
    assert not isinstance(result, FindingsResult)
    assert "No inspection from 2015" in result.message and "2014, 2016" in result.message


def test_which_recommendations_from_a_year_are_overdue(kb, renderer) -> None:
    text = answer(kb, renderer, "which recommendations from 2014 are overdue?",
                  dt.date(2017, 4, 24)).text
    assert "overdue recommendations 2014" in text and "cle-2014-rec-06a" in text
    assert answer(kb, renderer, "which recommendations from 2016 are overdue?",
                  dt.date(2017, 4, 24)).text.count("cle-2014-rec-06a") == 0
