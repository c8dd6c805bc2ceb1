"""Docs and the editors' schema cannot drift from the code."""

from __future__ import annotations

import json
import re
from pathlib import Path

import jsonschema
import yaml

from bot.cli import cli
from bot.content.schema import ALL_RECORDS, json_schema, json_schema_text

ROOT = Path(__file__).resolve().parent.parent


def test_committed_schema_is_current() -> None:
    """content/schema.json is generated: regenerate it with `make schema` when this fails."""
    assert (ROOT / "content" / "schema.json").read_text() == json_schema_text()


def test_every_content_file_names_the_schema_and_matches_it() -> None:
    """Editors check files as maintainers type: each file carries the schema comment, and the
    shipped content passes the same schema the editor uses."""
    schema = json_schema()
    for path in sorted((ROOT / "content").rglob("*.yaml")):
        text = path.read_text()
        assert text.startswith("# yaml-language-server: $schema="), path
        jsonschema.validate(json.loads(json.dumps(yaml.safe_load(text), default=str)), schema)


def test_every_schema_field_is_documented_in_the_maintainers_guide() -> None:
    guide = (ROOT / "content" / "README.md").read_text()
    documented = set(re.findall(r"^\| `([a-z_]+)` \|", guide, re.M))
    for record in ALL_RECORDS:
        for name in record.fields:
            assert name in documented, f"{record.name}.{name} is not in content/README.md"


def test_every_cli_command_is_in_the_readme() -> None:
    readme = (ROOT / "README.md").read_text()
    for name in cli.commands:
        assert f"inspection-bot {name}" in readme, name


def test_every_template_is_used() -> None:
    from bot.render.text import ITEM_TEMPLATES, TEMPLATE_FOR

    used = set(TEMPLATE_FOR.values()) | set(ITEM_TEMPLATES.values()) | {
        "_macros.md.j2", "reminder.md.j2", "error.md.j2",
        "question.md.j2",  # the lines bot/render/answer.py adds to answers to questions
        "force.md.j2"}  # ...and the line naming the force(s) an answer covers
    on_disk = {p.name for p in (ROOT / "templates").glob("*.j2")}
    used |= {"briefing.html.j2"}  # HTML, rendered by bot/exports/briefing.py
    assert on_disk - used <= {"home.md.j2"}, on_disk - used
