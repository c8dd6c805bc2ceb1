"""The buttons on answers: Previous/Next, Share in channel, and Open on a list item.

Each is acknowledged at once; the new message goes to the interaction's response_url from a
background thread (a lazy listener), so a slow response_url never delays the ack.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from typing import Any

from slack_bolt import Ack, App, Respond

from bot.render.blocks import PAGE_ACTION, READING_ACTION, SHARE_ACTION, SHOW_ACTION, VOTE_ACTION
from bot.slack import messages
from bot.slack.failures import guarded
from bot.slack.services import Services, add_context, asked_in, mention, read_state

log = logging.getLogger(__name__)


def _ack(ack: Ack) -> None:
    ack()


def _action(body: dict[str, Any]) -> dict[str, Any]:
    return (body.get("actions") or [{}])[0]


def _can_respond(body: dict[str, Any]) -> bool:
    if body.get("response_url"):
        return True
    log.warning("button pressed where there is no response_url (%s)",
                (body.get("container") or {}).get("type"))
    return False


def _button_state(body: dict[str, Any], respond: Respond) -> Any:
    """The (query, page, as_of) a paging or share button carries; None when there is nothing to
    do (no response_url) or the value is unreadable (the user is told the button expired)."""
    if not _can_respond(body):
        return None
    state = read_state(_action(body).get("value") or "")
    if state is None:
        respond(**messages.simple(messages.EXPIRED_BUTTON), replace_original=False)
    return state


def register(app: App, services: Services) -> None:
    @guarded
    def page(body: dict[str, Any], respond: Respond, client: Any) -> None:
        state = _button_state(body, respond)
        if state is None:
            return
        query, number, as_of = state
        payload = services.message(query, page=number, as_of=as_of, destination=asked_in(body))
        if (body.get("container") or {}).get("is_ephemeral", True):
            respond(**payload, replace_original=True)
        else:
            # Paging a shared message shows the page to the clicker only; the channel's message
            # stays as shared.
            respond(**payload, replace_original=False)

    @guarded
    def share(body: dict[str, Any], respond: Respond, client: Any) -> None:
        state = _button_state(body, respond)
        if state is None:
            return
        query, number, as_of = state
        payload = services.message(query, page=number, as_of=as_of, response_type="in_channel",
                                   share_button=False, destination=asked_in(body))
        user = mention((body.get("user") or {}).get("id") or "")
        respond(**add_context(payload, messages.SHARED_BY.format(user=user)),
                replace_original=False)

    @guarded
    def show(body: dict[str, Any], respond: Respond, client: Any) -> None:
        if not _can_respond(body):
            return
        item_id = (_action(body).get("value") or "").strip()[:200]
        respond(**services.message(f"show {item_id}"), replace_original=False)

    @guarded
    def reading(body: dict[str, Any], respond: Respond, client: Any) -> None:
        """Another reading of a question: its command's answer, as a new message."""
        state = _button_state(body, respond)
        if state is None:
            return
        query, _, _ = state
        respond(**services.message(query, destination=asked_in(body)), replace_original=False)

    @guarded
    def vote(body: dict[str, Any], respond: Respond, client: Any) -> None:
        action = _action(body)
        up = action.get("action_id", "").endswith(":up")
        store = services.feedback
        noted = store is not None and store.vote(str(action.get("value") or ""), 1 if up else -1,
                                                 dt.datetime.now(dt.UTC))
        if _can_respond(body):
            respond(**messages.simple(messages.VOTE_THANKS if noted else messages.VOTE_LOST),
                    replace_original=False)

    app.action(re.compile(rf"^{READING_ACTION}:[12]$"))(ack=_ack, lazy=[reading])
    app.action(re.compile(rf"^{VOTE_ACTION}:(up|down)$"))(ack=_ack, lazy=[vote])
    app.action(re.compile(rf"^{PAGE_ACTION}:(prev|next)$"))(ack=_ack, lazy=[page])
    app.action(SHARE_ACTION)(ack=_ack, lazy=[share])
    app.action(re.compile(rf"^{SHOW_ACTION}:"))(ack=_ack, lazy=[show])
