"""Every fixed sentence the Slack app says, in one place (answers come from the templates).

Anything interpolated into these is escaped by the caller with `slack_escape`, except ids the
app itself checked (user and channel ids) which are inserted as Slack mentions on purpose.
"""

from __future__ import annotations

from typing import Any

WORKING = "Working on it… the answer will appear here in a moment."
APOLOGY = ("Sorry, something went wrong on my side while answering that. Try again in a minute, "
           "or try `/inspection help`. If it keeps happening, tell the bot's maintainers.")
EXPIRED_BUTTON = ("That button has expired: the answer it belongs to is no longer kept. Run the "
                  "`/inspection` command again.")
TOO_SLOW = "That is taking longer than usual. Try again in a minute."

NOT_ADMIN = ("Sorry, `{command}` is for the bot's administrators. Ask one of them, or change "
             "the content in git and it is picked up within seconds.")
RELOADED = "Reloaded the content: version `{version}` is now serving ({counts})."
UNCHANGED = "The content has not changed: version `{version}` is serving ({counts})."
REFUSED = ("The content has {count} problem(s), so I kept serving the last good version "
           "`{serving}`. The first ones:\n```{problems}```\nRun `inspection-bot validate` for "
           "the whole list.")
POST_DIGEST_USAGE = ("Say which channel: `/inspection post-digest #channel` or "
                     "`/inspection post-digest C0123ABCDE`.")
DIGEST_POSTED = "Posted the digest preview to {channel} ({pages} message(s))."
DIGEST_CONTEXT = "Digest preview posted by {user} with `/inspection post-digest`."
NOT_IN_CHANNEL = ("I can't post in {channel}: invite me first (`/invite @inspection-briefings` in "
                  "that channel), then try again.")
NO_CHANNEL = "I can't find the channel {channel}. Check the name, or use its id (C…)."
POST_FAILED = "Slack refused the post to {channel} ({error}). Try again, or ask an administrator."

SHARED_BY = "Shared by {user}"
VOTE_THANKS = ("Thanks: noted. The bot's maintainers read the questions that found nothing or "
               "were voted down, to fill the gaps.")
VOTE_LOST = "Thanks. That answer is too old to record a vote on; ask again to vote."

CONTENT_ERRORS = (":warning: A content change (version `{version}`) has {count} problem(s). "
                  "The bot keeps serving the last good version `{serving}` until they are fixed.")
CONTENT_ERRORS_MORE = "…and {more} more: run `inspection-bot validate` for the whole list."

CONTENT_CHANGED = ":memo: Content version `{version}` is now served. What changed:"
CONTENT_CHANGED_MORE = "…and {more} more: run `inspection-bot diff` for the whole list."
CONTENT_CHANGED_NOTHING = "no change to what the bot says (wording of comments or layout only)."

HOME_UNAVAILABLE = "The dashboard could not be built just now. Try again in a minute."


def simple(text: str, *, response_type: str = "ephemeral") -> dict[str, Any]:
    """A one-section message with the same text as its notification fallback."""
    return {"response_type": response_type, "text": text[:3000],
            "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": text[:3000]}}]}
