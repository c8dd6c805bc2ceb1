"""Several forces in one knowledge base: Durham imported beside Cleveland (the real importer, on
the fixture report) answers every command per force, takes a default force from the settings
and from a channel's policy, names the force in its answers, routes digests per force and
splits the exports by force."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import shutil
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.ask import forces
from bot.ask.dispatch import Context
from bot.cli import cli
from bot.content import loader
from bot.content.kb import KnowledgeBase
from bot.live import LiveKnowledgeBase
from bot.render.answer import answer
from bot.render.templating import build_env
from bot.render.text import Renderer
from bot.settings import Settings
from bot.slack.home import home_view
from bot.slack.services import Services
from tests.reminders_harness import Database, remind, settings_for
from tests.slack_emulator import SlackEmulator

ROOT = Path(__file__).resolve().parents[1]
REPORT = ROOT / "tests" / "fixtures" / "import" / "durham-peel.txt"
AS_OF = dt.date(2026, 1, 1)
# A Monday: Durham's "By 31 March 2025" gets its weekly overdue reminder (the policy nags on)
TICK = dt.datetime(2026, 1, 5, 9, 0)
POLICY = """# yaml-language-server: $schema=./schema.json
policy:
  default_channel: C0BRIEF
  pcc_response_days: 0
  overdue_nags: 100
  channels:
    - {channel: C0DURHAM, force: durham}
    - {channel: C0CLEVE, force: cleveland}
"""
OWNERS = """# yaml-language-server: $schema=./schema.json
owners:
  - {id: durham-head-of-crime, role: Head of Crime, force: durham}
"""


def _import_durham(content: Path) -> None:
    result = CliRunner().invoke(cli, ["import", str(REPORT), "--content", str(content),
                                      "--force", "durham", "--name", "Durham Constabulary"])
    assert result.exit_code == 0, result.output


@pytest.fixture(scope="module")
def content(tmp_path_factory) -> Path:
    """The shipped content with Durham imported beside Cleveland, Durham's second
    recommendation owned by Durham's head of crime, and a channel for each force."""
    target = tmp_path_factory.mktemp("forces") / "content"
    shutil.copytree(ROOT / "content", target)
    _import_durham(target)
    (target / "policy.yaml").write_text(POLICY, encoding="utf-8")
    (target / "owners.yaml").write_text(OWNERS, encoding="utf-8")
    draft = target / "durham" / "2023-peel.yaml"
    text = draft.read_text(encoding="utf-8")
    marker = '      date: "2025-03-31"\n    status: "open"\n'
    assert marker in text
    draft.write_text(text.replace(marker, marker + '    owner: "durham-head-of-crime"\n'),
                     encoding="utf-8")
    return target


@pytest.fixture(scope="module")
def two(content) -> KnowledgeBase:
    return loader.load(content)


@pytest.fixture(scope="module")
def ask(two):
    renderer = Renderer(build_env(), two)

    def run(text: str, as_of: dt.date = AS_OF, **context):
        return answer(two, renderer, text, as_of, Context(**context))

    return run


def _forces_of(two: KnowledgeBase, rendered) -> set[str]:
    """The forces of what an answer cites: the items it links, the ids it names and the source
    documents of its citations (Durham's report, or Cleveland's numbered 000-004)."""
    out = {forces.force_of(two, i).id for i in rendered.items if forces.force_of(two, i)}
    if re.search(r"\bdur-\d{4}-|durham-peel\.txt", rendered.text):
        out.add("durham")
    if re.search(r"\bcle-\d{4}-|\b00[0-4](_[0-9a-f]+\.txt)? line", rendered.text):
        out.add("cleveland")
    return out


def test_the_second_force_loads_beside_cleveland(two):
    assert [f.id for f in two.forces] == ["cleveland", "durham"]
    durham = two.scoped("durham")
    assert {i.id for i in durham.inspections} == {"dur-2023-peel"}
    assert durham is two.scoped("durham")  # built once, kept
    assert durham.finding("dur-2023-rec-02") is two.finding("dur-2023-rec-02")  # same items
    assert durham.finding("cle-2016-rec-01") is None


