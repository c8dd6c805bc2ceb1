"""RAG from evidence (bot/ask/rag.py) over every combination of deadline, update age, owner and
status, on the real loaded fixture knowledge base and its policy (lead window 30 days,
stale_after_days 90 by default).

The expected colour is the issue's rule table, written out here independently of the code:
red when a deadline has passed; grey when closed or superseded; amber when a deadline falls in
the lead window or cannot be dated, when no update is recorded within the stale period, when
the latest update does not say in progress, or when no owner is recorded; green otherwise.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools

import pytest

from bot.ask import rag
from bot.content.model import Deadline, Evidence, HistoryEntry
from bot.content.policy import policy_of

AS_OF = dt.date(2017, 6, 30)
DEADLINES = {
    "none": None,
    "passed": Deadline("by 1 June 2017", dt.date(2017, 6, 1)),
    "today": Deadline("by 30 June 2017", AS_OF),
    "in window": Deadline("by 20 July 2017", dt.date(2017, 7, 20)),
    "beyond window": Deadline("by 31 December 2017", dt.date(2017, 12, 31)),
    "undatable": Deadline("Within three months", None, after_publication="3 months"),
}
UPDATES = {"none": None, "fresh": AS_OF - dt.timedelta(days=10),
           "stale": AS_OF - dt.timedelta(days=200), "future": AS_OF + dt.timedelta(days=5)}
OWNERS = {"none": None, "known": "head-of-crime"}
STATUSES = ("open", "in_progress", "pending_sign_off", "closed", "superseded")


def expected(deadline: str, update: str, owner: str, status: str) -> str:
    in_effect = update not in ("none", "future")
    effective = status if update != "future" or status == "open" else "open"
    if update == "none":
        effective = status  # no dated history: the recorded status stands
    if effective in ("closed", "superseded"):
        return "grey"
    if deadline == "passed":
        return "red"
    near = deadline in ("today", "in window", "undatable")
    fresh = in_effect and update == "fresh"
    if near or not fresh or owner == "none" or effective not in ("in_progress", "pending_sign_off"):
        return "amber"
    return "green"


def _finding(base, deadline: str, update: str, owner: str, status: str):
    day = UPDATES[update]
    history = () if day is None else (
        HistoryEntry(day, status, "update", Evidence(note="minutes of the board")),)
    return dataclasses.replace(base, deadline=DEADLINES[deadline], parts=(), owner=OWNERS[owner],
                               status=status, history=history)


CASES = list(itertools.product(DEADLINES, UPDATES, OWNERS, STATUSES))


@pytest.mark.parametrize(("deadline", "update", "owner", "status"), CASES,
                         ids=["/".join(c) for c in CASES])
def test_every_combination(mini_kb, deadline, update, owner, status) -> None:
    base = mini_kb.finding("tst-2016-afi-01")
    f = _finding(base, deadline, update, owner, status)
    got = rag.rag(mini_kb, f, AS_OF)
    assert got.colour == expected(deadline, update, owner, status), got.reasons
    assert got.reasons  # every colour says why
    if got.colour == "green":
        assert got.last_update == UPDATES["fresh"] and "in progress" in got.reason
    if got.colour == "red":
        assert got.days_overdue == 29 and "29 days overdue" in got.reason


def test_no_deadline_and_no_update_is_amber_never_green(mini_kb) -> None:
    f = _finding(mini_kb.finding("tst-2016-afi-01"), "none", "none", "known", "open")
    got = rag.rag(mini_kb, f, AS_OF)
    assert (got.colour, got.reasons) == ("amber", ("no update recorded",))


def test_amber_names_every_reason(mini_kb) -> None:
    f = _finding(mini_kb.finding("tst-2016-afi-01"), "in window", "stale", "none", "open")
    got = rag.rag(mini_kb, f, AS_OF)
    assert got.reasons == ("due in 20 days", "no update for 200 days (more than 90)",
                           "no owner recorded")


def test_a_part_overdue_makes_its_finding_red_and_names_the_part(mini_kb) -> None:
    got = rag.rag(mini_kb, mini_kb.finding("tst-2016-rec-01"), dt.date(2017, 6, 2))
    assert got.colour == "red"
    assert got.reasons == ("32 days overdue", "tst-2016-rec-01a 1 days overdue")


def test_grey_carries_the_closing_entry(mini_kb) -> None:
    f = _finding(mini_kb.finding("tst-2016-afi-01"), "passed", "fresh", "known", "closed")
    got = rag.rag(mini_kb, f, AS_OF)
    assert got.colour == "grey" and got.closed is not None
    assert got.closed.date == UPDATES["fresh"]
    assert rag.evidence_words(got.closed.evidence) == "minutes of the board"


def test_stale_after_days_comes_from_the_policy(mini_dir) -> None:
    from bot.content import loader

    (mini_dir / "policy.yaml").write_text(
        'policy:\n  default_channel: C1\n  stale_after_days: 5\n')
    kb = loader.load(mini_dir, strict=True)
    assert policy_of(kb).stale_after_days == 5
    f = _finding(kb.finding("tst-2016-afi-01"), "beyond window", "fresh", "known", "in_progress")
    assert rag.rag(kb, f, AS_OF).reasons == ("no update for 10 days (more than 5)",)
    assert "within 5 days" in rag.legend_text(policy_of(kb))


def test_legend_is_generated_from_the_same_thresholds(mini_kb) -> None:
    policy = policy_of(mini_kb)
    text = rag.legend_text(policy)
    assert f"within {rag.lead_window(policy)} days" in text
    assert f"within {policy.stale_after_days} days" in text
    assert [c for c, _ in rag.legend(policy)] == ["red", "amber", "green", "grey"]


def test_the_digest_and_its_legend_use_the_same_rag(kb, renderer) -> None:
    """The digest preview shows each reminder's finding with its RAG and reason, and a legend
    generated from the same thresholds."""
    from bot.render.answer import answer

    day = dt.date(2017, 4, 24)  # a week before the 2016 action plan was due
    text = answer(kb, renderer, "digest", day).text
    status = rag.rag(kb, kb.finding("cle-2016-rec-01"), day)
    assert f"RAG of cle-2016-rec-01: *{status.colour}*, {status.reason}" in text
    assert rag.legend_short(policy_of(kb)) in text
