"""Settings from the environment. Only the CLI reads the environment; everything else is given
a Settings object."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

DEFAULT_API_URL = "https://slack.com/api/"
DEFAULT_ENV_FILE = Path("deploy") / ".env"  # what `serve` reads when started by hand


def read_env_file(path: Path) -> dict[str, str]:
    """NAME=value lines of an env file (the format of .env.example, docker's --env-file and
    systemd's EnvironmentFile): comments and blank lines skipped, one pair of quotes removed."""
    values: dict[str, str] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        name, _, value = line.removeprefix("export ").partition("=")
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
            value = value[1:-1]
        values[name.strip()] = value
    return values


@dataclass(frozen=True)
class ReminderTiming:
    """How the reminders scheduler waits and retries (bot/reminders/lock.py, service.py). The
    defaults suit production; tests shorten them."""

    lease_seconds: float = 30.0  # a SQLite lease not renewed for this long is dead
    lock_retry_seconds: float = 2.0  # a tick waiting for the lock tries again this often
    lock_wait_seconds: float = 600.0  # ...and gives up (alerting) after this long
    settle_seconds: float = 45.0  # a post may still land in Slack this long after it was sent
    skew_seconds: float = 3600.0  # Slack's clock may differ from ours by up to this much
    retry_minutes: tuple[float, ...] = (5.0, 15.0, 60.0)  # same-day retries of a failed digest
    grace_seconds: float = 3600.0  # a tick later than this is reported missed (and run once)

    @classmethod
    def from_env(cls, env: dict[str, str]) -> ReminderTiming:
        def number(name: str, default: float) -> float:
            value = env.get(name, "").strip()
            try:
                return float(value) if value else default
            except ValueError:
                raise ValueError(f"{name}={value!r} is not a number of seconds") from None

        retries = env.get("REMINDER_RETRY_MINUTES", "").strip()
        d = cls()
        try:
            minutes = (tuple(float(x) for x in retries.split(",") if x.strip()) if retries
                       else d.retry_minutes)
        except ValueError:
            raise ValueError(f"REMINDER_RETRY_MINUTES={retries!r} is not a comma-separated "
                             "list of minutes, such as 5,15,60") from None
        return cls(lease_seconds=number("REMINDER_LEASE_SECONDS", d.lease_seconds),
                   lock_retry_seconds=number("REMINDER_LOCK_RETRY_SECONDS", d.lock_retry_seconds),
                   lock_wait_seconds=number("REMINDER_LOCK_WAIT_SECONDS", d.lock_wait_seconds),
                   settle_seconds=number("REMINDER_SETTLE_SECONDS", d.settle_seconds),
                   skew_seconds=number("REMINDER_SKEW_SECONDS", d.skew_seconds),
                   retry_minutes=minutes, grace_seconds=d.grace_seconds)


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
    templates_dir: Path | None = None  # maintainers' wording overrides (TEMPLATES_DIR)
    # The force a request that names none is about, when content/ holds several (DEFAULT_FORCE,
    # a force id); a channel's force in content/policy.yaml comes first. None: the whole base.
    default_force: str | None = None
    reminders: ReminderTiming = field(default_factory=ReminderTiming)

    @property
    def db_url(self) -> str:
        return self.database_url or f"sqlite:///{self.sqlite_path}"

    @property
    def sqlite_path(self) -> Path:
        """The default ledger database, when DATABASE_URL is not set."""
        return self.data_dir / "inspection-bot.sqlite3"

    @property
    def cache_dir(self) -> Path:
        """Where the validated knowledge base is cached (bot/kbcache.py; the user's cache or
        the temporary folder when this cannot be written)."""
        return self.data_dir / "cache"

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
            templates_dir=Path(env["TEMPLATES_DIR"]) if env.get("TEMPLATES_DIR") else None,
            default_force=(env.get("DEFAULT_FORCE") or "").strip().lower() or None,
            reminders=ReminderTiming.from_env(env),
        )
