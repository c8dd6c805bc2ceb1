"""Before the first post: are the policy's channels real channels the bot can post to?

A placeholder left from the shipped content/policy.yaml (C0DIGEST) or a channel Slack does not
know is an error for `serve` and `remind`: they refuse to start rather than fail every tick. A
channel the bot has not been invited to is a warning (the install steps invite it after the
first start); its reminders fail, are alerted, and are retried on the next tick.
"""

from __future__ import annotations

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.content.policy import PLACEHOLDER_CHANNELS, Policy

INVITE = "invite it with `/invite @inspection-briefings` in that channel"


def check_channels(client: WebClient, policy: Policy) -> tuple[list[str], list[str]]:
    """(errors, warnings) about the channels the policy posts to. One cheap call a channel
    (conversations.history, limit 1, which the reconciliation needs anyway)."""
    errors = policy.placeholder_problems()
    warnings: list[str] = []
    for channel in policy.channels:
        if channel in PLACEHOLDER_CHANNELS:
            continue
        where = policy.where.get(channel, "content/policy.yaml")
        try:
            client.conversations_history(channel=channel, limit=1)
        except SlackApiError as exc:
            error = exc.response.get("error") or str(exc)
            if error == "channel_not_found":
                errors.append(f"{where}: channel {channel} is not a channel this Slack workspace "
                              "knows (or a private one the bot is not in): check the id in "
                              f"content/policy.yaml, or {INVITE}.")
            elif error == "not_in_channel":
                warnings.append(f"the bot is not a member of channel {channel}: {INVITE}, or "
                                "its reminders will fail.")
            else:
                warnings.append(f"could not check channel {channel}: {error}.")
        except OSError as exc:  # Slack unreachable: posting will fail and be retried; say so
            warnings.append(f"could not check channel {channel}: {exc}.")
    return errors, warnings


def refusal(errors: list[str], command: str) -> str:
    """The message `serve` or `remind` stops with."""
    lines = "\n".join(f"  {e}" for e in errors)
    return (f"the reminders policy names channels the bot cannot post to; `{command}` will not "
            f"start until they are fixed:\n{lines}\nSet `default_channel` (and any route's "
            "`channel`) in content/policy.yaml: see the README's install steps.")
