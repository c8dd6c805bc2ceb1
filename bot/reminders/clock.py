"""The clock: APScheduler 3.x only says *when*. A cron tick on the policy's days at its time in
its time zone (DST handled by the trigger), the working-day check inside the job (bank holidays
and quiet periods), a catch-up tick at start, and one-off same-day retries (`retry_in`). A tick
missed by more than the grace period (the process was paused or the machine asleep) is
alerted and run once when the process wakes. Jobs are rebuilt from the policy on every reload
and live in memory only: the ledger, not a job store, remembers what was sent."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable

from apscheduler.events import EVENT_JOB_ERROR, EVENT_JOB_MISSED, JobExecutionEvent
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.cron import CronTrigger

from bot.content.policy import Policy

log = logging.getLogger(__name__)
JOB_ID = "reminders-digest"
CATCH_UP_ID = "reminders-catch-up"
RETRY_ID = "reminders-retry"


def trigger(policy: Policy) -> CronTrigger:
    hour, minute = policy.hour_minute
    return CronTrigger(day_of_week=",".join(policy.days), hour=hour, minute=minute,
                       timezone=policy.tz)


class Clock:
    """`tick(now)` is called on each due working day; `alert(text)` on job errors/misfires."""

    def __init__(self, policy: Policy, tick: Callable[[dt.datetime], object],
                 alert: Callable[[str], None] | None = None,
                 scheduler: BackgroundScheduler | None = None, *, grace_seconds: float = 3600,
                 now: Callable[[], dt.datetime] | None = None):
        self.policy = policy
        self.tick = tick
        self.alert = alert or (lambda text: None)
        self.grace_seconds = grace_seconds
        self.now = now or (lambda: dt.datetime.now(self.policy.tz))
        self.scheduler = scheduler or BackgroundScheduler(timezone=policy.tz)
        self.scheduler.add_listener(self._on_event, EVENT_JOB_ERROR | EVENT_JOB_MISSED)

    def start(self, *, catch_up: bool = True) -> None:
        self.rebuild(self.policy)
        if catch_up:
            self.run_catch_up()
        self.scheduler.start()

    def run_catch_up(self) -> None:
        """A catch-up tick as soon as possible (once, however often asked meanwhile)."""
        self.scheduler.add_job(self._catch_up, id=CATCH_UP_ID, replace_existing=True,
                               next_run_time=dt.datetime.now(self.policy.tz),
                               misfire_grace_time=None)

    def retry_in(self, seconds: float, job: Callable[[], object]) -> dt.datetime:
        """Run `job` once, `seconds` from now (replacing a retry already waiting)."""
        when = dt.datetime.now(self.policy.tz) + dt.timedelta(seconds=seconds)
        self.scheduler.add_job(job, "date", run_date=when, id=RETRY_ID, replace_existing=True,
                               misfire_grace_time=None)
        return when

    def stop(self) -> None:
        if self.scheduler.running:
            self.scheduler.shutdown(wait=False)

    def next_run(self) -> dt.datetime | None:
        """The scheduled tick's next run time; None when the scheduler is not running."""
        job = self.scheduler.get_job(JOB_ID) if self.scheduler.running else None
        return job.next_run_time if job is not None else None

    def rebuild(self, policy: Policy) -> None:
        """Replace the jobs from a (re)loaded policy."""
        self.policy = policy
        self.scheduler.add_job(self._cron, trigger(policy), id=JOB_ID, replace_existing=True,
                               coalesce=True, max_instances=1,
                               misfire_grace_time=max(int(self.grace_seconds), 1))

    def should_tick(self, now: dt.datetime, *, catch_up: bool = False) -> bool:
        local = now.astimezone(self.policy.tz)
        if not self.policy.is_working_day(local.date()):
            return False
        return not catch_up or (local.hour, local.minute) >= self.policy.hour_minute

    def _cron(self) -> None:
        now = self.now()
        if self.should_tick(now):
            self.tick(now)
        else:
            log.info("reminders: %s is not a working day; no tick", now.date())

    def _catch_up(self) -> None:
        now = self.now()
        if self.should_tick(now, catch_up=True):
            self.tick(now)

    def _on_event(self, event: JobExecutionEvent) -> None:
        if event.code == EVENT_JOB_MISSED:
            text = (f"Reminder job {event.job_id} missed its run at {event.scheduled_run_time} "
                    "(the process was paused or asleep); it runs now, once.")
            if event.job_id == JOB_ID:
                self.run_catch_up()
        else:
            text = f"Reminder job {event.job_id} failed: {event.exception!r}"
        log.error(text)
        try:
            self.alert(text)
        except Exception:  # noqa: BLE001 - an alert must never take the scheduler down
            log.exception("could not send the reminders alert")
