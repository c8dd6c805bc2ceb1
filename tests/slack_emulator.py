"""A loopback Slack Web API emulator for tests (standard library only).

Point a real ``slack_sdk.WebClient`` at it::

    with SlackEmulator() as slack:
        client = WebClient(token="xoxb-test", base_url=slack.base_url)
        client.chat_postMessage(channel="C1", text="hi")
        assert slack.calls_to("chat.postMessage")[0].params["text"] == "hi"

It binds 127.0.0.1 on port 0, records every request (the transcript is the test's evidence),
keeps enough state for a Bolt app and the reminder scheduler (messages per channel with
metadata, App Home views, users, user groups) and answers the way Slack does: HTTP 200 with
``ok: false`` for API errors, HTTP 429 with ``Retry-After`` for rate limits.

Where Slack's behaviour matters to the bot it is strict on purpose: ``conversations.history``
returns message metadata only when ``include_all_metadata`` is set, Block Kit limits are
enforced (``invalid_blocks``), a user id posted to becomes a ``D...`` channel id, and thread
replies are left out of channel history.
"""

from __future__ import annotations

import contextlib
import json
import threading
import time
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from email.parser import BytesParser
from email.policy import HTTP
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

TEAM_ID, BOT_USER_ID, BOT_ID, APP_ID = "T000", "U0BOT", "B0BOT", "A0BOT"

# Fields slack_sdk (or a hand-built form post) sends as JSON strings inside form bodies.
_JSON_FIELDS = ("blocks", "attachments", "metadata", "view", "user_auth_blocks")

_MESSAGE_BLOCKS, _SURFACE_BLOCKS = 50, 100
_MAX_TEXT = 40_000


@dataclass
class Fault:
    """One injected misbehaviour; see ``SlackEmulator.inject``."""

    method: str
    status: int | None = None
    retry_after: int = 1
    error: str | None = None
    delay: float = 0.0
    times: int | None = 1
    body: Any = None
    store: bool = False  # carry the request out, then answer `status` or drop
    drop: bool = False  # close the connection without an answer
    channel: str | None = None  # only requests for this channel
    store_after: float = 0.0  # carry the request out this long after the connection is cut


@dataclass
class Call:
    """One recorded request, in arrival order (faulted and failed requests included)."""

    method: str  # "chat.postMessage", or "response_url" for response_url posts
    path: str
    headers: dict[str, str]
    body: bytes
    params: dict[str, Any]
    status: int | None = None  # HTTP status answered; None while the request is in flight
    response: Any = None  # the JSON (or text) answered
    fault: Fault | None = None

    def header(self, name: str) -> str | None:
        """Header value by case-insensitive name."""
        return next((v for k, v in self.headers.items() if k.lower() == name.lower()), None)


@dataclass
class Channel:
    id: str
    name: str
    exists: bool = True
    member: bool = True
    archived: bool = False
    is_private: bool = False
    is_im: bool = False

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id, "name": self.name, "is_channel": not (self.is_private or self.is_im),
            "is_group": self.is_private, "is_im": self.is_im, "is_private": self.is_private,
            "is_archived": self.archived, "is_member": self.member,
        }


class SlackApiFailure(Exception):
    """Raised inside a handler to answer HTTP 200 ``{"ok": false, "error": ...}``."""

    def __init__(self, error: str, **extra: Any) -> None:
        super().__init__(error)
        self.payload = {"ok": False, "error": error, **extra}


