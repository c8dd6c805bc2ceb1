"""Reminders: the policy file and what is due, as pure functions of content, policy, ledger, now."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import pytest

from bot.ask.milestones import Key, LedgerState, due_posts, milestone
from bot.content import loader
from bot.content.policy import Policy, Route, policy_of
from bot.errors import ContentInvalid

LONDON = Policy().tz
ROOT = Path(__file__).resolve().parent.parent


def at(day: str, time: str = "09:00") -> dt.datetime:
    return dt.datetime.fromisoformat(f"{day}T{time}").replace(tzinfo=LONDON)


def keys(posts) -> set[str]:
    return {str(k) for p in posts for k in p.keys}


def test_shipped_policy_loads_with_the_documented_defaults(kb) -> None:
    policy = policy_of(kb)
    assert policy.lead_times == (30, 14, 7, 1) and policy.time == "09:00"
    assert policy.timezone == "Europe/London" and policy.days == ("mon", "tue", "wed", "thu", "fri")
    assert policy.default_channel == "C0DIGEST"


def test_bank_holidays_weekends_and_quiet_periods() -> None:
    p = Policy()
    assert not p.is_working_day(dt.date(2017, 4, 17))  # Easter Monday
    assert not p.is_working_day(dt.date(2017, 5, 1))  # Early May bank holiday
    assert not p.is_working_day(dt.date(2017, 4, 22))  # Saturday
    assert p.is_working_day(dt.date(2017, 4, 18))
    assert not Policy(bank_holidays="none").is_bank_holiday(dt.date(2017, 5, 1))


def test_policy_errors_are_located(mini_dir: Path) -> None:
    (mini_dir / "policy.yaml").write_text(
        "policy:\n"
        "  default_channel: C1\n"
        "  time: 9:00\n"
        "  days: [mon, tuesday]\n"
        "  timezone: Europe/Lundun\n"
        "  routes:\n"
        "    - {area: nowhere, channel: C2}\n"
        "  quiet_periods:\n"
        "    - {from: \"2017-05-02\", to: \"2017-05-01\"}\n")
    with pytest.raises(ContentInvalid) as err:
        loader.load(mini_dir)
    text = err.value.message
    assert "policy.yaml:3:9: policy.time: '9:00' is read by YAML as a number" in text
    assert "policy.yaml:4:15: policy.days[1]: 'tuesday' is not one of" in text
    assert "policy.yaml:5:13: policy.timezone: 'Europe/Lundun' is not a time zone." in text
    assert "policy.yaml:7:14: policy.routes[0].area: unknown area 'nowhere'." in text
    assert "policy.yaml:9:32: policy.quiet_periods[0].to: ends before it starts." in text


def test_milestones_pick_the_latest_come_due() -> None:
    p, d = Policy(), dt.date(2017, 5, 1)
    assert milestone(d, dt.date(2017, 3, 31), p) is None
    assert milestone(d, dt.date(2017, 4, 1), p) == ("lead-30", dt.date(2017, 4, 1))
    assert milestone(d, dt.date(2017, 4, 20), p) == ("lead-14", dt.date(2017, 4, 17))
    assert milestone(d, dt.date(2017, 5, 1), p) == ("day", d)
    assert milestone(d, dt.date(2017, 5, 7), p) == ("day", d)
    assert milestone(d, dt.date(2017, 5, 8), p) == ("overdue-1", dt.date(2017, 5, 8))
    assert milestone(d, dt.date(2017, 5, 23), p) == ("overdue-3", dt.date(2017, 5, 22))


def test_done_when_the_action_plan_is_due_on_24_april_2017(kb) -> None:
    posts = due_posts(kb, policy_of(kb), LedgerState(), at("2017-04-24"))
    assert "cle-2016-rec-01|lead-7|2017-05-01|C0DIGEST" in keys(posts)
    assert len(posts) == 1  # everything for one destination folds into one digest


def test_routing_by_area_owner_kind_and_direct_messages(mini_kb) -> None:
    p = Policy(default_channel="C0ALL", direct_messages=True,
               routes=(Route("C0VULN", area="vulnerability"),
                       Route("C0RECS", kind="recommendation", owner="head-of-crime")))
    posts = {post.destination: post for post in due_posts(mini_kb, p, LedgerState(),
                                                          at("2017-05-04"))}
    # tst-2016-afi-01 (vulnerability, owner head-of-crime, due 2 June) and rec-01 (1 May)
    assert {i.what.item_id for i in posts["C0VULN"].items} == {"tst-2016-rec-01", "tst-2016-rec-01a",
                                                                "tst-2016-afi-01"}
    assert {i.what.item_id for i in posts["U0CRIME"].items} == {"tst-2016-afi-01"}
    assert "C0RECS" not in posts  # rec-01 has no owner


def test_pcc_response_is_due_56_days_after_publication(mini_kb) -> None:
    posts = due_posts(mini_kb, Policy(), LedgerState(), at("2017-04-27"))  # 2 Mar + 56 = 27 Apr
    item = next(i for p in posts for i in p.items if i.what.item_id == "tst-2016-pcc-response")
    assert item.key.milestone == "day" and item.what.date == dt.date(2017, 4, 27)


def test_taken_keys_are_not_due_again_and_a_moved_deadline_rearms(mini_kb) -> None:
    p = Policy()
    first = due_posts(mini_kb, p, LedgerState(), at("2017-04-24"))
    taken = frozenset(k for post in first for k in post.keys)
    assert due_posts(mini_kb, p, LedgerState(taken), at("2017-04-25")) == []
    # The deadline moves from 1 May to 15 May: the reminders re-arm and show the old date.
    rec = mini_kb.finding("tst-2016-rec-01")
    moved = dataclasses.replace(rec, deadline=dataclasses.replace(rec.deadline,
                                                                   date=dt.date(2017, 5, 15)))
    kb2 = dataclasses.replace(mini_kb, findings=[moved if f.id == rec.id else f
                                                  for f in mini_kb.findings])
    state = LedgerState(taken, {("tst-2016-rec-01", "C0DIGEST"): ("2017-05-01",)})
    [post] = due_posts(kb2, p, state, at("2017-04-25"))
    [item] = [i for i in post.items if i.what.item_id == "tst-2016-rec-01"]
    assert item.key == Key("tst-2016-rec-01", "lead-30", "2017-05-15", "C0DIGEST")
    assert item.previous_date == dt.date(2017, 5, 1)


def test_closed_findings_get_no_reminders(mini_kb) -> None:
    closed = [dataclasses.replace(f, status="closed") for f in mini_kb.findings]
    kb2 = dataclasses.replace(mini_kb, findings=closed)
    before = due_posts(mini_kb, Policy(pcc_response_days=0), LedgerState(), at("2017-04-24"))
    assert keys(before)
    assert due_posts(kb2, Policy(pcc_response_days=0), LedgerState(), at("2017-04-24")) == []
