"""The local console: the slash command without Slack, for trying the bot and its content.

On today's date it also runs the reminders clock and prints each scheduled post as it fires
(bot/reminders/printer.py): nothing is sent to Slack and nothing is written to the ledger.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import sys
from pathlib import Path
from zoneinfo import ZoneInfo

import click

from bot.content.kb import KnowledgeBase
from bot.reminders.printer import PostPrinter
from bot.reminders.reader import LedgerReader
from bot.render.answer import Context, answer
from bot.render.templating import build_env
from bot.render.terminal import to_terminal, use_color
from bot.render.text import Renderer
from bot.settings import Settings

BANNER = """Inspection briefings console: {counts}.
Type what you would type after /inspection (try `help`, `judgments latest`, `overdue`).
`as-of YYYY-MM-DD` answers as on another date; `quit` or Ctrl-D leaves."""
PROMPT = "/inspection [{}]> "
COMMAND = "/inspection"
HISTORY_FILE = Path.home() / ".inspection_bot_history"
HISTORY_LENGTH = 1000


def without_command(text: str) -> str:
    """`/inspection overdue` pasted from Slack is `overdue`: the prompt already says it."""
    head, _, rest = text.partition(" ")
    return rest.strip() if head.lower() == COMMAND else text


def line_editing(history: Path = HISTORY_FILE):
    """At a terminal: arrow keys, Ctrl-R and history kept between sessions (readline, where
    Python has it). Returns the function that saves the history, or None."""
    if not sys.stdin.isatty():
        return None  # piped input (tests, scripts): no escape codes, no history file
    try:
        import readline
    except ImportError:  # Windows without pyreadline: plain input() still works
        return None
    with contextlib.suppress(OSError):  # first run, or an unreadable file: start afresh
        readline.read_history_file(history)
    readline.set_history_length(HISTORY_LENGTH)

    def save() -> None:
        with contextlib.suppress(OSError):  # a read-only home must not break leaving
            readline.write_history_file(history)
    return save


class Console:
    def __init__(self, kb: KnowledgeBase, settings: Settings, as_of: dt.date, *, at_now: bool):
        self.kb, self.settings = kb, settings
        self.renderer = Renderer(build_env(settings.templates_dir), kb)
        self.ledger = LedgerReader(settings)
        self.as_of = as_of
        self.at_now = at_now  # `digest` looks ahead from now (else from the as-of day's start)
        self.waiting = False  # at the prompt: a scheduled post must print the prompt again

    @property
    def prompt(self) -> str:
        return PROMPT.format(self.as_of.isoformat())

    def now(self) -> dt.datetime:
        return dt.datetime.now(ZoneInfo(self.settings.timezone))

    def echo_post(self, text: str) -> None:
        """A scheduled post: its own lines, then the prompt again if it was waiting."""
        click.echo("\n" + text)
        if self.waiting:
            click.echo(self.prompt, nl=False)

    def handle(self, text: str) -> bool:
        """Answer one line; False when the user leaves."""
        text = without_command(text)
        if text.lower() in ("quit", "exit", "q"):
            return False
        if text.lower().startswith("as-of"):
            try:
                self.as_of = dt.date.fromisoformat(text[5:].strip())
                self.at_now = False
                click.echo(f"Answering as on {self.as_of.isoformat()}.")
            except ValueError:
                click.echo("Write the date as YYYY-MM-DD, e.g. as-of 2017-04-24.")
            return True
        context = Context(now=self.now() if self.at_now else None, ledger=self.ledger,
                          default_force=self.settings.default_force)
        rendered = answer(self.kb, self.renderer, text, self.as_of, context)
        click.echo(to_terminal(rendered, color=use_color()))
        click.echo()
        return True

    def run(self) -> None:
        counts = ", ".join(f"{n} {k}" for k, n in self.kb.counts().items())
        click.echo(BANNER.format(counts=counts))
        printer = None
        save_history = line_editing()
        if self.at_now:
            printer = PostPrinter(self.kb, self.echo_post, ledger=self.ledger, color=use_color(),
                                  env=self.renderer.env)
            click.echo(printer.start(self.now()))
        try:
            while True:
                self.waiting = True
                try:
                    line = input(self.prompt)
                except (EOFError, KeyboardInterrupt):
                    click.echo()
                    return
                finally:
                    self.waiting = False
                if not self.handle(line.strip()):
                    return
        finally:
            if save_history is not None:
                save_history()
            if printer is not None:
                printer.stop()


def run_console(kb: KnowledgeBase, settings: Settings, as_of: dt.date, *, fixed_date: bool) -> None:
    Console(kb, settings, as_of, at_now=not fixed_date).run()