class SlackEmulator:
    """The emulator. Unknown channels and users are created on first use unless
    ``auto_channels`` / ``auto_users`` is False; ``valid_tokens`` (if given) limits which
    tokens pass (others get ``invalid_auth``); ``clock`` stamps message ``ts`` values."""

    def __init__(self, *, auto_channels: bool = True, auto_users: bool = True,
                 valid_tokens: set[str] | None = None, clock=time.time) -> None:
        self.auto_channels, self.auto_users = auto_channels, auto_users
        self.valid_tokens, self.clock = valid_tokens, clock
        self._lock = threading.Condition()
        self._stopping = threading.Event()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self.reset()

    # -- lifecycle ---------------------------------------------------------------------
    def start(self) -> SlackEmulator:
        handler = type("Handler", (_Handler,), {"emulator": self})
        self._server = _QuietServer(("127.0.0.1", 0), handler)
        self._stopping.clear()
        self._thread = threading.Thread(target=self._server.serve_forever,
                                        kwargs={"poll_interval": 0.05}, daemon=True,
                                        name="slack-emulator")
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()  # wakes any injected delay
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def __enter__(self) -> SlackEmulator:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def port(self) -> int:
        if self._server is None:
            raise RuntimeError("SlackEmulator is not started")
        return self._server.server_address[1]

    def url(self, path: str = "") -> str:
        return f"http://127.0.0.1:{self.port}/{path.lstrip('/')}"

    @property
    def base_url(self) -> str:
        return self.url("api/")

    # -- configuration -----------------------------------------------------------------
    def reset(self) -> None:
        """Forget everything: calls, messages, channels, users, faults, views."""
        with self._lock:
            self.calls: list[Call] = []
            self.responses: list[Any] = []
            self.ephemerals: list[dict[str, Any]] = []
            self.home_views: dict[str, dict[str, Any]] = {}
            self.opened_views: list[dict[str, Any]] = []
            self.users: dict[str, dict[str, Any]] = {}
            self.usergroups: dict[str, list[str]] = {}
            self._channels: dict[str, Channel] = {}
            self._messages: dict[str, list[dict[str, Any]]] = {}
            self._faults: list[Fault] = []
            self._last_us = 0
            self._response_urls = 0
            self._response_uses: dict[str, int] = {}

    def clear(self) -> None:
        """Forget recorded calls and response_url posts; keep state (messages, channels)."""
        with self._lock:
            self.calls.clear()
            self.responses.clear()

    def set_channel(self, id: str, *, exists: bool = True, member: bool = True,
                    archived: bool = False, name: str | None = None,
                    private: bool = False) -> None:
        with self._lock:
            self._channels[id] = Channel(id, name or id.lower(), exists, member, archived,
                                         private, id.startswith("D"))

    def set_user(self, id: str, **fields: Any) -> None:
        """Define a user for ``users.info``; ``fields`` override the synthetic defaults."""
        with self._lock:
            self.users[id] = {**_synthetic_user(id), **fields}

    def set_usergroup(self, id: str, users: list[str]) -> None:
        with self._lock:
            self.usergroups[id] = list(users)

    def inject(self, method: str, *, status: int | None = None, retry_after: int = 1,
               error: str | None = None, delay: float = 0.0, times: int | None = 1,
               body: Any = None, store: bool = False, drop: bool = False,
               channel: str | None = None, store_after: float = 0.0) -> Fault:
        """Make the next ``times`` calls to ``method`` ("*" for any) misbehave.

        - ``status=429`` answers HTTP 429 with ``Retry-After: retry_after``; any other
          ``status`` (500, 503) answers that status. The request is not carried out.
        - ``error="channel_not_found"`` answers HTTP 200 ``ok: false`` with that error.
        - ``delay=seconds`` alone carries the request out (a post is stored) and holds the
          answer: a timeout where Slack did the work but the caller never heard. With
          ``status``/``error`` the delay comes first and nothing is carried out.
        - ``store=True`` with ``status`` (500, 503) or ``drop``: the request *is* carried out
          (a message stored), then answered with that status or the connection closed: an
          outcome the caller cannot know.
        - ``drop=True`` alone closes the connection without an answer and does nothing.
        - ``store_after=seconds``: the request is carried out that much later, then answered
          (Slack still processing a post whose sender may die meanwhile); with ``drop`` the
          connection is closed at once and the request carried out later all the same.
        - ``channel`` limits the fault to requests naming that channel.
        - With none of these, the fault is a rate limit (429).

        Faults are consumed in the order injected; ``times=None`` means forever.
        """
        if status is None and error is None and not delay and not drop:
            status = 429
        fault = Fault(method, status, retry_after, error, delay, times, body, store, drop,
                      channel, store_after)
        with self._lock:
            self._faults.append(fault)
        return fault

    def reset_faults(self) -> None:
        """Stop misbehaving: drop every injected fault not yet used up."""
        with self._lock:
            self._faults.clear()

    def new_response_url(self) -> str:
        with self._lock:
            self._response_urls += 1
            return self.url(f"response/{self._response_urls}")

    # -- inspection ----------------------------------------------------------------------
    def calls_to(self, method: str) -> list[Call]:
        with self._lock:
            return [c for c in self.calls if c.method == method]

    def wait_for(self, method: str, count: int = 1, timeout: float = 5.0) -> list[Call]:
        """Block until ``count`` answered calls to ``method`` are recorded (for work done on
        other threads, such as Bolt's ``respond()``); raise ``TimeoutError`` otherwise."""
        def answered() -> list[Call]:
            return [c for c in self.calls if c.method == method and c.status is not None]
        with self._lock:
            if not self._lock.wait_for(lambda: len(answered()) >= count, timeout):
                raise TimeoutError(f"{len(answered())} of {count} calls to {method}")
            return answered()

    def all_messages(self) -> dict[str, list[dict[str, Any]]]:
        """Every channel's stored messages (channel id -> messages, oldest first)."""
        with self._lock:
            return json.loads(json.dumps(self._messages))

    def messages(self, channel: str) -> list[dict[str, Any]]:
        """Messages stored in ``channel``, oldest first, metadata included."""
        with self._lock:
            return json.loads(json.dumps(self._messages.get(channel, [])))

    # -- request handling ---------------------------------------------------------------
    def _handle(self, req: _Handler) -> None:
        split = urlsplit(req.path)
        length = int(req.headers.get("Content-Length") or 0)
        body = req.rfile.read(length) if length else b""
        if split.path.startswith("/api/"):
            method = split.path[len("/api/"):]
        elif split.path.startswith("/response/"):
            method = "response_url"
        else:
            method = ""  # recorded, answered 404
        headers = dict(req.headers.items())
        params = _parse_params(split.query, body, req.headers.get("Content-Type", ""))
        call = Call(method, split.path, headers, body, params)
        with self._lock:
            self.calls.append(call)
            call.fault = fault = self._take_fault(method, params)
        extra: dict[str, str] = {}
        if fault is not None and fault.store_after and fault.drop:
            threading.Thread(target=self._late, args=(fault, method, params, headers, split.path),
                             daemon=True).start()
            self._finish(call, None, "dropped")
            req.drop()
            return
        if fault is not None and not fault.store and (fault.status is not None
                                                      or fault.error is not None or fault.drop):
            self._stopping.wait(fault.delay)
            status, payload = fault.status or 200, fault.body
            if payload is None:
                payload = {"ok": False, "error": fault.error or _status_error(status)}
            if status == 429:
                extra["Retry-After"] = str(fault.retry_after)
        else:
            if fault is not None:
                self._stopping.wait(fault.store_after)
            status, payload = self._carry_out(method, params, headers, split.path)
            if fault is not None:
                self._stopping.wait(fault.delay)
                if fault.store and fault.status is not None:
                    status, payload = fault.status, {"ok": False,
                                                     "error": _status_error(fault.status)}
        if fault is not None and fault.drop:
            self._finish(call, None, "dropped")
            req.drop()
            return
        self._finish(call, status, payload)
        req.answer(status, payload, extra)

    def _carry_out(self, method: str, params: dict[str, Any], headers: dict[str, str],
                   path: str) -> tuple[int, Any]:
        with self._lock:
            try:
                return self._dispatch(method, params, headers, path)
            except Exception as exc:  # an emulator bug: fail loudly, never hang the client
                return 500, {"ok": False, "error": f"emulator_error: {exc!r}"}

    def _late(self, fault: Fault, method: str, params: dict[str, Any], headers: dict[str, str],
              path: str) -> None:
        if not self._stopping.wait(fault.store_after):
            self._carry_out(method, params, headers, path)

    def _finish(self, call: Call, status: int | None, payload: Any) -> None:
        with self._lock:
            call.status, call.response = status, payload
            if status is None:
                call.status = 0  # answered with a closed connection
            self._lock.notify_all()

    def _take_fault(self, method: str, params: dict[str, Any]) -> Fault | None:
        for fault in self._faults:
            if fault.method in (method, "*") and fault.channel in (None, params.get("channel")):
                if fault.times is not None:
                    fault.times -= 1
                    if fault.times <= 0:
                        self._faults.remove(fault)
                return fault
        return None

    def _dispatch(self, method: str, params: dict[str, Any], headers: dict[str, str],
                  path: str) -> tuple[int, Any]:
        if not method:
            return 404, {"ok": False, "error": "unknown_path"}
        if method == "response_url":
            # Like Slack: only issued URLs work, and each takes at most five posts.
            number = path.rsplit("/", 1)[-1]
            if not number.isdigit() or not 0 < int(number) <= self._response_urls:
                return 404, "expired_url"
            if self._response_uses.get(number, 0) >= 5:
                return 404, "used_url"
            self._response_uses[number] = self._response_uses.get(number, 0) + 1
            self.responses.append(params)
            return 200, "ok"
        token = params.get("token") or ""
        auth = next((v for k, v in headers.items() if k.lower() == "authorization"), "")
        if auth.startswith("Bearer "):
            token = auth[len("Bearer "):].strip()
        if not token:
            return 200, {"ok": False, "error": "not_authed"}
        if self.valid_tokens is not None and token not in self.valid_tokens:
            return 200, {"ok": False, "error": "invalid_auth"}
        handler = getattr(self, "_api_" + method.replace(".", "_"), None)
        try:
            return 200, handler(params) if handler else {"ok": True}
        except SlackApiFailure as failure:
            return 200, failure.payload
        except (ValueError, TypeError, AttributeError):
            return 200, {"ok": False, "error": "invalid_arguments"}

    # -- state helpers (called with the lock held) --------------------------------------
    def _channel(self, cid: Any, *, dm_for_user: bool = False) -> Channel:
        cid = str(cid or "")
        if dm_for_user and cid[:1] in ("U", "W"):
            cid = "D" + cid[1:]
            self._channels.setdefault(cid, Channel(cid, cid.lower(), is_im=True))
        channel = self._channels.get(cid)
        if channel is None and cid and self.auto_channels:
            channel = self._channels[cid] = Channel(cid, cid.lower(), is_im=cid.startswith("D"))
        if channel is None or not channel.exists:
            raise SlackApiFailure("channel_not_found")
        return channel

    def _find(self, channel: str, ts: Any) -> dict[str, Any]:
        for message in self._messages.get(channel, []):
            if message["ts"] == ts:
                return message
        raise SlackApiFailure("message_not_found")

    def _next_ts(self) -> str:
        us = max(int(self.clock() * 1_000_000), self._last_us + 1)
        self._last_us = us
        return f"{us // 1_000_000}.{us % 1_000_000:06d}"

    def _message_content(self, params: dict[str, Any]) -> dict[str, Any]:
        text, blocks = params.get("text"), params.get("blocks")
        attachments = params.get("attachments")
        if not text and not blocks and not attachments:
            raise SlackApiFailure("no_text")
        if text and len(text) > _MAX_TEXT:
            raise SlackApiFailure("msg_too_long")
        _check_blocks(blocks, _MESSAGE_BLOCKS)
        content: dict[str, Any] = {"text": text or ""}
        if blocks:
            content["blocks"] = blocks
        if attachments:
            content["attachments"] = attachments
        metadata = params.get("metadata")
        if metadata is not None:
            if not (isinstance(metadata, dict) and isinstance(metadata.get("event_type"), str)
                    and isinstance(metadata.get("event_payload", {}), dict)):
                raise SlackApiFailure("invalid_metadata_format")
            content["metadata"] = {"event_type": metadata["event_type"],
                                   "event_payload": metadata.get("event_payload", {})}
        return content

    # -- Web API methods ----------------------------------------------------------------
    def _api_auth_test(self, params: dict[str, Any]) -> dict[str, Any]:
        return {"ok": True, "url": "https://emulated.slack.com/", "team": "Emulated",
                "user": "inspection-bot", "team_id": TEAM_ID, "user_id": BOT_USER_ID,
                "bot_id": BOT_ID, "is_enterprise_install": False}

    def _api_chat_postMessage(self, params: dict[str, Any]) -> dict[str, Any]:
        channel = self._channel(params.get("channel"), dm_for_user=True)
        if channel.archived:
            raise SlackApiFailure("is_archived")
        if not channel.member:
            raise SlackApiFailure("not_in_channel")
        message = {"type": "message", "user": BOT_USER_ID, "bot_id": BOT_ID, "app_id": APP_ID,
                   "team": TEAM_ID, **self._message_content(params), "ts": self._next_ts()}
        if params.get("thread_ts"):
            message["thread_ts"] = str(params["thread_ts"])
        self._messages.setdefault(channel.id, []).append(message)
        return {"ok": True, "channel": channel.id, "ts": message["ts"], "message": dict(message)}

    def _api_chat_postEphemeral(self, params: dict[str, Any]) -> dict[str, Any]:
        channel = self._channel(params.get("channel"))
        if not params.get("user"):
            raise SlackApiFailure("user_not_found")
        if channel.archived:
            raise SlackApiFailure("is_archived")
        if not channel.member:
            raise SlackApiFailure("not_in_channel")
        ts = self._next_ts()
        self.ephemerals.append({"channel": channel.id, "user": params["user"],
                                **self._message_content(params), "message_ts": ts})
        return {"ok": True, "message_ts": ts}

    def _api_chat_update(self, params: dict[str, Any]) -> dict[str, Any]:
        channel = self._channel(params.get("channel"))
        message = self._find(channel.id, params.get("ts"))
        message.update(self._message_content(params))
        if params.get("blocks") == []:  # Slack keeps omitted blocks; [] removes them
            message.pop("blocks", None)
        return {"ok": True, "channel": channel.id, "ts": message["ts"],
                "text": message["text"], "message": dict(message)}

    def _api_chat_delete(self, params: dict[str, Any]) -> dict[str, Any]:
        channel = self._channel(params.get("channel"))
        message = self._find(channel.id, params.get("ts"))
        self._messages[channel.id].remove(message)
        return {"ok": True, "channel": channel.id, "ts": params.get("ts")}

    def _api_conversations_history(self, params: dict[str, Any]) -> dict[str, Any]:
        channel = self._channel(params.get("channel"))
        if not channel.member:
            raise SlackApiFailure("not_in_channel")
        inclusive = _truthy(params.get("inclusive"))
        oldest, latest = _ts(params.get("oldest"), "0"), _ts(params.get("latest"), "inf")
        found = [m for m in reversed(self._messages.get(channel.id, []))
                 if m.get("thread_ts", m["ts"]) == m["ts"]  # replies stay in their thread
                 and (oldest <= _ts(m["ts"]) if inclusive else oldest < _ts(m["ts"]))
                 and (_ts(m["ts"]) <= latest if inclusive else _ts(m["ts"]) < latest)]
        return self._page(found, params, "messages", default_limit=100,
                          keep_metadata=_truthy(params.get("include_all_metadata")))

    def _api_conversations_replies(self, params: dict[str, Any]) -> dict[str, Any]:
        channel = self._channel(params.get("channel"))
        parent = self._find(channel.id, params.get("ts"))
        thread = [m for m in self._messages[channel.id]
                  if m is parent or m.get("thread_ts") == parent["ts"]]
        return self._page(thread, params, "messages", default_limit=1000,
                          keep_metadata=_truthy(params.get("include_all_metadata")))

    def _page(self, items: list[dict[str, Any]], params: dict[str, Any], key: str, *,
              default_limit: int, keep_metadata: bool) -> dict[str, Any]:
        start = int(params.get("cursor") or 0)
        limit = max(1, min(int(params.get("limit") or default_limit), 999))
        page = [dict(m) for m in items[start:start + limit]]
        if not keep_metadata:
            for m in page:
                m.pop("metadata", None)
        more = start + limit < len(items)
        return {"ok": True, key: page, "has_more": more,
                "response_metadata": {"next_cursor": str(start + limit) if more else ""}}

    def _api_conversations_info(self, params: dict[str, Any]) -> dict[str, Any]:
        return {"ok": True, "channel": self._channel(params.get("channel")).as_json()}

    def _api_conversations_join(self, params: dict[str, Any]) -> dict[str, Any]:
        channel = self._channel(params.get("channel"))
        if channel.archived:
            raise SlackApiFailure("is_archived")
        if channel.is_private or channel.is_im:
            raise SlackApiFailure("method_not_supported_for_channel_type")
        channel.member = True
        return {"ok": True, "channel": channel.as_json()}

    def _api_conversations_open(self, params: dict[str, Any]) -> dict[str, Any]:
        if params.get("channel"):
            return {"ok": True, "channel": self._channel(params["channel"]).as_json()}
        users = [u for u in str(params.get("users") or "").split(",") if u]
        if len(users) != 1:
            raise SlackApiFailure("users_list_not_supplied" if not users else "not_enabled")
        return {"ok": True, "channel": self._channel(users[0], dm_for_user=True).as_json()}

    def _api_views_publish(self, params: dict[str, Any]) -> dict[str, Any]:
        view = params.get("view")
        if not params.get("user_id") or not isinstance(view, dict) or view.get("type") != "home":
            raise SlackApiFailure("invalid_arguments")
        _check_blocks(view.get("blocks"), _SURFACE_BLOCKS)
        stored = {**view, "id": f"V{len(self.home_views) + 1:08d}", "team_id": TEAM_ID}
        self.home_views[params["user_id"]] = stored
        return {"ok": True, "view": stored}

    def _api_views_open(self, params: dict[str, Any]) -> dict[str, Any]:
        view = params.get("view")
        if not params.get("trigger_id") or not isinstance(view, dict):
            raise SlackApiFailure("invalid_arguments")
        _check_blocks(view.get("blocks"), _SURFACE_BLOCKS)
        stored = {**view, "id": f"VM{len(self.opened_views) + 1:07d}", "team_id": TEAM_ID}
        self.opened_views.append(stored)
        return {"ok": True, "view": stored}

    def _api_users_info(self, params: dict[str, Any]) -> dict[str, Any]:
        uid = str(params.get("user") or "")
        if uid not in self.users and not (uid and self.auto_users):
            raise SlackApiFailure("user_not_found")
        return {"ok": True, "user": self.users.get(uid) or _synthetic_user(uid)}

    def _api_usergroups_users_list(self, params: dict[str, Any]) -> dict[str, Any]:
        group = str(params.get("usergroup") or "")
        if group not in self.usergroups:
            raise SlackApiFailure("no_such_subteam")
        return {"ok": True, "users": list(self.usergroups[group])}


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True  # a held (delayed) answer must not block stop()

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # no tracebacks on stderr when a client hangs up


