"""The Jinja2 environment that turns query results into Slack mrkdwn text.

Every `{{ ... }}` output is Slack-escaped by `finalize`, so content or user text can never ping
a channel or forge a link, even where a template forgets a filter. Text that is meant as mrkdwn
(a link we build ourselves) is wrapped in `Mrkdwn` and passes through untouched.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Callable
from importlib import resources
from pathlib import Path
from typing import Any

import jinja2

from bot.errors import BotError
from bot.render.figures import FILTERS as FIGURE_FILTERS
from bot.render.units import number, with_unit

# The templates are edited in the top-level templates/ folder and installed inside the package
# as bot/_templates (pyproject.toml maps one onto the other). In a checkout, before any install,
# the folder itself is used.
PACKAGE_TEMPLATES = "bot._templates"
CHECKOUT_TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
PROBE_TEMPLATE = "help.md.j2"  # every install has it; its absence means a broken install
# Every template the code loads (/healthz checks they all still do; a test checks this list
# against templates/).
REQUIRED_TEMPLATES = (
    "_macros.md.j2", "area.md.j2", "briefing.html.j2", "calendar.md.j2", "digest.md.j2",
    "error.md.j2", "figure.md.j2", "figures.md.j2", "finding.md.j2", "findings.md.j2",
    "findings_list.md.j2", "force.md.j2", "question.md.j2",
    "help.md.j2", "home.md.j2", "inspection.md.j2", "judgment.md.j2", "judgments.md.j2",
    "notfound.md.j2", "reminder.md.j2", "responses.md.j2", "search.md.j2",
)

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


@functools.lru_cache(maxsize=8192)  # a few thousand dates, each written out on every listing
def long_date(value: dt.date | None) -> str:
    return f"{value.day} {value:%B %Y}" if value else "date not stated"


@functools.lru_cache(maxsize=8192)
def short_date(value: dt.date | None) -> str:
    return f"{value.day} {value:%b %Y}" if value else "date not stated"


def plural(n: int, singular: str, plural_form: str | None = None) -> str:
    word = singular if n == 1 else (plural_form or singular + "s")
    return f"{n:,} {word}"


def kind_count(n: int, kind: str) -> str:
    """'6 recommendations', '1 cause of concern'."""
    return plural(n, KIND_WORDS[kind].lower(), KIND_PLURALS[kind])


SLACK_ID_RE = re.compile(r"^[CGDUW][A-Z0-9]{2,30}$")


def destination(value: str) -> str:
    """A channel (<#C…>) or user (<@U…>) mention when the value is a Slack id, else plain text."""
    if SLACK_ID_RE.match(value or ""):
        return Mrkdwn(f"<@{value}>" if value[0] in "UW" else f"<#{value}>")
    return slack_escape(value)


def as_text(value: str) -> str:
    """Typed text shown as code: never a mention, link or channel reference."""
    return Mrkdwn("`" + slack_escape(value).replace("`", "'") + "`")


def tick_time(value: dt.datetime) -> str:
    return f"{value:%A} {value.day} {value:%B %Y} at {value:%H:%M} ({value.tzinfo})"


def badge(grade: str | None) -> str:
    return GRADE_BADGES.get(grade or "", "⚪")


def item(item_id: str | None = None) -> Mrkdwn:
    """Start a new chunk; with an id, the chunk is about that item and gets an Open button."""
    return Mrkdwn(CHUNK + (f"{ITEM}{item_id}{ITEM}" if item_id else ""))


def packaged_templates() -> Path:
    """The folder of the templates that ship with the package (importlib.resources), or the
    checkout's templates/ when running from source without an install."""
    try:
        probe = resources.files(PACKAGE_TEMPLATES).joinpath(PROBE_TEMPLATE)
        if probe.is_file():
            # bot/_templates has no __init__.py (it is templates/ mapped into the package), so
            # files() is a namespace MultiplexedPath; the probe file is a real path in the
            # installed package (wheels are unpacked), and its folder is the one Jinja reads
            with resources.as_file(probe) as path:
                return path.parent
    except (ModuleNotFoundError, TypeError, ValueError):
        pass  # not installed (a plain checkout on sys.path): fall through
    # Only a source checkout (pyproject.toml beside templates/), never some other package's
    # site-packages/templates folder
    checkout = CHECKOUT_TEMPLATES.parent / "pyproject.toml"
    if checkout.is_file() and (CHECKOUT_TEMPLATES / PROBE_TEMPLATE).is_file():
        return CHECKOUT_TEMPLATES
    raise BotError("the message templates are missing from this installation (bot/_templates "
                   "in the package). Reinstall the package: pip install inspection-bot.")


class _Installed(jinja2.FileSystemLoader):
    """The packaged templates. They change only with the package, so a compiled one is kept
    without asking its file's modification time again each time an answer renders it (Jinja's
    check: a system call per template per answer, 3% of an answer's time at 43 forces). An
    override folder's templates are still checked, so a reworded message goes live."""

    def get_source(self, environment: jinja2.Environment, template: str
                   ) -> tuple[str, str, Callable[[], bool]]:
        source, filename, _uptodate = super().get_source(environment, template)
        return source, filename, _unchanged


def _unchanged() -> bool:
    return True


def template_loader(override: Path | None = None) -> jinja2.BaseLoader:
    """The packaged templates; with `override` (TEMPLATES_DIR), a template found there first,
    so a maintainer may reword one message without copying the rest."""
    if override is not None and not override.is_dir():
        raise BotError(f"TEMPLATES_DIR {override} is not a folder.")
    packaged = _Installed(str(packaged_templates()))
    if override is None:
        return packaged
    return jinja2.ChoiceLoader([jinja2.FileSystemLoader(str(override)), packaged])


def build_env(templates_dir: Path | None = None) -> jinja2.Environment:
    """The Slack text environment. `templates_dir`: the maintainers' override folder."""
    env = jinja2.Environment(
        loader=template_loader(templates_dir),
        undefined=jinja2.StrictUndefined,  # a typo in a template fails loudly, in tests
        autoescape=False,  # HTML escaping is wrong for Slack; finalize does Slack's
        finalize=_finalize,
        trim_blocks=True,  # templates read like the message: tags don't leave blank lines
        lstrip_blocks=True,
        keep_trailing_newline=False,
    )
    env.filters.update(
        long_date=long_date, short_date=short_date, plural=plural, number=number,
        with_unit=with_unit, badge=badge, status=STATUS_WORDS.get,
        kind=KIND_WORDS.get, kinds=KIND_PLURALS.get, kind_count=kind_count, mrkdwn=Mrkdwn,
        escape_slack=slack_escape, destination=destination,
        as_text=as_text, tick_time=tick_time, **FIGURE_FILTERS,
    )
    env.globals.update(item=item)
    return env


def warm(env: jinja2.Environment) -> None:
    """Compile every message template now, so that no answer waits for its template (a first
    answer took 200 ms more, and answers asked at once queued behind it). A template that does
    not compile is left for the answer that needs it to report (GET /healthz checks them
    all)."""
    for name in REQUIRED_TEMPLATES:
        try:
            env.get_template(name)
        except jinja2.TemplateError:
            continue
