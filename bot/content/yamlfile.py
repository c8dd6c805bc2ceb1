"""Read a YAML file into nodes that keep their line and column.

We compose (not construct) so that every value keeps its place in the file and so that we, not
YAML 1.1, decide what a scalar means: `no` stays the text "no" until a field says it wants text.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import yaml

from bot.content import yamllimits
from bot.content.pickling import fast_pickling
from bot.content.yamllimits import DEPTH_HINT, LimitExceeded, Limits, check_limits
from bot.content.yamlsyntax import explain, line_col

# The C parser is several times faster; fall back to pure Python where libyaml is absent.
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

STR = "tag:yaml.org,2002:str"
NULL = "tag:yaml.org,2002:null"
BOOL = "tag:yaml.org,2002:bool"
INT = "tag:yaml.org,2002:int"
FLOAT = "tag:yaml.org,2002:float"
TIMESTAMP = "tag:yaml.org,2002:timestamp"


@dataclass(frozen=True, slots=True)
class Mark:
    file: str
    line: int  # 1-based
    column: int  # 1-based


fast_pickling(Mark)  # millions of them in the per-file cache (bot/content/filecache.py)


def mark_of(node: yaml.Node, file: str) -> Mark:
    return Mark(file, node.start_mark.line + 1, node.start_mark.column + 1)


class YamlSyntaxError(Exception):
    """A file that cannot be read as YAML (or is refused unread): where, what, and what to do."""

    def __init__(self, mark: Mark, message: str, hint: str = ""):
        super().__init__(message)
        self.mark = mark
        self.message = message
        self.hint = hint


def clip(value: object, limit: int = 80) -> str:
    """A value as quoted in a message: on one line, at most `limit` characters. A message never
    repeats a whole value (a file may hold anything, a token included)."""
    text = " ".join(str(value).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def compose(text: str, file: str, limits: Limits | None = None) -> yaml.Node | None:
    """Compose one YAML document within `limits`; raise YamlSyntaxError in plain words, at the
    line where the mistake most likely is."""
    limits = limits or Limits()
    try:
        if yamllimits.may_alias(text):
            check_limits(text, file, limits)
        else:
            try:
                node = yaml.compose(text, Loader=_Loader)
            except yaml.YAMLError:
                # what the event pass would have said first (a limit, or this very error)
                check_limits(text, file, limits)
                raise
            if node is not None and node.value.__class__ is list \
                    and yamllimits.deeper_than(node, limits.depth):
                check_limits(text, file, limits)  # which says where
            return node
        return yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        if "maximum nesting depth" in str(exc.problem) and exc.problem_mark is not None:
            # libyaml's own limit (1,000 levels), met before the event pass reached ours
            at = exc.problem_mark
            raise YamlSyntaxError(Mark(file, at.line + 1, at.column + 1),
                                  f"nested more than {limits.depth} levels deep.",
                                  DEPTH_HINT) from None
        mark, message, hint = explain(exc, text)
        raise YamlSyntaxError(Mark(file, *mark), message, hint) from None
    except LimitExceeded as exc:
        raise YamlSyntaxError(Mark(file, exc.line, exc.column), exc.message, exc.hint) from None
    except yaml.reader.ReaderError as exc:  # a control character, a NUL
        line, col = line_col(text, exc.position)
        raise YamlSyntaxError(
            Mark(file, line, col),
            f"control character U+{exc.character:04X} is not allowed in YAML"
            if isinstance(exc.character, int) else "a character YAML does not allow",
            "Delete it (it often comes with text copied out of a PDF).") from None
    except yaml.YAMLError as exc:
        raise YamlSyntaxError(Mark(file, 1, 1), f"YAML error: {clip(exc)}") from None


def read_file(path: Path, display: str, limits: Limits | None = None) -> yaml.Node | None:
    """Read and compose one content file. Every failure is a YamlSyntaxError naming the file
    and, where there is one, the line: never a traceback."""
    limits = limits or Limits()
    try:
        with path.open("rb") as handle:
            data = handle.read(limits.file_bytes + 1)
    except PermissionError:
        raise YamlSyntaxError(Mark(display, 1, 1), "cannot be read: permission denied.",
                              "Make the file readable by the user the bot runs as.") from None
    except OSError as exc:
        raise YamlSyntaxError(Mark(display, 1, 1),
                              f"cannot be read ({clip(exc.strerror or exc)}).") from None
    if len(data) > limits.file_bytes:
        raise YamlSyntaxError(Mark(display, 1, 1),
                              f"the file is larger than {limits.file_bytes // 1_000_000} MB, the "
                              "most a content file may be.", "Split it into smaller files.")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        col = len(data[data.rfind(b"\n", 0, exc.start) + 1: exc.start].decode("utf-8", "replace"))
        raise YamlSyntaxError(Mark(display, line, col + 1),
                              f"not UTF-8 text (byte 0x{data[exc.start]:02X}).",
                              "Save the file as UTF-8 (in most editors: Save with encoding, "
                              "UTF-8).") from None
    return compose(text, display, limits)


def scalar_kind(node: yaml.ScalarNode) -> str:
    """What YAML 1.1 would have made of this scalar, in words, for error messages."""
    return {
        BOOL: "a true/false value",
        INT: "a number",
        FLOAT: "a number",
        TIMESTAMP: "a date",
        NULL: "empty (null)",
        "tag:yaml.org,2002:value": "text",
    }.get(node.tag, "text")


def display_path(path: Path) -> str:
    """Relative to the working directory when below it (what a maintainer types), else absolute."""
    try:
        rel = os.path.relpath(path)
    except ValueError:  # another drive on Windows
        return str(path)
    return os.path.abspath(path) if rel.startswith("..") else rel  # a link is named, not followed
