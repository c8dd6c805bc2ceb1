"""The `inspection-bot` command. The only place (with __main__) that reads the environment and
the clock; everything below it is given settings and dates."""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
from pathlib import Path
from zoneinfo import ZoneInfo

import click

from bot.clock import today
from bot.content import loader
from bot.content.kb import KnowledgeBase
from bot.content.policy import policy_of
from bot.content.schema import json_schema_text
from bot.errors import BotError, ContentInvalid
from bot.exports import FORMATS, render_export
from bot.reminders.reader import LedgerReader
from bot.render.answer import Context, answer
from bot.render.blocks import to_message
from bot.render.templating import build_env
from bot.render.terminal import to_terminal, use_color
from bot.render.text import Renderer
from bot.settings import DEFAULT_ENV_FILE, Settings, read_env_file


def local_context(settings: Settings, *, at_now: bool) -> Context:
    """What `digest` needs outside Slack: the default channel, the time (now, or the start of
    the --as-of day) and the local reminders ledger, if there is one."""
    now = dt.datetime.now(ZoneInfo(settings.timezone)) if at_now else None
    return Context(now=now, ledger=LedgerReader(settings), default_force=settings.default_force)


def parse_date(value: str | None, settings: Settings) -> dt.date:
    if not value:
        return today(settings)
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise BotError(f"--as-of '{value}' is not a date in the form YYYY-MM-DD.") from None


def load_kb(content_dir: Path) -> KnowledgeBase:
    try:
        return loader.load(content_dir)
    except ContentInvalid as exc:
        raise BotError(f"the content in {content_dir} has errors; the bot will not start on it.\n"
                       f"{exc.message}\nRun `inspection-bot validate {content_dir}` after "
                       "fixing them.") from None


def known_default_force(settings: Settings, kb: KnowledgeBase) -> KnowledgeBase:
    """Refuse a DEFAULT_FORCE that names no recorded force (a typo would answer every force)."""
    from bot.ask.forces import unknown_default

    problem = unknown_default(kb, settings.default_force)
    if problem:
        raise BotError(problem)
    return kb


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="inspection-bot", prog_name="inspection-bot",
                      message="%(prog)s %(version)s")
@click.option("--content", "content_dir", type=click.Path(path_type=Path), default=None,
              help="Content folder (default: $CONTENT_DIR or ./content).")
@click.pass_context
def cli(ctx: click.Context, content_dir: Path | None) -> None:
    """Inspection briefings: HMIC/HMICFRS reports as a knowledge base, in Slack and here."""
    try:
        settings = Settings.from_env()
    except ValueError as exc:
        raise BotError(str(exc)) from None
    if content_dir is not None:
        settings = Settings(**{**settings.__dict__, "content_dir": content_dir})
    ctx.obj = settings
    ctx.meta["content_dir"] = content_dir


@cli.command()
@click.argument("directory", type=click.Path(path_type=Path), required=False)
@click.option("--strict", is_flag=True, help="Treat warnings (unknown keys...) as errors.")
@click.pass_obj
def validate(settings: Settings, directory: Path | None, strict: bool) -> None:
    """Check the content: one `file:line:col: ...` line per problem; exit 1 if any."""
    directory = directory or settings.content_dir
    kb, problems = loader.check(directory)
    for p in problems:
        click.echo(str(p), err=False)
    errors = [p for p in problems if strict or not p.warning]
    if errors or kb is None:
        click.echo(f"{len(errors)} problem(s) in {directory}.", err=True)
        sys.exit(1)
    # A placeholder channel is a deployment setting, not a content error: a warning even under
    # --strict (the shipped content keeps C0DIGEST), and `serve`/`remind` refuse it.
    for problem in policy_of(kb).placeholder_problems():
        click.echo(f"{problem} (warning: serve and remind refuse it)")
    counts = ", ".join(f"{n} {k}" for k, n in kb.counts().items())
    click.echo(f"OK: {directory} is valid ({counts}).", err=True)


