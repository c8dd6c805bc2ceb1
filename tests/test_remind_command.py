"""`inspection-bot remind` as a system scheduler runs it: nothing on a bank holiday, a weekend
or in a quiet period unless `--force`; the exit status says what happened."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from bot.cli import cli
from tests.reminders_harness import make_content, reset
from tests.slack_emulator import SlackEmulator


@pytest.fixture
def slack():
    with SlackEmulator() as emu:
        reset(emu)
        yield emu


@pytest.fixture
def run(slack, tmp_path, monkeypatch):
    content = make_content(tmp_path)
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-test")
    monkeypatch.setenv("SLACK_API_URL", slack.base_url)
    monkeypatch.setenv("DATA_DIR", str(tmp_path / "data"))

    def remind(*args: str):
        return CliRunner().invoke(cli, ["--content", str(content), "remind", *args])

    remind.content = content
    return remind


@pytest.mark.parametrize("now, why", [
    ("2017-04-17T09:00", "is a bank holiday (Easter Monday)"),
    ("2017-04-22T09:00", "is a Saturday, not one of the policy's digest days"),
])
def test_remind_on_a_non_working_day_posts_nothing_and_says_so(slack, run, now, why) -> None:
    result = run("--now", now)
    assert result.exit_code == 0, result.output
    assert why in result.output and "Use --force to post anyway" in result.output
    assert not slack.calls_to("chat.postMessage")


def test_remind_force_posts_on_a_bank_holiday(slack, run) -> None:
    result = run("--now", "2017-04-17T09:00", "--force")
    assert result.exit_code == 0, result.output
    assert "posting anyway (--force)" in result.output
    assert slack.messages("C0BRIEF") and "2 reminder(s) posted" in result.output


def test_remind_in_a_quiet_period(slack, run) -> None:
    policy = run.content / "policy.yaml"
    policy.write_text(policy.read_text() + '  quiet_periods:\n    - {from: "2017-04-18", '
                      'to: "2017-04-21", note: Easter week}\n')
    result = run("--now", "2017-04-18T09:00")
    assert result.exit_code == 0
    assert "in the quiet period 2017-04-18 to 2017-04-21 (Easter week)" in result.output
    assert not slack.calls_to("chat.postMessage")


def test_remind_exit_status_names_the_destination_that_failed(slack, run) -> None:
    slack.set_channel("C0OTHER", member=False)
    result = run("--now", "2017-04-24T09:00")
    assert result.exit_code == 1
    assert "C0OTHER: FAILED: not_in_channel" in result.output
    assert "Not delivered to 1 destination(s): C0OTHER (not_in_channel)" in result.output
    assert len(slack.messages("C0BRIEF")) == 1
    slack.set_channel("C0OTHER", member=True)
    again = run("--now", "2017-04-24T09:30")  # a scheduler's next run retries it
    assert again.exit_code == 0 and len(slack.messages("C0OTHER")) == 1


def test_remind_waits_for_the_lock_then_gives_up_with_a_clear_message(slack, run,
                                                                     tmp_path) -> None:
    from bot.reminders.leader import TickLock
    from bot.reminders.ledger import Ledger

    ledger = Ledger(f"sqlite:///{tmp_path / 'data' / 'inspection-bot.sqlite3'}")
    (tmp_path / "data").mkdir(exist_ok=True)
    ledger.create()
    with TickLock(ledger.engine, retry_seconds=0.1).held(wait=1):
        result = run("--now", "2017-04-24T09:00", "--wait", "0.5")
    assert result.exit_code == 3
    assert "another reminders tick (process" in result.output and "--wait" in result.output
    assert not slack.messages("C0BRIEF")


def test_a_bad_timing_setting_is_a_clear_error(run, monkeypatch) -> None:
    monkeypatch.setenv("REMINDER_RETRY_MINUTES", "5,soon")
    result = run("--now", "2017-04-24T09:00")
    assert result.exit_code == 1
    assert "REMINDER_RETRY_MINUTES='5,soon' is not a comma-separated list" in result.output


def test_an_unreachable_ledger_database_is_a_clear_error(run, monkeypatch) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgresql://postgres@127.0.0.1:1/nowhere")
    result = run("--now", "2017-04-24T09:00")
    assert result.exit_code == 1
    assert "cannot open the reminders ledger at postgresql+psycopg://postgres@127.0.0.1:1" \
        in result.output and "Check DATABASE_URL" in result.output