@pytest.mark.parametrize("text, force, rest", [
    ("judgments 2016 durham", "durham", "judgments 2016"),
    ("overdue Durham Constabulary", "durham", "overdue"),
    ("figures asb cleveland police", "cleveland", "figures asb"),
    ("durham's overdue findings", "durham", "overdue findings"),
    ("judgments latest all forces", forces.ALL, "judgments latest"),
    ("show dur-2023-rec-02", None, "show dur-2023-rec-02"),  # an id is not the force's name
    ("findings", None, "findings"),
    # a force's name inside an area's own wording picks the force but stays in the text
    ("how much crime and anti-social behaviour is there in Cleveland?", "cleveland",
     "how much crime and anti-social behaviour is there in Cleveland?"),
])
def test_force_words_are_taken_out_before_parsing(two, text, force, rest):
    keep_first = not text.startswith("durham's")
    assert forces.take(two, text, keep_first=keep_first) == forces.Taken(rest, force)


def test_with_one_force_the_text_is_left_alone(kb):
    assert forces.take(kb, "judgments 2016 cleveland") == forces.Taken(
        "judgments 2016 cleveland", None)


@pytest.mark.parametrize("text, as_of, force", [
    ("judgments 2023/25 durham", AS_OF, "durham"),
    ("judgments 2016 cleveland", AS_OF, "cleveland"),
    ("findings durham", AS_OF, "durham"),
    ("findings recommendations cleveland", AS_OF, "cleveland"),
    ("overdue durham", AS_OF, "durham"),
    ("overdue cleveland", AS_OF, "cleveland"),
    ("due 60 days cleveland", dt.date(2017, 4, 1), "cleveland"),
    ("figures asb cleveland", AS_OF, "cleveland"),
    ("figures durham", AS_OF, "durham"),
    ("area investigation durham", AS_OF, "durham"),
    ("area investigation cleveland", AS_OF, "cleveland"),
    ("search investigation training durham", AS_OF, "durham"),
    ("inspection durham", AS_OF, "durham"),
    ("show dur-2023-rec-02", AS_OF, "durham"),
    ("what grade did durham get for investigating offending", AS_OF, "durham"),
    ("what grade did cleveland get for investigating offending in 2016", AS_OF, "cleveland"),
])
def test_every_command_answers_per_force(two, ask, text, as_of, force):
    rendered = ask(text, as_of)
    name = two.index["force"][force].name
    assert rendered.chunks[0].text.splitlines()[0] == f"*{name}*"
    assert _forces_of(two, rendered) == {force}, rendered.text


def test_due_is_per_force(two, ask):
    """In April 2017 Cleveland has deadlines coming; Durham (inspected later) has none."""
    assert _forces_of(two, ask("due 60 days", dt.date(2017, 4, 1))) == {"cleveland"}
    durham = ask("due 60 days durham", dt.date(2017, 4, 1))
    assert durham.text.startswith("*Durham Constabulary*") and _forces_of(two, durham) == set()


def test_the_force_named_gets_that_forces_answer(ask):
    durham = ask("what grade did durham get for investigating offending")
    assert "*Investigating crime*: Adequate" in durham.text
    assert durham.reading.endswith(" durham")  # the buttons re-ask it for Durham
    assert durham.question == "what grade did durham get for investigating offending"
    assert "No inspection from 2016" in ask("judgments 2016 durham").text
    assert "No inspection from 2016" not in ask("judgments 2016 cleveland").text


def test_a_force_word_a_command_needs_is_kept(ask):
    """`search durham` searches for the word (taking it out would leave `search` with none)."""
    rendered = ask("search durham")
    assert rendered.text.startswith("*All 2 forces*\n*Search")
    assert "dur-2023-rec-01" in rendered.text


def test_unscoped_answers_say_all_forces_and_cover_both(two, ask):
    rendered = ask("overdue", AS_OF)
    assert rendered.chunks[0].text.startswith("*All 2 forces*")
    assert _forces_of(two, rendered) == {"cleveland", "durham"}


def test_default_force_from_the_setting(two, ask):
    rendered = ask("overdue", AS_OF, default_force="durham")
    assert rendered.chunks[0].text.startswith("*Durham Constabulary*")
    assert _forces_of(two, rendered) == {"durham"}
    # the text beats the setting, and "all forces" is the whole base
    assert _forces_of(two, ask("overdue cleveland", AS_OF,
                               default_force="durham")) == {"cleveland"}
    assert _forces_of(two, ask("overdue all forces", AS_OF,
                               default_force="durham")) == {"cleveland", "durham"}


