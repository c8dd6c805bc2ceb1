"""Huge listings are served one page at a time (bot.render.paging), and every page is the page
the whole answer gives: paged through to the last page by following the Next buttons, as
Slack does, through the services layer, on a three-force synthetic base and on the shipped
content. Small answers are byte-identical to the whole-answer path; huge ones have the same
items on every page, and only the page line differs: it says how many there are, and page 1
says how to narrow it."""

from __future__ import annotations

import datetime as dt
import importlib.util
import json
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from bot.ask.asof import inspections_as_of, inspections_for_year, published_by
from bot.ask.command import parse
from bot.ask.dispatch import run_query
from bot.ask.filters import FINDING_KINDS
from bot.ask.results import FiguresResult, FindingsList, FindingsResult
from bot.content.areas import match_area
from bot.content.kb import KnowledgeBase
from bot.content.words import tokens
from bot.live import LiveKnowledgeBase
from bot.render import paging
from bot.render.answer import answer
from bot.render.blocks import check_message, paginate, to_message
from bot.settings import Settings
from bot.slack.services import AnswerCache, Services, encode_query, read_state

ROOT = Path(__file__).resolve().parent.parent
AS_OF = dt.date(2026, 11, 23)


@pytest.fixture(scope="session")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> LiveKnowledgeBase:
    spec = importlib.util.spec_from_file_location("synthetic", ROOT / "bench" / "synthetic.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    out = tmp_path_factory.mktemp("paging") / "content"
    module.generate(out, forces=3)
    return LiveKnowledgeBase(out)


def _services(live: LiveKnowledgeBase) -> Services:
    # No answer cache: every page is rendered, as a fresh button press would be.
    return Services(Settings(), live, lambda: AS_OF, ThreadPoolExecutor(1), cache=AnswerCache(0))


def _commands(kb: KnowledgeBase) -> list[str]:
    # the owner with most deadlines (the shipped content records none: a "no match" answer)
    owner = max(kb.owners, key=lambda o: len(kb.deadlines(owner=o.id).listed)).id \
        if kb.owners else "head-of-crime"
    return ["judgments", "judgments 2016", "judgments investigation", "findings",
            "findings 2016", "findings recommendation", "overdue", f"overdue {owner}",
            "overdue vulnerability", "due 60 days", "due 400 days", "figures", "figures asb",
            "figures crime 2016", "area investigation", "search safeguarding hub",
            "what is overdue?", "show me all the figures"]


def _button(message: dict[str, Any], action: str) -> str | None:
    return next((el["value"] for b in message["blocks"] for el in b.get("elements", [])
                 if el.get("action_id") == action), None)


def _follow(services: Services, text: str, action: str, first: dict[str, Any]
            ) -> list[dict[str, Any]]:
    """The messages reached by pressing `action` (Next or Previous) until it is gone."""
    out = [first]
    while (value := _button(out[-1], action)) is not None:
        state = read_state(value, services.states)
        assert state is not None
        out.append(services.message(state.query, page=state.page, as_of=state.as_of,
                                    starts=state.starts))
    return out


def _reference(services: Services, text: str) -> tuple[Any, list[dict[str, Any]]]:
    """The answer, and every page of it from the whole-answer path (the reference)."""
    snap = services.kb.current
    rendered = answer(snap.kb, snap.renderer, text, AS_OF)
    whole = replace(rendered, pager=None)
    return rendered, [to_message(whole, command=encode_query(text), page=n,
                                 as_of=AS_OF.isoformat(), keep=services.states.keep)
                      for n in range(1, len(paginate(whole)) + 1)]


def _sections(message: dict[str, Any]) -> list[dict[str, Any]]:
    return [b for b in message["blocks"] if b["type"] == "section"]


def _page_line(message: dict[str, Any]) -> str:
    return next(b["elements"][0]["text"] for b in message["blocks"] if b["type"] == "context")


def _check_same(services: Services, text: str) -> tuple[Any, list[dict[str, Any]]]:
    rendered, reference = _reference(services, text)
    pages = _follow(services, text, "page:next", services.message(text))
    assert len(pages) == len(reference), text
    for n, (got, want) in enumerate(zip(pages, reference, strict=True), start=1):
        assert check_message(got) == [], (text, n)
        if rendered.pager is None:  # served from the whole answer: exactly as before
            assert json.dumps(got) == json.dumps(want), (text, n)
        else:  # the same items on every page; only the page line says more
            assert _sections(got) == _sections(want), (text, n)
            assert [b["type"] for b in got["blocks"]] == [b["type"] for b in want["blocks"]]
    return rendered, pages


@pytest.mark.parametrize("which", ["synthetic", "shipped", "everything paged"])
def test_every_page_is_the_whole_answers_page(which: str, synthetic: LiveKnowledgeBase,
                                               live_shipped: LiveKnowledgeBase,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    if which == "everything paged":  # every listing that can be paged is: area, judgments too
        monkeypatch.setattr(paging, "HUGE", 3)
    services = _services(live_shipped if which == "shipped" else synthetic)
    paged = []
    for text in _commands(services.kb.current.kb):
        rendered, pages = _check_same(services, text)
        if rendered.pager is not None:
            paged.append(text)
            if len(pages) == 1:  # one page in all: no page line, the very same message
                assert json.dumps(pages[0]) == json.dumps(_reference(services, text)[1][0])
            else:
                narrow = rendered.pager.total.narrow
                assert narrow in _page_line(pages[0])
                assert all(narrow not in _page_line(p) for p in pages[1:])
    if which == "shipped":
        assert paged == []  # the shipped content's answers are all served whole, as before
    elif which == "synthetic":  # the big listings of three forces are paged lazily
        assert {"findings", "overdue", "figures", "what is overdue?"} <= set(paged)
    else:
        assert {"judgments", "judgments 2016", "area investigation", "overdue vulnerability",
                "findings 2016"} <= set(paged)


def test_previous_goes_back_through_the_same_pages(synthetic: LiveKnowledgeBase) -> None:
    services = _services(synthetic)
    _, reference = _reference(services, "figures")
    forward = _follow(services, "figures", "page:next", services.message("figures"))
    back = _follow(services, "figures", "page:prev", forward[-1])
    assert [_sections(m) for m in reversed(back)] == [_sections(m) for m in reference]


def test_a_page_button_without_its_starts_still_finds_the_page(
        synthetic: LiveKnowledgeBase) -> None:
    # A button from before this version carries only the page number: the pages are cut
    # again from the start, to the same page.
    services = _services(synthetic)
    _, reference = _reference(services, "overdue")
    assert len(reference) > 4
    assert _sections(services.message("overdue", page=4)) == _sections(reference[3])
    last = services.message("overdue", page=10_000)  # past the end: the last page
    assert _sections(last) == _sections(reference[-1])
    assert _button(last, "page:next") is None


def test_a_huge_answer_to_a_question_records_the_ids_the_log_keeps(
        synthetic: LiveKnowledgeBase) -> None:
    # The questions log stores the cited ids comma-separated, cut at 4,000 characters: a
    # huge answer gives as many as that keeps, without rendering the rest.
    snap = synthetic.current
    rendered = answer(snap.kb, snap.renderer, "show me all the figures", AS_OF)
    assert rendered.pager is not None
    whole = replace(rendered, pager=None)
    assert len(whole.items) == len(snap.kb.figures)
    assert ",".join(rendered.items)[:4000] == ",".join(whole.items)[:4000]
    assert len(rendered.items) < len(whole.items)


def test_the_ids_a_paged_answer_cites_are_those_its_pages_render(
        synthetic: LiveKnowledgeBase, monkeypatch: pytest.MonkeyPatch) -> None:
    # Read off the rows, not rendered: the same ids, in the same order, as rendering every
    # page gives, for every listing that can be paged (judgments cite none).
    monkeypatch.setattr(paging, "HUGE", 3)
    snap = synthetic.current
    cited = 0
    # (as of March 2025 `due 400 days` lists dated deadlines, then counts the undated ones)
    asked = [(t, AS_OF) for t in _commands(snap.kb) + ["overdue 2014"]] \
        + [(t, dt.date(2025, 3, 1)) for t in ("due 400 days", "overdue")]
    for text, as_of in asked:
        rendered = answer(snap.kb, snap.renderer, text, as_of)
        if rendered.pager is None:
            continue
        whole = replace(rendered, pager=None).items
        assert list(dict.fromkeys(paging.item_ids(rendered.pager.result))) == whole, text
        assert rendered.items == whole[:len(rendered.items)], text
        assert ",".join(rendered.items)[:4000] == ",".join(whole)[:4000], text
        cited += bool(whole)
    assert cited >= 8


def _count_line(services: Services, text: str) -> str:
    return _page_line(services.message(text))


def test_the_first_page_says_how_many_there_are(synthetic: LiveKnowledgeBase) -> None:
    services = _services(synthetic)
    kb = services.kb.current.kb
    published = {i.id for i in inspections_as_of(kb, AS_OF)}
    overdue = sum(1 for f in kb.findings if f.is_live for _, d in f.deadlines
                  if d.date and d.date < AS_OF and published_by(kb.inspection(f.inspection), AS_OF))
    findings = sum(1 for f in kb.findings if f.inspection in published)
    assert f"{len(kb.figures):,} figures" in _count_line(services, "figures")
    assert f"{overdue:,} deadlines passed and not closed" in _count_line(services, "overdue")
    assert (f"{findings:,} findings in {len(published)} inspections"
            in _count_line(services, "findings"))
    assert "`figures anti-social behaviour 2016`" in _count_line(services, "figures")


def test_a_huge_listing_for_every_force_or_one_keeps_its_pages_and_force_line(
        synthetic: LiveKnowledgeBase) -> None:
    """With several forces each answer is under a line naming its scope: a huge listing keeps
    that line on every page and is still served page by page, for all forces or one."""
    services = _services(synthetic)
    kb = services.kb.current.kb
    force = kb.forces[1]
    for text, scope, count in (("figures", f"All {len(kb.forces)} forces", len(kb.figures)),
                               (f"figures {force.name}", force.name,
                                len(kb.scoped(force.id).figures))):
        first = services.message(text)
        assert f"*{scope}*" in _sections(first)[0]["text"]["text"], text
        assert f"{count:,} figures" in _page_line(first), text
        nxt = _button(first, "page:next")
        assert nxt is not None
        state = read_state(nxt, services.states)
        assert state is not None
        second = services.message(state.query, page=state.page, as_of=state.as_of,
                                  starts=state.starts)
        assert f"*{scope}*" in _sections(second)[0]["text"]["text"], text


# --- the rows are the rows the listings always had ----------------------------------------------

def test_overdue_and_due_rows_are_in_the_order_they_always_were(
        synthetic: LiveKnowledgeBase) -> None:
    kb = synthetic.current.kb

    def items(day_ok: Any) -> list[tuple[dt.date, str]]:
        return [(d.date, item_id) for f in kb.findings if f.is_live
                for item_id, d in f.deadlines
                if d.date and day_ok(d.date) and published_by(kb.inspection(f.inspection), AS_OF)]

    result = run_query(kb, parse("overdue"), AS_OF)
    assert isinstance(result, FindingsResult)
    # most overdue first, then by item id
    assert [(r.deadline.date, r.item_id) for r in result.rows] == sorted(
        items(lambda d: d < AS_OF), key=lambda t: (-(AS_OF - t[0]).days, t[1]))
    result = run_query(kb, parse("due 400 days"), AS_OF)
    assert isinstance(result, FindingsResult)
    last = AS_OF + dt.timedelta(days=400)
    assert [(r.deadline.date, r.item_id) for r in result.rows] == sorted(
        items(lambda d: AS_OF <= d <= last))


def test_findings_rows_are_each_inspections_findings_kind_by_kind(
        synthetic: LiveKnowledgeBase) -> None:
    kb = synthetic.current.kb
    result = run_query(kb, parse("findings"), AS_OF)
    assert isinstance(result, FindingsList)
    order = {k: n for n, k in enumerate(FINDING_KINDS)}
    for g in result.groups:
        mine = [f for f in kb.findings if f.inspection == g.inspection.id]
        assert [r.finding.id for r in g.rows] == [
            f.id for f in sorted(mine, key=lambda f: order[f.kind])]
        assert [(c.count, c.parts) for c in g.counts] == [
            (sum(1 for f in mine if f.kind == k), sum(len(f.parts) for f in mine if f.kind == k))
            for k in FINDING_KINDS]


def _ranked_as_before(kb: KnowledgeBase, words: str, year: str = "") -> list[str]:
    """The ranking of `figures WORDS [YEAR]` as the code before lazy rows wrote it (a copy,
    kept as the oracle): figure ids."""
    allowed = {i.id for i in (inspections_for_year(kb, year) if year else kb.inspections)}
    query = set(tokens(words))
    area = match_area(kb, words)
    hits: dict[int, int] = defaultdict(int)
    for word in query:
        for n in kb.index["figure_terms"].get(word, ()):
            hits[n] += 1
    candidates = set(hits)
    if area is not None:
        candidates.update(kb.index["figures_in_area"].get(area.id, ()))
    scored = []
    order = {i.id: n for n, i in enumerate(kb.inspections)}
    for n in sorted(candidates):
        fig = kb.figures[n]
        if fig.inspection not in allowed:
            continue
        covered = hits.get(n, 0) / len(query)
        in_area = area is not None and fig.area == area.id
        if covered < 0.5 and not in_area:
            continue
        scored.append((-(covered + (0.5 if in_area else 0)), order[fig.inspection], fig.id))
    scored.sort(key=lambda t: (t[0], t[1]))
    return [fig_id for _, _, fig_id in scored]


@pytest.mark.parametrize("words", ["asb", "crime recording", "victims satisfied"])
def test_figures_on_a_topic_rank_as_they_always_did(synthetic: LiveKnowledgeBase,
                                                     words: str) -> None:
    kb = synthetic.current.kb
    result = run_query(kb, parse(f"figures {words}"), AS_OF)
    assert isinstance(result, FiguresResult) and len(result.rows) > 0
    assert [r.figure.id for r in result.rows] == _ranked_as_before(kb, words)


def test_an_areas_history_over_several_forces_pages_a_force_at_a_time(
        synthetic: LiveKnowledgeBase, monkeypatch: pytest.MonkeyPatch) -> None:
    """`area X` over several forces lists each force's inspections under the force's name, a
    chunk a force, so the history pages like the findings under it: the header on every page
    holds no inspection (at 43 forces it held all 425, overflowed every page and was cut off),
    and paging reaches every force's every inspection once, each page within Slack's limits."""
    monkeypatch.setattr(paging, "HUGE", 3)  # paged at three forces as at 43
    services = _services(synthetic)
    kb = services.kb.current.kb
    pages = _follow(services, "area investigation", "page:next",
                    services.message("area investigation"))
    assert len(pages) > 1
    headers = {_sections(p)[0]["text"]["text"] for p in pages}
    assert len(headers) == 1  # the same header on every page
    assert not any(f"*{i.year}*:" in next(iter(headers)) for i in kb.inspections)
    texts = [s["text"]["text"] for p in pages for s in _sections(p)[1:]]
    published = inspections_as_of(kb, AS_OF)
    for force in kb.forces:
        own = [t for t in texts if t.startswith(f"*{force.name}*\n")]
        assert len(own) == 1, force.name  # one chunk, headed by the force's name
        lines = own[0].splitlines()[1:]
        years = [i.year for i in published if i.force == force.id]
        assert [ln.split("*")[1] for ln in lines if not ln.startswith(" ")] == years
    for page in pages:
        assert check_message(page) == []
        assert not any("continued" in s["text"]["text"] for s in _sections(page))
    # one force's history is as it always was: its rows in the header, no force heading
    one = services.message(f"area investigation {kb.forces[0].name}")
    assert not any(s["text"]["text"].startswith(f"*{kb.forces[0].name}*\n")
                   for s in _sections(one)[1:])


def test_a_search_of_a_year_names_the_year_once_for_every_force(
        synthetic: LiveKnowledgeBase) -> None:
    """Three forces' 2016 reports are one year to the reader: "from 2016", not "from 2016,
    2016, 2016"."""
    kb = synthetic.current.kb
    assert len(inspections_for_year(kb, "2016")) > 1
    text = "\n".join(s["text"]["text"] for s in _sections(
        _services(synthetic).message("search safeguarding 2016")))
    assert "from 2016" in text and "2016, 2016" not in text
