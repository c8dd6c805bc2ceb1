"""The reminders scheduler inside `serve`: the clock ticks over whatever content is live now.

Each tick takes the current knowledge base, and the policy loaded with it, from the live
holder, so a maintainer's edit to content/ or policy.yaml applies from the next tick without a
restart. A broken edit is refused by the live reload as a whole (its errors are logged and
sent to the maintainers), so the last good content and policy keep working together.
"""

from __future__ import annotations

import datetime as dt
import logging

from slack_sdk import WebClient

from bot.content.kb import KnowledgeBase
from bot.content.policy import Policy, policy_of
from bot.live import LiveKnowledgeBase
from bot.reminders.clock import Clock
from bot.reminders.leader import Leadership
from bot.reminders.ledger import Ledger
from bot.reminders.sender import Sender
from bot.reminders.tick import TickResult, run_tick
from bot.settings import Settings

log = logging.getLogger(__name__)


class ReminderService:
    def __init__(self, settings: Settings, live: LiveKnowledgeBase, client: WebClient):
        if not settings.database_url:
            settings.data_dir.mkdir(parents=True, exist_ok=True)
        self.settings = settings
        self.live = live
        self.client = client
        self.ledger = Ledger(settings.db_url).create()
        self.leader = Leadership(self.ledger.engine)
        self.policy = policy_of(live.current.kb)
        self.clock = Clock(self.policy, self.tick, alert=self._alert)
        self.dm_channels: dict[str, str] = {}
        # For /healthz: when the last tick ran, how it ended, and the error if it raised.
        self.last_tick: dt.datetime | None = None
        self.last_status: str | None = None
        self.last_error: str | None = None
        live.on_change.append(self.content_changed)

    def _sender(self) -> Sender:
        return Sender(self.client, self.ledger, self.live.current.kb,
                      maintainers_channel=self.settings.maintainers_channel,
                      dm_channels=self.dm_channels, env=self.live.env)

    def _alert(self, text: str) -> None:
        self._sender().alert(text)

    def _current_policy(self) -> Policy:
        policy = policy_of(self.live.current.kb)
        if policy != self.policy:
            self.policy = policy
            self.clock.rebuild(policy)  # the new days and time apply from the next run
        return policy

    def tick(self, now: dt.datetime) -> TickResult:
        self.last_tick = now
        try:
            result = self._tick(now)
        except Exception as exc:
            self.last_status, self.last_error = "failed", f"{type(exc).__name__}: {exc}"
            raise  # the clock's EVENT_JOB_ERROR listener logs it and alerts the maintainers
        self.last_status, self.last_error = result.status, None
        return result

    @property
    def next_run(self) -> dt.datetime | None:
        """When the scheduled tick runs next (None when the scheduler is not running)."""
        return self.clock.next_run()

    def _tick(self, now: dt.datetime) -> TickResult:
        policy = self._current_policy()
        kb = self.live.current.kb
        result = run_tick(kb, policy, self.ledger, self._sender(), now, leader=self.leader)
        log.info("reminders tick %s: %s, %d reminder(s) sent", now.isoformat(), result.status,
                 result.sent)
        if result.counted:  # said once: the ledger now holds them, no later tick repeats it
            log.info("reminders catch-up: %d older reminder(s) not sent (their day was before "
                     "the %d-working-day catch-up horizon); the digest says so in one line",
                     result.counted, policy_of(kb).catch_up_days)
        return result

    def content_changed(self, old: KnowledgeBase, new: KnowledgeBase, version: str) -> None:
        """A new content version is serving: rebuild the jobs now if its policy changed the
        days or time, rather than at the next tick of the old schedule."""
        self._current_policy()

    def start(self) -> ReminderService:
        self.clock.start()
        return self

    def stop(self) -> None:
        self.clock.stop()
        self.leader.release()
