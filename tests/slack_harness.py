"""Driving the real Slack app over real HTTP: a running waitress server with the Bolt app, and
correctly signed requests shaped like Slack's (slash commands, button clicks, events).

Nothing of ours is mocked: requests go through the socket, Bolt's signature check, our
listeners, and the real WebClient talks to the loopback emulator.
"""

from __future__ import annotations

import atexit
import contextlib
import datetime as dt
import json
import shutil
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from slack_emulator import SlackEmulator
from slack_sdk import WebClient
from slack_sdk.signature import SignatureVerifier

from bot.server import HttpServer, make_wsgi_app
from bot.settings import Settings
from bot.slack import build_app, build_client

SECRET = "test-signing-secret"
TOKEN = "xoxb-test-token"
ASKER, ADMIN = "U0ASKER", "U0ADMIN"
CHANNEL = "C0GENERAL"


def signed_headers(body: bytes, *, secret: str = SECRET, timestamp: int | None = None,
                   content_type: str = "application/x-www-form-urlencoded") -> dict[str, str]:
    ts = str(int(time.time()) if timestamp is None else timestamp)
    signature = SignatureVerifier(secret).generate_signature(timestamp=ts, body=body)
    return {"X-Slack-Request-Timestamp": ts, "X-Slack-Signature": signature,
            "Content-Type": content_type}


@dataclass
class Reply:
    status: int
    body: bytes
    headers: dict[str, str]

    def json(self) -> Any:
        return json.loads(self.body)

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")


def http(url: str, body: bytes | None = None, headers: dict[str, str] | None = None,
         method: str | None = None, timeout: float = 10) -> Reply:
    req = urllib.request.Request(url, data=body, headers=headers or {}, method=method)
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            return Reply(resp.status, resp.read(), dict(resp.headers.items()))
    except urllib.error.HTTPError as err:
        return Reply(err.code, err.read(), dict(err.headers.items()))


def slash_body(text: str, *, user: str = ASKER, response_url: str = "",
               channel: str = CHANNEL) -> bytes:
    return urlencode({
        "token": "legacy-verification-token", "team_id": "T000", "team_domain": "emulated",
        "channel_id": channel, "channel_name": "general", "user_id": user,
        "user_name": user.lower(), "command": "/inspection", "text": text,
        "api_app_id": "A0BOT", "is_enterprise_install": "false",
        "response_url": response_url, "trigger_id": "1.2.3",
    }).encode()


def block_actions_payload(action_id: str, value: str, *, response_url: str,
                          user: str = ASKER, ephemeral: bool = True) -> dict[str, Any]:
    return {
        "type": "block_actions", "user": {"id": user, "username": user.lower(),
                                          "team_id": "T000"},
        "api_app_id": "A0BOT", "token": "legacy-verification-token", "trigger_id": "1.2.3",
        "container": {"type": "message", "message_ts": "1700000000.000100",
                      "channel_id": CHANNEL, "is_ephemeral": ephemeral},
        "team": {"id": "T000", "domain": "emulated"},
        "channel": {"id": CHANNEL, "name": "general"}, "response_url": response_url,
        "actions": [{"action_id": action_id, "block_id": "b1", "value": value,
                     "type": "button", "action_ts": "1700000001.000200"}],
    }


def event_body(event: dict[str, Any]) -> dict[str, Any]:
    return {"token": "legacy-verification-token", "team_id": "T000", "api_app_id": "A0BOT",
            "event": event, "type": "event_callback", "event_id": "Ev0001",
            "event_time": int(time.time())}


class RunningBot:
    """The app behind waitress on 127.0.0.1 and a port the OS chose."""

    def __init__(self, app: Any, kb_holder: Any, emulator: SlackEmulator, *,
                 calendar_token: str | None = None,
                 today: Callable[[], dt.date] | None = None) -> None:
        self.app, self.kb_holder, self.slack = app, kb_holder, emulator
        wsgi = make_wsgi_app(app, kb_holder, calendar_token=calendar_token, today=today)
        self.server = HttpServer(wsgi, "127.0.0.1", 0)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True,
                                       name="bot-http")
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.port}"

    def stop(self) -> None:
        self.server.stop()
        self.thread.join(timeout=15)

    def post(self, body: bytes, **sign: Any) -> Reply:
        return http(self.url + "/slack/events", body, signed_headers(body, **sign))

    def slash(self, text: str, *, user: str = ASKER, response_url: str | None = None,
              channel: str = CHANNEL, **sign: Any) -> Reply:
        url = response_url if response_url is not None else self.slack.new_response_url()
        return self.post(slash_body(text, user=user, response_url=url, channel=channel), **sign)

    def ask(self, text: str, **kw: Any) -> dict[str, Any]:
        """The ack body of `/inspection text` (asserting it is a 200 JSON answer)."""
        reply = self.slash(text, **kw)
        assert reply.status == 200, (reply.status, reply.text)
        return reply.json()

    def click(self, payload: dict[str, Any], **sign: Any) -> Reply:
        return self.post(urlencode({"payload": json.dumps(payload)}).encode(), **sign)

    def event(self, event: dict[str, Any], **sign: Any) -> Reply:
        return self.post(json.dumps(event_body(event)).encode(),
                         content_type="application/json", **sign)


def make_settings(emulator: SlackEmulator, **overrides: Any) -> Settings:
    # A data directory of its own: the questions asked are recorded there (never in the
    # checkout's data/).
    data_dir = Path(tempfile.mkdtemp(prefix="bot-data-"))
    atexit.register(shutil.rmtree, data_dir, ignore_errors=True)
    base = dict(slack_bot_token=TOKEN, slack_signing_secret=SECRET,
                slack_api_url=emulator.base_url, slack_hooks_url=emulator.url("response/"),
                data_dir=data_dir)
    return Settings(**{**base, **overrides})


@contextlib.contextmanager
def running_bot(emulator: SlackEmulator, kb_holder: Any, *, today: dt.date,
                settings: Settings | None = None, **build: Any) -> Iterator[RunningBot]:
    settings = settings or make_settings(emulator)
    client = build_client(settings)
    app = build_app(settings, kb_holder, client=client, today=lambda: today, **build)
    bot = RunningBot(app, kb_holder, emulator, calendar_token=settings.calendar_token,
                     today=lambda: today)
    try:
        yield bot
    finally:
        bot.stop()


def web_client(emulator: SlackEmulator) -> WebClient:
    return build_client(make_settings(emulator))


def wait_until(predicate: Callable[[], Any], timeout: float = 10.0, step: float = 0.02) -> Any:
    """Poll until `predicate()` is truthy; return its value or fail after `timeout`."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {predicate}")
        time.sleep(step)


def texts(payload: Any) -> list[str]:
    """Every string a person could see in a payload (`text` values at any depth)."""
    out: list[str] = []
    if isinstance(payload, dict):
        for key, value in payload.items():
            if key == "text" and isinstance(value, str):
                out.append(value)
            else:
                out.extend(texts(value))
    elif isinstance(payload, list):
        for value in payload:
            out.extend(texts(value))
    return out


def visible(payload: Any) -> str:
    return "\n".join(texts(payload))