class _Handler(BaseHTTPRequestHandler):
    emulator: SlackEmulator

    def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
        self.emulator._handle(self)

    do_GET = do_POST

    def answer(self, status: int, payload: Any, headers: dict[str, str] | None = None) -> None:
        is_text = isinstance(payload, str | bytes)
        data = payload if isinstance(payload, bytes) else (
            payload if is_text else json.dumps(payload)).encode("utf-8")
        try:
            self.send_response(status)
            self.send_header("Content-Type", "text/plain; charset=utf-8" if is_text
                             else "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (an injected delay outlasted its timeout)

    def drop(self) -> None:
        """Close the connection without a word: the client sees it dropped."""
        self.close_connection = True
        with contextlib.suppress(OSError):
            self.connection.shutdown(2)  # socket.SHUT_RDWR

    def log_message(self, format: str, *args: Any) -> None:
        pass  # quiet: the transcript is in SlackEmulator.calls


def _parse_params(query: str, body: bytes, content_type: str) -> dict[str, Any]:
    params: dict[str, Any] = dict(parse_qsl(query, keep_blank_values=True))
    ctype = content_type.split(";")[0].strip().lower()
    if ctype == "application/json" and body:
        try:
            decoded = json.loads(body)
        except ValueError:
            decoded = None
        if isinstance(decoded, dict):
            params.update(decoded)
    elif ctype == "multipart/form-data":
        message = BytesParser(policy=HTTP).parsebytes(
            b"Content-Type: " + content_type.encode() + b"\r\n\r\n" + body)
        for part in message.iter_parts():
            name = part.get_param("name", header="content-disposition")
            if isinstance(name, str):
                payload: bytes = part.get_payload(decode=True) or b""  # type: ignore[assignment]
                params[name] = payload if part.get_filename() else payload.decode("utf-8")
    elif body:
        params.update(parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True))
    for key in _JSON_FIELDS:
        value = params.get(key)
        if isinstance(value, str) and value[:1] in ("[", "{"):
            with contextlib.suppress(ValueError):  # left as sent; the method rejects it
                params[key] = json.loads(value)
    return params


