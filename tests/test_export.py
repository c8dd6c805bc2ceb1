"""`export json` gives the whole knowledge base in the documented shape."""

from __future__ import annotations

import json

from click.testing import CliRunner

from bot.cli import cli


def test_export_json_shape(kb) -> None:
    result = CliRunner().invoke(cli, ["export", "json", "--as-of", "2026-11-23"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert {"forces", "inspections", "judgments", "findings", "figures", "responses"} <= set(data)
    assert len(data["findings"]) == len(kb.findings)
    insp = {i["id"]: i for i in data["inspections"]}
    assert insp["cle-2016-effectiveness"]["published"] == "2017-03-02"
    assert insp["cle-2014-crime"]["published"] is None
    assert insp["cle-2021-peel"]["scale"][2] == "adequate"
    j = next(j for j in data["judgments"] if j["carried_from"])
    # A carried judgment gives the grade it carries, so it does not read as ungraded.
    assert j["grade"] == "good" and j["source"]["line"] > 0
    rec = next(f for f in data["findings"] if f["id"] == "cle-2016-rec-01")
    assert rec["deadline"] == {"date": "2017-05-01", "phrase": "by 1 May 2017", "precision": "day",
                               "after_publication": None, "set_by": "inspectorate"}
    assert rec["overdue"] is True and rec["kind"] == "recommendation"
    fig = next(f for f in data["figures"] if f["comparators"])
    assert "england_and_wales" in fig["comparators"]


def test_export_as_of_before_the_deadline_is_not_overdue(tmp_path) -> None:
    out = tmp_path / "kb.json"
    result = CliRunner().invoke(cli, ["export", "json", "--as-of", "2017-04-01", "-o", str(out)])
    assert result.exit_code == 0
    rec = next(f for f in json.loads(out.read_text())["findings"] if f["id"] == "cle-2016-rec-01")
    assert rec["overdue"] is False
