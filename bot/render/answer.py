"""From the text a person typed to a rendered answer: parse, query, render. Pure: the caller
passes the knowledge base, the renderer and the date (and, for `digest`, the `Context`).

Text that starts with a command word is a command. Anything else is a question: the question
reader (bot.ask.reader) turns it into ranked readings, each command text; the first reading
that finds something is answered, with a line saying how it was understood, and the next two
readings ride along as alternatives when the reader was unsure. A question no reading answers
gets the closest search hits and one line of how to ask, never the whole help."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from bot.ask import cues, forces, reader
from bot.ask.command import COMMANDS, ID_RE, CommandError, Query, normalise_year, parse
from bot.ask.dispatch import Context, run_query
from bot.ask.queries import inspections_for_year
from bot.ask.results import FiguresResult, NotFound, SearchResult, SearchRow
from bot.ask.years import RELATIVE_YEAR
from bot.content.kb import KnowledgeBase
from bot.content.words import tokens
from bot.render.text import Chunk, Rendered, Renderer, WholeAnswer

__all__ = ["Context", "answer", "is_question"]
NOTE_TEMPLATE = "question.md.j2"
FORCE_TEMPLATE = "force.md.j2"  # the line naming the force(s) an answer covers
# NotFound messages that mean "these words matched nothing" (try another reading), as opposed
# to a true answer such as "No inspection in 2019".
_MISSES = ("No area", "Nothing has the id", "No response is recorded")


def is_question(text: str) -> bool:
    words = text.split()
    if not words:
        return False
    first = words[0].lower()
    return first not in COMMANDS and not (ID_RE.match(first) and len(words) == 1)


def answer(kb: KnowledgeBase, renderer: Renderer, text: str, as_of: dt.date,
           context: Context | None = None, *, asker: str | None = None) -> Rendered:
    """Answer slash-command text or a question. Never raises for bad input: errors come back as
    answers. `asker` (a Slack user id) answers "what do I own".

    With several forces recorded, the force words are taken out of the text first and the
    answer comes from that force's view of the base (bot.ask.forces), under a line naming it."""
    if len(kb.forces) < 2:
        return _answer(kb, renderer, text, as_of, context, asker)
    taken = forces.take(kb, text, keep_first=not is_question(text))
    if taken.text != text and _refused(taken.text) and not _refused(text):
        taken = forces.Taken(text, None)  # `search durham`: the word is what is searched for
    ctx = context or Context()
    force = forces.pick(kb, taken.force, ctx.destination, ctx.default_force)
    q = _command(taken.text)
    shown = q.words if q is not None and q.command == "show" else None
    if shown is not None:  # `show ID`: an id is one force's already, whichever is the default
        owner = forces.force_of(kb, shown)
        force = owner.id if owner else force
    # A digest preview shows what will be posted to the channel: the whole base's reminders
    # as routed there (by force, where the policy says so), each line naming its force.
    whole = shown is not None or (q is not None and q.command == "digest")
    view = kb.scoped(force) if force and not whole else kb
    rendered = _answer(view, renderer.on(view), taken.text, as_of, context, asker)
    line = renderer.note(FORCE_TEMPLATE, scope=forces.scope_line(kb, force))
    rendered = _with_line(rendered, line)
    if rendered.question:
        rendered = replace(rendered, question=text)  # recorded as asked, force words and all
    if taken.force and rendered.reading:
        # the buttons re-ask a reading as typed: keep the force the question named
        words = "all forces" if taken.force == forces.ALL else taken.force
        rendered = replace(rendered, reading=f"{rendered.reading} {words}",
                           alternatives=tuple(f"{a} {words}" for a in rendered.alternatives))
    return rendered


def _refused(text: str) -> bool:
    """A command the parser refuses (`search` with no words)."""
    return not is_question(text) and not _parses(text)


def _command(text: str) -> Query | None:
    """The command the text is, or None for a question or text the parser refuses."""
    if is_question(text):
        return None
    try:
        return parse(text)
    except CommandError:
        return None


def _answer(kb: KnowledgeBase, renderer: Renderer, text: str, as_of: dt.date,
            context: Context | None, asker: str | None) -> Rendered:
    if is_question(text):
        return answer_question(kb, renderer, text, as_of, context, asker=asker)
    try:
        q = parse(text)
    except CommandError as exc:
        read = _as_question(kb, renderer, text, as_of, context, asker)
        return read or renderer.render_error(exc)
    try:
        result = run_query(kb, q, as_of, context)
    except OverflowError:
        return renderer.render_error(_past_the_calendar(as_of))
    if _empty(result) and q.command != "search":
        read = _as_question(kb, renderer, text, as_of, context, asker)
        if read is not None:
            return read
    return renderer.render(result)


def _past_the_calendar(as_of: dt.date) -> CommandError:
    # `due 30 days` as of 9999-12-31: the window runs off the calendar (years 1 to 9999).
    return CommandError(
        f"That reaches past the end of the calendar from {as_of.isoformat()}: dates run "
        "from the year 1 to 31 December 9999. Ask as of an earlier date, or for fewer days.")


def _as_question(kb: KnowledgeBase, renderer: Renderer, text: str, as_of: dt.date,
                 context: Context | None, asker: str | None) -> Rendered | None:
    """A command that failed, read as a question: the answer if the reader places it, else
    None (the command's own error says more than a guess)."""
    if not _english(text):
        return None
    read = answer_question(kb, renderer, text, as_of, context, asker=asker)
    return read if read.answered else None


