"""Pages of a huge listing, rendered one page at a time.

Why: at national scale (43 forces) `figures` lists 34,400 figures and `findings` 25,800
findings. Rendering every row to cut page 1 cost seconds; the aim (issue 17) is that a page
costs about one page, whatever the size of the knowledge base, and that every answer stays the
same page for page.

The design:

- The whole-answer path stays the reference: `Renderer.render` still renders a template
  whole into chunks, and `bot.render.blocks.paginate` cuts them. The CLI and console print it
  all, and every answer of at most `HUGE` rows (the shipped content's largest, 149 figures) is
  served from it exactly as before: "Page N of M" included.
- Above `HUGE` the answer gets a `Pager`. It renders the same template with the same result,
  but streamed (`jinja2.Template.generate`) and *windowed*: the result's rows from a given
  item chunk on (`window`), so page k starts at its first row without rendering pages 1..k-1.
  Rows are lazy sequences (bot.ask.rows) whose length comes from indexes, so a page builds
  only its own rows.
- Pages are cut by the same greedy rule (bot.render.pagecut.cut). That rule looks only at the
  page being filled, so the page that starts at a given chunk is the same page whichever path
  cut it: each page's chunks equal the reference's page for page. The page stops one chunk
  after it is full, which is how it knows there is a next page.
- "Page N of M" needs M, which depends on every chunk's length: that is the one thing this
  path does not say. Instead each page says how many the answer holds, counted from the
  indexes ("34,400 figures"), and page 1 says how to narrow it. That footer line is the only
  difference from the reference, by design.
- Where page k starts is known once page k-1 was cut, so the Next button carries the starts
  of the pages so far (bot.render.buttonstate `starts`), and Previous carries them minus one.
  A button without them (an old message, a hand-made state) still works: the pager walks
  from the last start it knows, one page at a time.

Tests (tests/test_paging.py) page through every command to the last page both ways and
compare, on a three-force synthetic base and on the shipped content.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace
from itertools import islice
from typing import Any

import jinja2

from bot.ask.results import (
    AreaResult,
    FiguresResult,
    FindingsList,
    FindingsResult,
    JudgmentsResult,
)
from bot.render.pagecut import Chunk, chunk_of, cut
from bot.render.templating import CHUNK

# Rows: a listing that would render more is paged lazily; one of at most this many is rendered
# whole (the shipped content's largest answer, `figures`, has 149).
HUGE = 150
# The questions log keeps the ids an answer cites comma-separated, cut at 4,000 characters
# (bot/slack/feedback.py): a huge listing lists that many, not all of them.
CITED_CHARS = 4000


@dataclass(frozen=True)
class Total:
    """How big a huge answer is, in words, and how to ask for less."""

    items: int  # item chunks after the header: the unit pages are cut in
    line: str  # "34,400 figures"
    narrow: str  # "Narrow it with a topic or a year: `figures anti-social behaviour 2016`"
    weight: int = 0  # rows the whole answer renders (what it costs), when not `items`

    @property
    def huge(self) -> bool:
        return max(self.items, self.weight) > HUGE


def stream(template: jinja2.Template, context: dict[str, Any]) -> Iterator[Chunk]:
    """The template's chunks as it renders them: the same chunks as rendering it whole and
    splitting (bot.render.text.split_chunks), but only as many as are read."""
    pending: list[str] = []  # the pieces of the chunk being rendered (joined once: no n^2)
    for piece in template.generate(**context):
        if CHUNK not in piece:
            pending.append(piece)
            continue
        first, *rest = piece.split(CHUNK)
        pending.append(first)
        raws = ["".join(pending), *rest[:-1]]
        pending = [rest[-1]]
        for raw in raws:
            chunk = chunk_of(raw)
            if chunk is not None:
                yield chunk
    last = chunk_of("".join(pending))
    if last is not None:
        yield last


# --- how big, and from where --------------------------------------------------------------------

def total_of(result: Any) -> Total | None:
    """The item chunks a listing renders (exact: from row counts, without rendering), for the
    listings a page can start in the middle of; None for every other answer."""
    if isinstance(result, FiguresResult):
        what = f"{len(result.rows):,} figures" + (f" on “{result.topic}”" if result.topic else "") \
            + (f" in {result.year}" if result.year else "")
        return Total(len(result.rows), what, "Narrow it with a topic or a year, e.g. "
                                               "`figures anti-social behaviour 2016`.")
    if isinstance(result, FindingsResult):
        tail = (1 + len(result.unresolved) if result.mode == "overdue" else 1) \
            if result.unresolved else 0
        what = "passed and not closed" if result.mode == "overdue" else "coming up"
        example = "`overdue vulnerability`" if result.mode == "overdue" else \
            f"`due {result.window_days} days vulnerability`"
        return Total(len(result.rows) + tail, f"{len(result.rows):,} deadlines {what}",
                     f"Narrow it with an owner or an area, e.g. {example}.")
    if isinstance(result, FindingsList):
        rows = sum(len(g.rows) for g in result.groups)
        return Total(len(result.groups) + rows,
                     f"{rows:,} findings in {len(result.groups):,} inspections",
                     "Narrow it with a kind, a year or an area, e.g. "
                     "`findings cause of concern 2016 investigation`.")
    if isinstance(result, JudgmentsResult):
        # One chunk a group; the first chunk (the note, else the first group) is the header.
        return Total(len(result.groups) - (0 if result.note else 1),
                     f"judgments of {len(result.groups):,} inspections",
                     "Narrow it with a year, an inspection or an area, e.g. "
                     "`judgments 2016 investigation`.",
                     len(result.groups) + sum(len(g.rows) for g in result.groups))
    if isinstance(result, AreaResult):
        # The header lists every inspection (one force) or a chunk a force does (several);
        # then the open findings' line, one chunk a finding, and the figures' chunk.
        return Total(len(result.by_force) + 1 + len(result.findings) + (1 if result.figures else 0),
                     f"{len(result.findings):,} open findings on {result.area.name} in "
                     f"{len(result.rows):,} inspections",
                     "For one year's findings on it: `findings 2016 "
                     f"{result.area.id.replace('-', ' ')}`.",
                     len(result.rows) + len(result.findings))
    return None


def window(result: Any, start: int) -> tuple[Any, int]:
    """A result whose rendering, after skipping the returned number of chunks (its header
    among them), gives item chunk `start` of `result`'s rendering and the ones after it."""
    if isinstance(result, FiguresResult):  # header, one chunk a figure
        return replace(result, rows=result.rows[start:]), 1
    if isinstance(result, FindingsResult):  # header, one a row, then the undated deadlines
        if start < len(result.rows):
            return replace(result, rows=result.rows[start:]), 1
        return replace(result, rows=[]), 1 + start - len(result.rows)
    if isinstance(result, FindingsList):  # header, then per inspection: its line, one a row
        at = 0
        for n, g in enumerate(result.groups):
            size = 1 + len(g.rows)
            if start < at + size:
                offset = start - at
                if offset == 0:
                    return replace(result, groups=result.groups[n:]), 1
                first = replace(g, rows=g.rows[offset - 1:])
                return replace(result, groups=[first, *result.groups[n + 1:]]), 2
            at += size
        return replace(result, groups=[]), 1 + start - at
    if isinstance(result, JudgmentsResult):  # one chunk a group, after the note if any
        if result.note:
            return replace(result, groups=result.groups[start:]), 1
        return replace(result, groups=result.groups[start + 1:]), 0
    if isinstance(result, AreaResult):
        # The header (skipped) keeps no rows: it is rendered once, by the pager, not per page.
        # Several forces: a chunk a force first, then as for one.
        bare = replace(result, rows=[])
        groups = len(result.by_force)
        if start < groups:
            return replace(bare, by_force=result.by_force[start:]), 1
        bare, start = replace(bare, by_force=[]), start - groups
        if start == 0:
            return bare, 1
        if start <= len(result.findings):
            return replace(bare, findings=result.findings[start - 1:]), 2
        return replace(bare, findings=[]), 2 + start - 1 - len(result.findings)
    raise TypeError(f"no window for {type(result).__name__}")


