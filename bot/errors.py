"""One error vocabulary. Content problems carry their location; only the CLI and the Slack error
handler turn errors into output."""

from __future__ import annotations

from dataclasses import dataclass

import click


@dataclass(frozen=True, order=True)
class Problem:
    """One problem in the content: where it is, which key, what is wrong, what to do."""

    file: str
    line: int  # 1-based
    column: int  # 1-based
    path: str  # key path, e.g. judgments[2].grade
    message: str
    hint: str = ""
    warning: bool = False  # unknown keys: a warning unless --strict

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}:{self.column}"
        text = f"{where}: {self.path}: {self.message}" if self.path else f"{where}: {self.message}"
        if self.hint:
            text += f" {self.hint}"
        if self.warning:
            text += " (warning)"
        return text


class BotError(click.ClickException):
    """A user error: the CLI prints the message and exits non-zero, with no traceback."""


class ContentInvalid(BotError):
    """The content has errors; `problems` lists every one of them."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


class CommandError(BotError):
    """A slash-command text the parser could not understand."""

    def __init__(self, message: str, suggestion: str | None = None):
        self.suggestion = suggestion
        super().__init__(message)
