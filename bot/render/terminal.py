"""Render an answer for a terminal: Slack mrkdwn to ANSI styles (click strips them when the
output is not a terminal, or when NO_COLOR is set)."""

from __future__ import annotations

import os
import re

import click

from bot.render.text import Rendered

_BOLD = re.compile(r"(?<![\w*])\*(?!\s)([^*\n]+?)\*(?![\w*])")
_ITALIC = re.compile(r"(?<![\w_])_(?!\s)([^_\n]+?)_(?![\w_])")
_CODE = re.compile(r"`([^`\n]+)`")
_MENTION = re.compile(r"<([#@])([A-Z0-9]+)(?:\|([^>]*))?>")  # <#C0123|name>, <@U0123>


def _unescape(text: str) -> str:
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def to_terminal(rendered: Rendered, *, color: bool = True) -> str:
    out = []
    for i, chunk in enumerate(rendered.chunks):
        if i:
            out.append("")
        for line in chunk.text.split("\n"):
            quoted = line.startswith(">")
            if quoted:
                line = line[1:]
            if color:
                line = _BOLD.sub(lambda m: click.style(m.group(1), bold=True), line)
                line = _ITALIC.sub(lambda m: click.style(m.group(1), dim=True), line)
                line = _CODE.sub(lambda m: click.style(m.group(1), fg="cyan"), line)
            else:
                line = _BOLD.sub(r"\1", line)
                line = _ITALIC.sub(r"\1", line)
                line = _CODE.sub(r"\1", line)
            line = _MENTION.sub(lambda m: m.group(1) + (m.group(3) or m.group(2)), line)
            line = _unescape(line)
            out.append(("  │ " + line) if quoted else line)
    return "\n".join(out)


def use_color() -> bool:
    return "NO_COLOR" not in os.environ