def item_ids(result: Any) -> Iterator[str]:
    """The ids of the item chunks `result`'s template renders, in order: what each listing's
    template marks with `item(id)` (templates/*.md.j2), read off the rows without rendering
    them. tests/test_paging.py holds it to the rendered chunks for every paged listing."""
    if isinstance(result, FiguresResult):
        yield from (row.figure.id for row in result.rows)
    elif isinstance(result, FindingsResult):
        yield from (row.item_id for row in result.rows)
        if result.mode != "due":  # `due` only counts the undated ones
            yield from (row.item_id for row in result.unresolved)
    elif isinstance(result, FindingsList):
        yield from (row.finding.id for g in result.groups for row in g.rows)
    elif isinstance(result, AreaResult):
        yield from (f.id for f in result.findings)
    elif not isinstance(result, JudgmentsResult):  # judgments cite no item chunk
        raise TypeError(f"no item ids for {type(result).__name__}")


# --- the pager ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Shown:
    """One page of a huge answer."""

    number: int
    chunks: list[Chunk]  # the header (if any), then the page's item chunks
    starts: tuple[int, ...]  # where pages 2..number start (item chunk offsets)
    next_start: int | None  # where the next page starts; None on the last page


@dataclass(frozen=True)
class Pager:
    template: jinja2.Template
    context: dict[str, Any]  # the template's globals, without `r`
    result: Any
    total: Total
    header: Chunk | None  # the answer's first chunk when it is a header: on every page

    def items_from(self, start: int) -> Iterator[Chunk]:
        windowed, skip = window(self.result, start)
        return islice(stream(self.template, {**self.context, "r": windowed}), skip, None)

    def cited(self, chars: int) -> list[str]:
        """The ids the answer cites, in order, once each, until their comma-separated list is
        longer than `chars` (so that cutting it at `chars` gives what cutting all would).
        Read off the rows (`item_ids`), not rendered: at 43 forces rendering the 200-odd rows
        that fill 4,000 characters of ids was most of a question's time."""
        seen: dict[str, None] = {}
        size = -1
        for item_id in item_ids(self.result):
            if item_id and item_id not in seen:
                seen[item_id] = None
                size += 1 + len(item_id)
                if size > chars:
                    break
        return list(seen)

    def with_line(self, line: str) -> Pager:
        """The same pages under a line on top (how a question was understood): joined to the
        header, or the header itself when there is none (as bot.render.answer does)."""
        header = Chunk(f"{line}\n{self.header.text}") if self.header else Chunk(line)
        return replace(self, header=header)

    def page(self, number: int, starts: tuple[int, ...] = ()) -> Shown:
        """Page `number` (clamped to the last), starting from the known `starts` of pages
        2.. (a page with no known start is reached by cutting from the last one known)."""
        number = max(1, number)
        known = [0, *starts[:number - 1]]
        start = known[-1]
        while True:
            chunks, more = first_page(self.items_from(start))
            if len(known) == number or not more:
                break
            start += len(chunks)
            known.append(start)
        head = [self.header] if self.header else []
        return Shown(len(known), head + chunks, tuple(known[1:]),
                     start + len(chunks) if more else None)


def first_page(chunks: Iterator[Chunk]) -> tuple[list[Chunk], bool]:
    """The first page `cut` makes of the chunks, and whether any chunk is left after it (the
    rule reads one chunk past a full page; nothing further is rendered)."""
    pulled = 0

    def counted() -> Iterator[Chunk]:
        nonlocal pulled
        for chunk in chunks:
            pulled += 1
            yield chunk

    page = next(cut(counted()), [])
    return page, pulled > len(page)


def pager_for(template: jinja2.Template, context: dict[str, Any], result: Any) -> Pager | None:
    """A pager for a listing too big to render whole; None when it is small enough (or of a
    kind that is never huge): it is then rendered whole, as the reference."""
    total = total_of(result)
    if total is None or not total.huge:
        return None
    first = next(stream(template, {**context, "r": result}), None)
    header = first if first is not None and first.item_id is None else None
    return Pager(template, context, result, total, header)