def test_default_force_from_the_channel_beats_the_setting(two, ask):
    in_cleveland = ask("overdue", AS_OF, destination="C0CLEVE",
                       default_force="durham")
    assert _forces_of(two, in_cleveland) == {"cleveland"}
    in_durham = ask("overdue", AS_OF, destination="C0DURHAM")
    assert _forces_of(two, in_durham) == {"durham"}
    named = ask("overdue cleveland", AS_OF, destination="C0DURHAM")
    assert _forces_of(two, named) == {"cleveland"}


def test_digest_preview_is_the_channels_force(ask):
    now = TICK.replace(hour=8, tzinfo=dt.UTC)
    durham = ask("digest", TICK.date(), destination="C0DURHAM", now=now)
    assert "*dur-2023-rec-02* · Durham Constabulary · Investigating crime" in durham.text
    cleveland = ask("digest", TICK.date(), destination="C0BRIEF", now=now)
    assert "dur-2023" not in cleveland.text


def test_with_one_force_answers_do_not_change(kb, renderer):
    """The shipped base has only Cleveland: no force line, and a default force changes
    nothing."""
    for text in ("judgments 2016", "overdue", "what grade for investigation in 2016"):
        plain = answer(kb, renderer, text, AS_OF)
        assert plain == answer(kb, renderer, text, AS_OF, Context(default_force="cleveland"))
        assert not plain.text.startswith(("*Cleveland Police*", "*All"))


def test_digests_route_per_force_through_the_tick(content, two, tmp_path):
    """A Durham deadline's reminder goes to Durham's channel, saying it is Durham's; Cleveland's
    channel gets none of Durham's."""
    with SlackEmulator() as slack:
        for channel in ("C0BRIEF", "C0DURHAM", "C0CLEVE", "C0MAINT"):
            slack.set_channel(channel)
        db = Database("sqlite", tmp_path)
        settings = settings_for(slack, db, tmp_path, content)
        code, out = remind(settings, two, TICK.isoformat(timespec="minutes"))
        assert code == 0, out
        durham = [m for m in slack.messages("C0DURHAM")]
        assert len(durham) == 1
        keys = durham[0]["metadata"]["event_payload"]["keys"]
        assert keys and all("dur-2023-rec-02" in k for k in keys)
        assert "Durham Constabulary" in durham[0]["text"] + json.dumps(durham[0]["blocks"])
        for channel in ("C0BRIEF", "C0CLEVE"):
            for m in slack.messages(channel):
                assert "dur-2023" not in json.dumps(m), channel


def test_a_route_can_name_a_force(two):
    from dataclasses import replace

    from bot.content.policy import Route, policy_of

    policy = replace(policy_of(two), routes=(Route("C0DURCRIME", force="durham",
                                                   kind="recommendation"),))
    assert policy.destinations("investigation", None, "recommendation", "durham") == ["C0DURCRIME"]
    assert policy.destinations("investigation", None, "cause_of_concern", "durham") == ["C0DURHAM"]
    assert policy.destinations("investigation", None, "recommendation", "cleveland") == ["C0CLEVE"]
    assert policy.destinations("investigation", None, "recommendation") == ["C0BRIEF"]


def test_an_unknown_force_in_the_policy_is_a_precise_error(content, tmp_path):
    broken = tmp_path / "content"
    shutil.copytree(content, broken)
    (broken / "policy.yaml").write_text(POLICY.replace("force: durham", "force: durhm"),
                                        encoding="utf-8")
    (broken / "owners.yaml").write_text(OWNERS.replace("force: durham", "force: kent"),
                                        encoding="utf-8")
    result = CliRunner().invoke(cli, ["validate", str(broken)])
    assert result.exit_code == 1
    assert (f"{broken / 'policy.yaml'}:7:34: policy.channels[0].force: unknown force 'durhm'. "
            "Did you mean 'durham'?") in result.output
    assert "owners" in result.output and "unknown force 'kent'" in result.output


def _export(content: Path, *args: str) -> str:
    result = CliRunner().invoke(cli, ["--content", str(content), "export", *args,
                                      "--as-of", "2026-01-01"])
    assert result.exit_code == 0, result.output
    return result.output


