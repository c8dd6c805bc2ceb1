"""App Home: the dashboard data (a pure function of the knowledge base and the date) and the
home tab published when a person opens it."""

from __future__ import annotations

import datetime as dt
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from conftest import TODAY
from slack_harness import ASKER, visible, wait_until

from bot.ask import dashboard, queries
from bot.live import LiveKnowledgeBase
from bot.render.blocks import check_message
from bot.settings import Settings
from bot.slack.home import MAX_HOME_BLOCKS, home_view
from bot.slack.services import Services

ROOT = Path(__file__).resolve().parent.parent


def test_latest_grades_are_the_2021_22_inspection(kb):
    """The dashboard shows each force's latest grades: for Cleveland, PEEL 2021/22."""
    data = dashboard.build(kb, TODAY)
    [force] = data.latest
    assert force.force == "Cleveland Police" and force.inspection.year == "2021/22"
    grades = {g.area: g.grade for g in force.grades}
    assert grades["Preventing crime and anti-social behaviour"] == "inadequate"
    assert grades["Recording data about crime"] == "good"
    assert grades["Investigating crime"] == "requires improvement"


def test_open_and_overdue_counts_by_area(kb):
    """App Home counts overdue deadlines as `overdue` does (a finding's and its parts'), and
    says how many findings they belong to; areas with most overdue come first."""
    data = dashboard.build(kb, TODAY)
    live = [f for f in kb.findings if f.is_live]
    assert data.open_total == len(live)
    rows = queries.overdue(kb, TODAY).rows
    assert data.overdue_total == len(rows) == 4
    assert data.overdue_findings_total == len({r.finding.id for r in rows}) == 3
    assert [c.overdue for c in data.counts] == sorted((c.overdue for c in data.counts),
                                                      reverse=True)


def test_next_deadlines_are_upcoming_and_soonest_first(kb):
    """On 10 March 2017, after the 2016 report came out (2 March), the next deadlines are its
    own, soonest first; on 1 January 2017 it was not yet published and has none on the Home."""
    data = dashboard.build(kb, dt.date(2017, 3, 10))
    dates = [r.deadline.date for r in data.next_deadlines]
    assert dates and dates == sorted(dates)
    assert all(d >= dt.date(2017, 3, 10) for d in dates)
    assert "cle-2016-rec-01" in [r.item_id for r in data.next_deadlines]
    before = dashboard.build(kb, dt.date(2017, 1, 1))
    assert "cle-2016-rec-01" not in [r.item_id for r in before.next_deadlines]


def test_figures_furthest_from_england_and_wales_respect_the_unit(kb):
    """Percentages are compared in percentage points, rates by their ratio: the domestic abuse
    outcome gap (55.0% against 35.4%) is shown, 0.5% against 0.2% never is, and an earlier value
    superseded by a later one is not chosen."""
    gaps = dashboard.figure_gaps(kb, limit=50)
    scores = [g.gap.score for g in gaps]
    assert scores == sorted(scores, reverse=True)
    ids = [g.figure.id for g in gaps]
    assert "cle-2016-da-outcome-ed-victim-not-support" in ids[:3]
    assert "cle-2016-outcome-4-tic" not in ids
    assert "cle-2014-asb-rate" not in ids  # superseded by the 2016 report's later periods
    da = next(g for g in gaps if g.figure.id == "cle-2016-da-outcome-ed-victim-not-support")
    assert da.gap.words == "19.6 percentage points higher than England and Wales"
    asb = next(g for g in gaps if g.figure.id == "cle-2016-asb-incidents-rate")
    assert asb.gap.words == "2.5 times the England and Wales figure"
    assert all(g.figure.england_and_wales is not None and not g.figure.qualifier for g in gaps)


def test_opening_app_home_publishes_the_dashboard(bot, emulator):
    """Opening the app's Home tab shows the dashboard: the 2021/22 grades, findings by area,
    deadlines and figures, within App Home's 100 blocks."""
    reply = bot.event({"type": "app_home_opened", "user": ASKER, "channel": "D0ASKER",
                       "tab": "home", "event_ts": "1700000000.000100"})
    assert reply.status == 200
    view = wait_until(lambda: emulator.home_views.get(ASKER))
    assert view["type"] == "home"
    assert len(view["blocks"]) <= MAX_HOME_BLOCKS
    assert check_message({"text": "home", **view}, max_blocks=100) == []
    shown = visible(view)
    assert "PEEL 2021/22" in shown
    assert "Preventing crime and anti-social behaviour: *Inadequate*" in shown
    assert "Findings by area" in shown and "Next deadlines" in shown
    assert "Furthest from the England and Wales average" in shown
    assert "As of 23 November 2026" in shown
    assert "4 deadlines overdue (3 findings)" in shown
    assert "19.6 percentage points higher than England and Wales" in shown
    assert "Outcome 4" not in shown and "150%" not in shown


def test_the_messages_tab_does_not_publish(bot, emulator):
    """Opening the Messages tab publishes nothing."""
    bot.event({"type": "app_home_opened", "user": ASKER, "channel": "D0ASKER",
               "tab": "messages", "event_ts": "1700000000.000100"})
    bot.ask("help")  # a later request: the event has been handled by then
    assert emulator.home_views == {} and emulator.calls_to("views.publish") == []


def test_a_large_knowledge_base_still_fits_app_home(tmp_path):
    """With 43 forces the dashboard stays within App Home's 100 blocks and shows every force's
    latest grades, or says where the rest is."""
    sys.path.insert(0, str(ROOT / "bench"))
    try:
        synthetic = pytest.importorskip("synthetic")
    finally:
        sys.path.remove(str(ROOT / "bench"))
    synthetic.generate(tmp_path / "kb", forces=43, inspections=1, findings=3, figures=3)
    live = LiveKnowledgeBase(tmp_path / "kb")
    # The synthetic inspections are labelled 2025/26; undated ones count from the end of 2026.
    view = home_view(Services(Settings(), live, lambda: dt.date(2027, 1, 4), ThreadPoolExecutor(1)))
    assert len(view["blocks"]) <= MAX_HOME_BLOCKS
    assert check_message({"text": "home", **view}, max_blocks=100) == []
    shown = visible(view)
    assert len(live.current.kb.forces) == 43
    assert all(f"Latest grades — {force.name}" in shown for force in live.current.kb.forces) \
        or "more than fits here" in shown
