"""The reminders scheduler inside `serve`: the clock ticks over whatever content is live now.

Each tick takes the current knowledge base, and the policy loaded with it, from the live
holder, so a maintainer's edit to content/ or policy.yaml applies from the next tick without a
restart. A broken edit is refused by the live reload as a whole (its errors are logged and
sent to the maintainers), so the last good content and policy keep working together.

Every tick takes the reminders lock (leader.py), so replicas and an operator's `remind` never
tick at once; a replica whose tick finds the lock taken waits for it, trying every few seconds,
and finishes the tick if the holder dies. A tick that leaves reminders undelivered (failed, or
an outcome still unknown) is retried the same day on the backoff in the settings (5, 15, 60
minutes) while it is before the policy's `retries_until`; a post whose outcome is unknown is
looked for in its channel first, as soon as it can have landed.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable

from slack_sdk import WebClient

from bot.content.kb import KnowledgeBase
from bot.content.policy import Policy, policy_of
from bot.live import LiveKnowledgeBase
from bot.reminders.clock import Clock
from bot.reminders.leader import LockBusy, TickLock
from bot.reminders.ledger import Ledger, utcnow
from bot.reminders.sender import Sender, make_client
from bot.reminders.tick import TickResult, run_tick
from bot.settings import Settings

log = logging.getLogger(__name__)


class ReminderService:
    def __init__(self, settings: Settings, live: LiveKnowledgeBase,
                 client: WebClient | None = None, *,
                 now: Callable[[], dt.datetime] | None = None):
        if not settings.database_url:
            settings.data_dir.mkdir(parents=True, exist_ok=True)
        self.settings = settings
        self.timing = settings.reminders
        self.live = live
        # not the slash-command client: this one never retries a post of unknown outcome
        self.client = client or make_client(settings.slack_bot_token or "",
                                            settings.slack_api_url)
        self.ledger = Ledger(settings.db_url).create()
        self.lock = TickLock(self.ledger.engine, lease_seconds=self.timing.lease_seconds,
                             retry_seconds=self.timing.lock_retry_seconds)
        self.policy = policy_of(live.current.kb)
        self._now = now
        self.clock = Clock(self.policy, self.tick, alert=self._alert,
                           grace_seconds=self.timing.grace_seconds, now=self.now)
        self.dm_channels: dict[str, str] = {}
        # For /healthz: when the last tick ran, how it ended, and the error if it raised.
        self.last_tick: dt.datetime | None = None
        self.last_error: str | None = None
        self.last_result: TickResult | None = None
        self.next_retry: dt.datetime | None = None
        live.on_change.append(self.content_changed)

    def now(self) -> dt.datetime:
        return self._now() if self._now else dt.datetime.now(self.policy.tz)

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

    @property
    def last_status(self) -> str | None:
        """How the last tick ended (for /healthz); None before the first."""
        return self.last_result.status if self.last_result else None

    @property
    def next_run(self) -> dt.datetime | None:
        """When the scheduled tick runs next (None when the scheduler is not running)."""
        return self.clock.next_run()

    def tick(self, now: dt.datetime, attempt: int = 0) -> TickResult:
        """One tick at `now`; `attempt` counts the same-day retries before it. Never raises:
        a failure is logged, alerted, retried on the backoff and shown by /healthz."""
        self.last_tick = now
        self.last_error = None
        policy = self._current_policy()
        kb = self.live.current.kb
        try:
            result = run_tick(kb, policy, self.ledger, self._sender(), now, lock=self.lock,
                              timing=self.timing)
        except LockBusy as exc:
            log.error("reminders tick %s: %s", now.isoformat(), exc)
            self._alert(f"Reminders tick {now:%Y-%m-%d %H:%M}: {exc}.")
            result = TickResult(now.astimezone(policy.tz).date(), "busy")
        except Exception as exc:  # noqa: BLE001 - e.g. the database is away: retry, not die
            log.exception("reminders tick %s failed", now.isoformat())
            self.last_error = f"{type(exc).__name__}: {exc}"
            self._alert(f"Reminders tick {now:%Y-%m-%d %H:%M} failed: {exc!r}.")
            result = TickResult(now.astimezone(policy.tz).date(), "error")
        else:
            log.info("reminders tick %s%s: %s, %d reminder(s) sent, %d not delivered yet",
                     now.isoformat(), f" (retry {attempt})" if attempt else "", result.status,
                     result.sent, len(result.unsettled))
            if result.counted:  # said once: the ledger now holds them, no later tick repeats it
                log.info("reminders catch-up: %d older reminder(s) not sent (their day was "
                         "before the %d-working-day catch-up horizon); the digest says so in "
                         "one line", result.counted, policy_of(kb).catch_up_days)
        self.last_result = result
        if result.unsettled or result.status in ("busy", "lock-lost", "error"):
            self._retry_later(now, attempt, policy)
        else:
            self.next_retry = None
        return result

    def _retry_later(self, now: dt.datetime, attempt: int, policy: Policy) -> None:
        backoff = self.timing.retry_minutes
        if attempt >= len(backoff):
            self._give_up(now, f"after {attempt} same-day retries")
            return
        delay = backoff[attempt] * 60
        try:
            pending = self.ledger.rows("pending")
        except Exception:  # noqa: BLE001 - the database is away: the backoff as it is
            pending = []
        if pending:  # look for an unknown outcome as soon as it can have landed
            newest = max(r.created_at for r in pending)
            settled_in = (newest - utcnow()).total_seconds() + self.timing.settle_seconds
            delay = min(delay, max(settled_in, self.timing.lock_retry_seconds))
        at = now + dt.timedelta(seconds=delay)
        local = at.astimezone(policy.tz)
        if local.date() != now.astimezone(policy.tz).date() or local.time() > policy.retries_end:
            self._give_up(now, f"(working hours end at {policy.retries_until})")
            return
        self.next_retry = at
        log.warning("reminders: retry %d of %d at %s", attempt + 1, len(backoff),
                    local.strftime("%H:%M:%S"))
        self.clock.retry_in(delay, lambda: self.tick(self.now(), attempt + 1))

    def _give_up(self, now: dt.datetime, why: str) -> None:
        self.next_retry = None
        text = (f"Reminders on {now:%Y-%m-%d}: no more retries today {why}; what is still "
                "undelivered goes with the next working day's digest.")
        log.error(text)
        self._alert(text)

    def content_changed(self, old: KnowledgeBase, new: KnowledgeBase, version: str) -> None:
        """A new content version is serving: rebuild the jobs now if its policy changed the
        days or time, rather than at the next tick of the old schedule."""
        self._current_policy()

    def start(self) -> ReminderService:
        self.clock.start()
        return self

    def stop(self) -> None:
        self.clock.stop()
        self.lock.release()
