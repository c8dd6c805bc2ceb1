"""The reminders' timeline (bot/ask/milestones.py) and a running bot's incremental ticks
(bot/reminders/due.py) send exactly what the plain recomputation sends: the same reminders, on
the same days, to the same destinations, in the same digests. The reference is the code as it
was before the timeline (tests/plain_reference.py), on the shipped content and on a small
synthetic knowledge base."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.ask.milestones import LedgerState, candidates, due_posts
from bot.content import loader
from bot.content.kb import KnowledgeBase
from bot.content.policy import Policy, Route
from bot.reminders.ledger import Ledger
from bot.reminders.sender import Sender, make_client
from bot.reminders.tick import run_tick
from bot.settings import ReminderTiming
from tests import plain_reference as reference
from tests.slack_emulator import SlackEmulator
from tests.test_synthetic import _synthetic

BASE = dt.date(2026, 7, 1)
ROUTED = Policy(default_channel="C0DIGEST", direct_messages=True, routes=(
    Route("C0PROTECT", area="vulnerability"), Route("C0OPCC", kind="pcc_response")))
POLICIES = [  # the shipped defaults routed three ways, and milestones that tie or are missing
    ROUTED,
    Policy(lead_times=(10, 0), on_the_day=True, overdue_every_days=0),
    Policy(lead_times=(5,), on_the_day=False, overdue_every_days=3, overdue_nags=0),
    Policy(lead_times=(), overdue_every_days=1, overdue_nags=12, catch_up_days=2),
]
TIMING = ReminderTiming(settle_seconds=0, lock_wait_seconds=1, lock_retry_seconds=0.05)


@pytest.fixture(scope="module")
def synthetic_kb(tmp_path_factory) -> KnowledgeBase:
    out = tmp_path_factory.mktemp("synthetic") / "content"
    _synthetic().generate(out, forces=3, inspections=4, base_date=BASE)
    return loader.load(out)


def at(day: dt.date, policy: Policy) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(9), tzinfo=policy.tz)


def span(first: dt.date, days: int):
    return (first + dt.timedelta(days=n) for n in range(days))


@pytest.mark.parametrize("policy", POLICIES, ids=["routed", "tie-on-the-day", "no-nags",
                                                  "daily-nags"])
def test_every_days_candidates_are_the_plain_recomputations(kb, synthetic_kb, policy) -> None:
    """On every day of two years, the candidates (same keys, same order) and the digests
    computed with an empty ledger (every reminder, the counted lines) are the same."""
    for base, first in ((kb, dt.date(2016, 1, 1)), (synthetic_kb, dt.date(2025, 11, 1))):
        seen = 0
        for day in span(first, 730):
            now = at(day, policy)
            got = candidates(base, policy, now)
            assert got == reference.candidates(base, policy, now), day
            seen += len(got)
            if day.day in (1, 15):
                assert (due_posts(base, policy, LedgerState(), now)
                        == reference.due_posts(base, policy, LedgerState(), now)), day
        assert seen, "the span should have reminders"


def test_one_destinations_candidates_are_its_share(synthetic_kb) -> None:
    now = at(BASE, ROUTED)
    every = candidates(synthetic_kb, ROUTED, now)
    assert {c.key.destination for c in every} >= {"C0DIGEST", "C0PROTECT"}
    for dest in ("C0DIGEST", "C0PROTECT", "C0NOWHERE"):
        assert (candidates(synthetic_kb, ROUTED, now, dest)
                == [c for c in every if c.key.destination == dest])


def plain_tick(kb: KnowledgeBase, policy: Policy, ledger: Ledger, now: dt.datetime,
               failing: str | None) -> list:
    """One tick as the code did before the timeline: every candidate looked up afresh, each
    digest claimed and recorded sent (or failed, for the `failing` destination)."""
    cands = reference.candidates(kb, policy, now)
    posts = reference.due_posts(kb, policy, ledger.state([c.key for c in cands]), now, cands)
    for post in posts:
        claim = ledger.claim(post.keys, post.destination)
        if post.destination == failing:
            ledger.fail(claim.digest, "not_in_channel")
        else:
            ledger.confirm(claim.digest, post.destination, "1.0")
    return posts


@pytest.mark.parametrize("which", ["shipped", "synthetic"])
def test_a_year_of_ticks_with_gaps_and_failures_sends_the_same(kb, synthetic_kb, tmp_path,
                                                               which) -> None:
    """A year of daily ticks through run_tick (a real ledger, a real WebClient and the Slack
    emulator), with the bot down for three weeks and a long weekend, and some days a channel
    refusing its post, against the plain recomputation over a ledger of its own: every tick's
    digests are equal, and so are the two ledgers at the end."""
    base, first = (kb, dt.date(2016, 9, 1)) if which == "shipped" else (synthetic_kb,
                                                                        dt.date(2026, 4, 1))
    policy = ROUTED
    ours = Ledger(f"sqlite:///{tmp_path / 'ours.sqlite3'}").create()
    plain = Ledger(f"sqlite:///{tmp_path / 'plain.sqlite3'}").create()
    down = set(span(first + dt.timedelta(days=40), 21)) | set(span(first + dt.timedelta(200), 4))
    ticks = digests = refused = 0
    with SlackEmulator() as slack:
        for channel in ("C0DIGEST", "C0PROTECT", "C0OPCC"):
            slack.set_channel(channel)
        sender = Sender(make_client("xoxb-test", slack.base_url), ours, base)
        for n, day in enumerate(span(first, 365)):
            if day in down or not policy.is_working_day(day):
                continue
            failing = "C0DIGEST" if n % 23 == 5 else None  # retried, or folded, next tick
            if failing:
                slack.inject("chat.postMessage", channel=failing, error="not_in_channel",
                             times=None)
            result = run_tick(base, policy, ours, sender, at(day, policy), timing=TIMING)
            slack.reset_faults()
            expected = plain_tick(base, policy, plain, at(day, policy), failing)
            assert result.posts == expected, day
            ticks += 1
            digests += len(expected)
            refused += sum(len(o.failed) for o in result.outcomes)
    assert ticks > 200 and digests > 20, "the year should have ticked and posted"
    assert refused or which == "shipped", "some reminders should have been refused"
    assert ({(r.key, r.state) for r in ours.rows()}
            == {(r.key, r.state) for r in plain.rows()})


def test_a_tick_back_in_time_or_on_new_content_starts_again(synthetic_kb, tmp_path,
                                                            mini_kb) -> None:
    """The incremental path never answers from a later day or other content: a tick at an
    earlier day, or over another knowledge base, gets what the plain recomputation gets."""
    policy = ROUTED
    ours = Ledger(f"sqlite:///{tmp_path / 'ours.sqlite3'}").create()
    plain = Ledger(f"sqlite:///{tmp_path / 'plain.sqlite3'}").create()
    with SlackEmulator() as slack:
        for channel in ("C0DIGEST", "C0PROTECT", "C0OPCC"):
            slack.set_channel(channel)
        sender = Sender(make_client("xoxb-test", slack.base_url), ours, synthetic_kb)
        for day, base in ((dt.date(2026, 6, 1), synthetic_kb), (dt.date(2026, 8, 3), synthetic_kb),
                          (dt.date(2026, 7, 1), synthetic_kb), (dt.date(2017, 4, 24), mini_kb),
                          (dt.date(2026, 8, 4), synthetic_kb)):
            sender.kb = base
            result = run_tick(base, policy, ours, sender, at(day, policy), timing=TIMING,
                              force=True)
            assert result.posts == plain_tick(base, policy, plain, at(day, policy), None), day
