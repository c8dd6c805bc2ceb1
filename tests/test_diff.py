"""`inspection-bot diff`: what changed in the content between two versions, in words."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from click.testing import CliRunner

from bot.cli import cli
from bot.content import loader
from bot.content.diff import describe_changes


def _edit(content: Path) -> None:
    """Every kind of change the summary names, made to the mini fixture."""
    y16 = content / "2016.yaml"
    text = y16.read_text()
    text = text.replace("    owner: head-of-crime\n",
                        "    owner: head-of-crime\n    status: closed\n    history:\n"
                        "      - {date: \"2017-05-20\", status: closed,\n"
                        "         evidence: {url: \"https://example.org/closure\"}}\n")
    text = text.replace('deadline: {phrase: "by 1 May 2017", date: "2017-05-01"}',
                        'deadline: {phrase: "by 1 July 2017", date: "2017-07-01"}')
    text = text.replace("value: 76.5", "value: 70.1")
    y16.write_text(text)
    y21 = content / "2021.yaml"
    text = y21.read_text().replace("  published: null\n",
                                   '  published: "2022-01-20"\n  published_source: '
                                   "{document: report-2021.txt, line: 1}\n")
    text = text.replace("    source: {document: report-2021.txt, line: 10}\n",
                        "    source: {document: report-2021.txt, line: 10}\n"
                        "  - area: vulnerability\n"
                        "    question: Protecting vulnerable people\n"
                        "    grade: good\n"
                        "    source: {document: report-2021.txt, line: 12}\n", 1)
    text += ("  - id: tst-2021-afi-01\n    kind: area_for_improvement\n    area: investigation\n"
             "    text: The force should supervise investigations better.\n"
             "    source: {document: report-2021.txt, line: 30}\n")
    y21.write_text(text)


def test_describe_changes_names_each_change(mini_dir: Path, mini_kb) -> None:
    _edit(mini_dir)
    new = loader.load(mini_dir, strict=True)
    lines = describe_changes(mini_kb, new)
    text = "\n".join(lines)
    assert "tst-2021: publication date recorded: 2022-01-20." in lines
    assert "Finding added: tst-2021-afi-01 (area for improvement, Investigating crime)" in text
    assert "tst-2016-afi-01: status open → closed." in lines
    assert "tst-2016-rec-01: deadline moved: 2017-05-01 → 2017-07-01." in lines
    # resolved from the new publication date: "immediate" now has a date
    assert "tst-2021-rec-01: deadline moved: “take immediate steps” (no date) → 2022-01-20." in lines
    assert "Grade recorded: 2021/22 Protecting vulnerable people: good." in lines
    assert "tst-2016-asb-rate: value 76.5 → 70.1." in lines
    assert describe_changes(new, new) == []
    back = describe_changes(new, mini_kb)
    assert "Finding removed: tst-2021-afi-01." in back


def _git(cwd: Path, *args: str) -> None:
    subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.org", *args],
                   cwd=cwd, check=True, capture_output=True)


def test_diff_command_between_two_git_revisions(tmp_path: Path, monkeypatch) -> None:
    repo = tmp_path / "repo"
    shutil.copytree(Path(__file__).parent / "fixtures" / "mini", repo / "content")
    _git(repo, "init", "-q")
    _git(repo, "add", "content")
    _git(repo, "commit", "-qm", "first")
    _edit(repo / "content")
    _git(repo, "commit", "-qam", "second")
    (repo / "content" / "2016.yaml").write_text("broken: [")  # the working tree is not read
    monkeypatch.chdir(repo)
    result = CliRunner().invoke(cli, ["diff", "HEAD~1", "HEAD"])
    assert result.exit_code == 0, result.output
    assert "- tst-2016-afi-01: status open → closed." in result.output
    assert "- Finding added: tst-2021-afi-01" in result.output
    same = CliRunner().invoke(cli, ["diff", "HEAD", "HEAD", "--content-path", "content"])
    assert same.exit_code == 0 and "No changes" in same.output
    bad = CliRunner().invoke(cli, ["diff", "no-such-rev", "HEAD"])
    assert bad.exit_code == 1 and "git:" in bad.output
