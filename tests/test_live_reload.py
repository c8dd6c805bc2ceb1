"""Live content: edits are served within seconds without a restart; a broken edit keeps the last
good content serving and is reported to the maintainers once; admin actions need an admin."""

from __future__ import annotations

import json
import time

import pytest
from conftest import TODAY
from slack_harness import (
    ADMIN,
    ASKER,
    http,
    make_settings,
    running_bot,
    visible,
    wait_until,
    web_client,
)

from bot.errors import ContentInvalid
from bot.live import LiveKnowledgeBase, _Stamps, content_version
from bot.slack.admin import report_content_errors

MAINTAINERS = "C0MAINT"
GOOD, BROKEN, FIXED = "value: 76.5", "value: [76.5", "value: 77.7"


def _edit(content_dir, old, new):
    path = content_dir / "cleveland" / "2014-crime.yaml"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def test_broken_edit_keeps_serving_last_good_and_reports_once(emulator, content_copy):
    """A YAML mistake saved while the bot runs: answers keep coming from the last good content,
    the maintainers' channel gets the errors once (with file:line:col), and the fix is served
    within seconds."""
    live = LiveKnowledgeBase(content_copy, poll_interval=0.1)
    with running_bot(emulator, live, today=TODAY) as bot, live:
        report_content_errors(live, bot.app.client, MAINTAINERS)
        assert "76.5 per 1,000 population" in visible(bot.ask("figures asb"))

        path = _edit(content_copy, GOOD, BROKEN)
        wait_until(lambda: emulator.messages(MAINTAINERS), timeout=10)
        assert "76.5 per 1,000 population" in visible(bot.ask("figures asb"))
        report = visible(emulator.messages(MAINTAINERS)[0])
        assert "keeps serving the last good version" in report
        assert "2014-crime.yaml:" in report and "```" in report
        health = http(bot.url + "/healthz").json()
        assert health["content_problems"] >= 1

        path.write_text(path.read_text(encoding="utf-8"), encoding="utf-8")  # saved again
        live.reload()
        assert len(emulator.messages(MAINTAINERS)) == 1

        _edit(content_copy, BROKEN, FIXED)
        wait_until(lambda: "77.7 per 1,000 population" in visible(bot.ask("figures asb")))
        assert http(bot.url + "/healthz").json()["content_problems"] == 0
        assert len(emulator.messages(MAINTAINERS)) == 1


def test_every_broken_version_is_reported_once(content_copy):
    """Two different broken versions are two reports; going back to one already reported is
    not reported again."""
    reports = []
    live = LiveKnowledgeBase(content_copy, on_errors=lambda p, v: reports.append((v, len(p))))
    _edit(content_copy, GOOD, BROKEN)
    first = live.reload()
    assert not first.ok and not first.changed
    assert all(p.file.endswith("2014-crime.yaml") for p in first.problems)
    assert live.reload() == first
    _edit(content_copy, BROKEN, "value: [[76.5")
    live.reload()
    assert [v for v, _ in reports] == [first.version, content_version(content_copy)]
    assert live.current.kb.counts()["figures"] > 0  # still the original content


def test_invalid_content_at_start_refuses_to_start(content_copy):
    """The bot does not start on broken content: it says what is wrong instead."""
    _edit(content_copy, GOOD, BROKEN)
    with pytest.raises(ContentInvalid) as err:
        LiveKnowledgeBase(content_copy)
    assert "2014-crime.yaml" in str(err.value)


def test_content_errors_are_escaped_and_cut_to_fit(emulator, content_copy):
    """Errors posted to the maintainers' channel are escaped (a quoted `<!channel>` does not
    ping) and fit in one message however many there are."""
    live = LiveKnowledgeBase(content_copy)
    report_content_errors(live, web_client(emulator), MAINTAINERS)
    path = content_copy / "cleveland" / "2014-crime.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("unit: per_1000_population", "unit: <!channel>"),
                    encoding="utf-8")
    result = live.reload()
    assert len(result.problems) >= 2
    posted = emulator.messages(MAINTAINERS)
    assert len(posted) == 1
    raw = json.dumps(posted[0])
    assert "<!channel>" not in raw and "&lt;!channel&gt;" in raw
    assert all(len(b["text"]["text"]) <= 3000 for b in posted[0]["blocks"])


def test_reload_is_refused_for_a_non_admin(emulator, live_shipped):
    """`/inspection reload` from someone who is not an admin gets a polite refusal."""
    settings = make_settings(emulator, admin_user_ids=frozenset({ADMIN}))
    with running_bot(emulator, live_shipped, today=TODAY, settings=settings) as bot:
        reply = bot.ask("reload", user=ASKER)
    assert "Sorry, `reload` is for the bot's administrators" in reply["text"]
    assert reply["response_type"] == "ephemeral"


