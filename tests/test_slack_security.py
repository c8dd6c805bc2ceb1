"""Requests Slack did not sign are refused, and nothing a user types or a maintainer writes can
ping a channel or forge a link."""

from __future__ import annotations

import json
import time

import pytest
from conftest import TODAY
from slack_harness import ASKER, block_actions_payload, running_bot, visible, wait_until

from bot.live import LiveKnowledgeBase
from bot.render.blocks import check_message

INJECTIONS = ["<!channel>", "<!here>", "<!everyone>", "<@U123>", "<https://evil|click>",
              "<#C123|general>", "<!subteam^S123>"]


def test_forged_signature_is_refused_with_no_answer(bot, emulator):
    """A request signed with the wrong secret gets 401, no answer, and no Slack call is made."""
    reply = bot.slash("overdue", secret="not-the-signing-secret")
    assert reply.status == 401
    assert "overdue" not in reply.text.lower()
    assert emulator.calls == []


def test_stale_timestamp_is_refused(bot, emulator):
    """A correctly signed request older than five minutes (a replay) gets 401."""
    reply = bot.slash("overdue", timestamp=int(time.time()) - 6 * 60)
    assert reply.status == 401
    assert emulator.calls == []


def test_unsigned_and_tampered_requests_are_refused(bot, emulator):
    """No signature headers, or a body changed after signing, get 401."""
    from slack_harness import http, signed_headers, slash_body

    body = slash_body("overdue")
    assert http(bot.url + "/slack/events", body,
                {"Content-Type": "application/x-www-form-urlencoded"}).status == 401
    headers = signed_headers(body)
    tampered = body.replace(b"overdue", b"digest!")
    assert http(bot.url + "/slack/events", tampered, headers).status == 401
    forged_click = block_actions_payload("share", "{}", response_url=emulator.new_response_url())
    assert bot.click(forged_click, secret="wrong").status == 401
    assert emulator.calls == [] and emulator.responses == []


@pytest.mark.parametrize("typed", [
    "search <!channel>", "<!here>", "area <@U123> & co", "figures <https://evil|click>",
    "show <!channel>", "overdue <!everyone> <#C123|general>", "judgments <!subteam^S123>",
    "search & <!here> <https://evil|click>",
])
def test_user_text_comes_back_escaped(bot, typed):
    """Mentions and links typed by a user are shown as text: nothing pings, nothing links, and
    no raw `<!...>` appears anywhere in what the app sends, buttons included."""
    payload = bot.ask(typed)
    raw = json.dumps(payload)
    for bad in INJECTIONS:
        assert bad not in raw, (bad, raw[:500])
    assert "&lt;" in visible(payload) or "&amp;" in visible(payload)
    assert check_message(payload) == []


def test_shared_answer_keeps_user_text_escaped(bot, emulator):
    """Sharing an answer to a typed `<!channel>` does not turn it into a channel ping."""
    payload = bot.ask("search <!channel> safeguarding")
    share = next(e for b in payload["blocks"] for e in b.get("elements", [])
                 if e.get("action_id") == "share")
    bot.click(block_actions_payload("share", share["value"],
                                    response_url=emulator.new_response_url()))
    emulator.wait_for("response_url")
    shared = json.dumps(emulator.responses[0])
    assert "<!channel>" not in shared and "&lt;!channel&gt;" in shared


TAINT = "<!channel> <!here> <@U123> <https://evil|click> & Co:"


@pytest.fixture
def tainted(content_copy):
    """A content copy where a finding's official text carries mentions and a link."""
    path = content_copy / "cleveland" / "2016-effectiveness.yaml"
    text = path.read_text(encoding="utf-8")
    marker = 'text: "The force should ensure that referral of standard-risk'
    assert marker in text
    path.write_text(text.replace(marker, f'text: "{TAINT} The force should ensure that '
                                         'referral of standard-risk'), encoding="utf-8")
    return LiveKnowledgeBase(content_copy)


def test_content_text_comes_back_escaped(emulator, tainted):
    """Mentions and links inside content (a maintainer's paste) are escaped in every answer
    that shows them, and on App Home."""
    with running_bot(emulator, tainted, today=TODAY) as bot:
        for text in ("show cle-2016-afi-04", "search standard-risk referral", "area vulnerability"):
            payload = bot.ask(text)
            raw = json.dumps(payload)
            assert "cle-2016-afi-04" in raw, text
            for bad in INJECTIONS:
                assert bad not in raw, (text, bad)
            assert "&lt;!channel&gt; &lt;!here&gt; &lt;@U123&gt;" in visible(payload), text
            assert "&lt;https://evil|click&gt; &amp; Co:" in visible(payload), text
        bot.event({"type": "app_home_opened", "user": ASKER, "channel": "D0ASKER",
                   "tab": "home", "event_ts": "1700000000.000100"})
        view = wait_until(lambda: emulator.home_views.get(ASKER))
        assert not any(bad in json.dumps(view) for bad in INJECTIONS)
