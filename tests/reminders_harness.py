"""Shared parts for the exactly-once reminder tests: a small content folder whose digest goes to
two channels, settings with short lock and settle times, the ledger on SQLite or PostgreSQL,
and the checks (no key in two messages; every key due delivered)."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import sys
import threading
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text

from bot.content import loader
from bot.content.kb import KnowledgeBase
from bot.database import engine_url
from bot.reminders.command import run_remind
from bot.reminders.migrate import drop
from bot.settings import ReminderTiming, Settings

ROOT = Path(__file__).resolve().parent.parent
MINI = Path(__file__).resolve().parent / "fixtures" / "mini"
CHANNELS = ("C0BRIEF", "C0OTHER", "C0MAINT")
POLICY = """policy:
  default_channel: C0BRIEF
  pcc_response_days: 0
  routes:
    - {kind: recommendation, channel: C0BRIEF}
    - {kind: recommendation, channel: C0OTHER}
"""
MONDAY = "2017-04-24T09:00"  # rec-01's 7-day reminder, to both channels
FAST = ReminderTiming(lease_seconds=2, lock_retry_seconds=0.05, lock_wait_seconds=30,
                      settle_seconds=1, skew_seconds=3600, retry_minutes=(0.02, 0.04, 0.08))


def make_content(tmp: Path) -> Path:
    target = tmp / "content"
    shutil.copytree(MINI, target)
    (target / "policy.yaml").write_text(POLICY)
    return target


def load(content: Path) -> KnowledgeBase:
    return loader.load(content)


def pg_url() -> str:
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        pytest.skip("TEST_DATABASE_URL is not set: no PostgreSQL for the ledger")
    return engine_url(url)


class Database:
    """A ledger database a test may empty between runs."""

    def __init__(self, kind: str, tmp: Path):
        self.kind, self.tmp, self.n = kind, tmp, 0
        self.url = pg_url() if kind == "postgresql" else ""
        self.fresh()

    def fresh(self) -> str:
        """A new, empty ledger database; its URL."""
        self.n += 1
        if self.kind == "sqlite":
            self.url = f"sqlite:///{self.tmp / f'ledger-{self.n}.sqlite3'}"
        else:
            engine = create_engine(self.url)
            drop(engine)
            engine.dispose()
        return self.url

    def empty(self) -> None:
        """Forget every claim and lease, keeping the schema (quicker than fresh())."""
        engine = create_engine(self.url)
        with engine.begin() as c:
            for table in ("reminder_ledger", "reminder_lease"):
                if engine.dialect.has_table(c, table):
                    c.execute(text(f"DELETE FROM {table}"))
        engine.dispose()

    def close(self) -> None:
        if self.kind == "postgresql":
            engine = create_engine(self.url)
            drop(engine)
            engine.dispose()


def settings_for(slack, db: Database, tmp: Path, content: Path,
                 timing: ReminderTiming = FAST) -> Settings:
    return Settings(content_dir=content, data_dir=tmp / "data", database_url=db.url,
                    slack_bot_token="xoxb-test", slack_api_url=slack.base_url,
                    maintainers_channel="C0MAINT", reminders=timing)


def remind(settings: Settings, kb: KnowledgeBase, now: str = MONDAY, **kw: Any
           ) -> tuple[int, str]:
    lines: list[str] = []
    code = run_remind(settings, kb, now, False, lines.append, **kw)
    return code, "\n".join(lines)


def together(*calls: Callable[[], Any]) -> list[Any]:
    """Run the calls on threads released at the same instant; their results in order."""
    barrier = threading.Barrier(len(calls))
    results: list[Any] = [None] * len(calls)

    def run(i: int) -> None:
        barrier.wait()
        try:
            results[i] = calls[i]()
        except BaseException as exc:  # noqa: BLE001 - handed back to the test
            results[i] = exc

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    return results


def keys_posted(slack, channels=CHANNELS[:2]) -> Counter:
    """How many messages carry each reminder key."""
    return Counter(k for ch in channels for m in slack.messages(ch) if m.get("metadata")
                   for k in m["metadata"]["event_payload"]["keys"])


def assert_each_once(slack, expected: set[str]) -> None:
    counts = keys_posted(slack)
    doubled = {k: n for k, n in counts.items() if n > 1}
    assert not doubled, f"reminders in two messages: {doubled}"
    assert set(counts) == expected, f"missing: {expected - set(counts)}"


def reset(slack) -> None:
    slack.reset()
    for channel in CHANNELS:
        slack.set_channel(channel)


def cli_env(slack, db_url: str, tmp: Path, content: Path, timing: ReminderTiming = FAST
            ) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("SLACK_", "REMINDER_")) and k != "DATABASE_URL"}
    env.update(SLACK_BOT_TOKEN="xoxb-test", SLACK_API_URL=slack.base_url,
               DATABASE_URL=db_url, DATA_DIR=str(tmp / "data"), CONTENT_DIR=str(content),
               MAINTAINERS_CHANNEL="C0MAINT", PYTHONPATH=str(ROOT),
               REMINDER_LEASE_SECONDS=str(timing.lease_seconds),
               REMINDER_LOCK_RETRY_SECONDS=str(timing.lock_retry_seconds),
               REMINDER_SETTLE_SECONDS=str(timing.settle_seconds))
    return env


def start_cli(args: list[str], env: dict[str, str]) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "bot", *args], env=env, cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def at(text_: str, tz) -> dt.datetime:
    return dt.datetime.fromisoformat(text_).replace(tzinfo=tz)
