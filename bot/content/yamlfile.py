"""Read a YAML file into nodes that keep their line and column.

We compose (not construct) so that every value keeps its place in the file and so that we, not
YAML 1.1, decide what a scalar means: `no` stays the text "no" until a field says it wants text.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import yaml

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


def mark_of(node: yaml.Node, file: str) -> Mark:
    return Mark(file, node.start_mark.line + 1, node.start_mark.column + 1)


class YamlSyntaxError(Exception):
    def __init__(self, mark: Mark, message: str):
        super().__init__(message)
        self.mark = mark
        self.message = message


def compose(text: str, file: str) -> yaml.Node | None:
    """Compose one YAML document; raise YamlSyntaxError with a plain-words message."""
    try:
        return yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        words = exc.problem or "invalid YAML"
        if exc.context:
            words = f"{exc.context}: {words}"
        raise YamlSyntaxError(Mark(file, line, col), f"YAML syntax error: {words}") from None
    except yaml.YAMLError as exc:  # e.g. a reader error on a control character
        raise YamlSyntaxError(Mark(file, 1, 1), f"YAML error: {exc}") from None


def read_file(path: Path, display: str) -> yaml.Node | None:
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise YamlSyntaxError(Mark(display, 1, 1), f"not UTF-8 text ({exc.reason})") from None
    return compose(text, display)


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
    return str(path.resolve()) if rel.startswith("..") else rel
