"""`calendar`, the `digest` preview and the App Home dashboard answer from indexes (bisection in
the dated deadlines, the reminders' timeline, counts kept per knowledge base) and look at little
more than what they show; their answers are the same as the code's before the indexes
(tests/plain_reference.py, tests/plain_dashboard.py) on every day of a span, for the shipped
content and a small synthetic knowledge base."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.ask import dashboard, digest, queries
from bot.ask.milestones import Key, LedgerState
from bot.content import loader
from bot.content.kb import KnowledgeBase
from bot.content.policy import policy_of
from tests import plain_dashboard, plain_reference
from tests.test_synthetic import _synthetic

BASE = dt.date(2026, 7, 1)


@pytest.fixture(scope="module")
def synthetic_kb(tmp_path_factory) -> KnowledgeBase:
    out = tmp_path_factory.mktemp("synthetic") / "content"
    _synthetic().generate(out, forces=3, inspections=4, base_date=BASE)
    return loader.load(out)


def bases(kb, synthetic_kb):
    """(knowledge base, first day): spans from before the first publication to after the
    last deadline, so findings not out yet and deadlines long past are both met."""
    return ((kb, dt.date(2012, 6, 1)), (synthetic_kb, dt.date(2024, 6, 1)))


def test_calendar_lists_the_same_next_deadlines_and_total(kb, synthetic_kb) -> None:
    for base, first in bases(kb, synthetic_kb):
        listed = 0
        for n in range(0, 1500, 4):
            day = first + dt.timedelta(days=n)
            for limit in (1, 5, 40):
                got = queries.calendar(base, day, limit)
                assert got == plain_reference.calendar(base, day, limit), (day, limit)
                listed += len(got.upcoming)
        assert listed, "the span should list deadlines"


def test_dashboard_is_the_same_on_every_day(kb, synthetic_kb) -> None:
    """Counts by area, next deadlines, undated, RAG totals, latest grades and figure gaps."""
    for base, first in bases(kb, synthetic_kb):
        for n in range(0, 1500, 9):
            day = first + dt.timedelta(days=n)
            assert repr(dashboard.build(base, day)) == repr(plain_dashboard.build(base, day)), day


def test_digest_preview_is_the_same_with_and_without_a_ledger(kb, synthetic_kb) -> None:
    """The preview of each routed channel; with a ledger that holds every other key as sent,
    the preview leaves those out exactly as before."""
    for base, first in bases(kb, synthetic_kb):
        policy = policy_of(base)

        def half_sent(keys: list[Key]) -> LedgerState:
            return LedgerState(frozenset(keys[::2]))

        for n in range(0, 1500, 11):
            now = dt.datetime.combine(first + dt.timedelta(days=n), dt.time(8),
                                      tzinfo=policy.tz)
            for dest in (None, *policy.channels, "U0NOBODY"):
                for state_of in (None, half_sent):
                    assert (digest.preview(base, policy, dest, now, state_of)
                            == plain_reference.preview(base, policy, dest, now, state_of)), now