def _english(text: str) -> bool:
    """A command word followed by English rather than the command's arguments ("due in 60
    days", "show me the grades from 2014"): worth reading as a question when the command
    found nothing. Typed mentions and links (`<...>`) are arguments, answered as typed."""
    rest = text.lower().split()[1:]
    return "<" not in text and (bool(RELATIVE_YEAR.search(" ".join(rest)))
                                or any(w in cues.FILLER or w in cues.DUE_WORDS for w in rest))


def _empty(result: Any) -> bool:
    if isinstance(result, SearchResult):
        return not (result.rows or result.quotes or result.none)
    if isinstance(result, FiguresResult):
        return not result.rows
    return isinstance(result, NotFound) and result.message.startswith(_MISSES)


def _run(kb: KnowledgeBase, command: str, as_of: dt.date, context: Context | None) -> Any:
    """The result of a reading's command, or None when it does not parse (a command this
    version does not have) or finds nothing."""
    try:
        q = parse(command)
        result = run_query(kb, q, as_of, context)
    except (CommandError, OverflowError):
        return None
    if isinstance(result, SearchResult):
        result = _narrow(kb, result)
    return None if _empty(result) else result


def _narrow(kb: KnowledgeBase, result: SearchResult) -> SearchResult:
    """A search read from a question keeps what the question asked for: only items of the
    year it names ("causes of concern 2016" must not show 2021/22's), and, when some items
    hold every word, only those ("within three months" is not "within six months")."""
    words = result.words.split()
    rows = result.rows
    for word in words:
        year = normalise_year(word)
        allowed = {i.id for i in inspections_for_year(kb, year)} if year else set()
        if allowed:  # a year with no inspection ("by March 2015") is a word of the topic
            rows = [r for r in rows if _inspection_of(kb, r) in allowed]
            words = [w for w in words if w != word]
            break
    wanted = set(tokens(" ".join(words)))
    full = [r for r in rows if wanted <= set(tokens(_text(kb, r)))]
    return replace(result, rows=full or rows)  # keeps the report passages and the 'none' lines


def _weak(kb: KnowledgeBase, result: Any) -> bool:
    """A search whose best items hold fewer than half of the words asked (typo matches)."""
    if not isinstance(result, SearchResult) or not result.rows:
        return False
    wanted = {w for w in tokens(result.words) if not normalise_year(w)}
    if not wanted:
        return False
    if result.quotes and wanted <= set(tokens(result.quotes[0].passage.text)):
        return False  # the reports' best passage holds every word ("what does THRIVE mean")
    best = max(len(wanted & set(tokens(_text(kb, r)))) for r in result.rows[:5])
    return best < len(wanted) / 2


def _inspection_of(kb: KnowledgeBase, row: SearchRow) -> str | None:
    item = kb.index[row.kind].get(row.id) if row.kind in kb.index else None
    return getattr(item, "inspection", None)


def _text(kb: KnowledgeBase, row: SearchRow) -> str:
    """What the search indexed for the row's item: its text, parts and area."""
    if row.kind == "finding":
        f = kb.index["finding"][row.id]
        return " ".join([f.text, *(p.text for p in f.parts), kb.area_name(f.area)])
    return f"{row.title} {row.detail}"


def answer_question(kb: KnowledgeBase, renderer: Renderer, text: str, as_of: dt.date,
                    context: Context | None = None, *, asker: str | None = None) -> Rendered:
    readings = reader.read(kb, text, as_of, asker=asker)
    chosen, result, note = None, None, ""
    for r in readings:
        if r.message:
            chosen, note = r, r.message
            break
        result = _run(kb, r.command, as_of, context)
        if result is not None:
            chosen = r
            break
    if chosen is not None and not chosen.message and (
            chosen.confidence <= reader.CATCH_ALL or _weak(kb, result)):
        note = "unplaced"  # only the last resort, or only near misses: say so, and how to ask
    if chosen is None:  # nothing fitted: the closest items, and how to ask
        note = "unplaced"
        words = " ".join(w for w in reader.WORD_RE.findall(text.lower()))
        result = _run(kb, f"search {words}", as_of, context) if words else None
        chosen = reader.Reading(f"search {words}" if result is not None else "", 0.0)
    command = chosen.command if result is not None else ""
    line = renderer.note(NOTE_TEMPLATE, command=command, note=note, question=text[:200])
    rendered = (renderer.render(result) if result is not None
                else Rendered(line.splitlines()[-1][:150], [], False))
    rendered = _with_line(rendered, line)
    sure = chosen is readings[0] and not reader.unsure(readings)
    others = [] if sure else [r.command for r in readings if r.command and r.command != command
                              and _parses(r.command)][:2]
    return replace(rendered, question=text, reading=command,
                   alternatives=tuple(others), answered=result is not None and note != "unplaced")


def _with_line(rendered: Rendered, line: str) -> Rendered:
    """The answer under a line on top (how a question was understood, which force it is for).
    A huge listing keeps its pager, and its whole text is prefixed only when read."""
    whole = rendered.chunks
    if rendered.pager is None:
        return replace(rendered, chunks=_prefix(whole, line))
    return replace(rendered, chunks=WholeAnswer(lambda: _prefix(whole, line)),
                   pager=rendered.pager.with_line(line))


def _prefix(chunks: Sequence[Chunk], line: str) -> list[Chunk]:
    """The understood line on top of the first chunk when that is a header (so paging repeats
    it), else as a chunk of its own (bot.render.paging.Pager.with_line does the same)."""
    if chunks and chunks[0].item_id is None:
        return [Chunk(f"{line}\n{chunks[0].text}"), *chunks[1:]]
    return [Chunk(line), *chunks]


def _parses(command: str) -> bool:
    try:
        parse(command)
    except CommandError:
        return False
    return True
