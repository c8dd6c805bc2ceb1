"""The Slack app end to end: signed requests to the running HTTP server, answers read from the
ack body or from what the app posted to response_url (recorded by the emulator)."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from conftest import CONTENT, TODAY
from slack_bolt.request import BoltRequest
from slack_harness import (
    ADMIN,
    block_actions_payload,
    http,
    make_settings,
    running_bot,
    signed_headers,
    slash_body,
    visible,
    wait_until,
)

from bot.live import Snapshot
from bot.render.blocks import check_message
from bot.server import watchdog
from bot.slack import build_app, build_client

ROOT = Path(__file__).resolve().parent.parent

# Every subcommand, and what a person would look for in the answer.
SUBCOMMANDS = [
    ("help", ["How to use /inspection", "judgments [year|latest] [area]"]),
    ("judgments 2016", ["PEEL: Police effectiveness 2016",
                        "*Protecting vulnerable people*: Requires improvement",
                        "*Investigating crime*: Good", "published 2 March 2017"]),
    ("judgments latest", ["2021/22", "*Preventing crime and anti-social behaviour*: Inadequate",
                          "Five-tier scale"]),
    ("area investigation", ["*Investigating crime* across every inspection",
                            "carried forward from 2016", "*2021/22*: Requires improvement"]),
    ("overdue", ["Overdue findings", "cle-2016-rec-01", "days overdue"]),
    ("due 30 days", ["Due in the next 30 days", "as of 23 November 2026"]),
    ("figures asb", ["Anti-social behaviour incidents", "76.5 per 1,000 population",
                     "England and Wales: 36.8 per 1,000 population"]),
    ("show cle-2016-rec-01", ["cle-2016-rec-01", "by 1 May 2017", "Protecting vulnerable people"]),
    ("search safeguarding", ["Search: safeguarding", "cle-2016-afi-04"]),
    ("responses 2016", ["Responses to PEEL: Police effectiveness 2016", "Police and Crime Commissioner"]),
    ("digest", ["Next reminders digest for <#C0GENERAL>", "Monday 23 November 2026 at 09:00",
                "No reminders are posted in this channel", "<#C0DIGEST>: everything not routed"]),
    # Not a command word: read as a question (the typo corrected), saying how it was read.
    ("judgmnts 2016", ["Understood as", "`judgments 2016`",
                       "*Protecting vulnerable people*: Requires improvement"]),
]

BATTERY = [
    "", "help", "help figures", "judgments", "judgments 2014", "judgments 2016", "judgments 2017",
    "judgments 2021/22", "judgments 21/22", "judgments latest investigation",
    "judgments 2016 vulnerable", "judgments 1999", "area investigation", "area vulnerability",
    "area nothing-like-this", "overdue", "overdue vulnerable", "overdue nobody", "due",
    "due 30 days", "due 12 weeks", "due 9999 days", "figures", "figures asb", "figures 2016",
    "figures crime recording 2021/22", "figures nothing", "show cle-2016-rec-01",
    "show cle-2016-rec-01a", "show nope", "search safeguarding", "search hub", "search",
    "responses", "responses 2016", "responses 2014", "digest", "xyzzy", "show",
    "a" * 3000,
]


@pytest.mark.parametrize("text,expected", SUBCOMMANDS, ids=[t for t, _ in SUBCOMMANDS])
def test_every_subcommand_answers_in_the_ack_body(bot, emulator, text, expected):
    """`/inspection <subcommand>` shows the answer straight away (in the ack body), privately,
    with the content a person asked for; nothing needs the response_url."""
    payload = bot.ask(text)
    shown = visible(payload)
    for phrase in expected:
        assert phrase in shown, (phrase, shown[:2000])
    assert payload["response_type"] == "ephemeral"
    assert check_message(payload) == []
    assert emulator.responses == []


def test_every_answer_fits_slacks_limits_and_has_a_fallback(bot):
    """A battery of commands over the shipped content: every answer is within Slack's block and
    text limits and carries the `text` a notification shows."""
    for text in BATTERY:
        payload = bot.ask(text)
        assert check_message(payload) == [], text
        assert payload["text"].strip(), text
        assert "Traceback" not in json.dumps(payload)


def _button(payload, action_id):
    for block in payload["blocks"]:
        for element in block.get("elements", []) + [block.get("accessory") or {}]:
            if element.get("action_id", "").startswith(action_id):
                return element
    return None


def test_next_and_previous_page_through_a_long_answer(bot, emulator):
    """`figures` lists every figure over several pages: Next replaces the answer with page 2,
    Previous brings page 1 back."""
    first = bot.ask("figures")
    assert "Page 1 of" in visible(first)
    nxt = _button(first, "page:next")
    assert nxt is not None and _button(first, "page:prev") is None
    url = emulator.new_response_url()
    assert bot.click(block_actions_payload("page:next", nxt["value"], response_url=url)).status \
        == 200
    emulator.wait_for("response_url")
    second = emulator.responses[0]
    assert second["replace_original"] is True
    assert "Page 2 of" in visible(second)
    assert visible(second) != visible(first)
    assert check_message(second) == []

    prev = _button(second, "page:prev")
    bot.click(block_actions_payload("page:prev", prev["value"], response_url=url))
    emulator.wait_for("response_url", 2)
    assert "Page 1 of" in visible(emulator.responses[1])


def test_share_posts_the_answer_to_the_channel(bot, emulator):
    """Share in channel posts the same answer for everyone, says who shared it, and has no
    share button of its own; the private answer stays."""
    answer = bot.ask("judgments 2016")
    share = _button(answer, "share")
    url = emulator.new_response_url()
    bot.click(block_actions_payload("share", share["value"], response_url=url))
    emulator.wait_for("response_url")
    shared = emulator.responses[0]
    assert shared["response_type"] == "in_channel"
    assert shared["replace_original"] is False
    assert "Shared by <@U0ASKER>" in visible(shared)
    assert "*Protecting vulnerable people*: Requires improvement" in visible(shared)
    assert _button(shared, "share") is None
    assert check_message(shared) == []
    again = bot.ask("judgments 2016")  # the private answer is unchanged by sharing
    assert "Shared by" not in visible(again) and _button(again, "share") is not None


def test_open_button_shows_the_item(bot, emulator):
    """Open on an item of a list answers privately with the item in full (`show ID`)."""
    overdue = bot.ask("overdue")
    button = _button(overdue, "show_item:cle-2016-rec-01")
    assert button is not None
    bot.click(block_actions_payload(button["action_id"], button["value"],
                                    response_url=emulator.new_response_url()))
    emulator.wait_for("response_url")
    shown = emulator.responses[0]
    assert "by 1 May 2017" in visible(shown)
    assert shown["response_type"] == "ephemeral" and shown["replace_original"] is False


def test_a_button_from_an_unknown_answer_gets_a_polite_reply(bot, emulator):
    """A page button whose value the app cannot read asks the person to run the command again."""
    bot.click(block_actions_payload("page:next", "not json",
                                    response_url=emulator.new_response_url()))
    emulator.wait_for("response_url")
    assert "Run the `/inspection` command again" in visible(emulator.responses[0])


class SlowRenderer:
    """The real renderer, slowed down: stands in for an answer that takes too long."""

    def __init__(self, inner, delay):
        self.inner, self.delay = inner, delay

    def render(self, result):
        time.sleep(self.delay)
        return self.inner.render(result)

    def __getattr__(self, name):
        return getattr(self.inner, name)


class SlowContent:
    def __init__(self, inner, delay):
        snap = inner.current
        self.current = Snapshot(snap.kb, SlowRenderer(snap.renderer, delay), "slow")

    def reload(self):
        raise NotImplementedError


def test_a_slow_answer_acks_at_once_and_arrives_by_response_url(emulator, live_shipped):
    """When an answer is not ready within the budget, the person sees "Working on it…" at once
    and the answer follows in the same conversation."""
    with running_bot(emulator, SlowContent(live_shipped, 0.6), today=TODAY,
                     answer_timeout=0.1) as bot:
        started = time.monotonic()
        ack = bot.ask("judgments 2016")
        assert time.monotonic() - started < 0.5
        assert "Working on it" in ack["text"]
        emulator.wait_for("response_url")
        late = emulator.responses[0]
        assert "*Protecting vulnerable people*: Requires improvement" in visible(late)


class BrokenContent:
    """Content access that fails: stands in for a bug anywhere below the listeners."""

    @property
    def current(self):
        raise RuntimeError("boom: internal detail /srv/secret/path")

    def reload(self):
        raise RuntimeError("boom")


def test_a_failure_shows_an_apology_never_a_stack_trace(emulator, caplog):
    """If answering fails, the person gets a short apology with what to try, both for the slash
    command and for a button; the traceback goes to the log only."""
    with running_bot(emulator, BrokenContent(), today=TODAY) as bot:
        reply = bot.slash("judgments 2016")
        assert reply.status == 200
        body = reply.json()
        assert "Sorry, something went wrong" in body["text"] and "/inspection help" in body["text"]
        assert "boom" not in reply.text and "Traceback" not in reply.text

        bot.click(block_actions_payload("show_item:x", "cle-2016-rec-01",
                                        response_url=emulator.new_response_url()))
        emulator.wait_for("response_url")
        assert "Sorry, something went wrong" in visible(emulator.responses[0])
        assert "boom" not in json.dumps(emulator.responses)
    assert any(r.exc_info and "boom" in str(r.exc_info[1]) for r in caplog.records)


def test_healthz_reports_the_content_being_served(bot, live_shipped):
    """GET /healthz answers 200 with the content counts and version (for Docker and probes)."""
    reply = http(bot.url + "/healthz")
    assert reply.status == 200
    health = reply.json()
    assert health["ok"] is True
    assert health["content"] == live_shipped.current.kb.counts()
    assert health["content_version"] == live_shipped.current.version[:12]
    assert http(bot.url + "/nothing-here").status == 404


def test_calendar_feed_needs_its_token(emulator, live_shipped):
    """GET /calendar.ics serves the deadlines feed to a calendar holding the token, refuses a
    wrong token, and is off (404) when no CALENDAR_TOKEN is set."""
    settings = make_settings(emulator, calendar_token="feed-token")
    with running_bot(emulator, live_shipped, today=TODAY, settings=settings) as bot:
        feed = http(bot.url + "/calendar.ics?token=feed-token")
        assert feed.status == 200 and feed.headers["Content-Type"].startswith("text/calendar")
        assert b"BEGIN:VCALENDAR" in feed.body and b"cle-2016-rec-01" in feed.body
        assert http(bot.url + "/calendar.ics?token=wrong").status == 403
    with running_bot(emulator, live_shipped, today=TODAY) as bot:
        assert http(bot.url + "/calendar.ics?token=feed-token").status == 404


def test_concurrent_requests_are_all_answered(bot):
    """Eight people asking at once all get their answers (no dropped connections)."""
    results: list[int] = []

    def ask() -> None:
        for _ in range(5):
            results.append(bot.slash("overdue").status)

    threads = [threading.Thread(target=ask) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == [200] * 40


def test_rate_limited_post_is_retried_and_delivered_once(emulator, live_shipped):
    """A 429 with Retry-After on chat.postMessage is waited out and retried: the digest preview
    an admin posts arrives exactly once."""
    settings = make_settings(emulator, admin_user_ids=frozenset({ADMIN}))
    emulator.inject("chat.postMessage", status=429, retry_after=1)
    with running_bot(emulator, live_shipped, today=TODAY, settings=settings,
                     answer_timeout=10) as bot:
        started = time.monotonic()
        ack = bot.ask("post-digest <#C0DIGEST|digest>", user=ADMIN)
        elapsed = time.monotonic() - started
    assert "Posted the digest preview to C0DIGEST " in ack["text"]
    calls = emulator.calls_to("chat.postMessage")
    assert [c.status for c in calls] == [429, 200]
    assert elapsed >= 1.0  # it honoured Retry-After
    messages = emulator.messages("C0DIGEST")
    assert len(messages) == 1
    assert "Next reminders digest for <#C0DIGEST>" in visible(messages[0])
    assert "posted by <@U0ADMIN>" in visible(messages[0])


# --- Socket Mode: the same listeners, reached through Bolt's dispatch --------------------------

def test_socket_mode_requests_reach_the_same_listeners(emulator, live_shipped):
    """In Socket Mode, requests arrive unsigned over the socket; the slash command gets the same
    answer and a button click the same response as over HTTP."""
    settings = make_settings(emulator, slack_signing_secret=None, slack_app_token="xapp-1-test")
    app = build_app(settings, live_shipped, client=build_client(settings), socket_mode=True,
                    today=lambda: TODAY)
    body = {"token": "x", "team_id": "T000", "channel_id": "C0GENERAL", "user_id": "U0ASKER",
            "command": "/inspection", "text": "figures asb", "api_app_id": "A0BOT",
            "response_url": emulator.new_response_url(), "trigger_id": "1.2.3"}
    response = app.dispatch(BoltRequest(body=body, mode="socket_mode"))
    assert response.status == 200
    payload = json.loads(response.body)
    assert "76.5 per 1,000 population" in visible(payload)

    share = _button(payload, "share")
    click = block_actions_payload("share", share["value"], response_url=emulator.new_response_url())
    assert app.dispatch(BoltRequest(body=click, mode="socket_mode")).status == 200
    emulator.wait_for("response_url")
    assert emulator.responses[0]["response_type"] == "in_channel"


class FakeSocketClient:
    """A stand-in for slack_sdk's Socket Mode client: drops the connection once."""

    def __init__(self):
        self.connected, self.connects, self.checks = True, 0, 0

    def is_connected(self):
        self.checks += 1
        if self.checks == 2:
            self.connected = False  # the connection died quietly
        return self.connected

    def connect(self):
        self.connects += 1
        self.connected = True


