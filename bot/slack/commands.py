"""`/inspection <text>`: the answer goes in the ack body when it is ready within the time
budget (it nearly always is); otherwise the ack says "Working on it…" and the answer follows
through `response_url`."""

from __future__ import annotations

import logging
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient

from bot.slack import admin, messages
from bot.slack.gate import on_hooks_host
from bot.slack.services import Services, asked_in

COMMAND = "/inspection"
log = logging.getLogger(__name__)


def register(app: App, services: Services) -> None:
    @app.command(COMMAND)
    def inspection(ack: Ack, body: dict[str, Any], respond: Respond, client: WebClient) -> None:
        text = body.get("text") or ""
        words = text.split()
        cached = services.cached_message(text, asked_in(body))
        if cached is not None:
            ack(**cached)
            return
        if words and words[0].lower() in admin.COMMANDS:
            user = body.get("user_id") or ""
            future = services.executor.submit(admin.run, services, client, user, text)
        else:
            future = services.executor.submit(services.answer_any, text,
                                              asker=body.get("user_id") or "",
                                              destination=asked_in(body))
        try:
            payload = future.result(timeout=services.answer_timeout)
        except FutureTimeout:
            if not on_hooks_host(body.get("response_url"), services.settings.slack_hooks_url):
                ack(**messages.simple(messages.TOO_SLOW))
                return
            ack(text=messages.WORKING, response_type="ephemeral")
            future.add_done_callback(lambda done: _deliver_late(done, respond))
            return
        # An exception here propagates to the app's error handler, which acks an apology.
        ack(**payload)


def _deliver_late(future: Future, respond: Respond) -> None:
    """Post a slow answer (or, if it failed, the apology) to response_url."""
    try:
        payload = future.result()
    except Exception:
        log.exception("a slow /inspection answer failed")
        payload = messages.simple(messages.APOLOGY)
    try:
        respond(**payload)
    except Exception:
        log.exception("could not post the answer to response_url")
