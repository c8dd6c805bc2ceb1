"""The door in front of Bolt: a request to /slack/events is checked against Slack's signature
before anything reads its body as a form or JSON.

Bolt parses the body before its own signature check runs, and a check that raises (a timestamp
of `abc`) reaches the app's error handler with the unverified body; so a forged request could
make the bot post to any `response_url`. Here any failure of the check is a 401 and Bolt never
sees the request; a signed body Bolt could not read is a 400.
"""

from __future__ import annotations

import hashlib
import hmac
import io
import json
import logging
import re
import time
from collections.abc import Callable, Iterable, Mapping
from typing import Any
from urllib.parse import parse_qsl, urlsplit

log = logging.getLogger(__name__)

MAX_AGE_SECONDS = 5 * 60  # Slack's advice: older requests may be replays
TIMESTAMP_RE = re.compile(r"^[0-9]{1,12}$")
SIGNATURE_RE = re.compile(r"^v0=[0-9a-f]{64}$")
MAX_BODY = 1_048_576  # Slack sends kilobytes; the HTTP server refuses more anyway

WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


def _header(headers: Mapping[str, Any], name: str) -> str:
    """A header from a WSGI request_env (HTTP_X_...) or from Bolt's lower-cased lists."""
    value = headers.get(name.lower())
    if value is None:
        value = headers.get("HTTP_" + name.upper().replace("-", "_"))
    if isinstance(value, list | tuple):
        value = value[0] if value else None
    return value if isinstance(value, str) else ""


def is_signed(body: bytes, headers: Mapping[str, Any], secret: str | None, *,
              now: float | None = None) -> bool:
    """True when `body` carries a valid, fresh Slack signature made with `secret`. Never raises:
    odd headers (no number, 400 digits, no `v0=`) are simply not signed."""
    if not secret:
        return False
    timestamp = _header(headers, "X-Slack-Request-Timestamp")
    signature = _header(headers, "X-Slack-Signature")
    if not TIMESTAMP_RE.match(timestamp) or not SIGNATURE_RE.match(signature):
        return False
    if abs((time.time() if now is None else now) - int(timestamp)) > MAX_AGE_SECONDS:
        return False
    base = b"v0:" + timestamp.encode() + b":" + body
    expected = "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, signature)


def readable(body: bytes, content_type: str) -> bool:
    """Whether Bolt can read this body into a mapping (the same rules as its parse_body)."""
    try:
        text = body.decode("utf-8")
        if not text:
            return True
        if content_type.split(";")[0].strip() == "application/json" or text.startswith("{"):
            return isinstance(json.loads(text), dict)
        if "payload" in text:
            payload = dict(parse_qsl(text, keep_blank_values=True)).get("payload")
            return payload is None or isinstance(json.loads(payload), dict)
        parse_qsl(text, keep_blank_values=True, strict_parsing=False)
        return True
    except (UnicodeDecodeError, ValueError, RecursionError):
        return False


def on_hooks_host(url: Any, hooks_url: str) -> bool:
    """Whether a `response_url` points at Slack's hooks host (SLACK_HOOKS_URL; the emulator's
    in tests): same scheme, host and port, and below its path. Anything else is never posted."""
    if not isinstance(url, str) or not url:
        return False
    try:
        got, want = urlsplit(url), urlsplit(hooks_url)
        return (got.scheme, got.netloc.lower()) == (want.scheme, want.netloc.lower()) \
            and got.path.startswith(want.path or "/") and not got.username
    except ValueError:
        return False


def _ssl_check(body: bytes) -> bool:
    form = dict(parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True))
    return form.get("ssl_check") == "1" and not {"command", "payload", "type", "event"} & set(form)


def _bolt_safe(body: bytes, request_env: dict[str, Any], secret: str) -> bytes:
    """Bolt reads any form body containing the word "payload" as an interaction, so
    `/inspection search payload` found no command (a 404). The word is percent-encoded in the
    checked body, which decodes to the same form, and the body is signed again for Bolt."""
    if b"payload" not in body or body.lstrip().startswith(b"{"):
        return body
    if "payload" in dict(parse_qsl(body.decode("utf-8"), keep_blank_values=True)):
        return body  # an interaction: Bolt reads it right
    body = body.replace(b"payload", b"p%61yload")
    timestamp = _header(request_env, "X-Slack-Request-Timestamp")
    base = b"v0:" + timestamp.encode() + b":" + body
    request_env["HTTP_X_SLACK_SIGNATURE"] = "v0=" + hmac.new(secret.encode(), base,
                                                             hashlib.sha256).hexdigest()
    return body


def _plain(start_response: Callable[..., Any], status: str, text: str) -> list[bytes]:
    body = text.encode()
    start_response(status, [("Content-Type", "text/plain;charset=utf-8"),
                            ("Content-Length", str(len(body)))])
    return [body]


def signed_only(inner: WsgiApp, secret: str | None) -> WsgiApp:
    """Wrap Bolt's WSGI handler: unsigned → 401, signed but unreadable → 400, else on to Bolt
    with the body it was checked against."""
    def wsgi(request_env: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        if request_env.get("REQUEST_METHOD") != "POST":
            return inner(request_env, start_response)
        try:
            length = int(request_env.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return _plain(start_response, "400 Bad Request", "bad Content-Length")
        if length > MAX_BODY:
            return _plain(start_response, "413 Payload Too Large", "request too large")
        body = request_env["wsgi.input"].read(length) if length > 0 else b""
        if _ssl_check(body):
            # Slack's certificate check: answered 200 (as Bolt would), and nothing acts on it.
            return _plain(start_response, "200 OK", "")
        if not is_signed(body, request_env, secret):
            log.warning("refused a request without a valid Slack signature from %s",
                        request_env.get("REMOTE_ADDR", "?"))
            return _plain(start_response, "401 Unauthorized", "invalid request signature")
        if not readable(body, request_env.get("CONTENT_TYPE") or ""):
            log.warning("refused a signed request whose body is not a form or a JSON object")
            return _plain(start_response, "400 Bad Request", "unreadable request body")
        body = _bolt_safe(body, request_env, secret or "")
        request_env["wsgi.input"] = io.BytesIO(body)
        request_env["CONTENT_LENGTH"] = str(len(body))
        return inner(request_env, start_response)
    return wsgi