def test_watchdog_reconnects_a_dead_socket_mode_connection():
    """The watchdog notices the connection is gone and reconnects once, then keeps watching."""
    client, stop = FakeSocketClient(), threading.Event()
    thread = threading.Thread(target=watchdog, args=(client, stop, 0.01), daemon=True)
    thread.start()
    wait_until(lambda: client.checks >= 5, timeout=5)
    stop.set()
    thread.join(timeout=5)
    assert client.connects == 1 and client.connected


# --- `inspection-bot serve` as a process -------------------------------------------------------

def _serve(emulator, data_dir, *args, extra_env=None):
    # DATA_DIR: serve runs the reminders scheduler, whose ledger must not land in the checkout.
    # The content is a copy with a real digest channel: serve refuses the shipped placeholder.
    content = data_dir / "content"
    if not content.exists():
        shutil.copytree(CONTENT, content)
        policy = content / "policy.yaml"
        policy.write_text(policy.read_text(encoding="utf-8").replace("C0DIGEST", "C0GENERAL"),
                          encoding="utf-8")
    env = {**os.environ, "SLACK_BOT_TOKEN": "xoxb-test-token", "SLACK_SIGNING_SECRET": "s3cr3t",
           "SLACK_API_URL": emulator.base_url, "SLACK_HOOKS_URL": emulator.url("response/"),
           "CONTENT_DIR": str(content), "LOG_LEVEL": "INFO",
           "DATA_DIR": str(data_dir), **(extra_env or {})}
    return subprocess.Popen([sys.executable, "-m", "bot", "serve", *args], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT)


