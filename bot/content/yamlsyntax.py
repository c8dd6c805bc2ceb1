"""YAML syntax errors in plain words, at the line where the mistake most likely is.

libyaml reports where it gave up, which is often lines after the mistake (a quote left open is
noticed at the next quote, perhaps 40 lines on), in its own words ("found character that cannot
start any token"). Each rule here recognises one common mistake and names it with a hint.
"""

from __future__ import annotations

import re

import yaml

# A value that opens a quote and does not close it on the same line.
_OPEN_QUOTE = re.compile(r"""^\s*(?:-\s+)?(?:[^\s#'"][^:#]*:\s+)?(?P<q>["'])(?P<rest>.*)$""")
LOOK_BACK = 80  # lines searched back for an unclosed quote


def line_col(text: str, position: int) -> tuple[int, int]:
    """1-based line and column of a character offset."""
    line = text.count("\n", 0, position) + 1
    return line, position - (text.rfind("\n", 0, position) + 1) + 1


def _unclosed(line: str) -> bool:
    m = _OPEN_QUOTE.match(line)
    if not m:
        return False
    quote, rest = m.group("q"), m.group("rest").rstrip()
    if quote == '"':
        rest = rest.replace("\\\\", "").replace('\\"', "")
        return '"' not in rest
    return "'" not in rest.replace("''", "")


_KEY_LINE = re.compile(r"^(?P<indent>\s*)(?:-\s+)?[A-Za-z_][\w-]*:(?:\s|$)")


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip())


def _swallows(lines: list[str], n: int) -> bool:
    """Whether the quote left open on line n swallowed the lines after it: the next line reads
    as a key of the same item or an outer one (a value that rightly runs on over several lines
    continues indented further)."""
    after = next((line for line in lines[n + 1:] if line.strip()), "")
    m = _KEY_LINE.match(after)
    return m is not None and len(m.group("indent")) <= _indent(lines[n]) + 2


def _open_quote_before(lines: list[str], last: int) -> int | None:
    """The nearest line at or before `last` (0-based) whose quoted value is not closed and
    swallowed the lines after it."""
    for n in range(min(last, len(lines) - 1), max(-1, last - LOOK_BACK), -1):
        if _unclosed(lines[n]) and _swallows(lines, n):
            return n
    return None


def _pos(mark: yaml.Mark | None) -> tuple[int, int]:
    return (mark.line + 1, mark.column + 1) if mark else (1, 1)


def explain(exc: yaml.MarkedYAMLError, text: str) -> tuple[tuple[int, int], str, str]:
    """((line, column), message, hint) for a libyaml error on `text`."""
    problem, context = exc.problem or "", exc.context or ""
    at, where = exc.problem_mark, exc.context_mark
    lines = text.split("\n")
    char = ""
    if at is not None and at.line < len(lines) and at.column < len(lines[at.line]):
        char = lines[at.line][at.column]

    if "tab character" in problem:  # "found a tab character that violates indentation"
        return _pos(at), "a tab character: YAML indents with spaces, never tabs.", \
            "Replace the tab with spaces."
    if "cannot start any token" in problem:
        if char == "\t":
            return _pos(at), "a tab character: YAML indents with spaces, never tabs.", \
                "Replace the tab with spaces."
        return _pos(at), f"an unquoted value cannot start with '{char}'.", \
            "Put the whole value in quotes."
    if "quoted scalar" in context:
        return _pos(where), "a quote opened here is never closed.", \
            "Add the closing quote at the end of the value."
    if "simple key" in context and "':'" in problem:
        return _pos(where), "this line has no ':' after its key.", \
            "Write 'key: value' (a colon and a space), or indent the line if it continues " \
            "the value above."
    if "flow sequence" in context or "flow mapping" in context:
        opened, close = ("[", "]") if "sequence" in context else ("{", "}")
        return _pos(where), f"a '{opened}' opened here is not closed.", \
            f"Add the missing '{close}' (or a missing comma), or put a value that starts with " \
            f"'{opened}' in quotes."
    if "another document" in problem:
        return _pos(at), "a second document starts here ('---').", \
            "A content file holds one document: remove the '---' line."
    if "undefined alias" in problem:
        return _pos(at), "an alias (*name) with no anchor (&name) before it.", \
            "Put the value in quotes if the '*' is meant as text."
    if "escape character" in problem:
        return _pos(at), "a backslash in double quotes starts an escape this one is not.", \
            "Use single quotes for text with backslashes, or write the backslash twice."
    # A quote left open swallows the lines after it; the parser stops at a later line.
    quoted = _open_quote_before(lines, at.line if at else 0)
    if quoted is not None and (at is None or at.line - quoted >= 1) and \
            ("expected key" in problem or "block end" in problem or "'-'" in problem
             or "not allowed" in problem):
        col = len(lines[quoted]) - len(lines[quoted].lstrip()) + 1
        return (quoted + 1, col), "a quote opened on this line is not closed on it.", \
            "Add the closing quote at the end of the value (inside double quotes, write \\\" " \
            "for a quote mark)."
    if "mapping values are not allowed" in problem:
        return _pos(at), "a ': ' inside an unquoted value (or a line indented too far).", \
            "Put the value in quotes, or line the key up with the keys above it."
    if "expected key" in problem or "block end" in problem or "'-' indicator" in problem:
        return _pos(at), "this line's indentation does not match the lines above it.", \
            "Line the key up with the keys of the same item (spaces only), or start a new " \
            "list item with '- '."
    words = f"{context}: {problem}" if context else problem
    return _pos(at), f"YAML syntax error: {words or 'invalid YAML'}.", \
        "Check the indentation and the quotes on this line and the one above."