def _check_blocks(blocks: Any, limit: int) -> None:
    """Slack's Block Kit limits, answered as Slack does: ``invalid_blocks`` with reasons."""
    if blocks is None or blocks == []:
        return
    problems: list[str] = []
    if not isinstance(blocks, list):
        raise SlackApiFailure("invalid_blocks_format")
    if len(blocks) > limit:
        problems.append(f"no more than {limit} items allowed [json-pointer:/blocks]")
    seen_ids: set[str] = set()
    for i, block in enumerate(blocks):
        where = f"[json-pointer:/blocks/{i}"
        if not isinstance(block, dict) or "type" not in block:
            problems.append(f"missing required field: type {where}]")
            continue
        block_id = block.get("block_id")
        if block_id is not None:
            if block_id in seen_ids:
                problems.append(f"duplicate block_id {where}/block_id]")
            seen_ids.add(block_id)
        kind, text = block["type"], (block.get("text") or {}).get("text", "")
        if kind == "section":
            fields = block.get("fields") or []
            if not text and not fields:
                problems.append(f"must provide text or fields {where}]")
            if len(text) > 3000:
                problems.append(f"must be less than 3001 characters {where}/text/text]")
            if len(fields) > 10:
                problems.append(f"no more than 10 items allowed {where}/fields]")
            problems += [f"must be less than 2001 characters {where}/fields/{j}/text]"
                         for j, f in enumerate(fields) if len(f.get("text", "")) > 2000]
        elif kind == "header" and len(text) > 150:
            problems.append(f"must be less than 151 characters {where}/text/text]")
        elif kind == "actions" and len(block.get("elements") or []) > 25:
            problems.append(f"no more than 25 items allowed {where}/elements]")
        elif kind == "context" and len(block.get("elements") or []) > 10:
            problems.append(f"no more than 10 items allowed {where}/elements]")
    if problems:
        raise SlackApiFailure("invalid_blocks", response_metadata={
            "messages": [f"[ERROR] {p}" for p in problems]})


def _synthetic_user(uid: str) -> dict[str, Any]:
    return {"id": uid, "team_id": TEAM_ID, "name": uid.lower(), "real_name": f"User {uid}",
            "tz": "Europe/London", "is_bot": False, "deleted": False,
            "profile": {"display_name": uid.lower(), "real_name": f"User {uid}"}}


def _status_error(status: int) -> str:
    return {429: "ratelimited", 500: "internal_error", 503: "service_unavailable"}.get(
        status, "fatal_error")


def _truthy(value: Any) -> bool:
    return str(value).strip().lower() in ("1", "true", "yes")


def _ts(value: Any, default: str = "0") -> Decimal:
    try:
        return Decimal(str(value)) if value not in (None, "") else Decimal(default)
    except InvalidOperation:
        raise SlackApiFailure("invalid_ts_oldest") from None
