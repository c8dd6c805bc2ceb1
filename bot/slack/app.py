"""The Slack app factory. No module-level app: `build_app` wires settings, the live knowledge
base and a Web API client into a sync Bolt app, with listeners registered per area."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from zoneinfo import ZoneInfo

from slack_bolt import App
from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)

from bot.reminders.reader import LedgerReader
from bot.settings import Settings
from bot.slack import actions, commands, conversations, home
from bot.slack.failures import error_handler
from bot.slack.feedback import FeedbackStore
from bot.slack.services import AnswerCache, KnowledgeBaseHolder, Services

log = logging.getLogger(__name__)


def build_client(settings: Settings) -> WebClient:
    """The Web API client: SLACK_API_URL, and retries for connection errors, 429 (waiting as
    long as Retry-After says) and 5xx. The SDK retries none of 429 or 5xx by default."""
    return WebClient(
        token=settings.slack_bot_token, base_url=settings.slack_api_url, timeout=10,
        retry_handlers=[ConnectionErrorRetryHandler(max_retry_count=2),
                        RateLimitErrorRetryHandler(max_retry_count=3),
                        ServerErrorRetryHandler(max_retry_count=2)])


def _today(settings: Settings) -> Callable[[], dt.date]:
    from bot.clock import today  # the one function that reads the clock

    return lambda: today(settings)


def build_app(settings: Settings, kb_holder: KnowledgeBaseHolder, *,
              client: WebClient | None = None, socket_mode: bool = False,
              today: Callable[[], dt.date] | None = None,
              answer_timeout: float = 1.5, cache_size: int = 256) -> App:
    """A Bolt app answering /inspection, its buttons and App Home.

    `client`: a ready WebClient (tests point one at the emulator); token verification (an
    auth.test call at start-up) is then skipped. `socket_mode`: requests come over the Socket
    Mode connection and carry no signature; otherwise SLACK_SIGNING_SECRET is required.
    `cache_size`: answers kept for repeated questions (0: none). `today` and `answer_timeout`
    are for tests.
    """
    if not socket_mode and not settings.slack_signing_secret:
        raise ValueError("HTTP mode needs SLACK_SIGNING_SECRET to verify requests")
    app = App(
        client=client or build_client(settings),
        signing_secret=settings.slack_signing_secret or "",
        request_verification_enabled=not socket_mode,
        token_verification_enabled=client is None,
        # Listeners run on the request's thread and ack when done (answers take milliseconds);
        # work that talks to Slack runs as lazy listeners after the ack.
        process_before_response=True,
        logger=logging.getLogger("bot.slack.bolt"),
    )
    services = Services(
        settings=settings, kb=kb_holder, today=today or _today(settings),
        executor=ThreadPoolExecutor(max_workers=8, thread_name_prefix="answer"),
        answer_timeout=answer_timeout, cache=AnswerCache(cache_size),
        # a test's fixed `today` previews the digest from the start of that day
        now=None if today else (lambda: dt.datetime.now(ZoneInfo(settings.timezone))),
        ledger=LedgerReader(settings), feedback=FeedbackStore(settings.db_url))
    app.error(error_handler(settings.slack_signing_secret, settings.slack_hooks_url,
                            socket_mode=socket_mode))
    commands.register(app, services)
    actions.register(app, services)
    home.register(app, services)
    conversations.register(app, services)  # direct messages and mentions
    return app
