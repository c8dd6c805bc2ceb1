"""Admin actions (`/inspection reload`, `/inspection post-digest #channel`) and the report of
content errors to the maintainers' channel.

Admins are the user ids in ADMIN_USER_IDS and the members of the ADMIN_USERGROUP_ID user group
(asked of Slack each time: a removal from the group takes effect at once).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.content.kb import KnowledgeBase
from bot.errors import Problem
from bot.live import LiveKnowledgeBase
from bot.render.blocks import split_text
from bot.render.templating import slack_escape
from bot.slack import messages
from bot.slack.services import Services, add_context, mention

log = logging.getLogger(__name__)

COMMANDS = ("reload", "post-digest")
CHANNEL_RE = re.compile(
    r"^(?:<#(?P<ref>[CGD][A-Z0-9]{2,30})(?:\|[^>]*)?>|(?P<id>[CGD][A-Z0-9]{2,30})"
    r"|#(?P<name>[a-z0-9][a-z0-9._-]{0,79}))$")
MAX_REPORTED_CHARS = 2500


def is_admin(services: Services, client: WebClient, user_id: str) -> bool:
    settings = services.settings
    if user_id in settings.admin_user_ids:
        return True
    if not settings.admin_usergroup_id:
        return False
    try:
        members = client.usergroups_users_list(usergroup=settings.admin_usergroup_id)
    except SlackApiError as exc:
        log.warning("cannot read admin user group %s: %s", settings.admin_usergroup_id,
                    exc.response.get("error"))
        return False
    return user_id in (members.get("users") or [])


def run(services: Services, client: WebClient, user_id: str, text: str) -> dict[str, Any]:
    """Carry out an admin command and say what happened (an ephemeral message)."""
    word, _, rest = text.strip().partition(" ")
    word = word.lower()
    if not is_admin(services, client, user_id):
        log.info("refused %s for %s", word, user_id)
        return messages.simple(messages.NOT_ADMIN.format(command=word))
    if word == "reload":
        return reload_content(services)
    return post_digest(services, client, user_id, rest.strip())


def reload_content(services: Services) -> dict[str, Any]:
    result = services.kb.reload()
    snap = services.kb.current
    counts = ", ".join(f"{n} {k}" for k, n in snap.kb.counts().items())
    if result.problems:
        return messages.simple(messages.REFUSED.format(
            count=len(result.problems), serving=snap.version[:12],
            problems=problem_lines(result.problems, 1500)))
    template = messages.RELOADED if result.changed else messages.UNCHANGED
    return messages.simple(template.format(version=snap.version[:12], counts=counts))


def post_digest(services: Services, client: WebClient, user_id: str,
                where: str) -> dict[str, Any]:
    match = CHANNEL_RE.match(where)
    if not match:
        return messages.simple(messages.POST_DIGEST_USAGE)
    channel_id = match.group("ref") or match.group("id")
    channel = channel_id or f"#{match.group('name')}"
    # Echoed as text: a typed channel never becomes a channel reference in the reply.
    shown = slack_escape(channel)
    pages = services.all_pages("digest", destination=channel_id or channel)
    try:
        for page in pages:
            page = add_context(page, messages.DIGEST_CONTEXT.format(user=mention(user_id)))
            client.chat_postMessage(channel=channel, text=page["text"], blocks=page["blocks"])
    except SlackApiError as exc:
        error = exc.response.get("error", "error")
        log.warning("post-digest to %s failed: %s", channel, error)
        if error in ("not_in_channel", "is_archived"):
            return messages.simple(messages.NOT_IN_CHANNEL.format(channel=shown))
        if error == "channel_not_found":
            return messages.simple(messages.NO_CHANNEL.format(channel=shown))
        return messages.simple(messages.POST_FAILED.format(channel=shown,
                                                           error=slack_escape(error)))
    return messages.simple(messages.DIGEST_POSTED.format(channel=shown, pages=len(pages)))


def problem_lines(problems: list[Problem], limit: int = MAX_REPORTED_CHARS) -> str:
    """Problems as escaped lines for a code block, cut to `limit` characters."""
    lines: list[str] = []
    size = 0
    for n, problem in enumerate(problems):
        line = slack_escape(str(problem)).replace("```", "'''")
        if size + len(line) > limit:
            lines.append(messages.CONTENT_ERRORS_MORE.format(more=len(problems) - n))
            break
        lines.append(line)
        size += len(line) + 1
    return "\n".join(lines)


def report_content_errors(live: LiveKnowledgeBase, client: WebClient, channel: str) -> None:
    """Post each broken content version's problems to the maintainers' channel, once."""
    live.on_errors = content_error_poster(client, channel, lambda: live.current.version)


def report_content_changes(live: LiveKnowledgeBase, client: WebClient, channel: str,
                           limit: int = 40) -> None:
    """Post, once per newly served version, what changed in words (`inspection-bot diff`)."""
    from bot.content.diff import describe_changes

    def post(old: KnowledgeBase, new: KnowledgeBase, version: str) -> None:
        lines = describe_changes(old, new)
        head = messages.CONTENT_CHANGED.format(version=version[:12])
        shown = [f"• {slack_escape(line)}" for line in lines[:limit]]
        if len(lines) > limit:
            shown.append(messages.CONTENT_CHANGED_MORE.format(more=len(lines) - limit))
        body = "\n".join(shown) or messages.CONTENT_CHANGED_NOTHING
        blocks = [{"type": "section", "text": {"type": "mrkdwn", "text": head}}]
        blocks += [{"type": "section", "text": {"type": "mrkdwn", "text": part}}
                   for part in split_text(body)[:45]]
        client.chat_postMessage(channel=channel, text=head, blocks=blocks)

    live.on_change.append(post)


def content_error_poster(client: WebClient, channel: str,
                         serving: Callable[[], str]) -> Callable[[list[Problem], str], None]:
    """An `on_errors` callback for LiveKnowledgeBase posting to the maintainers' channel."""
    def post(problems: list[Problem], version: str) -> None:
        head = messages.CONTENT_ERRORS.format(version=version[:12], count=len(problems),
                                              serving=serving()[:12])
        body = f"```{problem_lines(problems)}```"
        client.chat_postMessage(channel=channel, text=head, blocks=[
            {"type": "section", "text": {"type": "mrkdwn", "text": head}},
            {"type": "section", "text": {"type": "mrkdwn", "text": body}},
        ])
    return post
