"""The Slack surface: a thin layer of listeners over the pure answer pipeline."""

from bot.slack.app import build_app, build_client

__all__ = ["build_app", "build_client"]
