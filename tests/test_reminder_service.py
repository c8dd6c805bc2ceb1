"""The scheduler inside `serve` ticks over the live content: one digest per destination per
tick, never twice, and a policy edit applies without a restart."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from bot.live import LiveKnowledgeBase
from bot.reminders.sender import make_client
from bot.reminders.service import ReminderService
from bot.settings import Settings

LONDON = ZoneInfo("Europe/London")


def test_service_ticks_over_live_content_once_per_day(tmp_path, content_copy, emulator) -> None:
    settings = Settings(content_dir=content_copy, data_dir=tmp_path / "data")
    live = LiveKnowledgeBase(content_copy)
    service = ReminderService(settings, live, make_client("xoxb-test", emulator.base_url))
    try:
        now = dt.datetime(2017, 4, 24, 9, 0, tzinfo=LONDON)
        first = service.tick(now)
        assert first.status == "ran" and first.sent >= 1
        posted = emulator.calls_to("chat.postMessage")
        assert len(posted) == len(first.posts)
        assert "cle-2016-rec-01" in str(posted[0].params)
        again = service.tick(now + dt.timedelta(minutes=5))  # a second tick the same morning
        assert again.sent == 0
        assert len(emulator.calls_to("chat.postMessage")) == len(posted)
    finally:
        service.stop()


def test_broken_policy_edit_keeps_the_last_good_policy(tmp_path, content_copy, emulator) -> None:
    settings = Settings(content_dir=content_copy, data_dir=tmp_path / "data")
    live = LiveKnowledgeBase(content_copy)
    service = ReminderService(settings, live, make_client("xoxb-test", emulator.base_url))
    try:
        good = service.policy
        policy_file = content_copy / "policy.yaml"
        text = policy_file.read_text()
        policy_file.write_text(text + "\n  bogus: [unclosed\n")
        assert not live.reload().ok  # refused: content and policy keep serving together
        result = service.tick(dt.datetime(2017, 4, 24, 9, 0, tzinfo=LONDON))
        assert service.policy == good and result.status == "ran"
        policy_file.write_text(text.replace('time: "09:00"', 'time: "08:30"'))
        assert live.reload().changed
        # the schedule is rebuilt when the edit goes live, not at the old schedule's next tick
        assert service.policy.time == "08:30"
        job = service.clock.scheduler.get_job("reminders-digest")
        assert str(job.trigger.fields[5]) == "8" and str(job.trigger.fields[6]) == "30"
    finally:
        service.stop()
