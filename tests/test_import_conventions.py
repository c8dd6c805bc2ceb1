"""The importer on report shapes it has not seen in the seeds: a PEEL 2023–25 report whose
headings areas.yaml does not know, and a thematic report addressed to all forces."""

from __future__ import annotations

import shutil
from pathlib import Path

import yaml

from bot.content import loader
from bot.importer.run import import_report

ROOT = Path(__file__).resolve().parents[1]

PEEL_2023 = """PEEL 2023–25
Police effectiveness, efficiency and legitimacy

An inspection of Northumbria Police

Preventing crime

Northumbria Police is good at preventing crime.

Leadership and force management

Northumbria Police is adequate at leadership and force management.

Areas for improvement

The force should make sure its leaders understand the demand the force faces.
"""

THEMATIC = """An inspection of how well the police tackle stalking

This inspection looked at the response to stalking in all 43 police forces in England and Wales in 2024.

Recommendations

Recommendation 1

By 31 March 2025, chief constables should make sure that every stalking report is risk assessed.

Recommendation 2

Within six months, the College of Policing should update its guidance on stalking protection orders.
"""


def _run(tmp_path: Path, name: str, text: str, force: str, force_name: str):
    content = tmp_path / "content"
    content.mkdir(exist_ok=True)
    shutil.copy(ROOT / "content" / "areas.yaml", content)
    source = tmp_path / name
    source.write_text(text, encoding="utf-8")
    result = import_report(source, content, force, name=force_name)
    assert loader.check(content)[0] is not None
    return result, yaml.safe_load(result.draft.read_text(encoding="utf-8"))


def test_unknown_heading_is_kept_and_reported_never_guessed(tmp_path):
    result, data = _run(tmp_path, "northumbria.txt", PEEL_2023, "northumbria", "Northumbria Police")
    grades = [(j["area"], j["grade"]) for j in data["judgments"]]
    assert grades == [("crime-prevention", "good"), ("overall", "adequate")]
    summary = "\n".join(result.summary)
    assert "no area in areas.yaml matches 'leadership and force management'" in summary
    assert "line 10: Leadership and force management" in summary
    afi = data["findings"][0]
    assert afi["kind"] == "area_for_improvement" and afi["area"] == "overall"
    assert "choose one" in afi["note"]
    assert data["inspection"]["scale"] == "five-tier" and data["inspection"]["year"] == "2023/25"


def test_thematic_recommendations_to_all_forces(tmp_path):
    result, data = _run(tmp_path, "stalking.txt", THEMATIC, "national", "All forces")
    assert data["inspection"]["programme"] == "Thematic inspection"
    assert "judgments" not in data
    recs = data["findings"]
    assert [r["kind"] for r in recs] == ["recommendation", "recommendation"]
    assert recs[0]["deadline"] == {"phrase": "By 31 March 2025", "date": "2025-03-31"}
    assert recs[1]["deadline"] == {"phrase": "Within six months", "after_publication": "6 months"}
    assert recs[1]["text"].startswith("Within six months, the College of Policing should")


PEEL_2018 = """PEEL: Police effectiveness, efficiency and legitimacy 2018/19

An inspection of Cleveland Police

How effective is the force at preventing crime and tackling anti-social behaviour?

Good

The force works well with partner organisations.

How effective is the force at protecting vulnerable people?

Requires improvement

Areas for improvement

The force should improve how it safeguards vulnerable victims at the first point of contact.
"""


def test_integrated_peel_question_headings_with_their_grade_under_them(tmp_path):
    result, data = _run(tmp_path, "peel-2018.txt", PEEL_2018, "cleveland", "Cleveland Police")
    assert [(j["area"], j["grade"]) for j in data["judgments"]] == [
        ("crime-prevention", "good"), ("vulnerability", "requires improvement")]
    assert data["findings"][0]["area"] == "vulnerability"
    assert data["inspection"]["year"] == "2018/19" and data["inspection"]["scale"] == "four-tier"
