"""The Jinja2 environment that turns query results into Slack mrkdwn text.

Every `{{ ... }}` output is Slack-escaped by `finalize`, so content or user text can never ping
a channel or forge a link, even where a template forgets a filter. Text that is meant as mrkdwn
(a link we build ourselves) is wrapped in `Mrkdwn` and passes through untouched.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import jinja2

TEMPLATES_DIR = Path(__file__).resolve().parents[2] / "templates"

# Chunk markers: the message is cut into sections here, so Python can page long answers and
# attach an "Open" button to the section about one item. ASCII record/unit separators never
# occur in content (the loader reads text, and Slack strips control characters).
CHUNK = "\x1e"
ITEM = "\x1f"

GRADE_BADGES = {
    "outstanding": "🌟",
    "good": "🟢",
    "adequate": "🟡",
    "requires improvement": "🟠",
    "inadequate": "🔴",
}
STATUS_WORDS = {
    "open": "Open",
    "in_progress": "In progress",
    "pending_sign_off": "Pending sign-off",
    "closed": "Closed",
    "superseded": "Superseded",
}
KIND_WORDS = {
    "cause_of_concern": "Cause of concern",
    "recommendation": "Recommendation",
    "area_for_improvement": "Area for improvement",
}
KIND_PLURALS = {
    "cause_of_concern": "causes of concern",
    "recommendation": "recommendations",
    "area_for_improvement": "areas for improvement",
}
UNIT_SUFFIX = {
    "percent": "%",
    "percentage_points": " percentage points",
    "per_1000_population": " per 1,000 population",
    "pounds": "",
    "count": "",
    "ratio": "",
    "days": " days",
    "hours": " hours",
    "minutes": " minutes",
}


class Mrkdwn(str):
    """Text that is already valid Slack mrkdwn and must not be escaped again."""


def slack_escape(value: Any) -> str:
    """Slack's escaping: only &, < and > (https://api.slack.com/reference/surfaces/formatting)."""
    text = str(value)
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _finalize(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, Mrkdwn):
        return value
    return slack_escape(value)


def long_date(value: dt.date | None) -> str:
    return f"{value.day} {value:%B %Y}" if value else "date not stated"


def short_date(value: dt.date | None) -> str:
    return f"{value.day} {value:%b %Y}" if value else "date not stated"


def plural(n: int, singular: str, plural_form: str | None = None) -> str:
    word = singular if n == 1 else (plural_form or singular + "s")
    return f"{n:,} {word}"


def number(value: float | int | None) -> str:
    if value is None:
        return "not legible in the source"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return f"{value:,}" if isinstance(value, int) else f"{value:,.10g}"


def with_unit(value: float | int | None, unit: str, unit_label: str | None = None) -> str:
    if value is None:
        return "not legible in the source"
    if unit == "pounds":
        return f"£{number(value)}"
    suffix = f" {unit_label}" if unit == "other" and unit_label else UNIT_SUFFIX.get(unit, "")
    return number(value) + suffix


def signed(value: float | int | None, unit: str) -> str:
    if value is None:
        return ""
    points = " percentage points" if unit == "percent" else UNIT_SUFFIX.get(unit, "")
    sign = "+" if value > 0 else ("−" if value < 0 else "±")
    return f"{sign}{number(abs(value))}{points}"


def kind_count(n: int, kind: str) -> str:
    """'6 recommendations', '1 cause of concern'."""
    return plural(n, KIND_WORDS[kind].lower(), KIND_PLURALS[kind])


SLACK_ID_RE = re.compile(r"^[CGDUW][A-Z0-9]{2,30}$")


def destination(value: str) -> str:
    """A channel (<#C…>) or user (<@U…>) mention when the value is a Slack id, else plain text."""
    if SLACK_ID_RE.match(value or ""):
        return Mrkdwn(f"<@{value}>" if value[0] in "UW" else f"<#{value}>")
    return slack_escape(value)


def tick_time(value: dt.datetime) -> str:
    return f"{value:%A} {value.day} {value:%B %Y} at {value:%H:%M} ({value.tzinfo})"


def badge(grade: str | None) -> str:
    return GRADE_BADGES.get(grade or "", "⚪")


def item(item_id: str | None = None) -> Mrkdwn:
    """Start a new chunk; with an id, the chunk is about that item and gets an Open button."""
    return Mrkdwn(CHUNK + (f"{ITEM}{item_id}{ITEM}" if item_id else ""))


def build_env(templates_dir: Path | None = None) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(templates_dir or TEMPLATES_DIR)),
        undefined=jinja2.StrictUndefined,  # a typo in a template fails loudly, in tests
        autoescape=False,  # HTML escaping is wrong for Slack; finalize does Slack's
        finalize=_finalize,
        trim_blocks=True,  # templates read like the message: tags don't leave blank lines
        lstrip_blocks=True,
        keep_trailing_newline=False,
    )
    env.filters.update(
        long_date=long_date, short_date=short_date, plural=plural, number=number,
        with_unit=with_unit, signed=signed, badge=badge, status=STATUS_WORDS.get,
        kind=KIND_WORDS.get, kinds=KIND_PLURALS.get, kind_count=kind_count, mrkdwn=Mrkdwn,
        escape_slack=slack_escape, destination=destination,
        tick_time=tick_time,
    )
    env.globals.update(item=item)
    return env
