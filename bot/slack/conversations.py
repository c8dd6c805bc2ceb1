"""Asking anywhere: a direct message to the bot (`message.im`) and a mention in a channel
(`app_mention`) get the same answers as `/inspection`, through the same pipeline. A mention is
answered in its thread; a DM in the DM. The event is acknowledged at once and the answer is
posted after (a lazy listener), so Slack never retries an event for being slow."""

from __future__ import annotations

import logging
import re
from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient

from bot.render.blocks import SHARE_ACTION
from bot.slack import admin, messages
from bot.slack.services import Services

log = logging.getLogger(__name__)
LEADING_MENTION = re.compile(r"^\s*(?:<@[UW][A-Z0-9]+(?:\|[^>]*)?>[\s:,]*)+")
MAX_QUESTION = 1000  # a question longer than this is cut before it is read


def _ack(ack: Ack) -> None:
    ack()


def question_text(text: str) -> str:
    """The question in a message: without the @mention of the bot it starts with, and with
    Slack's escapes undone (the reader and the commands take plain text)."""
    text = LEADING_MENTION.sub("", text or "")
    text = text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
    return " ".join(text.split())[:MAX_QUESTION]


def _for_post(payload: dict[str, Any]) -> dict[str, Any]:
    """A posted message: no response_type, and no Share button (it is posted already)."""
    blocks = []
    for b in payload["blocks"]:
        if b["type"] == "actions":
            elements = [e for e in b["elements"] if e.get("action_id") != SHARE_ACTION]
            if not elements:
                continue
            b = {**b, "elements": elements}
        blocks.append(b)
    return {"text": payload["text"], "blocks": blocks}


def _ignored(event: dict[str, Any]) -> bool:
    # Our own posts, edits, joins and other bots' messages come as events too.
    return bool(event.get("bot_id") or event.get("subtype") or not event.get("user"))


def register(app: App, services: Services) -> None:
    def _answer(event: dict[str, Any], client: WebClient, *, thread: bool) -> None:
        if _ignored(event):
            return
        text = question_text(event.get("text") or "") or "help"
        channel = event.get("channel") or ""
        user = event.get("user") or ""
        destination = user if channel.startswith("D") else channel
        extra: dict[str, Any] = {}
        if thread:
            extra["thread_ts"] = event.get("thread_ts") or event.get("ts")
        try:
            if text.split()[0].lower() in admin.COMMANDS:  # same checks as the slash command
                payload = _for_post(admin.run(services, client, user, text))
            else:
                payload = _for_post(services.answer_any(text, asker=user,
                                                        destination=destination))
        except Exception:
            log.exception("answering a %s failed", event.get("type"))
            payload = messages.simple(messages.APOLOGY)
            payload.pop("response_type", None)
        try:
            client.chat_postMessage(channel=channel, **payload, **extra)
        except Exception:
            log.exception("could not post the answer to %s", channel)

    def mention(event: dict[str, Any], client: WebClient) -> None:
        _answer(event, client, thread=True)

    def direct(event: dict[str, Any], client: WebClient) -> None:
        if event.get("channel_type") != "im":
            return
        _answer(event, client, thread=bool(event.get("thread_ts")))

    app.event("app_mention")(ack=_ack, lazy=[mention])
    app.event("message")(ack=_ack, lazy=[direct])
