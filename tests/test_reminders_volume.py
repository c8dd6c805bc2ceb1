"""Reminders at volume: a catch-up digest longer than one Slack message, on SQLite and
PostgreSQL; direct messages opened once; a ledger made before claims had tokens."""

from __future__ import annotations

import datetime as dt
import os

import pytest
from sqlalchemy import create_engine, text

from bot.content import loader
from bot.content.policy import Policy
from bot.database import engine_url
from bot.reminders.ledger import Ledger
from bot.reminders.migrate import drop
from bot.reminders.sender import Sender, make_client
from bot.reminders.tick import run_tick
from tests.slack_emulator import SlackEmulator
from tests.test_synthetic import _synthetic

BASE = dt.date(2026, 7, 1)
# A catch-up horizon of a year: these tests are about a catch-up too long for one message.
P = Policy(default_channel="C0DIGEST", pcc_response_days=0, catch_up_days=260)


def at(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(9), tzinfo=P.tz)


@pytest.fixture(scope="module")
def big_kb(tmp_path_factory):
    out = tmp_path_factory.mktemp("synthetic") / "content"
    _synthetic().generate(out, forces=2, inspections=3, base_date=BASE)
    return loader.load(out)


@pytest.fixture
def slack():
    with SlackEmulator() as emu:
        emu.set_channel("C0DIGEST")
        yield emu


@pytest.fixture(params=["sqlite", "postgresql"])
def ledger(request, tmp_path):
    if request.param == "sqlite":
        yield Ledger(f"sqlite:///{tmp_path / 'ledger.sqlite3'}").create()
        return
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        pytest.skip("TEST_DATABASE_URL is not set: no PostgreSQL for the ledger")
    engine = create_engine(engine_url(url))
    drop(engine)
    yield Ledger(engine).create()
    drop(engine)
    engine.dispose()


def test_catch_up_longer_than_one_message_is_one_message_and_never_repeats(
        slack, ledger, big_kb) -> None:
    sender = Sender(make_client("xoxb-test", slack.base_url), ledger, big_kb)
    day = dt.date(2026, 12, 1)
    first = run_tick(big_kb, P, ledger, sender, at(day))
    [post] = first.posts
    [message] = slack.messages("C0DIGEST")  # the emulator enforces Slack's block limits
    payload = message["metadata"]["event_payload"]
    assert payload["more"] > 0, "the fixture should overflow one message"
    assert len(payload["keys"]) + payload["more"] == len(post.items)
    assert f"…and {payload['more']} more" in str(message["blocks"])
    # every reminder folded into the message is recorded once, under the message's claim
    sent = ledger.rows("sent")
    assert len(sent) == len(post.items) == len({r.key for r in sent})
    assert {r.digest for r in sent} == {payload["digest"]} and {r.ts for r in sent} == {message["ts"]}
    # the next working day posts only what is newly due, none of the same keys again
    again = run_tick(big_kb, P, ledger, sender, at(day + dt.timedelta(days=1)))
    new_keys = {k for o in again.outcomes for k in o.sent}
    assert not new_keys & {r.key for r in sent}


def test_crash_after_posting_a_long_digest_is_settled_by_its_token(slack, ledger,
                                                                    big_kb) -> None:
    from bot.ask.milestones import due_posts
    from bot.reminders.sender import render

    sender = Sender(make_client("xoxb-test", slack.base_url), ledger, big_kb)
    now = at(dt.date(2026, 12, 1))
    [post] = due_posts(big_kb, P, ledger.state(), now)
    claim = ledger.claim(post.keys, "C0DIGEST")
    sender.client.chat_postMessage(channel="C0DIGEST",
                                   **render(big_kb, post, digest=claim.digest))  # crash
    assert run_tick(big_kb, P, ledger, sender, now).posts == []
    assert len(slack.messages("C0DIGEST")) == 1
    assert {r.state for r in ledger.rows()} == {"sent"}


def test_direct_messages_open_the_conversation_once(slack, tmp_path, mini_kb) -> None:
    ledger = Ledger(f"sqlite:///{tmp_path / 'ledger.sqlite3'}").create()
    dms: dict[str, str] = {}
    policy = Policy(default_channel="C0DIGEST", direct_messages=True, pcc_response_days=0)
    owner = next(o for o in mini_kb.owners if o.slack_user)
    for day in (dt.date(2017, 5, 3), dt.date(2017, 5, 19), dt.date(2017, 5, 26)):  # 30, 14, 7
        sender = Sender(make_client("xoxb-test", slack.base_url), ledger, mini_kb,
                        dm_channels=dms)  # a new Sender each tick, as serve makes them
        run_tick(mini_kb, policy, ledger, sender, at(day))
    dm = "D" + owner.slack_user[1:]
    assert len(slack.messages(dm)) == 3
    assert len(slack.calls_to("conversations.open")) == 1


def test_a_ledger_from_before_claim_tokens_is_upgraded_in_place(tmp_path) -> None:
    url = f"sqlite:///{tmp_path / 'old.sqlite3'}"
    engine = create_engine(url)
    with engine.begin() as c:
        c.execute(text(
            "CREATE TABLE reminder_ledger (id INTEGER PRIMARY KEY, item VARCHAR(200) NOT NULL,"
            " milestone VARCHAR(40) NOT NULL, version VARCHAR(20) NOT NULL,"
            " destination VARCHAR(40) NOT NULL, state VARCHAR(10) NOT NULL, channel VARCHAR(40),"
            " ts VARCHAR(40), error TEXT, attempts INTEGER NOT NULL, created_at DATETIME NOT NULL,"
            " updated_at DATETIME NOT NULL,"
            " CONSTRAINT uq_reminder_key UNIQUE (item, milestone, version, destination))"))
        c.execute(text("INSERT INTO reminder_ledger (item, milestone, version, destination, state,"
                       " attempts, created_at, updated_at) VALUES ('x', 'day', '2017-05-01',"
                       " 'C1', 'pending', 1, '2017-05-01', '2017-05-01')"))
    ledger = Ledger(engine).create()
    [row] = ledger.rows()
    assert row.digest is None and row.state == "pending"
    ledger.release(None)  # what reconcile does with a pending row no message carries
    assert ledger.rows() == []
