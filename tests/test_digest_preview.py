"""`/inspection digest` previews the next reminders digest for the channel it is asked in: the
policy's routing, its next working-day tick, and what the ledger has not sent yet."""

from __future__ import annotations

import datetime as dt

from conftest import TODAY
from slack_harness import make_settings, running_bot, visible

from bot.ask.digest import next_tick, preview
from bot.content import loader
from bot.content.policy import Policy, Quiet, Route
from bot.reminders.sender import make_client
from bot.reminders.service import ReminderService
from bot.render.answer import Context, answer

P = Policy(default_channel="C0DIGEST", pcc_response_days=0)


def at(day: str, time: str = "00:00") -> dt.datetime:
    return dt.datetime.fromisoformat(f"{day}T{time}").replace(tzinfo=P.tz)


def test_next_tick_skips_weekends_bank_holidays_and_quiet_periods() -> None:
    assert next_tick(P, at("2017-04-13", "08:59")) == at("2017-04-13", "09:00")
    # after Thursday's tick: Good Friday, the weekend and Easter Monday are skipped
    assert next_tick(P, at("2017-04-13", "09:01")) == at("2017-04-18", "09:00")
    quiet = Policy(quiet_periods=(Quiet(dt.date(2017, 4, 18), dt.date(2017, 4, 21)),))
    assert next_tick(quiet, at("2017-04-13", "10:00")) == at("2017-04-24", "09:00")


def test_a_routed_channel_previews_only_its_own_reminders(mini_kb) -> None:
    routed = Policy(default_channel="C0DIGEST", pcc_response_days=0,
                    routes=(Route("C0CRIME", owner="head-of-crime"),))
    crime = preview(mini_kb, routed, "C0CRIME", at("2017-05-03"))
    assert [i.what.item_id for i in crime.items] == ["tst-2016-afi-01"]  # 30 days before 2 June
    default = preview(mini_kb, routed, "C0DIGEST", at("2017-05-03"))
    assert "tst-2016-afi-01" not in [i.what.item_id for i in default.items]
    elsewhere = preview(mini_kb, routed, "C0OTHER", at("2017-05-03"))
    assert not elsewhere.routed and elsewhere.items == ()
    assert ("C0CRIME", "reminders for owner head-of-crime") in elsewhere.destinations


def test_console_and_cli_preview_the_default_channel(mini_dir) -> None:
    (mini_dir / "policy.yaml").write_text("policy:\n  default_channel: C0DIGEST\n")
    kb = loader.load(mini_dir)
    from bot.render.templating import build_env
    from bot.render.text import Renderer

    text = answer(kb, Renderer(build_env(), kb), "digest", dt.date(2017, 4, 20)).text
    assert "Next reminders digest for <#C0DIGEST>" in text
    assert "Thursday 20 April 2017 at 09:00" in text and "tst-2016-rec-01" in text
    quiet = answer(kb, Renderer(build_env(), kb), "digest", dt.date(2017, 4, 20),
                   Context(now=at("2017-04-20", "10:00")))
    assert "Friday 21 April 2017 at 09:00" in quiet.text


def test_slack_preview_follows_the_channel_and_the_ledger(tmp_path, emulator,
                                                          live_shipped) -> None:
    settings = make_settings(emulator, data_dir=tmp_path / "data")
    with running_bot(emulator, live_shipped, today=TODAY, settings=settings) as bot:
        here = visible(bot.ask("digest", channel="C0DIGEST"))
        assert "Next reminders digest for <#C0DIGEST>" in here
        # the shipped deadlines are years old: beyond the catch-up horizon, only counted
        assert "Monday 23 November 2026 at 09:00" in here and "4 older reminders" in here
        assert "cle-2016-rec-01" not in here
        other = visible(bot.ask("digest", channel="C0OTHER"))
        assert "No reminders are posted in this channel" in other and "cle-2016" not in other
        named = visible(bot.ask("digest <#C0DIGEST|digest>", channel="C0OTHER"))
        assert "4 older reminders" in named
        # the scheduler posts Monday's digest; the preview then has nothing left for that tick
        service = ReminderService(settings, live_shipped,
                                  make_client(settings.slack_bot_token, emulator.base_url))
        try:
            tick = service.tick(dt.datetime(2026, 11, 23, 9, 0, tzinfo=P.tz))
            assert (tick.sent, tick.counted) == (0, 4)
        finally:
            service.stop()
        after = visible(bot.ask("digest", channel="C0DIGEST"))
        assert "Nothing is due by then, so no digest will be posted" in after
        assert "give the channel's id" in visible(bot.ask("digest #general please"))
