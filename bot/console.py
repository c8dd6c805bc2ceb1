"""The local console: the slash command without Slack, for trying the bot and its content."""

from __future__ import annotations

import datetime as dt

import click

from .answer import answer
from .kb import KnowledgeBase
from .render import Renderer
from .settings import Settings
from .templating import build_env
from .terminal import to_terminal, use_color

BANNER = """Inspection briefings console: {counts}.
Type what you would type after /inspection (try `help`, `judgments latest`, `overdue`).
`as-of YYYY-MM-DD` answers as on another date; `quit` or Ctrl-D leaves."""


def run_console(kb: KnowledgeBase, settings: Settings, as_of: dt.date, *, fixed_date: bool) -> None:
    renderer = Renderer(build_env(), kb)
    counts = ", ".join(f"{n} {k}" for k, n in kb.counts().items())
    click.echo(BANNER.format(counts=counts))
    while True:
        try:
            line = input(f"/inspection [{as_of.isoformat()}]> ")
        except (EOFError, KeyboardInterrupt):
            click.echo()
            return
        text = line.strip()
        if text.lower() in ("quit", "exit", "q"):
            return
        if text.lower().startswith("as-of"):
            try:
                as_of = dt.date.fromisoformat(text[5:].strip())
                click.echo(f"Answering as on {as_of.isoformat()}.")
            except ValueError:
                click.echo("Write the date as YYYY-MM-DD, e.g. as-of 2017-04-24.")
            continue
        click.echo(to_terminal(answer(kb, renderer, text, as_of), color=use_color()))
        click.echo()
