"""When a listener fails: log the traceback, and tell the person a short apology with what to
try. A stack trace never reaches Slack."""

from __future__ import annotations

import functools
import json
import logging
from collections.abc import Callable
from typing import Any

from slack_bolt import BoltResponse, Respond
from slack_sdk import WebClient

from bot.slack import messages

log = logging.getLogger(__name__)


def _describe(body: dict[str, Any] | None) -> str:
    body = body or {}
    if body.get("command"):
        return f"command {body['command']!r} text {body.get('text', '')!r}"
    if body.get("type") == "block_actions":
        ids = [a.get("action_id") for a in body.get("actions") or []]
        return f"block_actions {ids}"
    event = body.get("event") or {}
    return f"{body.get('type', 'request')} {event.get('type', '')}".strip()


def handle_error(error: Exception, body: dict[str, Any], respond: Respond | None,
                 response: BoltResponse | None, client: WebClient) -> BoltResponse | None:
    """The app's global error handler (`app.error`)."""
    log.error("listener failed on %s", _describe(body), exc_info=error)
    apology = messages.simple(messages.APOLOGY)
    if body.get("command") and response is not None:
        # Not yet acknowledged: the apology is the ack body, so the person sees it at once.
        return BoltResponse(status=200, body=json.dumps(apology),
                            headers={"content-type": "application/json;charset=utf-8"})
    tell(body, respond, client)
    return None


def tell(body: dict[str, Any], respond: Respond | None, client: WebClient) -> None:
    """Apologise where the person will see it: the response_url, or their App Home."""
    try:
        if respond is not None and _response_url(body):
            respond(**messages.simple(messages.APOLOGY), replace_original=False)
            return
        event = body.get("event") or {}
        if event.get("type") == "app_home_opened" and event.get("user"):
            client.views_publish(user_id=event["user"], view={"type": "home", "blocks": [
                {"type": "section", "text": {"type": "mrkdwn",
                                             "text": messages.HOME_UNAVAILABLE}}]})
    except Exception:
        log.exception("could not tell the user about the failure")


def _response_url(body: dict[str, Any]) -> str | None:
    urls = body.get("response_urls") or []
    return body.get("response_url") or (urls[0].get("response_url") if urls else None)


def guarded(func: Callable[..., None]) -> Callable[..., None]:
    """For lazy listeners, whose exceptions Bolt only logs in one line: same handling as the
    global error handler. The listener must take `body`, `respond` and `client`."""
    @functools.wraps(func)
    def wrapper(**kwargs: Any) -> None:
        try:
            func(**kwargs)
        except Exception as exc:
            log.error("listener %s failed on %s", func.__name__, _describe(kwargs.get("body")),
                      exc_info=exc)
            tell(kwargs.get("body") or {}, kwargs.get("respond"), kwargs["client"])
    return wrapper
