"""Render query results to text chunks with the templates. Output is Slack mrkdwn; the Slack and
terminal renderers take it from there."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any, overload

import jinja2

from bot.ask import forces, rag
from bot.ask.digest import DigestPreview
from bot.ask.results import (
    AreaResult,
    CalendarResult,
    FiguresResult,
    FindingsList,
    FindingsResult,
    HelpResult,
    ItemResult,
    JudgmentsResult,
    NotFound,
    ResponsesResult,
    SearchResult,
)
from bot.content.kb import KnowledgeBase
from bot.content.model import SourceRef
from bot.content.policy import policy_of
from bot.errors import CommandError
from bot.render.pagecut import Chunk, chunk_of
from bot.render.paging import CITED_CHARS, Pager, pager_for
from bot.render.templating import CHUNK


class WholeAnswer(Sequence[Chunk]):
    """The chunks of an answer rendered whole, rendered on first use: a huge listing served
    page by page (bot.render.paging) never renders them; the CLI's whole text does."""

    def __init__(self, render: Callable[[], list[Chunk]]) -> None:
        self._render: Callable[[], list[Chunk]] | None = render
        self._chunks: list[Chunk] = []

    def _all(self) -> list[Chunk]:
        if self._render is not None:
            self._chunks, self._render = self._render(), None
        return self._chunks

    @overload
    def __getitem__(self, n: int) -> Chunk: ...

    @overload
    def __getitem__(self, n: slice) -> list[Chunk]: ...

    def __getitem__(self, n: int | slice) -> Chunk | list[Chunk]:
        return self._all()[n]

    def __len__(self) -> int:
        return len(self._all())

    def __iter__(self) -> Iterator[Chunk]:
        return iter(self._all())


@dataclass(frozen=True)
class Rendered:
    """A whole answer as text chunks, with a one-line summary for notifications. A huge
    listing also has a `pager` that renders one page at a time (bot.render.paging); its
    `chunks` are then rendered only when read (the reference for those pages)."""

    summary: str
    chunks: Sequence[Chunk]
    listing: bool = False  # a list of items (pages, buttons) rather than one item
    # Set when the text was a question (bot.render.answer): the reading answered, the next
    # likely readings (offered as buttons when the reader was unsure), and whether anything
    # was found (a question that found nothing is listed by `inspection-bot questions`).
    question: str = ""
    reading: str = ""
    alternatives: tuple[str, ...] = ()
    answered: bool = True
    pager: Pager | None = None

    @property
    def items(self) -> list[str]:
        """The ids of the items the answer cites, in order, once each. Of a huge listing, the
        first of them, up to `CITED_CHARS` of ids: as many as the questions log keeps."""
        if self.pager is not None:
            return self.pager.cited(CITED_CHARS)
        return list(dict.fromkeys(c.item_id for c in self.chunks if c.item_id))

    @property
    def text(self) -> str:
        return "\n".join(c.text for c in self.chunks)


TEMPLATE_FOR: dict[type, str] = {
    JudgmentsResult: "judgments.md.j2",
    AreaResult: "area.md.j2",
    FindingsResult: "findings.md.j2",
    FindingsList: "findings_list.md.j2",
    FiguresResult: "figures.md.j2",
    SearchResult: "search.md.j2",
    DigestPreview: "digest.md.j2",
    HelpResult: "help.md.j2",
    NotFound: "notfound.md.j2",
    ResponsesResult: "responses.md.j2",
    CalendarResult: "calendar.md.j2",
}
ITEM_TEMPLATES = {"finding": "finding.md.j2", "part": "finding.md.j2",
                  "judgment": "judgment.md.j2", "figure": "figure.md.j2",
                  "inspection": "inspection.md.j2", "response": "responses.md.j2"}


def split_chunks(text: str) -> list[Chunk]:
    return [c for c in map(chunk_of, text.split(CHUNK)) if c is not None]


