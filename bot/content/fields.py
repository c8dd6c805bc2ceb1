"""Field kinds: how one YAML node is checked and turned into a plain Python value.

Each kind knows its JSON Schema too, so the schema editors use is generated from the same
declarations the loader checks (see schema.py). Validation never stops at the first problem: it
records a Problem and carries on, so a maintainer sees every error in one run.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import yaml

from bot.content.yamlfile import (
    BOOL,
    FLOAT,
    INT,
    NULL,
    STR,
    TIMESTAMP,
    Mark,
    clip,
    mark_of,
    scalar_kind,
)
from bot.errors import Problem

ID_RE = re.compile(r"^[a-z0-9]+(?:[-_.][a-z0-9]+)*$")
DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _plain(node: yaml.ScalarNode) -> bool:
    """An unquoted scalar (the C and Python parsers spell 'plain' as '' and None)."""
    return not node.style


def _deleted(node: yaml.Node) -> bool:
    """`key:` with nothing after it (an explicit `null` or `~` is written on purpose)."""
    return isinstance(node, yaml.ScalarNode) and node.tag == NULL and node.value == "" \
        and _plain(node)


class LDict(dict):
    """A checked mapping that remembers where it and each of its keys stood in the file."""

    mark: Mark
    key_marks: dict[str, Mark]


class LList(list):
    mark: Mark
    item_marks: list[Mark]


@dataclass
class Checker:
    """Collects problems while one file is checked."""

    file: str
    problems: list[Problem] = field(default_factory=list)

    def error(self, node: yaml.Node, path: str, message: str, hint: str = "") -> None:
        m = mark_of(node, self.file)
        self.problems.append(Problem(m.file, m.line, m.column, path, message, hint))

    def warn(self, node: yaml.Node, path: str, message: str, hint: str = "") -> None:
        m = mark_of(node, self.file)
        self.problems.append(Problem(m.file, m.line, m.column, path, message, hint, warning=True))


def _opposite(a: str, b: str) -> bool:
    """'adequate' and 'inadequate': close in spelling, opposite in meaning."""
    a, b = a.lower(), b.lower()
    return any(x == p + y for x, y in ((a, b), (b, a)) for p in ("in", "un", "non", "non-"))


def did_you_mean(word: str, choices: Sequence[str]) -> str:
    word = word[:200]  # difflib is quadratic: a long value is no typo of a short word
    folded = {c.lower().replace(" ", "_").replace("-", "_"): c for c in choices}
    same = folded.get(word.lower().replace(" ", "_").replace("-", "_"))
    if same is not None and same != word:  # `HMICfrs`, `Closed`, `area for improvement`
        return f"Did you mean '{same}'?"
    close = [c for c in difflib.get_close_matches(word, list(choices), n=3, cutoff=0.6)
             if not _opposite(word, c)]
    return f"Did you mean '{close[0]}'?" if close else ""


def _lower_hint(value: str, pattern: re.Pattern[str] | None) -> str:
    if pattern is not ID_RE:
        return ""
    if value != value.lower() and pattern.match(value.lower()):
        return f"Write it in lower case: '{clip(value.lower())}'."
    tidy = re.sub(r"[^a-z0-9.]+", "-", value.lower()).strip("-")
    return f"Write e.g. '{clip(tidy)}'." if tidy and pattern.match(tidy) else ""


class Invalid(Exception):
    """Raised inside a kind after it has recorded its problem; the parent skips the value."""


class Kind:
    """Base of all field kinds."""

    nullable = False
    doc_type = "value"

    def check(self, node: yaml.Node, path: str, ck: Checker) -> Any:
        raise NotImplementedError

    def json_schema(self) -> dict[str, Any]:
        raise NotImplementedError

    def _schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        if self.nullable:
            return {"anyOf": [schema, {"type": "null"}]}
        return schema

    def _null(self, node: yaml.Node) -> bool:
        return isinstance(node, yaml.ScalarNode) and node.tag == NULL

    def _scalar(self, node: yaml.Node, path: str, ck: Checker, want: str) -> yaml.ScalarNode:
        if not isinstance(node, yaml.ScalarNode):
            shape = "a list" if isinstance(node, yaml.SequenceNode) else "a mapping"
            ck.error(node, path, f"expected {want}, found {shape}")
            raise Invalid
        return node


class Text(Kind):
    """Text. A plain scalar that YAML 1.1 would read as something else is refused, with why."""

    doc_type = "text"

    def __init__(self, *, nullable: bool = False, pattern: re.Pattern[str] | None = None,
                 pattern_doc: str = ""):
        self.nullable = nullable
        self.pattern = pattern
        self.pattern_doc = pattern_doc

    def check(self, node: yaml.Node, path: str, ck: Checker) -> str | None:
        if self.nullable and self._null(node):
            return None
        s = self._scalar(node, path, ck, "text")
        if s.tag != STR and _plain(s):
            # YAML 1.1 turns `no` into False, `8:30` into 510 and `2017-05-01` into a date.
            ck.error(s, path, f"'{clip(s.value)}' is read by YAML as {scalar_kind(s)}, not text.",
                     f"Put it in quotes: \"{clip(s.value)}\".")
            raise Invalid
        value = s.value
        if not value.strip():
            ck.error(s, path, "must not be empty", "Write the text, or remove the key.")
            raise Invalid
        if self.pattern and not self.pattern.match(value):
            ck.error(s, path, f"'{clip(value)}' is not valid: {self.pattern_doc}",
                     _lower_hint(value, self.pattern))
            raise Invalid
        return value

    def json_schema(self) -> dict[str, Any]:
        schema: dict[str, Any] = {"type": "string", "minLength": 1}
        if self.pattern:
            schema["pattern"] = self.pattern.pattern
        return self._schema(schema)


def Id(*, nullable: bool = False) -> Text:  # noqa: N802 - reads like a kind
    return Text(nullable=nullable, pattern=ID_RE,
                pattern_doc="use lower-case letters, digits and hyphens, e.g. cle-2016-afi-03")


class Date(Kind):
    """A quoted ISO date. Unquoted dates are refused: YAML would construct them behind our back,
    and a maintainer cannot tell `2017-05-01` from `2017-5-1` at a glance."""

    doc_type = "date"

    def __init__(self, *, nullable: bool = False):
        self.nullable = nullable

    def check(self, node: yaml.Node, path: str, ck: Checker) -> dt.date | None:
        if self.nullable and self._null(node):
            return None
        s = self._scalar(node, path, ck, "a date")
        if _plain(s) and s.tag != STR:
            if s.tag == TIMESTAMP:
                ck.error(s, path, f"date {clip(s.value)} must be quoted.",
                         f"Write \"{clip(s.value)}\".")
            else:
                ck.error(s, path, f"'{clip(s.value)}' is read by YAML as {scalar_kind(s)}, not a date.",
                         "Write a quoted date such as \"2017-05-01\".")
            raise Invalid
        if not DATE_RE.match(s.value):
            ck.error(s, path, f"'{clip(s.value)}' is not a date in the form YYYY-MM-DD.",
                     "Write a quoted date such as \"2017-05-01\".")
            raise Invalid
        try:
            return dt.date.fromisoformat(s.value)
        except ValueError:
            ck.error(s, path, f"'{clip(s.value)}' is not a real date.",
                     "Check the month (01-12) and the day.")
            raise Invalid from None

    def json_schema(self) -> dict[str, Any]:
        return self._schema({"type": "string", "format": "date", "pattern": DATE_RE.pattern})


class Number(Kind):
    doc_type = "number"

    def __init__(self, *, nullable: bool = False, integer: bool = False, minimum: float | None = None):
        self.nullable = nullable
        self.integer = integer
        self.minimum = minimum

    def check(self, node: yaml.Node, path: str, ck: Checker) -> float | int | None:
        if self.nullable and self._null(node):
            return None
        s = self._scalar(node, path, ck, "a number")
        allowed = (INT,) if self.integer else (INT, FLOAT)
        if s.tag not in allowed or not _plain(s) or ":" in s.value:
            want = "a whole number" if self.integer else "a number"
            ck.error(s, path, f"'{clip(s.value)}' is not {want}.",
                     "Write digits only, e.g. 12.5 (no %, no commas, no quotes).")
            raise Invalid
        text = s.value.replace("_", "")
        try:
            value: float | int = int(text, 0) if s.tag == INT else float(text)
        except ValueError:
            ck.error(s, path, f"'{clip(s.value)}' is not a number.")
            raise Invalid from None
        if self.minimum is not None and value < self.minimum:
            ck.error(s, path, f"{value} is below the minimum {self.minimum}.",
                     f"Write {self.minimum} or more (line numbers start at 1)."
                     if self.minimum == 1 else f"Write {self.minimum} or more.")
            raise Invalid
        return value

    def json_schema(self) -> dict[str, Any]:
        schema: dict[str, Any] = {"type": "integer" if self.integer else "number"}
        if self.minimum is not None:
            schema["minimum"] = self.minimum
        return self._schema(schema)


class Bool(Kind):
    doc_type = "true/false"

    def check(self, node: yaml.Node, path: str, ck: Checker) -> bool:
        s = self._scalar(node, path, ck, "true or false")
        if s.tag != BOOL or not _plain(s) or s.value not in ("true", "false"):
            ck.error(s, path, f"'{clip(s.value)}' is not true or false.",
                     "Write true or false, without quotes.")
            raise Invalid
        return s.value == "true"

    def json_schema(self) -> dict[str, Any]:
        return {"type": "boolean"}


class Choice(Kind):
    doc_type = "one of"

    def __init__(self, values: Sequence[str], *, nullable: bool = False):
        self.values = tuple(values)
        self.nullable = nullable

    def check(self, node: yaml.Node, path: str, ck: Checker) -> str | None:
        if self.nullable and self._null(node):
            return None
        s = self._scalar(node, path, ck, "one of: " + ", ".join(self.values))
        if s.value not in self.values:
            ck.error(s, path, f"'{clip(s.value)}' is not one of: {', '.join(self.values)}.",
                     did_you_mean(s.value, self.values))
            raise Invalid
        return s.value

    def json_schema(self) -> dict[str, Any]:
        return self._schema({"enum": list(self.values)})


class ListOf(Kind):
    doc_type = "list"

    def __init__(self, item: Kind, *, nullable: bool = False):
        self.item = item
        self.nullable = nullable

    def check(self, node: yaml.Node, path: str, ck: Checker) -> LList | None:
        if self.nullable and self._null(node):
            return None
        if not isinstance(node, yaml.SequenceNode):
            ck.error(node, path, "expected a list (items starting with '- ')")
            raise Invalid
        out = LList()
        out.mark = mark_of(node, ck.file)
        out.item_marks = []
        for i, child in enumerate(node.value):
            try:
                out.append(self.item.check(child, f"{path}[{i}]", ck))
                out.item_marks.append(mark_of(child, ck.file))
            except Invalid:
                continue
        return out

    def json_schema(self) -> dict[str, Any]:
        return self._schema({"type": "array", "items": self.item.json_schema()})


@dataclass(frozen=True)
class Field:
    name: str
    kind: Kind
    doc: str
    required: bool = False


class Record(Kind):
    """A mapping with declared fields. Unknown keys are warnings (errors under --strict)."""

    doc_type = "mapping"

    def __init__(self, name: str, fields: Sequence[Field], doc: str = ""):
        self.name = name
        self.fields = {f.name: f for f in fields}
        self.doc = doc

    def check(self, node: yaml.Node, path: str, ck: Checker) -> LDict:
        if not isinstance(node, yaml.MappingNode):
            shape = "a list" if isinstance(node, yaml.SequenceNode) else f"'{clip(node.value)}'"
            ck.error(node, path, f"expected a mapping of {self.name} fields, found {shape}")
            raise Invalid
        out = LDict()
        out.mark = mark_of(node, ck.file)
        out.key_marks = {}
        failed = False
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                # Never turned into text: an aliased mapping as a key would expand without end.
                ck.error(key_node, path or self.name, "a key must be a plain word, not a list "
                         "or a mapping.", "Write 'key: value'.")
                failed = True
                continue
            key = key_node.value
            if len(key) > 60 or not key.isidentifier():  # a plain word is its own quote
                key = clip(key, 60)
            sub = f"{path}.{key}" if path else key
            if key in out.key_marks:
                first = out.key_marks[key]
                ck.error(key_node, sub, f"duplicate key '{key}' (first at line {first.line}).",
                         "Remove one of them, or start a new list item with '- ' if this "
                         "line begins another item.")
                continue
            # Point later problems (a bad reference, a grade off the scale) at the value.
            out.key_marks[key] = mark_of(value_node, ck.file)
            spec = self.fields.get(key)
            if spec is None:
                ck.warn(key_node, sub, f"unknown key '{key}' in {self.name}.",
                        did_you_mean(key, list(self.fields)) or
                        "Allowed: " + ", ".join(self.fields) + ".")
                continue
            if _deleted(value_node):
                # `grade:` with nothing after it is a deleted value, not a deliberate null.
                ck.error(key_node, sub, f"'{key}' has no value.",
                         "Write its value after the colon" +
                         ("; write null if it is deliberately not stated." if spec.kind.nullable
                          else "."))
                failed = True
                continue
            try:
                out[key] = spec.kind.check(value_node, sub, ck)
            except Invalid:
                failed = True
        for spec in self.fields.values():
            if spec.required and spec.name not in out.key_marks:
                ck.error(node, path or self.name, f"missing required key '{spec.name}' in {self.name}.",
                         f"Add '{spec.name}: ...' to this {self.name}.")
                failed = True
        if failed:
            out["__invalid__"] = True
        return out

    def json_schema(self) -> dict[str, Any]:
        return {
            "type": "object",
            "description": self.doc or self.name,
            "properties": {
                f.name: {**f.kind.json_schema(), "description": f.doc} for f in self.fields.values()
            },
            "required": [f.name for f in self.fields.values() if f.required],
            "additionalProperties": False,
        }
