"""The App Home tab: a dashboard published with views.publish when a person opens it."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient

from bot.ask import dashboard
from bot.render.blocks import split_text
from bot.render.templating import CHUNK, long_date, slack_escape
from bot.render.text import split_chunks
from bot.slack.failures import guarded
from bot.slack.services import Services

MAX_HOME_BLOCKS = 100  # App Home and modals allow 100 blocks (messages 50)
MORE = "_…more than fits here: ask `/inspection judgments latest` or `/inspection overdue`._"


def home_view(services: Services) -> dict[str, Any]:
    """The home tab view for today, within App Home's limits."""
    snap = services.kb.current
    as_of = services.today()
    template = snap.renderer.env.get_template("home.md.j2")
    kb = snap.kb
    if len(kb.forces) < 2:
        text = template.render(d=dashboard.build(kb, as_of), area_name=kb.area_name)
    else:  # several forces: the deployment's force, else each force's dashboard in turn
        default = services.settings.default_force
        shown = [f for f in kb.forces if f.id == default] or kb.forces
        parts = []
        for f in shown:
            parts.append(CHUNK + f"*{slack_escape(f.name)}*\n" + template.render(
                d=dashboard.build(kb.scoped(f.id), as_of), area_name=kb.area_name))
            if sum(p.count(CHUNK) for p in parts) > MAX_HOME_BLOCKS:
                break  # the tab is full: the rest would be cut anyway (build no more views)
        text = "".join(parts)
    footer = {"type": "context", "elements": [{"type": "mrkdwn", "text": (
        f"As of {long_date(as_of)} · content version `{snap.version[:12]}` · "
        "type `/inspection help` in any channel for more")}]}
    blocks: list[dict[str, Any]] = [
        {"type": "header", "text": {"type": "plain_text", "text": "Inspection dashboard"}}]
    room = MAX_HOME_BLOCKS - 1  # leave the footer its place
    sections = [part for chunk in split_chunks(text) for part in split_text(chunk.text)]
    for n, part in enumerate(sections):
        heading = n > 0 and part.startswith("*")
        if len(blocks) + (2 if heading else 1) > room - 1:  # keep one for the note below
            blocks.append(_section(MORE))
            break
        if heading:
            blocks.append({"type": "divider"})
        blocks.append(_section(part))
    blocks.append(footer)
    return {"type": "home", "blocks": blocks[:MAX_HOME_BLOCKS]}


def _section(text: str) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}}


def register(app: App, services: Services) -> None:
    def _ack(ack: Ack) -> None:
        ack()

    @guarded(services.settings.slack_hooks_url)
    def publish(body: dict[str, Any], event: dict[str, Any], client: WebClient) -> None:
        if event.get("tab", "home") != "home":
            return  # the Messages tab
        with services.slots:  # worked out in turn with the answers (at 43 forces it is long)
            view = home_view(services)
        client.views_publish(user_id=event["user"], view=view)  # Slack's time: outside the turn

    app.event("app_home_opened")(ack=_ack, lazy=[publish])
