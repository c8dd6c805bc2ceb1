"""The reports' text cut into sentences, each with the document and lines it comes from, and
the passages shown from them: a sentence with the one after it (bot/content/passages.py
indexes them).

Sentences are cut where they end (`.`, `?`, `!`) whichever line that is on, so a sentence
broken over lines by the PDF extraction is one and a long paragraph on one line is several."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

MAX_CHARS = 700  # a run-on "sentence" (a table, a list without full stops) is cut here
_END_RE = re.compile(r"[.?!][’'\"”)]*(?=\s|$)")


@dataclass(frozen=True)
class Passage:
    document: str
    line: int  # where the passage starts, 1-based as citations count
    end_line: int
    text: str


def _lines(lines: list[str]) -> Iterator[tuple[int, str]]:
    for n, raw in enumerate(lines, start=1):
        text = raw.strip()
        if text and not text.startswith(("http://", "https://")):
            yield n, text


def split_passages(document: str, lines: list[str]) -> list[Passage]:
    """The document's sentences, each with the line it starts on and the line it ends on."""
    out: list[Passage] = []
    buf, start, end = "", 0, 0

    def flush() -> None:
        nonlocal buf, start
        if buf.strip():
            out.append(Passage(document, start, end, buf.strip()))
        buf, start = "", 0

    for n, text in _lines(lines):
        pos = 0
        if buf and not buf.endswith("-"):
            buf += " "
        for m in _END_RE.finditer(text):
            if not start:
                start = n
            buf += text[pos:m.end()]
            end = n
            pos = m.end()
            flush()
        rest = text[pos:].strip()
        if rest:
            if not start:
                start = n
            buf += rest
            end = n
            if len(buf) > MAX_CHARS:
                flush()
    flush()
    return out


def joined(first: Passage, nxt: Passage | None) -> Passage:
    """A sentence with the one after it when that is of the same document (a word split at
    its own hyphen over the line break is joined again), else the sentence alone."""
    if nxt is None or nxt.document != first.document:
        return first
    joiner = "" if first.end_line == nxt.line and first.text.endswith("-") else " "
    return Passage(first.document, first.line, nxt.end_line, first.text + joiner + nxt.text)


def windows(sentences: list[Passage]) -> list[Passage]:
    """Each sentence with the next one of the same document."""
    return [joined(first, sentences[n + 1] if n + 1 < len(sentences) else None)
            for n, first in enumerate(sentences)]
