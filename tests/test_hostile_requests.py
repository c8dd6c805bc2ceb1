"""Forged requests of every kind are refused before anything reads them, and nothing a request
says can make the bot post anywhere but Slack's hooks host.

Every test runs the real app over real HTTP; `trap` is a second loopback server standing for
any host an attacker would like the bot to call: it must never hear from the bot.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import socket
import time
from urllib.parse import urlencode

import pytest
from conftest import TODAY
from slack_emulator import SlackEmulator
from slack_harness import (
    ASKER,
    SECRET,
    block_actions_payload,
    event_body,
    http,
    running_bot,
    slash_body,
    visible,
)

from bot.render.buttonstate import MAX_VALUE


@pytest.fixture
def trap():
    with SlackEmulator() as other:
        yield other


def _sign(body: bytes, timestamp: str, secret: str = SECRET) -> str:
    base = b"v0:" + timestamp.encode() + b":" + body
    return "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()


def _bodies(trap_url: str) -> dict[str, tuple[bytes, str]]:
    click = block_actions_payload("share", "{}", response_url=trap_url)
    home = event_body({"type": "app_home_opened", "user": "U0VICTIM", "tab": "home"})
    return {
        "slash": (slash_body("overdue", response_url=trap_url),
                  "application/x-www-form-urlencoded"),
        "click": (urlencode({"payload": json.dumps(click)}).encode(),
                  "application/x-www-form-urlencoded"),
        "event": (json.dumps(home).encode(), "application/json"),
        "json-array": (b"[1, 2, 3]", "application/json"),
        "bad-payload": (b"payload={bad", "application/x-www-form-urlencoded"),
        "not-utf8": (b"payload=\xff\xfe\xfa", "application/x-www-form-urlencoded"),
        "empty": (b"", "application/x-www-form-urlencoded"),
        "text": (b"hello", "text/plain"),
        "multipart": (b"--x\r\nContent-Disposition: form-data; name=payload\r\n\r\n{}\r\n--x--",
                      "multipart/form-data; boundary=x"),
    }


def _headers(kind: str, body: bytes) -> dict[str, str]:
    now = str(int(time.time()))
    good = _sign(body, now)
    return {
        "none": {},
        "no-signature": {"X-Slack-Request-Timestamp": now},
        "no-timestamp": {"X-Slack-Signature": good},
        "timestamp-abc": {"X-Slack-Request-Timestamp": "abc", "X-Slack-Signature": "v0=00"},
        "timestamp-400-digits": {"X-Slack-Request-Timestamp": "9" * 400,
                                 "X-Slack-Signature": _sign(body, "9" * 400)},
        "timestamp-negative": {"X-Slack-Request-Timestamp": "-1",
                               "X-Slack-Signature": _sign(body, "-1")},
        "timestamp-float": {"X-Slack-Request-Timestamp": now + ".5",
                            "X-Slack-Signature": _sign(body, now + ".5")},
        "stale": {"X-Slack-Request-Timestamp": str(int(now) - 301),
                  "X-Slack-Signature": _sign(body, str(int(now) - 301))},
        # past the five minutes allowed, with room: `now` is truncated to the second, and a
        # request that reached the server a second later was let in at +301 (a flaky 404)
        "future": {"X-Slack-Request-Timestamp": str(int(now) + 330),
                   "X-Slack-Signature": _sign(body, str(int(now) + 330))},
        "wrong-secret": {"X-Slack-Request-Timestamp": now,
                         "X-Slack-Signature": _sign(body, now, "not-the-secret")},
        "v1-scheme": {"X-Slack-Request-Timestamp": now, "X-Slack-Signature": "v1" + good[2:]},
        "upper-hex": {"X-Slack-Request-Timestamp": now, "X-Slack-Signature": good.upper()},
        "huge-signature": {"X-Slack-Request-Timestamp": now, "X-Slack-Signature": "v0=" + "a" * 8000},
        "short-signature": {"X-Slack-Request-Timestamp": now, "X-Slack-Signature": good[:-1]},
    }[kind]


HEADER_KINDS = ["none", "no-signature", "no-timestamp", "timestamp-abc", "timestamp-400-digits",
                "timestamp-negative", "timestamp-float", "stale", "future", "wrong-secret",
                "v1-scheme", "upper-hex", "huge-signature", "short-signature"]
BODY_KINDS = ["slash", "click", "event", "json-array", "bad-payload", "not-utf8", "empty", "text",
              "multipart"]


@pytest.fixture(scope="module")
def module_bot(live_shipped_module):
    with SlackEmulator() as slack, SlackEmulator() as other, \
            running_bot(slack, live_shipped_module, today=TODAY) as bot:
        yield bot, slack, other


@pytest.fixture(scope="module")
def live_shipped_module():
    from conftest import CONTENT

    from bot.live import LiveKnowledgeBase

    return LiveKnowledgeBase(CONTENT)


@pytest.mark.parametrize("body_kind", BODY_KINDS)
@pytest.mark.parametrize("header_kind", HEADER_KINDS)
def test_forged_requests_get_401_and_the_bot_calls_nobody(module_bot, header_kind, body_kind):
    """Whatever the body, a request whose signature is missing, malformed, stale, from the
    future or made with another secret gets 401; neither Slack nor the attacker's host hears
    anything, and no listener ran."""
    bot, slack, other = module_bot
    slack.clear()
    other.clear()
    body, content_type = _bodies(other.new_response_url())[body_kind]
    headers = {**_headers(header_kind, body), "Content-Type": content_type}
    reply = http(bot.url + "/slack/events", body, headers)
    assert reply.status == 401, (reply.status, reply.text[:200])
    assert "overdue" not in reply.text.lower() and "Traceback" not in reply.text
    time.sleep(0.05)  # a lazy listener would have started by now
    assert slack.calls == [] and other.calls == []


def test_the_reproduction_from_the_issue_posts_nowhere(bot, emulator, trap):
    """The curl of issue 11: a non-numeric timestamp and a payload naming another host's
    response_url gets 401; the other host gets no POST and no App Home is published."""
    payload = {"type": "block_actions", "user": {"id": "U1"},
               "response_url": trap.url("x"), "actions": [{"action_id": "share", "value": "{}"}],
               "container": {"type": "message"}}
    body = urlencode({"payload": json.dumps(payload)}).encode()
    reply = http(bot.url + "/slack/events", body, {
        "X-Slack-Request-Timestamp": "abc", "X-Slack-Signature": "v0=00",
        "Content-Type": "application/x-www-form-urlencoded"})
    assert reply.status == 401
    time.sleep(0.2)
    assert trap.calls == [] and emulator.calls == []


@pytest.mark.parametrize("body, content_type", [
    (b"payload={bad", "application/x-www-form-urlencoded"),
    (b"payload=%5B1%2C2%5D", "application/x-www-form-urlencoded"),  # payload=[1,2]
    (b"payload=\xff\xfe", "application/x-www-form-urlencoded"),
    (b"[1, 2, 3]", "application/json"),
    (b'"just a string"', "application/json"),
    (b"{not json", "application/json"),
])
def test_signed_but_unreadable_bodies_get_400(bot, emulator, body, content_type):
    """A correctly signed body Bolt could not read is a 400 (not a 500 with a traceback), and
    nothing is posted."""
    now = str(int(time.time()))
    reply = http(bot.url + "/slack/events", body, {
        "X-Slack-Request-Timestamp": now, "X-Slack-Signature": _sign(body, now),
        "Content-Type": content_type})
    assert reply.status == 400, (reply.status, reply.text[:200])
    assert "Traceback" not in reply.text
    assert emulator.calls == []


def test_signed_click_with_a_foreign_response_url_is_not_followed(bot, emulator, trap):
    """Even a signed button press only answers on Slack's hooks host: a response_url on any
    other host is never posted to (no request forgery from the bot's network)."""
    payload = bot.ask("overdue")
    share = next(e for b in payload["blocks"] for e in b.get("elements", [])
                 if e.get("action_id") == "share")
    for action, value in (("share", share["value"]), ("share", "not-a-state"),
                          ("show_item:x", "cle-2016-rec-01")):
        click = block_actions_payload(action, value, response_url=trap.url("response/1"))
        assert bot.click(click).status == 200
    time.sleep(0.5)
    assert trap.calls == [] and emulator.responses == []


def test_signed_slash_command_with_a_foreign_response_url_still_answers_in_the_ack(bot, trap):
    """The answer travels in the ack; the foreign response_url is never used."""
    reply = bot.slash("overdue", response_url=trap.url("response/1"))
    assert reply.status == 200 and "Overdue" in visible(reply.json())
    time.sleep(0.2)
    assert trap.calls == []


def test_error_handler_ignores_a_request_bolt_did_not_verify(emulator, live_shipped, trap):
    """Handed a request whose check raised (Bolt calls the error handler with the unverified
    body), the handler answers 401 and uses nothing from the body: no response_url post, no
    App Home for the user it names."""
    from slack_bolt import BoltRequest
    from slack_harness import make_settings

    from bot.slack import build_app, build_client

    settings = make_settings(emulator)
    app = build_app(settings, live_shipped, client=build_client(settings), today=lambda: TODAY)
    payload = block_actions_payload("share", "{}", response_url=trap.url("response/1"))
    body = urlencode({"payload": json.dumps(payload)})
    response = app.dispatch(BoltRequest(body=body, headers={
        "x-slack-request-timestamp": ["abc"], "x-slack-signature": ["v0=00"],
        "content-type": ["application/x-www-form-urlencoded"]}))
    assert response.status == 401
    event = json.dumps(event_body({"type": "app_home_opened", "user": "U0VICTIM"}))
    response = app.dispatch(BoltRequest(body=event, headers={
        "x-slack-request-timestamp": ["9" * 400], "x-slack-signature": ["v0=00"],
        "content-type": ["application/json"]}))
    assert response.status == 401
    time.sleep(0.3)
    assert trap.calls == [] and emulator.calls == []


# --- mention safety of typed destinations --------------------------------------------------------

@pytest.mark.parametrize("typed", ["digest U0VICTIM", "digest W0VICTIM", "digest C0OTHER",
                                   "digest <#C0OTHER|other>", "digest G0PRIVATE"])
def test_a_typed_digest_destination_never_becomes_a_mention(bot, emulator, typed):
    """`/inspection digest U0VICTIM` shows the id as text; sharing it does not ping anyone or
    link a channel (the issue's reproduction)."""
    payload = bot.ask(typed)
    raw = json.dumps(payload)
    target = typed.split()[1].strip("<>#").split("|")[0]
    assert f"<@{target}>" not in raw and f"<#{target}>" not in raw
    assert target in visible(payload)
    share = next(e for b in payload["blocks"] for e in b.get("elements", [])
                 if e.get("action_id") == "share")
    bot.click(block_actions_payload("share", share["value"],
                                    response_url=emulator.new_response_url()))
    emulator.wait_for("response_url")
    shared = json.dumps(emulator.responses[-1])
    assert f"<@{target}>" not in shared and f"<#{target}>" not in shared
    assert f"<@{ASKER}>" in shared  # "Shared by" names the sharer, checked from the payload


def test_post_digest_echoes_the_typed_channel_as_text(emulator, live_shipped):
    from slack_harness import ADMIN, make_settings

    settings = make_settings(emulator, admin_user_ids=frozenset({ADMIN}))
    with running_bot(emulator, live_shipped, today=TODAY, settings=settings) as bot:
        ack = bot.ask("post-digest <#C0ELSEWHERE|x>", user=ADMIN)
    assert "<#C0ELSEWHERE>" not in json.dumps(ack) and "C0ELSEWHERE" in ack["text"]


# --- button state for the longest queries ---------------------------------------------------------

def _button(payload, action):
    return next((e for b in payload["blocks"] for e in b.get("elements", [])
                 if e.get("action_id") == action), None)


@pytest.mark.parametrize("query", [
    "search " + "é" * 3990,  # 335 accented characters were enough to break it before
    "search " + "<&>" * 1330,  # escaping quadruples these
    "search " + " ".join(hashlib.sha256(str(n).encode()).hexdigest()[:8]
                         for n in range(443)),  # 4,000 characters that do not compress
])
def test_sharing_survives_the_longest_query_slack_allows(bot, emulator, query):
    """A 4,000-character query's buttons fit Slack's 2,000-character values and work: Share
    posts the answer to the same query, not "expired" and not a truncated query."""
    assert len(query) >= 3990
    payload = bot.ask(query)
    share = _button(payload, "share")
    assert share is not None and len(share["value"]) <= MAX_VALUE
    bot.click(block_actions_payload("share", share["value"],
                                    response_url=emulator.new_response_url()))
    emulator.wait_for("response_url")
    shared = emulator.responses[-1]
    assert shared.get("response_type") == "in_channel", shared
    assert "expired" not in visible(shared)


def test_paging_a_long_answer_keeps_the_whole_query(bot, emulator):
    """Next on a many-page answer asked with a long query pages that same query."""
    query = "overdue " + " " * 3000  # long, yet the same question
    first = bot.ask("figures")
    nxt = _button(first, "page:next")
    assert nxt is not None, "the figures answer should need more than one page"
    long_first = bot.ask("figures" + query[7:])
    nxt = _button(long_first, "page:next")
    assert nxt is not None and len(nxt["value"]) <= MAX_VALUE
    bot.click(block_actions_payload("page:next", nxt["value"],
                                    response_url=emulator.new_response_url()))
    emulator.wait_for("response_url")
    assert "Page 2 of" in visible(emulator.responses[-1])


def test_a_button_whose_state_was_forgotten_says_it_expired(emulator, live_shipped):
    """States too long for a button are kept server-side; when one has gone (restart, or
    pushed out by newer ones) the person is told plainly that the button expired."""
    with running_bot(emulator, live_shipped, today=TODAY) as bot:
        words = (hashlib.sha256(str(n).encode()).hexdigest()[:8] for n in range(440))
        payload = bot.ask("search " + " ".join(words))  # too random to compress into a button
        share = _button(payload, "share")
        assert share["value"].startswith("k:")
    with running_bot(emulator, live_shipped, today=TODAY) as restarted:
        restarted.click(block_actions_payload("share", share["value"],
                                              response_url=emulator.new_response_url()))
        emulator.wait_for("response_url")
    assert "expired" in visible(emulator.responses[-1])


# --- the HTTP server under idle connections -----------------------------------------------------

def test_server_answers_while_hundreds_of_connections_sit_idle(bot):
    """300 connections that connect and send nothing do not lock out Slack: a signed command
    and /healthz are answered at once (before, 210 locked the server out for 75 s)."""
    port = int(bot.url.rsplit(":", 1)[1])
    idle = []
    try:
        for _ in range(300):
            s = socket.create_connection(("127.0.0.1", port), timeout=5)
            idle.append(s)
        started = time.monotonic()
        assert http(bot.url + "/healthz", timeout=5).status == 200
        assert bot.slash("help").status == 200
        assert time.monotonic() - started < 5
    finally:
        for s in idle:
            s.close()


# --- the ends of the calendar ---------------------------------------------------------------------

@pytest.mark.parametrize("text, as_of", [("due 30 days", "9999-12-31"), ("due 3660 days", "9995-01-01"),
                                         ("digest", "9999-12-31"), ("overdue", "0001-01-01"),
                                         ("due 30 days", "0001-01-01")])
def test_date_arithmetic_at_the_ends_of_the_calendar_answers_clearly(text, as_of):
    """`due 30 days` as of 9999-12-31 ended in an OverflowError traceback; now every command
    answers, and one that runs off the calendar says so."""
    from click.testing import CliRunner

    from bot.cli import cli

    result = CliRunner().invoke(cli, ["ask", text, "--as-of", as_of])
    assert result.exit_code == 0 and result.exception is None, result.output
    assert "Traceback" not in result.output and result.output.strip()
    if as_of.startswith("9999") and text.startswith("due"):
        assert "past the end of the calendar" in result.output


def test_a_command_with_the_word_payload_is_answered(bot):
    """Bolt took any form body containing "payload" for a button press: `/inspection search
    payload` got a 404 ("unhandled request"). It is answered like any other search."""
    reply = bot.slash("search payload safeguarding")
    assert reply.status == 200, reply.text[:200]
    assert "payload" in visible(reply.json())


def test_the_reproduction_against_inspection_bot_serve(emulator, trap, tmp_path):
    """The issue's curl against `inspection-bot serve --http` as deployed: 401, no POST to the
    host the payload names, no traceback in the log."""
    import os
    import re
    import shutil
    import signal
    import subprocess
    import sys

    from conftest import CONTENT, ROOT

    # A copy with a real digest channel: serve refuses the shipped placeholder.
    content = tmp_path / "content"
    shutil.copytree(CONTENT, content)
    policy = content / "policy.yaml"
    policy.write_text(policy.read_text(encoding="utf-8").replace("C0DIGEST", "C0GENERAL"),
                      encoding="utf-8")
    env = {**os.environ, "SLACK_BOT_TOKEN": "xoxb-test-token", "SLACK_SIGNING_SECRET": "s3cr3t",
           "SLACK_API_URL": emulator.base_url, "CONTENT_DIR": str(content),
           "DATA_DIR": str(tmp_path)}
    proc = subprocess.Popen([sys.executable, "-m", "bot", "serve", "--http", "--host",
                             "127.0.0.1", "--port", "0"], env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, cwd=ROOT)
    try:
        port, lines, deadline = None, [], time.monotonic() + 20
        while port is None and time.monotonic() < deadline:
            lines.append(proc.stderr.readline())
            match = re.search(r"serving http://127\.0\.0\.1:(\d+)", lines[-1])
            port = int(match.group(1)) if match else None
        assert port, "".join(lines)
        payload = {"type": "block_actions", "user": {"id": "U1"},
                   "response_url": trap.url("x"),
                   "actions": [{"action_id": "share", "value": "{}"}],
                   "container": {"type": "message"}}
        for headers in ({"X-Slack-Request-Timestamp": "abc", "X-Slack-Signature": "v0=00"},
                        {"X-Slack-Request-Timestamp": "9" * 400, "X-Slack-Signature": "v0=00"}):
            body = urlencode({"payload": json.dumps(payload)}).encode()
            reply = http(f"http://127.0.0.1:{port}/slack/events", body,
                         {**headers, "Content-Type": "application/x-www-form-urlencoded"})
            assert reply.status == 401
        for body in (b"payload={bad", b"payload=\xff", b"[1]"):
            reply = http(f"http://127.0.0.1:{port}/slack/events", body,
                         {"Content-Type": "application/x-www-form-urlencoded"})
            assert reply.status == 401
        time.sleep(0.3)
        assert trap.calls == []
    finally:
        proc.send_signal(signal.SIGTERM)
        _out, err = proc.communicate(timeout=20)
    assert "Traceback" not in err, err[-2000:]
    # (the reminders' catch-up tick may post the digest: that is the scheduler, not a request)
    assert not [c for c in emulator.calls if c.method in ("response_url", "views.publish",
                                                          "chat.postEphemeral")]


def test_slacks_ssl_check_is_answered_and_does_nothing(bot, emulator):
    """Slack's `ssl_check=1` probe gets 200 whatever its signature; nothing acts on it."""
    reply = http(bot.url + "/slack/events", b"ssl_check=1&token=x",
                 {"Content-Type": "application/x-www-form-urlencoded"})
    assert reply.status == 200 and reply.body == b""
    forged = http(bot.url + "/slack/events", b"ssl_check=1&command=%2Finspection&text=overdue",
                  {"Content-Type": "application/x-www-form-urlencoded"})
    assert forged.status == 401
    assert emulator.calls == []
