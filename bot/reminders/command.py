"""`inspection-bot remind`: one tick from the command line, printing exactly what it posts."""

from __future__ import annotations

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


def parse_now(text: str | None, policy: Policy) -> dt.datetime:
    if not text:
        return dt.datetime.now(policy.tz)
    try:
        now = dt.datetime.fromisoformat(text)
    except ValueError:
        raise BotError(f"--now '{text}' is not an ISO date-time such as 2017-04-24T09:00.") from None
    return now if now.tzinfo else now.replace(tzinfo=policy.tz)


def describe(kb: KnowledgeBase, post: Post, env: jinja2.Environment | None = None) -> str:
    payload = render(kb, post, env)
    body = "\n".join(b["text"]["text"] for b in payload["blocks"] if b["type"] == "section")
    older = f", {len(post.stale)} older not sent" if post.stale else ""
    return f"→ {post.destination}: {len(post.items)} reminder(s){older}\n{body}\n"


def run_remind(settings: Settings, kb: KnowledgeBase, now_text: str | None, dry_run: bool,
               echo: Callable[[str], None]) -> None:
    policy = policy_of(kb)
    env = build_env(settings.templates_dir)
    now = parse_now(now_text, policy)
    day = now.astimezone(policy.tz).date()
    if not policy.is_working_day(day):
        echo(f"Note: {day} is not a working day under the policy; the scheduler would not "
             "tick today. Running anyway.")
    if dry_run:
        for problem in policy.placeholder_problems():
            echo(f"Warning: {problem}")
        cands = candidates(kb, policy, now)
        posts = due_posts(kb, policy, LedgerReader(settings)([c.key for c in cands]), now, cands)
        echo(f"Dry run for {now.isoformat()}: {len(posts)} digest(s) would be posted.")
        for post in posts:
            echo(describe(kb, post, env))
        return
    if not settings.slack_bot_token:
        raise BotError("SLACK_BOT_TOKEN is not set (use --dry-run to see the plan without it).")
    from bot.reminders.channels import check_channels, refusal
    from bot.reminders.sender import Sender
    from bot.reminders.tick import run_tick

    client = make_client(settings.slack_bot_token, settings.slack_api_url)
    errors, warnings = check_channels(client, policy)
    if errors:
        raise BotError(refusal(errors, "remind"))
    for warning in warnings:
        echo(f"Warning: {warning}")
    if not settings.database_url:
        settings.data_dir.mkdir(parents=True, exist_ok=True)
    ledger = Ledger(settings.db_url).create()
    sender = Sender(client, ledger, kb, maintainers_channel=settings.maintainers_channel,
                    env=env)
    result = run_tick(kb, policy, ledger, sender, now, force=True)
    for post, outcome in zip(result.posts, result.outcomes, strict=True):
        echo(describe(kb, post, env))
        state = f"posted (ts {outcome.ts})" if outcome.sent else (
            f"FAILED: {outcome.error}" if outcome.failed else "already claimed elsewhere")
        echo(f"  {post.destination}: {state}")
    older = (f"; {result.counted} older reminder(s) counted, not sent (before the catch-up "
             "horizon)") if result.counted else ""
    echo(f"{result.sent} reminder(s) posted in {len(result.posts)} digest(s){older}.")
