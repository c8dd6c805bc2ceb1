"""The loopback Slack emulator, exercised with the real slack_sdk clients the bot uses."""

from __future__ import annotations

import json
import time

import pytest
from slack_emulator import SlackEmulator  # tests/ is on sys.path (rootdir-less test dir)
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import (
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)
from slack_sdk.webhook import WebhookClient

TOKEN = "xoxb-test-token"


@pytest.fixture
def slack():
    with SlackEmulator() as emulator:
        yield emulator


@pytest.fixture
def client(slack):
    return WebClient(token=TOKEN, base_url=slack.base_url)


def test_binds_loopback_on_an_ephemeral_port(slack):
    """The emulator listens on 127.0.0.1 on a port the OS chose, under /api/."""
    assert slack.base_url == f"http://127.0.0.1:{slack.port}/api/"
    assert slack.port != 0


def test_post_then_read_back_with_metadata(slack, client):
    """A posted message, with its metadata, comes back from conversations.history newest first;
    metadata is returned only when include_all_metadata is set, as on Slack."""
    metadata = {"event_type": "inspection_reminder", "event_payload": {"key": "F1:30d:1:C1"}}
    first = client.chat_postMessage(channel="C1", text="first", metadata=metadata)
    second = client.chat_postMessage(channel="C1", text="second")
    assert first["ok"] and first["channel"] == "C1"
    assert float(second["ts"]) > float(first["ts"])
    assert first["message"]["metadata"] == metadata

    history = client.conversations_history(channel="C1", include_all_metadata=True)
    assert [m["text"] for m in history["messages"]] == ["second", "first"]
    assert history["messages"][1]["metadata"] == metadata

    plain = client.conversations_history(channel="C1")
    assert all("metadata" not in m for m in plain["messages"])

    post = slack.calls_to("chat.postMessage")[0]
    assert post.params["metadata"] == metadata
    assert post.header("authorization") == f"Bearer {TOKEN}"
    assert json.loads(post.body)["text"] == "first"


def test_history_honours_oldest_and_limit(slack, client):
    """`oldest` is exclusive (inclusive=True includes it) and `limit` pages with a cursor."""
    stamps = [client.chat_postMessage(channel="C1", text=str(i))["ts"] for i in range(5)]
    after = client.conversations_history(channel="C1", oldest=stamps[1])
    assert [m["text"] for m in after["messages"]] == ["4", "3", "2"]
    inclusive = client.conversations_history(channel="C1", oldest=stamps[1], inclusive=True)
    assert len(inclusive["messages"]) == 4

    page = client.conversations_history(channel="C1", limit=2)
    assert [m["text"] for m in page["messages"]] == ["4", "3"] and page["has_more"]
    rest = client.conversations_history(
        channel="C1", limit=2, cursor=page["response_metadata"]["next_cursor"])
    assert [m["text"] for m in rest["messages"]] == ["2", "1"]


def test_form_bodies_have_json_fields_decoded(slack, client):
    """A form-urlencoded post carries `blocks` as a JSON string; the record holds the list."""
    blocks = [{"type": "section", "text": {"type": "mrkdwn", "text": "hello"}}]
    client.api_call("chat.postMessage",
                    params={"channel": "C1", "text": "hello", "blocks": json.dumps(blocks)})
    call = slack.calls_to("chat.postMessage")[0]
    assert call.header("content-type") == "application/x-www-form-urlencoded"
    assert call.params["blocks"] == blocks
    assert slack.messages("C1")[0]["blocks"] == blocks


def test_rate_limit_is_retried_after_retry_after(slack, client):
    """An injected 429 carries Retry-After; with RateLimitErrorRetryHandler installed the SDK
    waits that long and retries once, and the post succeeds."""
    slack.inject("chat.postMessage", status=429, retry_after=1)
    client.retry_handlers.append(RateLimitErrorRetryHandler(max_retry_count=1))
    started = time.monotonic()
    response = client.chat_postMessage(channel="C1", text="hello")
    assert response["ok"]
    assert time.monotonic() - started >= 1
    calls = slack.calls_to("chat.postMessage")
    assert [c.status for c in calls] == [429, 200]
    assert len(slack.messages("C1")) == 1


def test_rate_limit_without_retry_handler_raises(slack, client):
    """Without a rate-limit retry handler the SDK gives up on the first 429."""
    slack.inject("chat.postMessage", status=429)
    with pytest.raises(SlackApiError) as caught:
        client.chat_postMessage(channel="C1", text="hello")
    assert caught.value.response.status_code == 429
    assert caught.value.response.headers["Retry-After"] == "1"
    assert slack.messages("C1") == []


