"""The local console (`inspection-bot console`): questions typed at its prompt, and the
scheduled posts it prints as the reminders clock fires them (nothing goes to Slack)."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

from bot.content.policy import Policy
from bot.reminders.printer import PostPrinter

ROOT = Path(__file__).resolve().parent.parent
LONDON = Policy().tz


def console(*args: str, stdin: str, tmp_path: Path) -> str:
    env = {**os.environ, "NO_COLOR": "1", "DATA_DIR": str(tmp_path / "data")}
    done = subprocess.run([sys.executable, "-m", "bot", "console", *args], input=stdin,
                          capture_output=True, text=True, cwd=ROOT, env=env, timeout=60)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_console_answers_and_travels_in_time(tmp_path) -> None:
    out = console("--as-of", "2017-04-20", tmp_path=tmp_path,
                  stdin="judgments 2016\ndigest\nas-of 2017-05-02\noverdue\nquit\n")
    assert "Inspection briefings console: 4 inspections" in out
    assert "Reminders:" not in out  # a console in the past runs no clock
    assert "Protecting vulnerable people" in out
    assert "Next reminders digest for #C0DIGEST · Thursday 20 April 2017 at 09:00" in out
    assert "Answering as on 2017-05-02." in out
    assert "cle-2016-rec-01" in out.split("Answering as on 2017-05-02.")[1]


def test_console_on_today_says_when_the_next_digest_goes(tmp_path) -> None:
    out = console(tmp_path=tmp_path, stdin="quit\n")
    assert "Reminders: the next digest is due" in out
    assert "scheduled posts print here as they fire" in out


def test_scheduled_posts_print_once_each(mini_kb) -> None:
    printed: list[str] = []
    printer = PostPrinter(mini_kb, printed.append)
    monday = dt.datetime(2017, 4, 24, 9, 0, tzinfo=LONDON)
    posts = printer.tick(monday)
    assert posts and len(printed) == 1
    assert "scheduled post → #C0DIGEST · Mon 24 Apr 2017 09:00" in printed[0]
    assert "tst-2016-rec-01" in printed[0] and "not sent to Slack" in printed[0]
    assert printer.tick(monday + dt.timedelta(minutes=5)) == [] and len(printed) == 1


def test_console_started_after_the_digest_time_prints_the_catch_up(mini_kb) -> None:
    printed: list[str] = []
    printer = PostPrinter(mini_kb, printed.append)
    try:
        line = printer.start(dt.datetime(2017, 4, 24, 10, 30, tzinfo=LONDON))
        assert len(printed) == 1 and "tst-2016-rec-01" in printed[0]
        assert "Reminders: the next digest is due" in line
        assert printer.clock.scheduler.get_job("reminders-digest") is not None
    finally:
        printer.stop()
