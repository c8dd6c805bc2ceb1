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
from bot.slack.gate import on_hooks_host
from bot.slack.services import Services, add_context, asked_in, mention, read_state

log = logging.getLogger(__name__)


def _ack(ack: Ack) -> None:
    ack()


def _action(body: dict[str, Any]) -> dict[str, Any]:
    return (body.get("actions") or [{}])[0]


def _can_respond(body: dict[str, Any], hooks_url: str) -> bool:
    url = body.get("response_url")
    if on_hooks_host(url, hooks_url):
        return True
    log.warning("button pressed where there is no response_url on %s (%s)", hooks_url,
                "none" if not url else "another host")
    return False


def register(app: App, services: Services) -> None:
    hooks_url = services.settings.slack_hooks_url

    def _button_state(body: dict[str, Any], respond: Respond) -> Any:
        """The (query, page, as_of) a paging or share button carries; None when there is
        nothing to do (no response_url) or the value is unreadable or expired (the user is
        told)."""
        if not _can_respond(body, hooks_url):
            return None
        state = read_state(_action(body).get("value") or "", services.states)
        if state is None:
            respond(**messages.simple(messages.EXPIRED_BUTTON), replace_original=False)
        return state

    @guarded(services.settings.slack_hooks_url)
    def page(body: dict[str, Any], respond: Respond, client: Any) -> None:
        state = _button_state(body, respond)
        if state is None:
            return
        payload = services.message(state.query, page=state.page, as_of=state.as_of,
                                   destination=asked_in(body), starts=state.starts)
        if (body.get("container") or {}).get("is_ephemeral", True):
            respond(**payload, replace_original=True)
        else:
            # Paging a shared message shows the page to the clicker only; the channel's message
            # stays as shared.
            respond(**payload, replace_original=False)

    @guarded(services.settings.slack_hooks_url)
    def share(body: dict[str, Any], respond: Respond, client: Any) -> None:
        state = _button_state(body, respond)
        if state is None:
            return
        payload = services.message(state.query, page=state.page, as_of=state.as_of,
                                   response_type="in_channel", share_button=False,
                                   destination=asked_in(body), starts=state.starts)
        user = mention((body.get("user") or {}).get("id") or "")
        respond(**add_context(payload, messages.SHARED_BY.format(user=user)),
                replace_original=False)

    @guarded(services.settings.slack_hooks_url)
    def show(body: dict[str, Any], respond: Respond, client: Any) -> None:
        if not _can_respond(body, hooks_url):
            return
        item_id = (_action(body).get("value") or "").strip()[:200]
        respond(**services.message(f"show {item_id}"), replace_original=False)

    @guarded(hooks_url)
    def reading(body: dict[str, Any], respond: Respond, client: Any) -> None:
        """Another reading of a question: its command's answer, as a new message."""
        state = _button_state(body, respond)
        if state is None:
            return
        respond(**services.message(state.query, destination=asked_in(body)),
                replace_original=False)

    @guarded(hooks_url)
    def vote(body: dict[str, Any], respond: Respond, client: Any) -> None:
        action = _action(body)
        up = action.get("action_id", "").endswith(":up")
        store = services.feedback
        noted = store is not None and store.vote(str(action.get("value") or ""), 1 if up else -1,
                                                 dt.datetime.now(dt.UTC))
        if _can_respond(body, hooks_url):
            respond(**messages.simple(messages.VOTE_THANKS if noted else messages.VOTE_LOST),
                    replace_original=False)

    app.action(re.compile(rf"^{READING_ACTION}:[12]$"))(ack=_ack, lazy=[reading])
    app.action(re.compile(rf"^{VOTE_ACTION}:(up|down)$"))(ack=_ack, lazy=[vote])
    app.action(re.compile(rf"^{PAGE_ACTION}:(prev|next)$"))(ack=_ack, lazy=[page])
    app.action(SHARE_ACTION)(ack=_ack, lazy=[share])
    app.action(re.compile(rf"^{SHOW_ACTION}:"))(ack=_ack, lazy=[show])
