"""What the listeners share: settings, the live knowledge base, the date, a worker pool; and
the one way every listener turns slash-command text into a Slack message."""

from __future__ import annotations

import datetime as dt
import logging
import re
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from typing import Any, Protocol

from bot.ask import forces
from bot.ask.digest import StateOf
from bot.live import ReloadResult, Snapshot
from bot.render.answer import Context, answer, is_question
from bot.render.blocks import MAX_BLOCKS, paginate, to_message, vote_block
from bot.render.buttonstate import State
from bot.render.buttonstate import decode as decode_state
from bot.render.templating import slack_escape
from bot.render.text import Rendered
from bot.settings import Settings
from bot.slack.feedback import FeedbackStore
from bot.slack.slots import Slots

log = logging.getLogger(__name__)

USER_ID_RE = re.compile(r"^[UW][A-Z0-9]{2,30}$")


class KnowledgeBaseHolder(Protocol):
    """bot.live.LiveKnowledgeBase, or anything else giving a consistent snapshot."""

    @property
    def current(self) -> Snapshot: ...

    def reload(self) -> ReloadResult: ...


class AnswerCache:
    """The last `size` messages by (content version, text, date, page, ...). An answer is a pure
    function of these, so a repeated question (everyone's `overdue` on a Monday) costs nothing.
    Cached messages are shared: callers must not change them (see `add_context`)."""

    def __init__(self, size: int = 256) -> None:
        self.size = size
        self._items: OrderedDict[Hashable, dict[str, Any]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> dict[str, Any] | None:
        with self._lock:
            found = self._items.get(key)
            if found is not None:
                self._items.move_to_end(key)
            return found

    def put(self, key: Hashable, message: dict[str, Any]) -> None:
        if self.size <= 0:
            return
        with self._lock:
            self._items[key] = message
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)


class KeptStates:
    """Button states too long for a button, by key (bot.render.buttonstate): the last `size`
    of them, in this process. A key that has gone reads as an expired button."""

    def __init__(self, size: int = 4096) -> None:
        self.size = size
        self._items: OrderedDict[str, str] = OrderedDict()
        self._lock = threading.Lock()

    def keep(self, key: str, state: str) -> None:
        with self._lock:
            self._items[key] = state
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)

    def lookup(self, key: str) -> str | None:
        with self._lock:
            return self._items.get(key)


# Answers worked out at once, whatever the number of request threads (bot/slack/slots.py: the
# GIL runs one at a time), and one more beside them once those inside have run for
# LONG_ANSWER seconds (longer than any ordinary answer at 43 forces).
ANSWER_SLOTS = 1
EXTRA_SLOTS = 1
LONG_ANSWER = 0.025


