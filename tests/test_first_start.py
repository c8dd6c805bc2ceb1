"""A safe first start: over the shipped content, years after its deadlines, the bot posts one
short digest (counting what it did not send), never a flood; overdue nags stop after the
policy's limit; a placeholder or unknown channel stops `serve` and `remind`, and `validate`
only warns about it."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from click.testing import CliRunner

from bot.cli import cli
from bot.content import loader
from bot.content.policy import policy_of
from bot.live import LiveKnowledgeBase
from bot.reminders.ledger import Ledger
from bot.reminders.sender import Sender, make_client
from bot.reminders.service import ReminderService
from bot.reminders.tick import run_tick
from bot.settings import Settings

LONDON = ZoneInfo("Europe/London")
ROOT = Path(__file__).resolve().parent.parent
CHANNEL = "C0INSPECT"


def with_channel(content: Path, channel: str = CHANNEL) -> Path:
    policy = content / "policy.yaml"
    policy.write_text(policy.read_text(encoding="utf-8").replace("C0DIGEST", channel),
                      encoding="utf-8")
    return content


def test_first_start_over_the_shipped_content_posts_one_short_digest(tmp_path, content_copy,
                                                                     emulator) -> None:
    """Today, the shipped deadlines are years past their last reminder: one digest with two
    summary lines, no reminder line, and the next working day posts nothing."""
    with_channel(content_copy)
    settings = Settings(content_dir=content_copy, data_dir=tmp_path / "data")
    service = ReminderService(settings, LiveKnowledgeBase(content_copy),
                              make_client("xoxb-test", emulator.base_url))
    try:
        first = service.tick(dt.datetime(2026, 11, 23, 9, 0, tzinfo=LONDON))
        [message] = emulator.messages(CHANNEL)
        text = str(message["blocks"])
        assert (first.sent, first.counted) == (0, 4)
        assert "Not sent: 4 older reminders" in text
        assert "Overdue and past their last reminder: 4 deadlines" in text
        assert "cle-2016-rec-01" not in text and "days overdue" not in text
        assert "RAG:" not in text  # no item listed, so no legend for one
        assert len(message["text"]) + len(text) < 1500  # short: a few lines, not a list
        nxt = service.tick(dt.datetime(2026, 11, 24, 9, 0, tzinfo=LONDON))
        assert (nxt.sent, nxt.counted) == (0, 0)
        assert len(emulator.messages(CHANNEL)) == 1  # said once
    finally:
        service.stop()


def test_overdue_nags_stop_after_the_limit_then_the_summary_line_counts_it(
        tmp_path, content_copy, emulator) -> None:
    """Ticking every morning through 2017: cle-2016-rec-01 (due 1 May 2017) gets its lead-time
    reminders, the day, four weekly nags and no fifth; later digests count it instead."""
    kb = loader.load(with_channel(content_copy))
    policy = policy_of(kb)
    assert (policy.overdue_nags, policy.catch_up_days) == (4, 7)
    ledger = Ledger(f"sqlite:///{tmp_path / 'ledger.sqlite3'}").create()
    sender = Sender(make_client("xoxb-test", emulator.base_url), ledger, kb)
    day = dt.date(2017, 3, 20)
    while day <= dt.date(2017, 8, 31):
        run_tick(kb, policy, ledger, sender, dt.datetime.combine(day, dt.time(9), LONDON))
        day += dt.timedelta(days=1)
    milestones = sorted(r.key.milestone for r in ledger.rows("sent")
                        if r.key.item == "cle-2016-rec-01")
    # lead-1 fell on Sunday 30 April and the day on the May Day bank holiday: both went out
    # on Tuesday 2 May as the latest milestone, "day"
    assert milestones == ["day", "lead-14", "lead-30", "lead-7", "overdue-1", "overdue-2",
                          "overdue-3", "overdue-4"]
    # 1 June 2017: cle-2016-rec-01a falls due; rec-01's nags (last 29 May) are over
    june = [m for m in emulator.messages(CHANNEL)
            if "*Deadline reminders* · 1 June 2017" in str(m["blocks"])]
    assert june and "cle-2016-rec-01a" in str(june[0]["blocks"])
    assert "Overdue and past their last reminder: 3 deadlines" in str(june[0]["blocks"])


def _remind(env: dict[str, str], *args: str):
    return CliRunner().invoke(cli, ["remind", *args], env=env)


def test_remind_refuses_a_placeholder_or_unknown_channel(tmp_path, content_copy,
                                                         emulator) -> None:
    env = {"SLACK_BOT_TOKEN": "xoxb-test", "SLACK_API_URL": emulator.base_url,
           "CONTENT_DIR": str(content_copy), "DATA_DIR": str(tmp_path / "data")}
    shipped = _remind(env, "--now", "2026-11-23T09:00")
    assert shipped.exit_code == 1 and "Traceback" not in shipped.output
    assert "policy.yaml:6:20: channel C0DIGEST is a placeholder" in shipped.output
    assert emulator.calls_to("chat.postMessage") == []
    with_channel(content_copy, "C0GONE")
    emulator.set_channel("C0GONE", exists=False)
    unknown = _remind(env, "--now", "2026-11-23T09:00")
    assert unknown.exit_code == 1
    assert "channel C0GONE is not a channel this Slack workspace knows" in unknown.output
    assert emulator.calls_to("chat.postMessage") == []
    dry = _remind({**env, "CONTENT_DIR": str(ROOT / "content")}, "--dry-run", "--now",
                  "2026-11-23T09:00")
    assert dry.exit_code == 0 and "Warning: content/policy.yaml:6:20" in dry.output.replace(
        str(ROOT) + "/", "")


def test_remind_warns_when_the_bot_is_not_in_the_channel(tmp_path, content_copy,
                                                         emulator) -> None:
    with_channel(content_copy)
    emulator.set_channel(CHANNEL, member=False)
    result = _remind({"SLACK_BOT_TOKEN": "xoxb-test", "SLACK_API_URL": emulator.base_url,
                      "CONTENT_DIR": str(content_copy), "DATA_DIR": str(tmp_path / "data")},
                     "--now", "2026-11-23T09:00")
    assert "Warning: the bot is not a member of channel C0INSPECT" in result.output


def test_validate_warns_about_the_placeholder_even_when_strict() -> None:
    result = CliRunner().invoke(cli, ["validate", "--strict", str(ROOT / "content")])
    assert result.exit_code == 0, result.output
    assert "channel C0DIGEST is a placeholder" in result.output
    assert "(warning: serve and remind refuse it)" in result.output


def test_serve_refuses_to_start_on_the_placeholder_channel(tmp_path, emulator) -> None:
    env = {**os.environ, "SLACK_BOT_TOKEN": "xoxb-test", "SLACK_SIGNING_SECRET": "s3cr3t",
           "SLACK_API_URL": emulator.base_url, "CONTENT_DIR": str(ROOT / "content"),
           "DATA_DIR": str(tmp_path / "data")}
    proc = subprocess.run([sys.executable, "-m", "bot", "serve", "--http", "--port", "0"],
                          env=env, capture_output=True, text=True, timeout=60, cwd=tmp_path)
    assert proc.returncode == 1, proc.stderr
    assert "channel C0DIGEST is a placeholder" in proc.stderr
    assert "`serve` will not start" in proc.stderr and "Traceback" not in proc.stderr


@pytest.mark.parametrize("catch_up_days,expected", [(7, dt.date(2026, 12, 15)),
                                                    (1, dt.date(2026, 12, 23))])
def test_the_catch_up_horizon_skips_the_quiet_period(kb, catch_up_days, expected) -> None:
    """After the shipped Christmas quiet period, the horizon reaches back past it: what fell
    due while the bot was quiet is still sent."""
    from dataclasses import replace

    policy = replace(policy_of(kb), catch_up_days=catch_up_days)
    assert policy.catch_up_start(dt.date(2027, 1, 4)) == expected
