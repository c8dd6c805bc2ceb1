"""Exports for readers outside Slack: the findings tracker, the one-page briefing, the calendar."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from bot.content.kb import KnowledgeBase
from bot.exports.data import to_json

FORMATS = ["json", "csv", "markdown", "ics", "html"]


def render_export(kb: KnowledgeBase, fmt: str, as_of: dt.date, templates_dir: Path | None = None,
                  *, now: dt.datetime | None = None, calendar_state: Any = None,
                  force: str | None = None) -> str:
    """The text of one export format (csv starts with a BOM for Excel). `templates_dir`: the
    maintainers' override folder (html). For ics, `now` is the export time (DTSTAMP) and
    `calendar_state` remembers what the feed published before. `force`: one force's items only
    (a force id); without it, a base of several forces exports them all, saying whose each is."""
    if force is not None:
        if force not in kb.index["force"]:
            known = ", ".join(f.id for f in kb.forces)
            raise ValueError(f"no force has the id '{force}'; known: {known}.")
        kb = kb.scoped(force)
    if fmt == "json":
        return json.dumps(to_json(kb, as_of), indent=2, ensure_ascii=False) + "\n"
    if fmt in ("csv", "markdown"):
        from bot.exports import tracker

        if len(kb.forces) > 1:  # one tracker per force, each line saying which force
            ts = [(f.name, tracker.build(kb.scoped(f.id), as_of)) for f in kb.forces]
            if fmt == "csv":
                return tracker.to_csv_by_force(ts)
            return "\n".join(tracker.to_markdown(t, name) for name, t in ts)
        t = tracker.build(kb, as_of)
        return tracker.to_csv(t) if fmt == "csv" else tracker.to_markdown(t)
    if fmt == "ics":
        from bot.exports.calendar import to_ics

        return to_ics(kb, as_of, now=now, state=calendar_state)
    if fmt == "html":
        from bot.exports.briefing import build_html_env, to_html

        return to_html(kb, as_of, build_html_env(templates_dir))
    raise ValueError(f"unknown export format {fmt!r}")