@dataclass(frozen=True)
class Services:
    settings: Settings
    kb: KnowledgeBaseHolder
    today: Callable[[], dt.date]  # the only clock: the date in settings.timezone
    executor: ThreadPoolExecutor  # answers are computed here so the ack never waits too long
    # Seconds before the ack says "Working on it…": Slack allows 3 s including the network, and
    # a busy server needs headroom to send the ack itself.
    answer_timeout: float = 1.5
    cache: AnswerCache = field(default_factory=AnswerCache)
    states: KeptStates = field(default_factory=KeptStates)
    # For `digest`, which looks ahead from now at what the reminders ledger has not sent yet:
    now: Callable[[], dt.datetime] | None = None  # None: the start of the day asked about
    ledger: StateOf | None = None
    feedback: FeedbackStore | None = None  # questions and votes; None: not recorded
    slots: Slots = field(default_factory=lambda: Slots(ANSWER_SLOTS, EXTRA_SLOTS, LONG_ANSWER))

    def context(self, destination: str | None, as_of: dt.date | None) -> Context:
        today = as_of is None or as_of == self.today()  # a button carries the date it was asked
        now = self.now() if self.now is not None and today else None
        return Context(destination=destination, now=now, ledger=self.ledger,
                       default_force=self.settings.default_force)

    def render(self, text: str, as_of: dt.date | None = None,
               destination: str | None = None) -> tuple[Rendered, dt.date]:
        snap = self.kb.current  # one read: kb and renderer always belong together
        date = as_of or self.today()
        with self.slots:
            return answer(snap.kb, snap.renderer, text, date,
                          self.context(destination, as_of)), date

    def _key(self, snap: Snapshot, text: str, page: int, as_of: dt.date | None,
             response_type: str, share_button: bool,
             destination: str | None = None) -> tuple[Hashable, dt.date]:
        date = as_of or self.today()
        # a channel with its own force answers the same text for that force
        force = forces.channel_force(snap.kb, destination)
        return (snap.version, text, date, page, response_type, share_button, force), date

    def cached_message(self, text: str, destination: str | None = None) -> dict[str, Any] | None:
        """The answer to `text` (page 1, as today) if it is in the cache; else None."""
        key, _ = self._key(self.kb.current, text, 1, None, "ephemeral", True, destination)
        return self.cache.get(key)

    def message(self, text: str, *, page: int = 1, as_of: dt.date | None = None,
                response_type: str = "ephemeral", share_button: bool = True,
                destination: str | None = None, asker: str | None = None,
                starts: tuple[int, ...] = ()) -> dict[str, Any]:
        """The Slack message answering `text` (one page of it), asked in `destination` (a
        channel id, or the user id in a DM). `starts` (from a page button) says where the
        pages of a huge listing start (page N is the same message with or without them).
        Do not change the message: it may be shared through the cache."""
        snap = self.kb.current  # one read: kb and renderer always belong together
        key, date = self._key(snap, text, page, as_of, response_type, share_button,
                              destination)
        if starts:  # where the pages start is the bot's own word, but keyed all the same
            key = (key, starts)
        cacheable = not is_digest(text)  # a preview changes with the hour and the ledger
        found = self.cache.get(key) if cacheable else None
        if found is not None:
            return found
        with self.slots:  # never held while asking for a slot again (question_message)
            rendered = answer(snap.kb, snap.renderer, text, date,
                              self.context(destination, as_of))
            question = rendered.question and asker is not None and page == 1 and as_of is None
            if not question:
                message = to_message(rendered, command=encode_query(text), page=page,
                                     as_of=date.isoformat(), response_type=response_type,
                                     share_button=share_button, keep=self.states.keep,
                                     starts=starts)
        if question:
            # a command word followed by English ("due in 60 days"): a question after all
            return self.question_message(text, asker=asker, destination=destination)
        if cacheable:
            self.cache.put(key, message)
        return message

    def question_message(self, text: str, *, asker: str | None,
                         destination: str | None) -> dict[str, Any]:
        """The answer to a question asked in Slack, recorded (question, reading, items cited)
        with 👍 / 👎 buttons that vote on the record. The answer is cached like a command's
        (per asker: "what do I own" depends on who asks); each asking is its own record."""
        snap = self.kb.current
        date = self.today()
        key = (snap.version, "question", text, date, asker, destination)
        found = self.cache.get(key)
        if found is None:
            with self.slots:
                rendered = answer(snap.kb, snap.renderer, text, date,
                                  self.context(destination, None), asker=asker)
                found = {"message": to_message(rendered, command=encode_query(text),
                                               as_of=date.isoformat()),
                         "record": (rendered.question, rendered.reading, rendered.items,
                                    rendered.answered)}
            if not is_digest(rendered.reading):
                self.cache.put(key, found)
        message, (question, reading, items, answered) = found["message"], found["record"]
        if self.feedback is None or not question:
            return message
        try:
            token = self.feedback.record(question, reading, items, answered,
                                         dt.datetime.now(dt.UTC))
        except Exception:  # the answer matters more than its record: answer without votes
            log.exception("could not record a question")
            return message
        if len(message["blocks"]) < MAX_BLOCKS:
            message = {**message, "blocks": [*message["blocks"], vote_block(token)]}
        return message

    def answer_any(self, text: str, *, asker: str | None, destination: str | None
                   ) -> dict[str, Any]:
        """A command's answer (cached) or a question's (recorded, with votes)."""
        if is_question(text):
            return self.question_message(text, asker=asker, destination=destination)
        return self.message(text, destination=destination, asker=asker)

    def all_pages(self, text: str, *, response_type: str = "in_channel",
                  destination: str | None = None) -> list[dict[str, Any]]:
        """Every page of an answer as messages without buttons (for posts nobody pages)."""
        rendered, date = self.render(text, destination=destination)
        rendered = replace(rendered, pager=None)  # every page: the whole answer, cut once
        out = []
        for n in range(1, len(paginate(rendered)) + 1):
            msg = to_message(rendered, command="", page=n, as_of=date.isoformat(),
                             response_type=response_type, share_button=False)
            msg["blocks"] = [b for b in msg["blocks"] if b["type"] != "actions"]
            out.append(msg)
        return out


def is_digest(text: str) -> bool:
    words = text.split()
    return bool(words) and words[0].lower() == "digest"


def asked_in(body: dict[str, Any]) -> str | None:
    """Where a command or button was used: the channel id, or the user's id in a DM (whose
    reminders come by direct message)."""
    channel = body.get("channel_id") or (body.get("channel") or {}).get("id") or ""
    if channel.startswith("D"):
        return body.get("user_id") or (body.get("user") or {}).get("id") or None
    return channel or None


# Button values carry the query. It is stored Slack-escaped so that no payload the app sends
# holds a raw `<!channel>` anywhere, even in places Slack does not display.
def encode_query(text: str) -> str:
    return slack_escape(text)


def decode_query(text: str) -> str:
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def read_state(value: str, states: KeptStates | None = None) -> State | None:
    """The (query, page, as_of, starts) a page or share button carries; None if it is not
    ours or was kept server-side and has gone."""
    state = decode_state(value, states.lookup if states else None)
    if state is None:
        return None
    return state._replace(query=decode_query(state.query))


def add_context(message: dict[str, Any], text: str) -> dict[str, Any]:
    """A copy of `message` with a context line (e.g. who shared it) first, within the block
    limit. The message itself is not changed."""
    blocks = list(message["blocks"])
    if len(blocks) < MAX_BLOCKS:
        blocks.insert(0, {"type": "context", "elements": [{"type": "mrkdwn", "text": text}]})
    else:  # no room for a block: the line goes at the top of the first section
        n = next((i for i, b in enumerate(blocks) if b["type"] == "section"), None)
        if n is not None and len(blocks[n]["text"]["text"]) + len(text) < 2990:
            section = blocks[n]
            blocks[n] = {**section, "text": {**section["text"],
                                             "text": f"_{text}_\n{section['text']['text']}"}}
    return {**message, "blocks": blocks}


def mention(user_id: str) -> str:
    """A user mention, only for an id shaped like one (never text from a payload as is)."""
    return f"<@{user_id}>" if USER_ID_RE.match(user_id or "") else "someone"