@cli.command()
@click.argument("text", nargs=-1, required=True)
@click.option("--as-of", "as_of", help="Answer as on this date (YYYY-MM-DD); default today.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True, help="text for a terminal; json for the exact Slack payload.")
@click.option("--page", type=int, default=1, show_default=True, help="Page of a long answer.")
@click.pass_obj
def ask(settings: Settings, text: tuple[str, ...], as_of: str | None, fmt: str, page: int) -> None:
    """Answer one question, as `/inspection TEXT` would."""
    kb = known_default_force(settings, load_kb(settings.content_dir))
    date = parse_date(as_of, settings)
    question = " ".join(text)
    context = local_context(settings, at_now=not as_of)
    rendered = answer(kb, Renderer(build_env(settings.templates_dir), kb), question, date, context)
    if fmt == "json":
        payload = to_message(rendered, command=question, page=page, as_of=as_of)
        click.echo(json.dumps(payload, indent=2, ensure_ascii=False))
    else:
        click.echo(to_terminal(rendered, color=use_color()))


@cli.command()
@click.option("--as-of", "as_of", help="Answer as on this date (YYYY-MM-DD); default today.")
@click.pass_obj
def console(settings: Settings, as_of: str | None) -> None:
    """An interactive prompt: type what you would type after /inspection."""
    from bot.console import run_console

    kb = known_default_force(settings, load_kb(settings.content_dir))
    run_console(kb, settings, parse_date(as_of, settings), fixed_date=bool(as_of))


@cli.command()
@click.argument("fmt", type=click.Choice(FORMATS))
@click.option("--as-of", "as_of", help="As on this date (YYYY-MM-DD); default today.")
@click.option("-o", "--output", type=click.Path(path_type=Path), help="Write to FILE.")
@click.option("--force", "force", metavar="ID",
              help="Only this force's items (a force id); default: every force, each line "
                   "saying which.")
@click.pass_obj
def export(settings: Settings, fmt: str, as_of: str | None, output: Path | None,
           force: str | None) -> None:
    """Export: json (everything), csv|markdown (findings tracker), ics (deadlines), html (briefing)."""
    kb = load_kb(settings.content_dir)
    if force is not None and force.lower() not in kb.index["force"]:
        raise BotError(f"--force {force}: no force has that id. Known: "
                       f"{', '.join(f.id for f in kb.forces)}.")
    state = None
    if fmt == "ics":  # the feed remembers what it published, so a moved deadline keeps its UID
        from bot.exports.calendar_state import CalendarState

        if not settings.database_url:
            settings.data_dir.mkdir(parents=True, exist_ok=True)
        state = CalendarState(settings.db_url).create()
    text = render_export(kb, fmt, parse_date(as_of, settings), now=dt.datetime.now(dt.UTC),
                         calendar_state=state, templates_dir=settings.templates_dir,
                         force=force.lower() if force else None)
    if output:
        output.write_text(text, encoding="utf-8", newline="")
        click.echo(f"Wrote {output}.", err=True)
    else:
        click.echo(text, nl=False)


@cli.command()
@click.argument("rev1")
@click.argument("rev2")
@click.option("--content-path", type=click.Path(path_type=Path), default=Path("content"),
              show_default=True, help="The content folder inside the git repository.")
def diff(rev1: str, rev2: str, content_path: Path) -> None:
    """Say in words what changed in the content between two git revisions."""
    from bot.content.diff import GitError, checkout_content, describe_changes

    kbs = []
    try:
        for rev in (rev1, rev2):
            with checkout_content(content_path, rev) as folder:
                kb, problems = loader.check(folder)
                if kb is None:
                    raise BotError(f"the content at {rev} has errors:\n"
                                   + "\n".join(str(p).replace(str(folder), f"{rev}:{content_path}")
                                               for p in problems if not p.warning))
                kbs.append(kb)
    except GitError as exc:
        raise BotError(f"git: {exc}") from None
    lines = describe_changes(kbs[0], kbs[1])
    for line in lines:
        click.echo(f"- {line}")
    if not lines:
        click.echo(f"No changes to the knowledge base between {rev1} and {rev2}.")


@cli.command()
@click.option("-o", "--output", type=click.Path(path_type=Path), help="Write to FILE.")
def schema(output: Path | None) -> None:
    """Print the JSON Schema of content files (editors use content/schema.json)."""
    if output:
        output.write_text(json_schema_text(), encoding="utf-8")
        click.echo(f"Wrote {output}.", err=True)
    else:
        click.echo(json_schema_text(), nl=False)


@cli.command()
@click.option("--http", "use_http", is_flag=True,
              help="Serve POST /slack/events and GET /healthz over HTTP (default when "
                   "SLACK_APP_TOKEN is not set).")
@click.option("--host", envvar="HOST", default="0.0.0.0", show_default=True,
              help="Interface for --http ($HOST).")
@click.option("--port", envvar="PORT", type=int, default=3000, show_default=True,
              help="Port for --http ($PORT).")
@click.option("--log-level", envvar="LOG_LEVEL", default="INFO", show_default=True,
              type=click.Choice(["DEBUG", "INFO", "WARNING", "ERROR"], case_sensitive=False),
              help="Logging detail ($LOG_LEVEL).")
@click.option("--env-file", type=click.Path(path_type=Path, dir_okay=False), default=None,
              help=f"Read settings from FILE (default: {DEFAULT_ENV_FILE} when it exists); "
                   "variables already in the environment win.")
@click.pass_context
def serve(ctx: click.Context, use_http: bool, host: str, port: int, log_level: str,
          env_file: Path | None) -> None:
    """Run the Slack app: Socket Mode when SLACK_APP_TOKEN is set, else (or with --http) HTTP."""
    from bot.server import run_server

    settings: Settings = ctx.obj
    path = env_file or (DEFAULT_ENV_FILE if DEFAULT_ENV_FILE.is_file() else None)
    if path is not None:
        if not path.is_file():
            raise BotError(f"--env-file {path} does not exist (copy deploy/.env.example).")
        values = {**read_env_file(path), **os.environ}
        settings = Settings.from_env(values)
        if ctx.meta.get("content_dir") is not None:
            settings = Settings(**{**settings.__dict__, "content_dir": ctx.meta["content_dir"]})
        # --host/--port/--log-level read $HOST/$PORT/$LOG_LEVEL; the file may set them too
        source = ctx.get_parameter_source
        if source("host") is click.core.ParameterSource.DEFAULT and values.get("HOST"):
            host = values["HOST"]
        if source("port") is click.core.ParameterSource.DEFAULT and values.get("PORT"):
            port = int(values["PORT"])
        if source("log_level") is click.core.ParameterSource.DEFAULT and values.get("LOG_LEVEL"):
            log_level = values["LOG_LEVEL"]
        click.echo(f"Settings from {path} (the environment overrides it).", err=True)
    run_server(settings, use_http=use_http, host=host, port=port, log_level=log_level)


@cli.command(name="import")
@click.argument("source", type=click.Path(path_type=Path))
@click.option("--force", "force", required=True, help="Force id, e.g. cleveland or durham.")
@click.option("--name", help="Force name for a new force, e.g. \"Durham Constabulary\".")
@click.option("--inspection", "inspection", help="Inspection id (default <prefix>-<year>-<programme>).")
@click.option("--content", "content_dir", type=click.Path(path_type=Path), default=None,
              help="Content folder to write to (default: the global --content).")
@click.pass_obj
def import_(settings: Settings, source: Path, force: str, name: str | None, inspection: str | None,
            content_dir: Path | None) -> None:
    """Draft a content file from a report (PDF, HTML or text), every item marked for review."""
    from bot.importer.run import import_report

    result = import_report(source, content_dir or settings.content_dir, force, name=name,
                           inspection=inspection)
    for line in result.summary:
        click.echo(line)


@cli.command()
@click.option("--now", "now_text", help="Tick as at this local time (ISO, e.g. 2017-04-24T09:00).")
@click.option("--dry-run", is_flag=True, help="Print what would be posted; no Slack, no writes.")
@click.option("--force", is_flag=True,
              help="Post even on a non-working day or in a quiet period.")
@click.option("--wait", type=float, default=None,
              help="Seconds to wait for another tick holding the reminders lock "
                   "(default $REMINDER_LOCK_WAIT_SECONDS or 600).")
@click.pass_obj
def remind(settings: Settings, now_text: str | None, dry_run: bool, force: bool,
           wait: float | None) -> None:
    """Run one reminders tick: post (or, with --dry-run, print) the digests that are due.

    Exit status 0: all delivered (or nothing due); 1: a destination was not; 3: another tick
    held the lock for longer than --wait."""
    from bot.reminders.command import run_remind

    sys.exit(run_remind(settings, load_kb(settings.content_dir), now_text, dry_run, click.echo,
                        force=force, wait=wait))


@cli.group()
def db() -> None:
    """The reminders ledger's database schema (Alembic migrations)."""


@db.command("upgrade")
@click.pass_obj
def db_upgrade(settings: Settings) -> None:
    """Create the ledger, or upgrade it to this version's schema (safe to run concurrently)."""
    from bot.reminders.ledger import Ledger
    from bot.reminders.migrate import upgrade

    if not settings.database_url:
        settings.data_dir.mkdir(parents=True, exist_ok=True)
    ledger = Ledger(settings.db_url)
    before, after = upgrade(ledger.engine)
    where = ledger.engine.url.render_as_string(hide_password=True)
    if before == after:
        click.echo(f"The reminders ledger at {where} is up to date (revision {after}).")
    else:
        click.echo(f"Upgraded the reminders ledger at {where} from "
                   f"{'nothing' if before is None else 'revision ' + before} to revision {after}.")


@db.command("status")
@click.pass_obj
def db_status(settings: Settings) -> None:
    """Print the ledger's schema revision and this version's newest."""
    from bot.reminders.ledger import Ledger
    from bot.reminders.migrate import check, head

    if not settings.database_url and not settings.sqlite_path.exists():
        click.echo(f"No reminders ledger yet at {settings.sqlite_path} (newest revision "
                   f"{head()}); `inspection-bot db upgrade` creates it.")
        return
    ledger = Ledger(settings.db_url)
    rev = check(ledger.engine)
    state = "up to date" if rev == head() else "behind: run `inspection-bot db upgrade`"
    click.echo(f"Reminders ledger revision: {rev or 'none (pre-migration or empty)'}; "
               f"newest: {head()} ({state}).")


@cli.command()
@click.option("--unanswered", is_flag=True,
              help="Only questions that found nothing or were voted down.")
@click.option("--since", "since", default=None, metavar="DATE",
              help="Only questions asked on or after DATE (YYYY-MM-DD).")
@click.pass_obj
def questions(settings: Settings, unanswered: bool, since: str | None) -> None:
    """What people asked the bot in plain English (Slack), newest first, to fill gaps in the
    content or the question reader."""
    from bot.slack.feedback import RETENTION_DAYS, FeedbackStore  # SQLAlchemy only when asked

    start = None
    if since:
        start = dt.datetime.combine(parse_date(since, settings), dt.time(0), dt.UTC)
    from sqlalchemy.exc import SQLAlchemyError

    try:
        rows = FeedbackStore(settings.db_url).listing(since=start, unanswered=unanswered)
    except SQLAlchemyError as exc:
        raise BotError(f"cannot read the questions database ({exc.__class__.__name__}): check "
                       "DATABASE_URL or DATA_DIR.") from None
    if not rows:
        click.echo("No questions recorded" + (" that found nothing or were voted down"
                                              if unanswered else "") +
                   f" (questions are kept {RETENTION_DAYS} days).")
        return
    for r in rows:
        vote = {1: "👍", -1: "👎"}.get(r.vote or 0, "·")
        found = "found nothing" if not r.answered else f"read as `{r.reading}`"
        cited = f" · cited {', '.join(r.items[:5])}" if r.items else ""
        click.echo(f"{r.asked_at:%Y-%m-%d %H:%M} {vote} {r.question!r} — {found}{cited}")
    click.echo(f"{len(rows)} question(s).")


def main() -> None:
    cli(prog_name="inspection-bot")
