"""`inspection-bot remind`: one tick from the command line, printing exactly what it posts.

It takes the same lock as `serve`'s ticks (a second tick waits for it), so a system scheduler
may run it as often as it likes, beside `serve` or not: each run sends only what is due and not
yet sent, retries what failed and settles posts whose outcome was unknown. Exit status: 0 when
everything due was delivered (or nothing was due, or it is not a working day), 1 when some
destination was not (each named), 3 when another tick held the lock for longer than `--wait`.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable

import jinja2

from bot.ask.milestones import Post, candidates, due_posts
from bot.content.kb import KnowledgeBase
from bot.content.policy import Policy, policy_of
from bot.errors import BotError
from bot.reminders.ledger import Ledger
from bot.reminders.reader import LedgerReader
from bot.reminders.sender import make_client, render
from bot.render.templating import build_env
from bot.settings import Settings

EXIT_UNDELIVERED, EXIT_BUSY = 1, 3


def parse_now(text: str | None, policy: Policy) -> dt.datetime:
    if not text:
        return dt.datetime.now(policy.tz)
    try:
        now = dt.datetime.fromisoformat(text)
    except ValueError:
        raise BotError(f"--now '{text}' is not an ISO date-time such as 2017-04-24T09:00.") from None
    return now if now.tzinfo else now.replace(tzinfo=policy.tz)


def why_not_working(policy: Policy, day: dt.date) -> str | None:
    """Why no digest goes out on `day`, in words; None on a working day."""
    quiet = next((q for q in policy.quiet_periods if q.start <= day <= q.end), None)
    if quiet is not None:
        return (f"in the quiet period {quiet.start} to {quiet.end}"
                + (f" ({quiet.note})" if quiet.note else ""))
    name = policy.bank_holiday_name(day)
    if name is not None:
        return f"a bank holiday ({name})"
    if not policy.is_working_day(day):
        return f"a {day:%A}, not one of the policy's digest days"
    return None


def describe(kb: KnowledgeBase, post: Post, env: jinja2.Environment | None = None) -> str:
    payload = render(kb, post, env)
    body = "\n".join(b["text"]["text"] for b in payload["blocks"] if b["type"] == "section")
    older = f", {len(post.stale)} older not sent" if post.stale else ""
    return f"→ {post.destination}: {len(post.items)} reminder(s){older}\n{body}\n"


def run_remind(settings: Settings, kb: KnowledgeBase, now_text: str | None, dry_run: bool,
               echo: Callable[[str], None], *, force: bool = False,
               wait: float | None = None) -> int:
    """One tick; returns the exit status."""
    policy = policy_of(kb)
    env = build_env(settings.templates_dir)
    now = parse_now(now_text, policy)
    day = now.astimezone(policy.tz).date()
    why = why_not_working(policy, day)
    if why and not force:
        echo(f"Nothing posted: {day} is {why}, so the scheduler does not tick. Use --force to "
             "post anyway.")
        return 0
    if why:
        echo(f"Note: {day} is {why}; posting anyway (--force).")
    if dry_run:
        for problem in policy.placeholder_problems():
            echo(f"Warning: {problem}")
        cands = candidates(kb, policy, now)
        posts = due_posts(kb, policy, LedgerReader(settings)([c.key for c in cands]), now, cands)
        echo(f"Dry run for {now.isoformat()}: {len(posts)} digest(s) would be posted.")
        for post in posts:
            echo(describe(kb, post, env))
        return 0
    if not settings.slack_bot_token:
        raise BotError("SLACK_BOT_TOKEN is not set (use --dry-run to see the plan without it).")
    from bot.reminders.channels import check_channels, refusal
    from bot.reminders.leader import LockBusy, TickLock
    from bot.reminders.sender import Sender
    from bot.reminders.tick import run_tick

    if not settings.database_url:
        settings.data_dir.mkdir(parents=True, exist_ok=True)
    timing = settings.reminders
    if wait is not None:
        timing = dataclasses.replace(timing, lock_wait_seconds=wait)
    ledger = Ledger(settings.db_url).create()  # a schema it does not know stops it here
    client = make_client(settings.slack_bot_token, settings.slack_api_url)
    errors, warnings = check_channels(client, policy)
    if errors:
        ledger.engine.dispose()
        raise BotError(refusal(errors, "remind"))
    for warning in warnings:
        echo(f"Warning: {warning}")
    lock = TickLock(ledger.engine, lease_seconds=timing.lease_seconds,
                    retry_seconds=timing.lock_retry_seconds)
    sender = Sender(client, ledger, kb, maintainers_channel=settings.maintainers_channel,
                    env=env)
    try:
        result = run_tick(kb, policy, ledger, sender, now, lock=lock, force=True, timing=timing)
    except LockBusy as exc:
        echo(f"Nothing posted: {exc}. Try again later, or raise --wait.")
        return EXIT_BUSY
    finally:
        ledger.engine.dispose()
    if result.settled.confirmed or result.settled.released:
        echo(f"Settled earlier posts: {len(result.settled.confirmed)} reminder(s) found in "
             f"their channels, {len(result.settled.released)} to post again.")
    for post, outcome in zip(result.posts, result.outcomes, strict=False):
        echo(describe(kb, post, sender.env))
        if outcome.sent:
            state = f"posted (ts {outcome.ts})"
        elif outcome.unknown:
            found = set(outcome.unknown) <= set(result.after.confirmed)
            state = (f"posted (Slack answered {outcome.error}, but the message is in the "
                     "channel)" if found else f"OUTCOME UNKNOWN ({outcome.error}): not posted "
                     "again until the channel is checked on the next run")
        elif outcome.failed:
            state = f"FAILED: {outcome.error}"
        else:
            state = "already claimed elsewhere"
        echo(f"  {post.destination}: {state}")
    if result.status == "lock-lost":
        echo("Stopped: this run lost the reminders lock; the tick that holds it sends the rest.")
    older = (f"; {result.counted} older reminder(s) counted, not sent (before the catch-up "
             "horizon)") if result.counted else ""
    echo(f"{result.sent} reminder(s) posted in {len(result.posts)} digest(s){older}.")
    failed = result.failed_destinations
    if failed:
        echo(f"Not delivered to {len(failed)} destination(s): "
             + "; ".join(f"{d} ({why})" for d, why in sorted(failed.items())))
        return EXIT_UNDELIVERED
    return 1 if result.status == "lock-lost" else 0