def test_reload_by_an_admin_serves_the_new_content(emulator, content_copy):
    """An admin's `/inspection reload` loads an edit at once and says which version serves."""
    live = LiveKnowledgeBase(content_copy)  # not watching: only the command reloads
    settings = make_settings(emulator, admin_user_ids=frozenset({ADMIN}))
    with running_bot(emulator, live, today=TODAY, settings=settings) as bot:
        assert "not changed" in bot.ask("reload", user=ADMIN)["text"]
        _edit(content_copy, GOOD, FIXED)
        reply = bot.ask("reload", user=ADMIN)
        assert "Reloaded the content" in reply["text"]
        assert live.current.version[:12] in reply["text"]
        assert "77.7 per 1,000 population" in visible(bot.ask("figures asb"))
        _edit(content_copy, FIXED, BROKEN)
        refused = bot.ask("reload", user=ADMIN)["text"]
        assert "kept serving the last good version" in refused and "2014-crime.yaml" in refused


def test_admin_user_group_members_may_reload(emulator, live_shipped):
    """Members of the admin user group may use admin actions; Slack is asked who is in it."""
    emulator.set_usergroup("S0ADMINS", [ASKER])
    settings = make_settings(emulator, admin_usergroup_id="S0ADMINS")
    with running_bot(emulator, live_shipped, today=TODAY, settings=settings) as bot:
        assert "not changed" in bot.ask("reload", user=ASKER)["text"]
        assert "administrators" in bot.ask("reload", user="U0OTHER")["text"]
    assert len(emulator.calls_to("usergroups.users.list")) == 2


def test_post_digest_needs_a_channel_and_the_bot_in_it(emulator, live_shipped):
    """post-digest explains what it needs: a channel, and to be invited to it."""
    emulator.set_channel("C0PRIVATE", member=False)
    settings = make_settings(emulator, admin_user_ids=frozenset({ADMIN}))
    with running_bot(emulator, live_shipped, today=TODAY, settings=settings) as bot:
        assert "Say which channel" in bot.ask("post-digest", user=ADMIN)["text"]
        assert "invite me first" in bot.ask("post-digest C0PRIVATE", user=ADMIN)["text"]
        assert "administrators" in bot.ask("post-digest C0PRIVATE", user=ASKER)["text"]
        ok = bot.ask("post-digest #briefings", user=ADMIN)["text"]
        assert "Posted the digest preview to #briefings" in ok


def test_an_edit_made_before_watching_starts_is_picked_up(content_copy):
    """An edit saved between loading and the watcher starting is not missed: the periodic scan
    notices it."""
    live = LiveKnowledgeBase(content_copy, poll_interval=0.1)
    _edit(content_copy, GOOD, FIXED)
    with live:
        wait_until(lambda: any(f.value == 77.7 for f in live.current.kb.figures), timeout=10)


def test_a_valid_edit_posts_what_changed_once(emulator, content_copy):
    """When a maintainer's edit goes live, the maintainers' channel is told in words what
    changed (a status closed, a deadline moved), once per new version."""
    from bot.slack.admin import report_content_changes

    live = LiveKnowledgeBase(content_copy)
    report_content_changes(live, web_client(emulator), MAINTAINERS)
    path = content_copy / "cleveland" / "2016-effectiveness.yaml"
    text = path.read_text(encoding="utf-8")
    old = 'date: "2017-05-01"'
    assert old in text
    path.write_text(text.replace(old, 'date: "2017-05-08"'),
                    encoding="utf-8")
    assert live.reload().changed
    assert not live.reload().changed  # nothing new: no second post
    posts = emulator.messages(MAINTAINERS)
    assert len(posts) == 1
    shown = visible(posts[0])
    assert "is now served" in shown and "cle-2016-rec-01" in shown and "2017-05-08" in shown


def test_an_edit_to_a_report_text_goes_live(content_copy):
    """content/sources/*.txt is part of the content: a corrected line of a report's text is
    quoted by the running bot without a restart (and without a YAML edit)."""
    live = LiveKnowledgeBase(content_copy, poll_interval=0.1)
    source = content_copy / "sources" / "000_1cbb2b1dde85f18b.txt"
    assert "zebracrossing" not in live.current.kb.texts[source.name]
    with live:
        with source.open("a", encoding="utf-8") as handle:
            handle.write("The force audited every zebracrossing in the area.\n")
        wait_until(lambda: "zebracrossing" in live.current.kb.texts[source.name], timeout=10)


def test_the_safety_net_scan_sees_what_a_scan_from_scratch_sees(content_copy):
    """The watcher's once-a-second scan lists the files again only when a folder changed: a
    file added two folders deep, a file edited in place and a file removed all show in it as
    in a scan that lists everything (for file systems that send no events)."""
    stamps = _Stamps(content_copy)
    first = stamps.now()
    assert first == _Stamps(content_copy).now()
    time.sleep(0.05)  # past the file system's clock tick since the copy was made
    new = content_copy / "durham" / "2016" / "extra.yaml"
    new.parent.mkdir(parents=True)
    new.write_text("# nothing yet\n", encoding="utf-8")
    added = stamps.now()
    assert added == _Stamps(content_copy).now() and str(new) in {name for name, _, _ in added}
    time.sleep(0.05)
    with (content_copy / "cleveland" / "2014-crime.yaml").open("a", encoding="utf-8") as f:
        f.write("# a comment\n")
    edited = stamps.now()
    assert edited == _Stamps(content_copy).now() and edited != added
    new.unlink()
    assert stamps.now() == _Stamps(content_copy).now()
    assert str(new) not in {name for name, _, _ in stamps.now()}
