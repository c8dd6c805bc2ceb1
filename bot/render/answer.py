"""From the text a person typed to a rendered answer: parse, query, render. Pure: the caller
passes the knowledge base, the renderer and the date (and, for `digest`, the `Context`)."""

from __future__ import annotations

import datetime as dt

from bot.ask.command import CommandError, parse
from bot.ask.dispatch import Context, run_query
from bot.content.kb import KnowledgeBase
from bot.render.text import Rendered, Renderer

__all__ = ["Context", "answer"]


def answer(kb: KnowledgeBase, renderer: Renderer, text: str, as_of: dt.date,
           context: Context | None = None) -> Rendered:
    """Answer slash-command text. Never raises for bad input: errors come back as answers."""
    try:
        q = parse(text)
    except CommandError as exc:
        return renderer.render_error(exc)
    try:
        return renderer.render(run_query(kb, q, as_of, context))
    except OverflowError:
        # `due 30 days` as of 9999-12-31: the window runs off the calendar (years 1 to 9999).
        return renderer.render_error(CommandError(
            f"That reaches past the end of the calendar from {as_of.isoformat()}: dates run "
            "from the year 1 to 31 December 9999. Ask as of an earlier date, or for fewer days."))