def test_server_error_is_retried(slack, client):
    """An injected HTTP 500 is retried by ServerErrorRetryHandler and the post succeeds."""
    slack.inject("chat.postMessage", status=500, times=1)
    client.retry_handlers.append(ServerErrorRetryHandler(max_retry_count=1))
    assert client.chat_postMessage(channel="C1", text="hello")["ok"]
    assert [c.status for c in slack.calls_to("chat.postMessage")] == [500, 200]


def test_faults_are_consumed_in_order_and_times_none_is_forever(slack, client):
    """Faults apply in the order injected; `times=None` never runs out."""
    slack.inject("auth.test", error="first")
    slack.inject("auth.test", error="always", times=None)
    errors = []
    for _ in range(3):
        with pytest.raises(SlackApiError) as caught:
            client.auth_test()
        errors.append(caught.value.response["error"])
    assert errors == ["first", "always", "always"]


@pytest.mark.parametrize(("setup", "error"), [
    ({"exists": False}, "channel_not_found"),
    ({"member": False}, "not_in_channel"),
    ({"archived": True}, "is_archived"),
])
def test_channel_state_errors(slack, client, setup, error):
    """Posting to a missing, not-joined or archived channel answers HTTP 200 ok:false."""
    slack.set_channel("C9", **setup)
    with pytest.raises(SlackApiError) as caught:
        client.chat_postMessage(channel="C9", text="hello")
    assert caught.value.response.status_code == 200
    assert caught.value.response["error"] == error


def test_injected_api_error(slack, client):
    """`inject(error=...)` answers HTTP 200 ok:false with that error and posts nothing."""
    slack.inject("chat.postMessage", error="channel_not_found")
    with pytest.raises(SlackApiError) as caught:
        client.chat_postMessage(channel="C1", text="hello")
    assert caught.value.response["error"] == "channel_not_found"
    assert slack.messages("C1") == []


def test_missing_token_is_not_authed(slack):
    """A request without a token gets not_authed; the call is still recorded."""
    with pytest.raises(SlackApiError) as caught:
        WebClient(base_url=slack.base_url).auth_test()
    assert caught.value.response["error"] == "not_authed"
    assert len(slack.calls_to("auth.test")) == 1


def test_auth_test_identity(client):
    """auth.test names the emulated workspace and bot."""
    response = client.auth_test()
    assert (response["team_id"], response["user_id"], response["bot_id"]) == (
        "T000", "U0BOT", "B0BOT")


def test_slow_answer_times_out_but_the_post_lands(slack):
    """A `delay` alone stores the post and holds the answer, so a client with a short timeout
    fails although the message is in the channel (the case reconciliation exists for)."""
    slack.inject("chat.postMessage", delay=2)
    impatient = WebClient(token=TOKEN, base_url=slack.base_url, timeout=0.3)
    with pytest.raises(TimeoutError):
        impatient.chat_postMessage(channel="C1", text="hello")
    assert [m["text"] for m in slack.messages("C1")] == ["hello"]


def test_response_url_sink_records_posts():
    """A response_url from the emulator accepts a WebhookClient post and records its JSON."""
    with SlackEmulator() as slack:
        url = slack.new_response_url()
        response = WebhookClient(url).send(text="answer", response_type="ephemeral")
        assert (response.status_code, response.body) == (200, "ok")
        assert slack.responses == [{"text": "answer", "response_type": "ephemeral"}]
        assert slack.calls_to("response_url")[0].path.endswith("/response/1")


def test_block_limits_are_enforced(client):
    """More than 50 blocks in a message is rejected as invalid_blocks, as Slack does."""
    blocks = [{"type": "divider"}] * 51
    with pytest.raises(SlackApiError) as caught:
        client.chat_postMessage(channel="C1", text="x", blocks=blocks)
    assert caught.value.response["error"] == "invalid_blocks"


def test_update_delete_and_directory_methods(slack, client):
    """chat.update/delete edit stored messages; users, user groups and App Home answer."""
    ts = client.chat_postMessage(channel="C1", text="draft")["ts"]
    client.chat_update(channel="C1", ts=ts, text="final")
    assert slack.messages("C1")[0]["text"] == "final"
    client.chat_delete(channel="C1", ts=ts)
    assert slack.messages("C1") == []

    slack.set_usergroup("S1", ["U1", "U2"])
    assert client.usergroups_users_list(usergroup="S1")["users"] == ["U1", "U2"]
    assert client.users_info(user="U1")["user"]["id"] == "U1"
    client.views_publish(user_id="U1", view={"type": "home", "blocks": []})
    assert slack.home_views["U1"]["type"] == "home"
    dm = client.chat_postMessage(channel="U1", text="reminder")
    assert dm["channel"] == "D1"


def test_bolt_app_starts_against_the_emulator(slack, client):
    """A Bolt app verifies its token with auth.test against the emulator."""
    from slack_bolt import App

    App(client=client, signing_secret="secret")
    assert slack.calls_to("auth.test")