def test_exports_split_by_force(content):
    rows = list(csv.reader(io.StringIO(_export(content, "csv").lstrip("\ufeff"))))
    assert rows[0][:3] == ["Force", "Area", "Id"]
    by_force = [(r[0], r[2][:4]) for r in rows[1:]]
    assert {f for f, _ in by_force} == {"Cleveland Police", "Durham Constabulary"}
    assert all(prefix == {"Cleveland Police": "cle-", "Durham Constabulary": "dur-"}[f]
               for f, prefix in by_force)
    firsts = [f for f, _ in by_force]
    assert firsts == sorted(firsts, key=["Cleveland Police", "Durham Constabulary"].index)

    only = list(csv.reader(io.StringIO(_export(content, "csv", "--force", "durham")
                                       .lstrip("\ufeff"))))
    assert only[0][0] == "Area" and all(r[1].startswith("dur-") for r in only[1:])

    data = json.loads(_export(content, "json"))
    assert {f["force"] for f in data["findings"]} == {"cleveland", "durham"}
    assert all(f["force"] == ("durham" if f["id"].startswith("dur-") else "cleveland")
               for f in data["findings"] + data["judgments"] + data["figures"])
    durham = json.loads(_export(content, "json", "--force", "durham"))
    assert [f["id"] for f in durham["forces"]] == ["durham"]
    assert all(f["inspection"] == "dur-2023-peel" for f in durham["findings"])

    markdown = _export(content, "markdown")
    assert ("# Findings tracker as of 2026-01-01: Cleveland Police" in markdown
            and "# Findings tracker as of 2026-01-01: Durham Constabulary" in markdown)
    ics = _export(content, "ics")
    assert "SUMMARY:Durham Constabulary: dur-2023-rec-02" in ics
    assert "SUMMARY:Cleveland Police: cle-" in ics
    html = _export(content, "html", "--force", "durham")
    assert "Inspection briefing: Durham Constabulary" in html and "cle-2016" not in html
    both = _export(content, "html")
    assert both.index("<h1>Inspection briefing: Cleveland Police</h1>") < both.index(
        "<h1>Inspection briefing: Durham Constabulary</h1>")
    ids = re.findall(r'\bid="([^"]+)"', both)
    assert "summary-durham" in ids and len(ids) == len(set(ids))
    assert both.count("<body>") == 1 and both.count("</html>") == 1

    bad = CliRunner().invoke(cli, ["--content", str(content), "export", "csv", "--force", "kent"])
    assert bad.exit_code == 1 and "Known: cleveland, durham" in bad.output


def test_app_home_shows_each_force_or_the_default(content):
    live = LiveKnowledgeBase(content)

    def shown(settings: Settings) -> str:
        view = home_view(Services(settings, live, lambda: AS_OF, ThreadPoolExecutor(1)))
        return json.dumps(view)

    both = shown(Settings())
    assert "*Cleveland Police*" in both and "*Durham Constabulary*" in both
    durham = shown(Settings(default_force="durham"))
    assert "*Durham Constabulary*" in durham and "Cleveland Police" not in durham


def test_default_force_is_read_from_the_environment():
    assert Settings.from_env({"DEFAULT_FORCE": " Durham "}).default_force == "durham"
    assert Settings.from_env({}).default_force is None


def test_ask_takes_the_default_force_from_the_environment(content, monkeypatch):
    def ask_cli(*args: str):
        return CliRunner().invoke(cli, ["--content", str(content), "ask", *args,
                                        "--as-of", "2026-01-01"])

    monkeypatch.setenv("DEFAULT_FORCE", "durham")
    durham = ask_cli("overdue")
    assert durham.exit_code == 0 and durham.output.startswith("Durham Constabulary\n")
    assert "dur-2023-rec-02" in durham.output and "cle-" not in durham.output
    monkeypatch.setenv("DEFAULT_FORCE", "kent")
    typo = ask_cli("overdue")
    assert typo.exit_code == 1
    assert "DEFAULT_FORCE=kent: no force has that id. Known: cleveland, durham." in typo.output


def test_slack_answers_per_channel_force_and_the_cache_keeps_them_apart(content):
    """The same `/inspection overdue` in Durham's channel and in Cleveland's gets each force's
    answer (answers are cached: the channel's force is part of the key)."""
    from tests.slack_harness import running_bot, visible

    live = LiveKnowledgeBase(content)
    with SlackEmulator() as slack, running_bot(slack, live, today=AS_OF) as bot:
        durham = visible(bot.ask("overdue", channel="C0DURHAM"))
        cleveland = visible(bot.ask("overdue", channel="C0CLEVE"))
        again = visible(bot.ask("overdue", channel="C0DURHAM"))
        named = visible(bot.ask("overdue cleveland", channel="C0DURHAM"))
    assert "Durham Constabulary" in durham and "dur-2023-rec-02" in durham
    assert "cle-20" not in durham
    assert "Cleveland Police" in cleveland and "cle-20" in cleveland
    assert "dur-2023" not in cleveland
    assert again == durham and "dur-2023" not in named


