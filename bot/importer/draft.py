"""The draft YAML file: written by hand (not yaml.dump) so it reads like the shipped content,
with every string double-quoted (YAML 1.1 cannot turn a quoted value into a date or a boolean)
and every item marked `review: draft`."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from typing import Any


def q(value: Any) -> str:
    """A YAML scalar: strings double-quoted (JSON escaping is valid YAML), None as null."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, dt.date):
        return f'"{value.isoformat()}"'
    return json.dumps(str(value), ensure_ascii=False)


def source(document: str, line: int, page: int | None) -> str:
    extra = f", page: {page}" if page is not None else ""
    return f"{{document: {q(document)}, line: {line}{extra}}}"


@dataclass
class Block:
    """A list item in the YAML: ordered keys, nested blocks for mappings and lists."""

    fields: list[tuple[str, Any]] = field(default_factory=list)

    def add(self, key: str, value: Any) -> Block:
        self.fields.append((key, value))
        return self


class Raw(str):
    """Text already written as YAML (a flow mapping), not to be quoted again."""


def _value(value: Any) -> str:
    return str(value) if isinstance(value, Raw) else q(value)


def render_block(block: Block, indent: int, item: bool = True) -> list[str]:
    pad = " " * indent
    out: list[str] = []
    for i, (key, value) in enumerate(block.fields):
        lead = f"{pad[:-2]}- " if i == 0 and item else pad
        if isinstance(value, Block):
            out.append(f"{lead}{key}:")
            out.extend(render_block(value, indent + 2, item=False))
        elif isinstance(value, list) and value and isinstance(value[0], Block):
            out.append(f"{lead}{key}:")
            for entry in value:
                out.extend(render_block(entry, indent + 4))
        elif isinstance(value, list):
            out.append(f"{lead}{key}: [{', '.join(_value(v) for v in value)}]")
        else:
            out.append(f"{lead}{key}: {_value(value)}")
    return out


def render_file(header: list[str], sections: list[tuple[str, Any]]) -> str:
    lines = ["# yaml-language-server: $schema=../schema.json", *(f"# {h}" if h else "#" for h in header)]
    for key, value in sections:
        lines.append("")
        if isinstance(value, Block):
            lines.append(f"{key}:")
            lines.extend(render_block(value, 2, item=False))
        else:
            lines.append(f"{key}:")
            for item in value:
                lines.extend(render_block(item, 4))
                lines.append("")
            if lines[-1] == "":
                lines.pop()
    return "\n".join(lines) + "\n"
