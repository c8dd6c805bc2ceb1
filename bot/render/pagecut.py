"""Where an answer's pages break: a section's text limit and the greedy rule that fills a page
with whole chunks. One rule, used both when the whole answer is rendered (bot.render.blocks
.paginate) and when only the page shown is (bot.render.paging), so that the two always cut
the same pages."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from bot.render.templating import ITEM

MAX_SECTION_TEXT = 3000
PAGE_BLOCK_BUDGET = 40  # item sections a page may use, leaving room for header and buttons
PAGE_TEXT_BUDGET = 11000  # keep each page readable on a phone as well as under Slack's limits


@dataclass(frozen=True)
class Chunk:
    text: str
    item_id: str | None = None  # the chunk is about this item: Slack adds an Open button


def chunk_of(raw: str) -> Chunk | None:
    """One piece of template output between chunk markers; None when it holds no text."""
    item_id = None
    if raw.startswith(ITEM):
        item_id, _, raw = raw[1:].partition(ITEM)
    body = raw.strip("\n")
    return Chunk(body, item_id) if body.strip() else None


def split_text(text: str, limit: int = MAX_SECTION_TEXT) -> list[str]:
    """Split text at line ends (or, for one very long line, at spaces) to fit a section."""
    if len(text) <= limit:  # nearly every chunk: what the loop below gives for a short text
        body = text.lstrip("\n")
        return [body] if body.strip() else [""]
    pieces: list[str] = []
    current = ""
    for line in text.split("\n"):
        while len(line) > limit:
            cut = line.rfind(" ", 0, limit - 1)
            cut = cut if cut > limit // 2 else limit - 1
            if current:
                pieces.append(current)
                current = ""
            pieces.append(line[:cut])
            line = line[cut:].lstrip(" ")
            if line and line[0] != ">" and pieces[-1].startswith(">"):
                line = ">" + line  # keep a quoted block quoted across the split
        candidate = f"{current}\n{line}" if current else line
        if len(candidate) > limit:
            pieces.append(current)
            current = line
        else:
            current = candidate
    if current.strip():
        pieces.append(current)
    return pieces or [""]


def cut(chunks: Iterable[Chunk]) -> Iterator[list[Chunk]]:
    """Pages of item chunks, greedily: a chunk joins the page unless the page already holds
    one and the chunk would take it past the block or text budget. The rule looks only at
    the page being filled, so a page starting at a given chunk is always the same page."""
    current: list[Chunk] = []
    blocks = size = 0
    for chunk in chunks:
        n = len(split_text(chunk.text))
        if current and (blocks + n > PAGE_BLOCK_BUDGET or size + len(chunk.text) > PAGE_TEXT_BUDGET):
            yield current
            current, blocks, size = [], 0, 0
        current.append(chunk)
        blocks += n
        size += len(chunk.text)
    if current:
        yield current