def test_the_calendar_feed_can_be_one_forces(two):
    from bot.exports.calendar import calendar_response

    status, _, body = calendar_response(two, "t", "t", AS_OF, force="durham")
    assert status == 200 and b"dur-2023-rec-02" in body and b"cle-20" not in body
    status, _, body = calendar_response(two, "t", "t", AS_OF)
    assert status == 200 and b"dur-2023-rec-02" in body and b"cle-20" in body
    status, _, body = calendar_response(two, "t", "t", AS_OF, force="kent")
    assert status == 404 and b"No force has the id 'kent'" in body


def test_a_forces_search_quotes_only_its_own_reports(two, ask):
    """The reports' passages under a scoped search come from that force's reports alone (the
    view reads the whole base's passage index, limited to its documents)."""
    durham = ask("search emergency calls within 10 seconds durham")
    cleveland = ask("search emergency calls within 10 seconds cleveland")
    assert "durham-peel" in durham.text
    assert not re.search(r"\b00[0-4]_[0-9a-f]+\.txt", durham.text), durham.text
    assert "durham-peel" not in cleveland.text, cleveland.text
    assert set(two.scoped("durham").texts) == set(two.scoped("durham").index["document"])


def test_the_reminders_timeline_routes_each_deadline_by_its_own_force(content, tmp_path):
    """The timeline works routes out once per kind of deadline; with a policy that routes by
    force, a Durham and a Cleveland deadline of the same area, owner (none) and kind still go
    to their own force's channel."""
    from bot.ask.milestones import Timeline, destinations
    from bot.content.policy import policy_of

    copy = tmp_path / "content"
    shutil.copytree(content, copy)
    draft = copy / "durham" / "2023-peel.yaml"
    text = draft.read_text(encoding="utf-8").replace('    owner: "durham-head-of-crime"\n', "")
    # Durham's dated recommendation in the area of two of Cleveland's dated ones
    text = text.replace('  - id: "dur-2023-rec-02"\n    kind: "recommendation"\n'
                        '    area: "investigation"\n', '  - id: "dur-2023-rec-02"\n'
                        '    kind: "recommendation"\n    area: "vulnerability"\n')
    draft.write_text(text, encoding="utf-8")
    two = loader.load(copy)
    policy = policy_of(two)
    line = Timeline(two, policy)
    durham = next(w for w in line.whats if w.item_id.startswith("dur-"))
    assert any(w.item_id.startswith("cle-") and (w.area, w.owner, w.kind)
               == (durham.area, durham.owner, durham.kind) for w in line.whats)
    mine = {w.item_id: dests for w, dests in zip(line.whats, line.dests, strict=True)}
    assert any(i.startswith("dur-") for i in mine) and any(i.startswith("cle-") for i in mine)
    for w, dests in zip(line.whats, line.dests, strict=True):
        assert list(dests) == destinations(two, policy, w), w.item_id
        expected = "C0DURHAM" if w.item_id.startswith("dur-") else "C0CLEVE"
        assert expected in dests, (w.item_id, dests)


@pytest.mark.parametrize("text", ["area investigation", "overdue", "judgments latest",
                                  "findings", "figures calls", "search investigation training"])
def test_an_answer_for_every_force_says_whose_each_line_is(two, ask, text):
    """Listings that mix forces name the force on each item's line (the finding ids' prefixes
    are a maintainer's convention, not something a reader can rely on); one force's answer
    does not repeat its name on every line."""
    mixed = ask(text)
    for chunk in mixed.chunks:
        if chunk.item_id and forces.force_of(two, chunk.item_id):
            assert f"{forces.force_of(two, chunk.item_id).name} · " in chunk.text, chunk.text
    lines = mixed.text.splitlines()
    assert any("Durham Constabulary · " in x for x in lines) or text == "figures calls"
    assert any("Cleveland Police · " in x for x in lines)
    one = ask(f"{text} cleveland")
    assert "Cleveland Police · " not in one.text
