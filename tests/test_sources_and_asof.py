"""The reports' own text shipped in content/sources/, searched as passages; inspection facts
checked against their lines; and answers as of a date (2015, 2017, today)."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest

from bot.ask.asof import inspections_as_of
from bot.content import loader
from bot.content.passages import passages_of
from bot.exports import data, tracker
from bot.render.answer import answer

ROOT = Path(__file__).resolve().parents[1]
SOURCES = ROOT / "content" / "sources"
SEEDS = Path(os.environ.get("SEEDS_DIR") or ROOT.parent / "shared" / "seeds")
TODAY = dt.date(2026, 11, 23)


def ask(kb, renderer, text: str, as_of: dt.date = TODAY) -> str:
    return answer(kb, renderer, text, as_of).text.replace("*", "")


@pytest.mark.skipif(not SEEDS.is_dir(), reason=f"source documents not found at {SEEDS}")
def test_shipped_sources_are_the_seeds_byte_for_byte() -> None:
    """Citations count lines in the seeds; the shipped copies must number them the same."""
    seeds = sorted(p.name for p in SEEDS.glob("*.txt"))
    assert sorted(p.name for p in SOURCES.glob("*.txt")) == seeds
    for name in seeds:
        assert (SOURCES / name).read_bytes() == (SEEDS / name).read_bytes(), name


def test_every_recorded_document_ships_its_text(kb) -> None:
    assert {d.id for d in kb.documents} <= set(kb.texts)


def test_passage_only_in_the_text_is_found_with_its_line(kb) -> None:
    """What the Pacesetter meeting is is in no recorded item; the passage search finds line 314."""
    hits = passages_of(kb).search("pacesetter meeting")
    assert (hits[0].document, hits[0].line) == ("000_1cbb2b1dde85f18b.txt", 314)
    assert "twice-daily briefing and tasking process" in hits[0].text


def test_passages_quote_the_source_verbatim(kb) -> None:
    index = passages_of(kb)
    for p in index.passages[::97]:
        lines = kb.lines(p.document)[p.line - 1:p.end_line]
        joined = " ".join(x.strip() for x in lines)
        first_words = " ".join(p.text.split()[:4])
        assert first_words in " ".join(joined.split()), (p, joined)


def test_search_quotes_passages_and_links_items_citing_the_line(kb, renderer) -> None:
    text = ask(kb, renderer, "search serious crime prevention orders applied")
    assert "From the reports" in text
    assert "the force applied for eight SCPOs" in text
    assert "002_718f71f8ec19d512.txt line 969" in text
    assert "recorded as `cle-2016-scpo-rate`" in text


def test_inspection_facts_are_on_their_cited_lines(kb) -> None:
    """Every quote of overall_grade, not_raised, fieldwork, monitoring, practice is in the text
    within three lines of its cited line (lines joined, whitespace collapsed)."""
    checked = 0
    for insp in kb.inspections:
        stmts = [(s.text or s.label, s.source) for s in (insp.fieldwork, insp.monitoring,
                                                         *insp.notable_practice) if s]
        stmts += [(s.label, s.source) for s in insp.inspectors]
        stmts += [(n.quote, n.source) for n in insp.not_raised if n.quote]
        if insp.overall and insp.overall.label:
            stmts.append((insp.overall.label, insp.overall.source))
        stmts += [(j.earlier.quote, j.earlier.source) for j in kb.judgments_of(insp.id)
                  if j.earlier and j.earlier.quote]
        for quote, src in stmts:
            lines = kb.lines(src.document)[max(0, src.line - 4):src.line + 30]
            window = " ".join(" ".join(x.strip() for x in lines).split())
            head = " ".join(quote.split()[:6])
            assert head in window, (insp.id, quote, src)
            checked += 1
    assert checked >= 14


def test_validate_reports_a_cited_line_past_the_end(content_copy: Path) -> None:
    path = content_copy / "cleveland" / "2017-effectiveness.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace(
        "{document: 004_c06715ac2f83923b.txt, line: 28}",
        "{document: 004_c06715ac2f83923b.txt, line: 4300}"), encoding="utf-8")
    _, problems = loader.check(content_copy)
    assert any("line 4300 is past the end of 004_c06715ac2f83923b.txt" in p.message for p in problems)


def test_not_raised_contradicted_by_a_finding_is_an_error(content_copy: Path) -> None:
    path = content_copy / "cleveland" / "2017-effectiveness.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace(
        "    - kind: recommendation\n      basis: structure",
        "    - kind: area_for_improvement\n      basis: structure"), encoding="utf-8")
    _, problems = loader.check(content_copy)
    assert any("is recorded as not raised, but cle-2017-afi-01 is one" in p.message for p in problems)


# --- as of a date -------------------------------------------------------------------------

@pytest.mark.parametrize(("day", "latest"), [
    (dt.date(2015, 6, 1), "cle-2014-crime"),
    (dt.date(2017, 6, 1), "cle-2016-effectiveness"),
    (TODAY, "cle-2021-peel"),
])
def test_inspections_as_of(kb, day: dt.date, latest: str) -> None:
    assert inspections_as_of(kb, day)[-1].id == latest


def test_nothing_before_the_first_inspection(kb, renderer) -> None:
    text = ask(kb, renderer, "judgments latest", dt.date(2014, 6, 1))
    assert "No inspection is recorded as published by 1 June 2014" in text


@pytest.mark.parametrize(("day", "present", "absent"), [
    (dt.date(2015, 6, 1), ["2014: Good"], ["2016:", "2021/22:"]),
    (dt.date(2017, 6, 1), ["2014: Good", "2016: Good"], ["2017:", "2021/22:"]),
    (TODAY, ["2016: Good", "2021/22: Inadequate"], []),
])
def test_area_as_of(kb, renderer, day, present, absent) -> None:
    text = ask(kb, renderer, "area crime prevention", day)
    for p in present:
        assert p in text
    for a in absent:
        assert a not in text


@pytest.mark.parametrize(("day", "present", "absent"), [
    (dt.date(2015, 6, 1), ["cle-2014-rec-01"], ["cle-2016", "cle-2021"]),
    (dt.date(2017, 6, 1), ["cle-2016-rec-01"], ["cle-2021"]),
    (TODAY, ["cle-2021-coc-01"], []),
])
def test_overdue_and_findings_as_of(kb, renderer, day, present, absent) -> None:
    text = ask(kb, renderer, "overdue", day) + ask(kb, renderer, "findings", day)
    for p in present:
        assert p in text
    for a in absent:
        assert a not in text


@pytest.mark.parametrize(("day", "year"), [(dt.date(2015, 6, 1), "2014"),
                                           (dt.date(2017, 6, 1), "2016"), (TODAY, "2021/22")])
def test_home_and_tracker_as_of(kb, day, year) -> None:
    from bot.ask import dashboard

    board = dashboard.build(kb, day)
    assert [g.inspection.year for g in board.latest] == [year]
    rows = tracker.build(kb, day).rows
    assert {kb.inspection(r.finding.inspection).year for r in rows} <= {
        i.year for i in inspections_as_of(kb, day)}


def test_briefing_as_of_2017_has_no_2021_grades(kb) -> None:
    from bot.exports import briefing

    rows = briefing.grade_history(kb, inspections_as_of(kb, dt.date(2017, 6, 1)))
    assert all(len(cells) == 2 for _, cells in rows)  # 2014 and 2016 only


def test_export_json_gives_a_carried_judgment_its_effective_grade(kb) -> None:
    out = data.to_json(kb, TODAY)
    carried = {j["id"]: j for j in out["judgments"] if j["carried_from"]}
    j = carried["cle-2017-effectiveness-investigation"]
    assert (j["grade"], j["carried_from"]) == ("good", "cle-2016-effectiveness")
    insp = {i["id"]: i for i in out["inspections"]}
    assert insp["cle-2014-crime"]["overall_grade_stated"] is False
    assert insp["cle-2021-peel"]["monitoring"]["status"] == "engage"


def test_a_closure_counts_from_its_evidence(kb, renderer) -> None:
    """cle-2016-afi-03 was closed on the 2017 report's evidence (undated: end of 2017)."""
    assert "Open" in ask(kb, renderer, "findings afi 2016 vulnerability", dt.date(2017, 6, 1)).split(
        "cle-2016-afi-03")[1][:200]
    assert "Closed" in ask(kb, renderer, "findings afi 2016 vulnerability").split(
        "cle-2016-afi-03")[1][:200]
