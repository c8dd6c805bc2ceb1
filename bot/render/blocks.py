"""Slack Block Kit assembly. Every Slack limit is enforced here, in one place; templates never
build blocks. Long answers are paged (Previous/Next buttons), never cut off silently."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.render.buttonstate import Keep
from bot.render.buttonstate import encode as encode_state
from bot.render.pagecut import (  # noqa: F401  (split_text and the budgets: used from here)
    MAX_SECTION_TEXT,
    PAGE_BLOCK_BUDGET,
    PAGE_TEXT_BUDGET,
    Chunk,
    cut,
    split_text,
)
from bot.render.templating import slack_escape
from bot.render.text import Rendered

MAX_BLOCKS = 50  # a message; App Home and modals allow 100
MAX_FALLBACK_TEXT = 3000  # Slack truncates `text` at 40,000; a notification needs far less

SHOW_ACTION = "show_item"
PAGE_ACTION = "page"
SHARE_ACTION = "share"
READING_ACTION = "reading"  # "did you mean" buttons under an answer to a question
VOTE_ACTION = "vote"  # 👍 / 👎 under an answer to a question


@dataclass(frozen=True)
class Page:
    number: int  # 1-based
    count: int
    chunks: list[Chunk]


def paginate(rendered: Rendered) -> list[Page]:
    """Cut the chunks into pages by block count and text size. The first chunk (the header) of
    a listing is repeated on every page so each page makes sense on its own."""
    chunks = rendered.chunks
    header: list[Chunk] = []
    if rendered.listing and len(chunks) > 1 and chunks[0].item_id is None:
        header, chunks = [chunks[0]], chunks[1:]
    pages = list(cut(chunks)) or [[]]
    return [Page(i + 1, len(pages), header + p) for i, p in enumerate(pages)]


def _section(text: str, item_id: str | None) -> dict[str, Any]:
    block: dict[str, Any] = {"type": "section", "text": {"type": "mrkdwn", "text": text}}
    if item_id:
        block["accessory"] = {
            "type": "button", "action_id": f"{SHOW_ACTION}:{item_id}"[:255],
            "text": {"type": "plain_text", "text": "Open"}, "value": item_id[:2000],
        }
    return block


def to_message(rendered: Rendered, *, command: str = "", page: int = 1, as_of: str | None = None,
               response_type: str = "ephemeral", share_button: bool = True,
               keep: Keep | None = None, starts: tuple[int, ...] = ()) -> dict[str, Any]:
    """The Slack message payload for one page of an answer: `text`, `blocks`, `response_type`.
    `keep` remembers button states too long for a button (bot.render.buttonstate); `starts`
    (from a Next/Previous button) says where the pages of a huge listing start."""
    if rendered.pager is not None:
        shown = rendered.pager.page(page, starts)
        total = rendered.pager.total
        more = shown.next_start is not None
        line = f"Page {shown.number} · {total.line}" + (" · more on the next page" if more else "")
        if shown.number == 1:  # one page in all needs no page line, as on the whole path
            line = f"{line}\n{total.narrow}" if more else ""
        before = shown.starts[:-1] if shown.number > 1 else ()
        after = (*shown.starts, shown.next_start) if shown.next_start is not None else ()
        return _message(rendered, shown.chunks, line, command, as_of, response_type,
                        share_button, keep, (shown.number, before, shown.starts, after, more))
    pages = paginate(rendered)
    current = pages[max(1, min(page, len(pages))) - 1]
    line = ""
    if current.count > 1:
        line = f"Page {current.number} of {current.count}" + (
            " · more on the next page" if current.number < current.count else "")
    return _message(rendered, current.chunks, line, command, as_of, response_type, share_button,
                    keep, (current.number, (), (), (), current.number < current.count))


def _message(rendered: Rendered, chunks: list[Chunk], line: str, command: str,
             as_of: str | None, response_type: str, share_button: bool, keep: Keep | None,
             where: tuple[int, tuple[int, ...], tuple[int, ...], tuple[int, ...], bool],
             ) -> dict[str, Any]:
    """The blocks of one page: its chunks, the page line, the buttons. `where` is the page
    number, the starts the Previous, Share and Next buttons carry, and whether there is a
    next page."""
    number, before, here, after, more = where
    blocks: list[dict[str, Any]] = []
    opened: set[str] = set()  # one Open button per item: Slack refuses a repeated action_id
    for chunk in chunks:
        parts = split_text(chunk.text)
        for i, part in enumerate(parts):
            item_id = chunk.item_id if i == 0 and chunk.item_id not in opened else None
            if item_id:
                opened.add(item_id)
            blocks.append(_section(part, item_id))
    footer: list[dict[str, Any]] = []
    if line:
        footer.append({"type": "context", "elements": [{"type": "mrkdwn", "text": line}]})
    buttons = []
    if number > 1:
        buttons.append({"type": "button", "action_id": f"{PAGE_ACTION}:prev",
                        "text": {"type": "plain_text", "text": "◀ Previous"},
                        "value": encode_state(command, number - 1, as_of, keep, before)})
    if more:
        buttons.append({"type": "button", "action_id": f"{PAGE_ACTION}:next",
                        "text": {"type": "plain_text", "text": "Next ▶"},
                        "value": encode_state(command, number + 1, as_of, keep, after)})
    if share_button and response_type == "ephemeral" and command:
        buttons.append({"type": "button", "action_id": SHARE_ACTION,
                        "text": {"type": "plain_text", "text": "Share in channel"},
                        "value": encode_state(command, number, as_of, keep, here)})
    if buttons:
        footer.append({"type": "actions", "elements": buttons[:25]})
    if rendered.alternatives and number == 1:
        footer.extend(_alternatives(rendered.alternatives, as_of, keep))
    room = MAX_BLOCKS - len(footer)
    if len(blocks) > room:  # only reachable with a single chunk longer than a page
        blocks = blocks[: room - 1] + [_section("_…continued: this item is too long for one "
                                                "Slack message; see `inspection-bot ask` for "
                                                "the whole text._", None)]
    blocks.extend(footer)
    fallback = slack_escape(rendered.summary)[:MAX_FALLBACK_TEXT]
    return {"response_type": response_type, "text": fallback, "blocks": blocks}


def _alternatives(commands: tuple[str, ...], as_of: str | None,
                  keep: Keep | None) -> list[dict[str, Any]]:
    """The next likely readings of a question, as buttons that run them."""
    return [
        {"type": "context", "elements": [{"type": "mrkdwn", "text": "Or did you mean:"}]},
        {"type": "actions", "elements": [
            {"type": "button", "action_id": f"{READING_ACTION}:{n}",
             "text": {"type": "plain_text", "text": command[:75]},
             "value": encode_state(slack_escape(command), 1, as_of, keep)}
            for n, command in enumerate(commands[:2], start=1)]},
    ]


def vote_block(token: str) -> dict[str, Any]:
    """👍 / 👎 for an answer to a question; `token` names the stored question."""
    return {"type": "actions", "elements": [
        {"type": "button", "action_id": f"{VOTE_ACTION}:up", "value": token[:2000],
         "text": {"type": "plain_text", "text": "👍 Helpful"}},
        {"type": "button", "action_id": f"{VOTE_ACTION}:down", "value": token[:2000],
         "text": {"type": "plain_text", "text": "👎 Not what I asked"}},
    ]}


def check_message(payload: dict[str, Any], *, max_blocks: int = MAX_BLOCKS) -> list[str]:
    """Every way a payload breaks Slack's limits (used by tests and by the app before sending)."""
    problems = []
    blocks = payload.get("blocks", [])
    if not payload.get("text"):
        problems.append("no text fallback")
    if len(blocks) > max_blocks:
        problems.append(f"{len(blocks)} blocks (limit {max_blocks})")
    for i, b in enumerate(blocks):
        if b["type"] == "section":
            text = b.get("text", {}).get("text", "")
            if not text or len(text) > MAX_SECTION_TEXT:
                problems.append(f"block {i}: section text of {len(text)} characters")
            for f in b.get("fields", []):
                if len(f["text"]) > 2000:
                    problems.append(f"block {i}: field over 2000 characters")
            if len(b.get("fields", [])) > 10:
                problems.append(f"block {i}: more than 10 fields")
        if b["type"] == "actions" and len(b["elements"]) > 25:
            problems.append(f"block {i}: more than 25 elements")
        for el in b.get("elements", []) + ([b["accessory"]] if "accessory" in b else []):
            if el.get("type") == "button":
                if len(el["text"]["text"]) > 75 or len(el.get("value", "")) > 2000:
                    problems.append(f"block {i}: button text or value too long")
                if len(el.get("action_id", "")) > 255:
                    problems.append(f"block {i}: action_id too long")
    ids = [el.get("action_id") for b in blocks for el in
           b.get("elements", []) + ([b["accessory"]] if "accessory" in b else [])
           if el.get("action_id")]
    if len(ids) != len(set(ids)):
        problems.append("duplicate action_id in one message")
    return problems