def test_serve_http_answers_signed_requests_and_stops_cleanly_on_sigterm(emulator, tmp_path):
    """`inspection-bot serve --http` serves /slack/events with a production server, answers a
    signed command, and on SIGTERM finishes and exits 0."""
    proc = _serve(emulator, tmp_path, "--http", "--host", "127.0.0.1", "--port", "0")
    try:
        port = None
        lines = []
        deadline = time.monotonic() + 20
        while port is None and time.monotonic() < deadline:
            line = proc.stderr.readline()
            lines.append(line)
            match = re.search(r"serving http://127\.0\.0\.1:(\d+)", line)
            port = int(match.group(1)) if match else None
        assert port, "".join(lines)
        body = slash_body("judgments 2016", response_url=emulator.new_response_url())
        reply = http(f"http://127.0.0.1:{port}/slack/events", body,
                     signed_headers(body, secret="s3cr3t"))
        assert reply.status == 200
        assert "Requires improvement" in visible(reply.json())
        assert http(f"http://127.0.0.1:{port}/healthz").json()["ok"] is True
    finally:
        proc.send_signal(signal.SIGTERM)
        _out, err = proc.communicate(timeout=20)
    assert proc.returncode == 0, err
    assert "SIGTERM" in err and "stopped" in err


def test_serve_without_tokens_says_what_is_missing(emulator, tmp_path):
    """Without the Slack tokens, `serve` exits 1 with a plain message, not a traceback."""
    proc = _serve(emulator, tmp_path, "--http", "--port", "0",
                  extra_env={"SLACK_BOT_TOKEN": "", "SLACK_SIGNING_SECRET": ""})
    _out, err = proc.communicate(timeout=20)
    assert proc.returncode == 1
    assert "SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET must be set" in err
    assert "Traceback" not in err
