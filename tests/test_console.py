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


def test_a_line_pasted_with_its_slash_command_is_answered(tmp_path) -> None:
    out = console("--as-of", "2017-05-02", tmp_path=tmp_path,
                  stdin="/inspection overdue\n/INSPECTION judgments 2016\nquit\n")
    assert "cle-2016-rec-01" in out and "Protecting vulnerable people" in out
    assert "did you mean" not in out.lower()


def test_the_console_edits_lines_and_keeps_history_at_a_terminal(tmp_path) -> None:
    """In a real terminal (a pty): the up arrow brings back the last question, and the history
    is saved to ~/.inspection_bot_history for the next session."""
    import pty
    import select
    import time

    import pytest

    pytest.importorskip("readline")
    env = {**os.environ, "NO_COLOR": "1", "DATA_DIR": str(tmp_path / "data"),
           "HOME": str(tmp_path), "TERM": "dumb"}
    leader, follower = pty.openpty()
    proc = subprocess.Popen([sys.executable, "-m", "bot", "console", "--as-of", "2017-04-20"],
                            stdin=follower, stdout=follower, stderr=follower, cwd=ROOT, env=env)
    os.close(follower)
    seen = b""

    def read_until(marker: bytes, since: int = 0, timeout: float = 30) -> int:
        """Read until `marker` appears after offset `since`; the offset just past it."""
        nonlocal seen
        deadline = time.monotonic() + timeout
        while marker not in seen[since:] and time.monotonic() < deadline:
            if select.select([leader], [], [], 0.2)[0]:
                try:
                    seen += os.read(leader, 65536)
                except OSError:
                    break
        assert marker in seen[since:], seen[-500:]
        return seen.index(marker, since) + len(marker)

    try:
        at = read_until(b"]> ")
        os.write(leader, b"/inspection judgments 2016\r")
        at = read_until(b"Protecting vulnerable people", at)
        at = read_until(b"]> ", at)
        os.write(leader, b"\x1b[A\r")  # up arrow: the same question again
        read_until(b"Protecting vulnerable people", at)
        os.write(leader, b"quit\r")
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
        os.close(leader)
    history = (tmp_path / ".inspection_bot_history").read_text(encoding="utf-8")
    assert "/inspection judgments 2016" in history
