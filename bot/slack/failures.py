"""When a listener fails: log the traceback, and tell the person a short apology with what to
try. A stack trace never reaches Slack.

The apology only ever goes to a request Slack signed (or that came over Socket Mode), and only
to a `response_url` on Slack's hooks host: a forged body must never choose where the bot posts.
"""

from __future__ import annotations

import functools
import json
import logging
from collections.abc import Callable
from typing import Any

from slack_bolt import BoltRequest, BoltResponse, Respond
from slack_sdk import WebClient

from bot.settings import DEFAULT_HOOKS_URL
from bot.slack import messages
from bot.slack.gate import is_signed, on_hooks_host

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


def error_handler(secret: str | None, hooks_url: str, *, socket_mode: bool = False
                  ) -> Callable[..., BoltResponse | None]:
    """The app's global error handler (`app.error`). `secret` re-checks the request's signature
    (None with `socket_mode`: Socket Mode requests come over the app's own connection)."""
    def verified(request: BoltRequest | None) -> bool:
        if socket_mode:
            return True
        if request is None:
            return False
        return is_signed(request.raw_body.encode("utf-8", "surrogateescape"), request.headers,
                         secret)

    def handle_error(error: Exception, body: dict[str, Any], respond: Respond | None,
                     response: BoltResponse | None, client: WebClient,
                     request: BoltRequest | None = None) -> BoltResponse | None:
        if not verified(request):
            # Nothing from this body is used: not its response_url, user or channel.
            log.warning("refused an unverified request (%s)", type(error).__name__)
            if response is None:
                return None
            return BoltResponse(status=401, body="invalid request signature")
        body = body if isinstance(body, dict) else {}
        log.error("listener failed on %s", _describe(body), exc_info=error)
        apology = messages.simple(messages.APOLOGY)
        if body.get("command") and response is not None:
            # Not yet acknowledged: the apology is the ack body, so the person sees it at once.
            return BoltResponse(status=200, body=json.dumps(apology),
                                headers={"content-type": "application/json;charset=utf-8"})
        tell(body, respond, client, hooks_url)
        return None
    return handle_error


def tell(body: dict[str, Any], respond: Respond | None, client: WebClient,
         hooks_url: str) -> None:
    """Apologise where the person will see it: the response_url, or their App Home."""
    try:
        if respond is not None and on_hooks_host(_response_url(body), hooks_url):
            respond(**messages.simple(messages.APOLOGY), replace_original=False)
            return
        event = body.get("event") or {}
        if event.get("type") == "app_home_opened" and event.get("user"):
            client.views_publish(user_id=event["user"], view={"type": "home", "blocks": [
                {"type": "section", "text": {"type": "mrkdwn",
                                             "text": messages.HOME_UNAVAILABLE}}]})
    except Exception:
        log.exception("could not tell the user about the failure")


def _response_url(body: dict[str, Any]) -> Any:
    urls = body.get("response_urls") or []
    first = urls[0] if isinstance(urls, list) and urls else {}
    return body.get("response_url") or (first.get("response_url")
                                        if isinstance(first, dict) else None)


def guarded(hooks_url: str | Callable[..., None]) -> Any:
    """For lazy listeners (which run only after Bolt verified the request), whose exceptions
    Bolt only logs in one line: same handling as the global error handler. The listener must
    take `body`, `respond` and `client`. Use as `@guarded(settings.slack_hooks_url)`; a bare
    `@guarded` apologises only on Slack's own hooks host."""
    if callable(hooks_url):
        return guarded(DEFAULT_HOOKS_URL)(hooks_url)

    def decorate(func: Callable[..., None]) -> Callable[..., None]:
        @functools.wraps(func)
        def wrapper(**kwargs: Any) -> None:
            try:
                func(**kwargs)
            except Exception as exc:
                log.error("listener %s failed on %s", func.__name__,
                          _describe(kwargs.get("body")), exc_info=exc)
                tell(kwargs.get("body") or {}, kwargs.get("respond"), kwargs["client"],
                     str(hooks_url))
        return wrapper
    return decorate
