"""Serving the Slack app: HTTP with waitress (a production WSGI server), or Socket Mode with a
watchdog that reconnects a connection that died quietly. SIGTERM and SIGINT stop both cleanly:
HTTP stops accepting, finishes the requests in flight, then exits."""

from __future__ import annotations

import datetime as dt
import json
import logging
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterable
from http import HTTPStatus
from typing import Any, Protocol
from urllib.parse import parse_qs

from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from waitress.server import create_server

from bot.settings import Settings
from bot.slack.gate import signed_only

log = logging.getLogger(__name__)

EVENTS_PATH = "/slack/events"
HEALTH_PATH = "/healthz"
CALENDAR_PATH = "/calendar.ics"
THREADS = 8
DRAIN_SECONDS = 10.0
# Idle connections: a client that connects and sends nothing holds a slot. Slack's requests take
# milliseconds, so an idle connection is dropped after IDLE_TIMEOUT seconds (checked every
# CLEANUP_INTERVAL), and up to CONNECTION_LIMIT may be open at once (poll(), not select(),
# which stops at 1,024 descriptors). Past the limit a reverse proxy must hold the line.
CONNECTION_LIMIT = 1000
IDLE_TIMEOUT = 20
CLEANUP_INTERVAL = 5


def make_wsgi_app(app: App, kb_holder: Any = None, *, calendar_token: str | None = None,
                  today: Callable[[], Any] | None = None,
                  calendar_state: Any = None,
                  health_check: Callable[[], tuple[bool, dict[str, Any]]] | None = None,
                  signing_secret: str | None = None) -> Callable[..., Iterable[bytes]]:
    """POST /slack/events goes to Bolt once its Slack signature is checked (bot.slack.gate;
    `signing_secret` defaults to the app's own); GET /healthz says whether the bot can answer
    (`health_check`, bot/health.py: 200, or 503 with the reasons) and which content version it
    serves; GET /calendar.ics?token=... is the deadlines feed (404 unless CALENDAR_TOKEN is
    set)."""
    # Bolt has no public accessor for the secret it was built with.
    secret = signing_secret or getattr(app, "_signing_secret", None)
    slack = signed_only(SlackRequestHandler(app, path=EVENTS_PATH), secret)

    def wsgi(request_env: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        path, method = request_env.get("PATH_INFO"), request_env.get("REQUEST_METHOD")
        if path == HEALTH_PATH and method in ("GET", "HEAD"):
            ok, report = health_check() if health_check else (True, health(kb_holder))
            body = json.dumps(report).encode()
            return _reply(start_response, 200 if ok else 503, {"Content-Type": "application/json",
                                                "Cache-Control": "no-store"}, body, method)
        if path == CALENDAR_PATH and method in ("GET", "HEAD") and kb_holder and today:
            from bot.exports.calendar import calendar_response

            query = parse_qs(request_env.get("QUERY_STRING", ""))
            token = query.get("token", [None])[0]
            status, headers, body = calendar_response(
                kb_holder.current.kb, token, calendar_token, today(),
                now=dt.datetime.now(dt.UTC), state=calendar_state,
                force=query.get("force", [None])[0])
            return _reply(start_response, status, headers, body, method)
        return slack(request_env, start_response)

    return wsgi


def _reply(start_response: Callable[..., Any], status: int, headers: dict[str, str],
           body: bytes, method: str | None) -> list[bytes]:
    start_response(f"{status} {HTTPStatus(status).phrase}",
                   [*headers.items(), ("Content-Length", str(len(body)))])
    return [body] if method != "HEAD" else [b""]


def health(kb_holder: Any) -> dict[str, Any]:
    if kb_holder is None:
        return {"ok": True}
    snap = kb_holder.current
    refused = getattr(kb_holder, "refused", None)
    return {"ok": True, "content": snap.kb.counts(), "content_version": snap.version[:12],
            "content_problems": len(refused.problems) if refused else 0}


class HttpServer:
    """waitress on host:port (port 0 picks a free one) with a stop() that drains."""

    def __init__(self, wsgi: Callable[..., Iterable[bytes]], host: str = "127.0.0.1",
                 port: int = 3000, *, threads: int = THREADS) -> None:
        self._map: dict[int, Any] = {}
        self._server = create_server(
            wsgi, map=self._map, host=host, port=port, threads=threads,
            ident="inspection-bot", max_request_body_size=1_048_576,  # Slack sends KBs
            connection_limit=CONNECTION_LIMIT, channel_timeout=IDLE_TIMEOUT,
            cleanup_interval=CLEANUP_INTERVAL, asyncore_use_poll=True)
        self._stop = threading.Event()
        self._done = threading.Event()

    @property
    def host(self) -> str:
        return str(self._server.effective_host)

    @property
    def port(self) -> int:
        return int(self._server.effective_port)

    def serve_forever(self) -> None:
        srv = self._server
        use_poll = srv.adj.asyncore_use_poll
        try:
            while not self._stop.is_set():
                srv.asyncore.loop(timeout=0.2, map=self._map, count=1, use_poll=use_poll)
            self._drain(use_poll)
        finally:
            self._done.set()

    def _drain(self, use_poll: bool) -> None:
        srv = self._server
        srv.asyncore.dispatcher.close(srv)  # stop accepting; keep the trigger for replies
        deadline = time.monotonic() + DRAIN_SECONDS
        while time.monotonic() < deadline and self._busy():
            srv.asyncore.loop(timeout=0.05, map=self._map, count=1, use_poll=use_poll)
        for channel in list(self._map.values()):
            channel.close()
        srv.task_dispatcher.shutdown(cancel_pending=True, timeout=2)

    def _busy(self) -> bool:
        dispatcher = self._server.task_dispatcher
        if dispatcher.queue or dispatcher.active_count:
            return True
        return any(getattr(ch, "requests", None) or getattr(ch, "total_outbufs_len", 0)
                   for ch in self._map.values())

    def stop(self, wait: bool = True) -> None:
        self._stop.set()
        if wait and threading.current_thread() is not threading.main_thread():
            self._done.wait(DRAIN_SECONDS + 5)


def _on_signals(stop: Callable[[], None]) -> None:
    """SIGTERM (docker stop, systemd) and SIGINT (Ctrl-C) call `stop`; main thread only."""
    if threading.current_thread() is not threading.main_thread():
        return

    def handler(signum: int, _frame: Any) -> None:
        log.info("received %s: shutting down", signal.Signals(signum).name)
        stop()

    signal.signal(signal.SIGTERM, handler)
    signal.signal(signal.SIGINT, handler)


def serve_http(app: App, host: str, port: int, *, kb_holder: Any = None,
               calendar_token: str | None = None, today: Callable[[], Any] | None = None,
               calendar_state: Any = None,
               health_check: Callable[[], tuple[bool, dict[str, Any]]] | None = None) -> None:
    """Serve until SIGTERM/SIGINT, then finish in-flight requests and return."""
    server = HttpServer(make_wsgi_app(app, kb_holder, calendar_token=calendar_token,
                                      today=today, calendar_state=calendar_state,
                                      health_check=health_check), host, port)
    _on_signals(lambda: server.stop(wait=False))
    log.info("serving http://%s:%d%s and %s with %d threads", server.host, server.port,
             EVENTS_PATH, HEALTH_PATH, THREADS)
    server.serve_forever()
    log.info("stopped")


# --- Socket Mode -----------------------------------------------------------------------------

class SocketClient(Protocol):
    def is_connected(self) -> bool: ...

    def connect(self) -> None: ...


def watchdog(client: SocketClient, stop: threading.Event, interval: float = 10.0) -> None:
    """Every `interval` seconds, reconnect if the connection is gone. Runs until `stop`."""
    while not stop.wait(interval):
        try:
            if not client.is_connected():
                log.warning("Socket Mode connection lost: reconnecting")
                client.connect()
                log.info("Socket Mode reconnected")
        except Exception:
            log.exception("Socket Mode reconnect failed; trying again in %.0f s", interval)


def serve_socket_mode(app: App, app_token: str, *, check_every: float = 10.0,
                      stop: threading.Event | None = None) -> None:
    """Connect over Socket Mode and serve until SIGTERM/SIGINT (or `stop` is set)."""
    from slack_bolt.adapter.socket_mode import SocketModeHandler

    stop = stop or threading.Event()
    handler = SocketModeHandler(app, app_token)
    _on_signals(stop.set)
    handler.connect()
    log.info("connected over Socket Mode")
    guard = threading.Thread(target=watchdog, args=(handler.client, stop, check_every),
                             name="socket-mode-watchdog", daemon=True)
    guard.start()
    while not stop.wait(1.0):
        pass
    handler.close()
    guard.join(timeout=check_every + 1)
    log.info("stopped")


# --- `inspection-bot serve` ------------------------------------------------------------------

# How long a thread runs Python before one that waits for the GIL may take it (CPython's default
# is 5 ms). An answer that comes back from SQLite (a search: the postings, the reports' text)
# waits that long behind whichever thread runs, once for each query; at 1 ms a search under load
# waits a fifth as long, and a thread that computes is switched out a little more often.
# Measured by bench/bench_scale.py: p99 at 43 forces 1.96x -> 1.70x of the shipped content's.
SWITCH_INTERVAL = 0.001


def prepare_process() -> None:
    """The serving process's settings, before any of its threads starts: fewer malloc arenas
    (bot/memory.py) and a shorter switch interval."""
    from bot.memory import fewer_arenas

    fewer_arenas()
    sys.setswitchinterval(SWITCH_INTERVAL)


def run_server(settings: Settings, *, use_http: bool, host: str, port: int,
               log_level: str = "INFO") -> None:
    """Check the configuration, load the content, build the app and serve it (the CLI's job)."""
    from slack_bolt.error import BoltError as SlackBoltError

    prepare_process()  # before any thread of the server's starts

    from bot.clock import today
    from bot.errors import BotError, ContentInvalid
    from bot.health import Health, check_can_render
    from bot.live import LiveKnowledgeBase
    from bot.render.templating import build_env
    from bot.slack import build_app
    from bot.slack.admin import report_content_changes, report_content_errors

    logging.basicConfig(level=log_level.upper(),
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    socket_mode = bool(settings.slack_app_token) and not use_http
    missing = [] if settings.slack_bot_token else ["SLACK_BOT_TOKEN"]
    if not socket_mode and not settings.slack_signing_secret:
        missing.append("SLACK_SIGNING_SECRET")
    if missing:
        raise BotError(f"{' and '.join(missing)} must be set to serve Slack. Copy them from the "
                       "Slack app's settings (see deploy/.env.example and the README's "
                       "installation steps).")
    try:
        live = LiveKnowledgeBase(settings.content_dir, env=build_env(settings.templates_dir),
                                 cache_dir=settings.cache_dir)
    except ContentInvalid as exc:
        raise BotError(f"the content in {settings.content_dir} has errors; the bot will not "
                       f"start on it.\n{exc.message}\nRun `inspection-bot validate "
                       f"{settings.content_dir}` after fixing them.") from None
    from bot.ask.forces import unknown_default

    if problem := unknown_default(live.current.kb, settings.default_force):
        raise BotError(problem)
    check_can_render(live, today(settings))  # before Slack is contacted: fail fast and plainly
    try:
        app = build_app(settings, live, socket_mode=socket_mode)
    except SlackBoltError as exc:
        raise BotError(f"Slack did not accept SLACK_BOT_TOKEN ({exc}). Check the token and "
                       f"SLACK_API_URL ({settings.slack_api_url}).") from None
    except OSError as exc:
        raise BotError(f"cannot reach the Slack Web API at {settings.slack_api_url}: "
                       f"{exc}") from None
    from bot.content.policy import policy_of
    from bot.reminders.channels import check_channels, refusal

    errors, warnings = check_channels(app.client, policy_of(live.current.kb))
    if errors:
        raise BotError(refusal(errors, "serve"))
    for warning in warnings:
        log.warning("%s", warning)
    if settings.maintainers_channel:
        report_content_errors(live, app.client, settings.maintainers_channel)
        report_content_changes(live, app.client, settings.maintainers_channel)
    live.start()
    from bot.reminders.service import ReminderService

    # its own client: reminder posts are never retried blindly (bot/reminders/sender.py); its
    # ledger is created or upgraded first, and a schema newer than this version stops serve
    reminders = ReminderService(settings, live).start()
    from bot.memory import settle_on_changes

    settle_on_changes(live)  # what lives until the next version: out of the collector's walks
    try:
        if socket_mode:
            assert settings.slack_app_token is not None
            serve_socket_mode(app, settings.slack_app_token)
        else:
            state = None
            if settings.calendar_token:  # the feed is on: remember what it published
                from bot.exports.calendar_state import CalendarState

                state = CalendarState(settings.db_url).create()
            health = Health(live, lambda: today(settings), engine=reminders.ledger.engine,
                            reminders=reminders)
            serve_http(app, host, port, kb_holder=live, calendar_token=settings.calendar_token,
                       today=lambda: today(settings), calendar_state=state, health_check=health)
    finally:
        reminders.stop()
        live.stop()
