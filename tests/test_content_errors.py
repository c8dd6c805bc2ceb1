"""Each kind of bad edit gets one precise problem: the right line and column, the key path, a
message in plain words, the allowed values and a "did you mean"."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.cli import cli
from bot.content import loader
from bot.errors import ContentInvalid, Problem


def problems_in(content: Path) -> list[Problem]:
    kb, problems = loader.check(content)
    return problems


def only_error(content: Path) -> Problem:
    errors = [p for p in problems_in(content) if not p.warning]
    assert len(errors) == 1, "\n".join(map(str, errors))
    return errors[0]


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, old
    path.write_text(text.replace(old, new, 1))


def test_the_fixture_is_valid(mini_dir: Path) -> None:
    """The tiny knowledge base the other tests break is itself valid."""
    assert problems_in(mini_dir) == []


def test_yaml_syntax_error_points_at_the_line(mini_dir: Path) -> None:
    """A YAML syntax slip is reported at the line of the mistake (the `[` left open, not the
    end of the file where the parser gave up), in plain words, and loads nothing."""
    (mini_dir / "bad.yaml").write_text("owners:\n  - id: a\n    role: [unclosed\n")
    p = only_error(mini_dir)
    assert p.file.endswith("bad.yaml")
    assert (p.line, p.column) == (3, 11)
    assert "'[' opened here is not closed" in p.message and "']'" in p.hint


def test_unknown_grade_names_the_scale_and_suggests(mini_dir: Path) -> None:
    edit(mini_dir / "2016.yaml", "grade: requires improvement", "grade: requires improvment")
    p = only_error(mini_dir)
    assert (p.line, p.column, p.path) == (19, 12, "judgments(vulnerability).grade")
    assert p.message == ("'requires improvment' is not one of: outstanding, good, "
                         "requires improvement, inadequate.")
    assert p.hint == "Did you mean 'requires improvement'?"


def test_five_tier_grade_on_a_four_tier_inspection(mini_dir: Path) -> None:
    """'adequate' exists only from 2021/22: a 2016 judgment cannot use it."""
    edit(mini_dir / "2016.yaml", "grade: good", "grade: adequate")
    p = only_error(mini_dir)
    assert p.line == 15 and "'adequate' is not one of: outstanding, good" in p.message


def test_wrong_type_quoted_number(mini_dir: Path) -> None:
    edit(mini_dir / "2016.yaml", "value: 76.5", 'value: "76.5"')
    p = only_error(mini_dir)
    assert (p.line, p.column, p.path) == (42, 12, "figures[0].value")
    assert p.message == "'76.5' is not a number."


def test_wrong_type_list_where_text_expected(mini_dir: Path) -> None:
    edit(mini_dir / "2016.yaml", "title: Test effectiveness 2016", "title: [a, b]")
    p = only_error(mini_dir)
    assert (p.line, p.path, p.message) == (4, "inspection.title", "expected text, found a list")


def test_duplicate_key(mini_dir: Path) -> None:
    edit(mini_dir / "2016.yaml", "  programme: PEEL effectiveness\n",
         "  programme: PEEL effectiveness\n  programme: PEEL\n")
    p = only_error(mini_dir)
    assert (p.line, p.column, p.path) == (7, 3, "inspection.programme")
    assert p.message == "duplicate key 'programme' (first at line 6)."


def test_duplicate_id_across_files(mini_dir: Path) -> None:
    edit(mini_dir / "2021.yaml", "id: tst-2021-rec-01", "id: tst-2016-afi-01")
    errors = [p for p in problems_in(mini_dir) if "duplicate id" in p.message]
    assert len(errors) == 1
    assert errors[0].file.endswith("2021.yaml")
    assert "duplicate id 'tst-2016-afi-01' (first used at" in errors[0].message
    assert "2016.yaml:22)" in errors[0].message


def test_link_to_unknown_finding(mini_dir: Path) -> None:
    edit(mini_dir / "2021.yaml", "follows_up: [tst-2016-afi-01]", "follows_up: [tst-2016-afi-1]")
    p = only_error(mini_dir)
    assert p.path == "findings(tst-2021-rec-01).links.follows_up"
    assert p.message == "unknown finding 'tst-2016-afi-1'."
    assert p.hint == "Did you mean 'tst-2016-afi-01'?"


def test_grade_carried_from_unknown_inspection(mini_dir: Path) -> None:
    edit(mini_dir / "2021.yaml", "    grade: adequate\n", "    carried_from: tst-2015\n")
    p = only_error(mini_dir)
    assert p.path == "judgments(investigation).carried_from"
    assert p.message == "unknown inspection 'tst-2015'."


def test_unknown_area(mini_dir: Path) -> None:
    edit(mini_dir / "2021.yaml", "area: investigation\n    question", "area: investigaton\n    question")
    p = only_error(mini_dir)
    assert p.message == "unknown area 'investigaton'." and p.hint == "Did you mean 'investigation'?"


def test_cause_of_concern_without_recommendation(mini_dir: Path) -> None:
    edit(mini_dir / "2021.yaml", "    cause: tst-2021-coc-01\n", "")
    p = only_error(mini_dir)
    assert p.path == "findings(tst-2021-coc-01)"
    assert p.message == "a cause of concern needs at least one recommendation."
    assert p.hint == "Add a recommendation with 'cause: tst-2021-coc-01'."


@pytest.mark.parametrize(("old", "new", "message"), [
    ("question: Investigating crime", "question: no",
     "'no' is read by YAML as a true/false value, not text."),
    ('phrase: "take immediate steps"', "phrase: 8:30",
     "'8:30' is read by YAML as a number, not text."),
    ('year: "2021/22"', "year: 2022", "'2022' is read by YAML as a number, not text."),
])
def test_yaml_11_coercions_are_refused(mini_dir: Path, old: str, new: str, message: str) -> None:
    """`no`, `8:30` and bare numbers where text is expected would silently become False, 510
    and 2022: the loader refuses them and says to quote."""
    edit(mini_dir / "2021.yaml", old, new)
    p = only_error(mini_dir)
    assert p.message == message
    assert p.hint.startswith("Put it in quotes")


def test_unquoted_date(mini_dir: Path) -> None:
    edit(mini_dir / "2016.yaml", 'published: "2017-03-02"', "published: 2017-03-02")
    p = only_error(mini_dir)
    assert (p.line, p.column, p.path) == (8, 14, "inspection.published")
    assert p.message == "date 2017-03-02 must be quoted." and p.hint == 'Write "2017-03-02".'


def test_impossible_date(mini_dir: Path) -> None:
    edit(mini_dir / "2016.yaml", 'date: "2017-05-01"', 'date: "2017-02-30"')
    p = only_error(mini_dir)
    assert p.message == "'2017-02-30' is not a real date."


def test_missing_required_key(mini_dir: Path) -> None:
    edit(mini_dir / "2016.yaml", "    kind: recommendation\n", "")
    p = only_error(mini_dir)
    assert p.message == "missing required key 'kind' in finding."


def test_unknown_key_is_a_warning_and_strict_makes_it_an_error(mini_dir: Path) -> None:
    edit(mini_dir / "2016.yaml", "  scale: four-tier", "  scale: four-tier\n  scael: x")
    problems = problems_in(mini_dir)
    assert len(problems) == 1 and problems[0].warning
    assert problems[0].message == "unknown key 'scael' in inspection."
    assert problems[0].hint == "Did you mean 'scale'?"
    loader.load(mini_dir)  # a warning does not stop the bot
    with pytest.raises(ContentInvalid):
        loader.load(mini_dir, strict=True)


def test_every_problem_in_one_run(mini_dir: Path) -> None:
    """A maintainer sees all their mistakes at once, not one per run."""
    edit(mini_dir / "2016.yaml", "grade: good", "grade: godo")
    edit(mini_dir / "2016.yaml", "value: 76.5", "value: lots")
    edit(mini_dir / "2021.yaml", "area: investigation\n    question", "area: nowhere\n    question")
    assert len([p for p in problems_in(mini_dir) if not p.warning]) == 3


def test_validate_cli_prints_file_line_col_and_exits_1(mini_dir: Path) -> None:
    edit(mini_dir / "2016.yaml", "grade: requires improvement", "grade: requires improvment")
    result = CliRunner().invoke(cli, ["validate", str(mini_dir)])
    assert result.exit_code == 1
    line = result.output.splitlines()[0]
    assert line.endswith("2016.yaml:19:12: judgments(vulnerability).grade: 'requires improvment' "
                         "is not one of: outstanding, good, requires improvement, inadequate. "
                         "Did you mean 'requires improvement'?")


def test_validate_strict_fails_on_warning(mini_dir: Path) -> None:
    edit(mini_dir / "2016.yaml", "  scale: four-tier", "  scale: four-tier\n  colour: blue")
    runner = CliRunner()
    assert runner.invoke(cli, ["validate", str(mini_dir)]).exit_code == 0
    assert runner.invoke(cli, ["validate", "--strict", str(mini_dir)]).exit_code == 1


def test_bot_refuses_to_start_on_invalid_content_without_traceback(mini_dir: Path) -> None:
    edit(mini_dir / "2016.yaml", "grade: good", "grade: great")
    result = CliRunner().invoke(cli, ["--content", str(mini_dir), "ask", "help"])
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert "'great' is not one of" in result.output


def test_validate_checks_the_reminders_policy_against_the_content(mini_dir: Path) -> None:
    """A time zone that does not exist, a route to an unknown area and a quiet period that ends
    before it starts are caught by `validate` (and by live reload), not first at 9 a.m."""
    (mini_dir / "policy.yaml").write_text(
        "policy:\n"
        "  default_channel: C1\n"
        "  timezone: Europe/Lundun\n"
        "  routes:\n"
        "    - {area: nowhere, channel: C2}\n"
        "    - {owner: head-of-crime, channel: C3}\n"
        "    - {owner: head-of-crme, channel: C4}\n"
        "  quiet_periods:\n"
        "    - {from: \"2017-05-02\", to: \"2017-05-01\"}\n")
    result = CliRunner().invoke(cli, ["validate", str(mini_dir)])
    assert result.exit_code == 1
    lines = [line for line in result.output.splitlines() if "policy.yaml:" in line]
    assert [line.split(": ", 2)[:2] for line in lines] == [
        [f"{mini_dir}/policy.yaml:3:13", "policy.timezone"],
        [f"{mini_dir}/policy.yaml:5:14", "policy.routes[0].area"],
        [f"{mini_dir}/policy.yaml:7:15", "policy.routes[2].owner"],
        [f"{mini_dir}/policy.yaml:9:32", "policy.quiet_periods[0].to"],
    ], result.output
    assert "unknown area 'nowhere'" in result.output  # the known owner's route is fine
    assert "Known: anti-social-behaviour, investigation, vulnerability." in result.output
    assert "Did you mean 'head-of-crime'?" in result.output