class Renderer:
    """Holds the Jinja environment and the knowledge base the templates look things up in."""

    def __init__(self, env: jinja2.Environment, kb: KnowledgeBase):
        self.env = env
        self.kb = kb

    def on(self, kb: KnowledgeBase) -> Renderer:
        """The same templates over another knowledge base (a force's view: its answers then
        look things up, and count forces, in the view)."""
        return self if kb is self.kb else Renderer(self.env, kb)

    def _cite(self, src: SourceRef) -> str:
        # Short form for lists: the document's number and the line ("002 line 267").
        return f"{src.document.split('_')[0]} line {src.line}"

    def _cite_full(self, src: SourceRef) -> str:
        return self._cite_at(src.document, src.line)

    def _cite_at(self, document: str, line: int | None) -> str:
        doc = self.kb.index["document"].get(document)
        title = f"{doc.title}, " if doc else ""
        return f"{title}{document} line {line}" if line else f"{title}{document}"

    def _overall(self, insp: Any, rows: list[Any]) -> str:
        """'The 2014 report gives no overall grade; its 3 questions were graded good, good and
        requires improvement' (or '' when the report gives one, or nobody has recorded it)."""
        if insp.overall_stated is not False:
            return ""
        words = [r.grade or "not graded" for r in rows]
        listed = (", ".join(words[:-1]) + " and " + words[-1]) if len(words) > 1 else "".join(words)
        what = "question was" if len(words) == 1 else "questions were"
        cited = f" ({self._cite(insp.overall.source)})" if insp.overall else ""
        return (f"The {insp.year} report gives no overall grade{cited}; its {len(words)} {what} "
                f"graded {listed}." if words else f"The {insp.year} report gives no overall grade{cited}.")

    def _globals(self) -> dict[str, Any]:
        return {"area_name": self.kb.area_name, "inspection": self.kb.inspection,
                "figure": self.kb.index["figure"].get, "cite": self._cite,
                "rag_of": partial(rag.of_finding, self.kb),
                "rag_legend": rag.legend_short(policy_of(self.kb)),
                "cite_full": self._cite_full, "cite_at": self._cite_at,
                "overall_words": self._overall,
                # "Durham Constabulary · " on a line about an item when several forces are recorded
                "force_tag": partial(forces.force_tag, self.kb)}

    def render(self, result: Any) -> Rendered:
        if isinstance(result, ItemResult):
            return self._render_item(result)
        template = self.env.get_template(TEMPLATE_FOR[type(result)])
        g = self._globals()
        listing = not isinstance(result, (HelpResult, NotFound))
        pager = pager_for(template, g, result) if listing else None
        if pager is None:
            return Rendered(summary(result), split_chunks(template.render(r=result, **g)), listing)
        whole = WholeAnswer(lambda: split_chunks(template.render(r=result, **g)))
        return Rendered(summary(result), whole, listing, pager=pager)

    def _render_item(self, result: ItemResult) -> Rendered:
        kind, item = result.kind, result.item
        g = self._globals()
        tpl = self.env.get_template(ITEM_TEMPLATES.get(kind, "inspection.md.j2"))
        if kind in ("finding", "part"):
            finding, part = (item, None) if kind == "finding" else item
            owner = self.kb.owner(finding.owner)
            text = tpl.render(f=finding, part=part, rows=result.context["rows"],
                              owner=owner.role if owner else None,
                              later_links=result.context["later"],
                              recommendations=result.context["recommendations"], **g)
            title = finding.id
        elif kind == "judgment":
            text = tpl.render(j=item, row=result.context["row"], **g)
            title = f"{self.kb.area_name(item.area)} ({self.kb.inspection(item.inspection).year})"
        elif kind == "figure":
            text = tpl.render(f=item, **g)
            title = item.label
        elif kind == "response":
            text = tpl.render(r=ResponsesResult(self.kb.inspection(item.inspection), [item]), **g)
            title = item.name
        elif kind == "inspection":
            text = tpl.render(i=item, **g)
            title = item.title
        else:
            text = self.env.get_template("notfound.md.j2").render(
                r=NotFound(f"'{item.id}' is a {kind}; try `area {item.id}`.")
                if kind == "area" else NotFound(f"'{item.id}' is a {kind}."), **g)
            title = item.id
        return Rendered(title, split_chunks(text), False)

    def note(self, template: str, **context: Any) -> str:
        """A line of a template (e.g. "Understood as ..."), rendered with the usual globals."""
        return self.env.get_template(template).render(**context, **self._globals()).strip()

    def render_error(self, exc: CommandError) -> Rendered:
        text = self.env.get_template("error.md.j2").render(
            message=str(exc.message), suggestion=exc.suggestion, **self._globals())
        return Rendered(str(exc.message), split_chunks(text), False)


def summary(result: Any) -> str:
    """The one-line `text` fallback: what notifications and screen readers show."""
    if isinstance(result, JudgmentsResult):
        years = ", ".join(g.inspection.year for g in result.groups) or "no inspection"
        return f"Inspection judgments: {years}"
    if isinstance(result, FindingsResult):
        return f"{result.title}: {len(result.rows)} as of {result.as_of.isoformat()}"
    if isinstance(result, FindingsList):
        total = sum(len(g.rows) for g in result.groups)
        years = ", ".join(g.inspection.year for g in result.groups) or "no inspection"
        return f"Findings ({years}): {total}"
    if isinstance(result, AreaResult):
        return f"{result.area.name} across inspections"
    if isinstance(result, FiguresResult):
        return f"Figures{': ' + result.topic if result.topic else ''} ({len(result.rows)})"
    if isinstance(result, SearchResult):
        return f"Search '{result.words}': {len(result.rows)} results"
    if isinstance(result, DigestPreview):
        when = f"{result.when:%Y-%m-%d %H:%M}" if result.when else "none scheduled"
        return f"Next reminders digest ({when}): {len(result.items)} reminder(s)"
    if isinstance(result, NotFound):
        return result.message
    if isinstance(result, CalendarResult):
        return "Subscribe to inspection deadlines in your calendar"
    if isinstance(result, ResponsesResult):
        return f"Responses to {result.inspection.title}"
    return "How to use /inspection"
