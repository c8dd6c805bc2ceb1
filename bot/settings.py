"""Settings from the environment. Only the CLI reads the environment; everything else is given
a Settings object."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

DEFAULT_API_URL = "https://slack.com/api/"
# Where Slack's response_urls live; the bot posts to no other. Tests point it at the emulator.
DEFAULT_HOOKS_URL = "https://hooks.slack.com/"


@dataclass(frozen=True)
class Settings:
    content_dir: Path = Path("content")
    data_dir: Path = Path("data")
    database_url: str = ""
    timezone: str = "Europe/London"
    slack_bot_token: str | None = None
    slack_signing_secret: str | None = None
    slack_app_token: str | None = None
    slack_api_url: str = DEFAULT_API_URL
    slack_hooks_url: str = DEFAULT_HOOKS_URL
    admin_user_ids: frozenset[str] = field(default_factory=frozenset)
    admin_usergroup_id: str | None = None
    maintainers_channel: str | None = None
    calendar_token: str | None = None

    @property
    def db_url(self) -> str:
        return self.database_url or f"sqlite:///{self.sqlite_path}"

    @property
    def sqlite_path(self) -> Path:
        """The default ledger database, when DATABASE_URL is not set."""
        return self.data_dir / "inspection-bot.sqlite3"

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> Settings:
        env = dict(os.environ if env is None else env)
        ids = frozenset(x.strip() for x in env.get("ADMIN_USER_IDS", "").split(",") if x.strip())
        return cls(
            content_dir=Path(env.get("CONTENT_DIR") or "content"),
            data_dir=Path(env.get("DATA_DIR") or "data"),
            database_url=env.get("DATABASE_URL", ""),
            timezone=env.get("TZ") or "Europe/London",
            slack_bot_token=env.get("SLACK_BOT_TOKEN") or None,
            slack_signing_secret=env.get("SLACK_SIGNING_SECRET") or None,
            slack_app_token=env.get("SLACK_APP_TOKEN") or None,
            slack_api_url=env.get("SLACK_API_URL") or DEFAULT_API_URL,
            slack_hooks_url=env.get("SLACK_HOOKS_URL") or DEFAULT_HOOKS_URL,
            admin_user_ids=ids,
            admin_usergroup_id=env.get("ADMIN_USERGROUP_ID") or None,
            maintainers_channel=env.get("MAINTAINERS_CHANNEL") or None,
            calendar_token=env.get("CALENDAR_TOKEN") or None,
        )
