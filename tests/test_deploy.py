"""Deploy files: the Slack manifest, .env.example, Dockerfile, compose file and systemd unit."""

from __future__ import annotations

import configparser
import re
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "deploy"
EVENTS_URL = "https://YOUR-HOST/slack/events"
REQUIRED_SCOPES = {"commands", "chat:write", "channels:history", "groups:history", "im:write",
                   "usergroups:read", "users:read"}
DOCUMENTED_VARIABLES = {
    "SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "SLACK_APP_TOKEN", "SLACK_API_URL",
    "DATABASE_URL", "DATA_DIR", "CONTENT_DIR", "TZ", "ADMIN_USER_IDS", "ADMIN_USERGROUP_ID",
    "MAINTAINERS_CHANNEL", "CALENDAR_TOKEN", "PORT", "HOST", "LOG_LEVEL",
}
# `NAME=value` (set) or `# NAME=value` (optional, showing its default).
_ASSIGNMENT = re.compile(r"^(?:#\s*)?([A-Z][A-Z0-9_]*)=(.*)$")
_REAL_TOKEN = re.compile(r"^(?:xox[a-z]|xapp)-\d")
_ENV_READ = re.compile(r"""(?:getenv|environ\.get|environ\[|\benv\.get)\(?\s*["']([A-Z][A-Z0-9_]*)["']""")


@pytest.fixture(scope="module")
def manifest():
    return yaml.safe_load((DEPLOY / "slack-manifest.yml").read_text(encoding="utf-8"))


def _env_example(path: Path) -> dict[str, tuple[str, str]]:
    """Variable -> (value, the line before it)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    found = {}
    for i, line in enumerate(lines):
        match = _ASSIGNMENT.match(line.strip())
        if match:
            found[match.group(1)] = (match.group(2), lines[i - 1] if i else "")
    return found


def test_manifest_is_version_1_in_http_mode(manifest):
    """The manifest is format version 1 and, as shipped, uses HTTP rather than Socket Mode."""
    assert manifest["_metadata"]["major_version"] == 1
    assert manifest["display_information"]["name"] == "Inspection briefings"
    assert manifest["settings"]["socket_mode_enabled"] is False


def test_manifest_declares_the_slash_command(manifest):
    """/inspection posts to the events URL and its usage hint lists the main commands."""
    commands = {c["command"]: c for c in manifest["features"]["slash_commands"]}
    command = commands["/inspection"]
    assert command["url"] == EVENTS_URL
    assert command["description"]
    for word in ("help", "judgments", "overdue", "figures", "area", "show", "search", "due",
                 "digest"):
        assert word in command["usage_hint"]


def test_manifest_enables_interactivity_home_tab_and_events(manifest):
    """Buttons, the App Home tab and app_home_opened all go to the same events URL."""
    settings, features = manifest["settings"], manifest["features"]
    assert settings["interactivity"] == {"is_enabled": True, "request_url": EVENTS_URL}
    assert settings["event_subscriptions"]["request_url"] == EVENTS_URL
    assert "app_home_opened" in settings["event_subscriptions"]["bot_events"]
    assert features["app_home"]["home_tab_enabled"] is True
    assert features["app_home"]["messages_tab_enabled"] is True
    assert features["bot_user"]["display_name"]


def test_manifest_scopes(manifest):
    """The bot has every scope it needs and cannot post to channels it was not invited to."""
    scopes = set(manifest["oauth_config"]["scopes"]["bot"])
    assert scopes >= REQUIRED_SCOPES
    assert "chat:write.public" not in scopes


@pytest.mark.parametrize("path", [DEPLOY / ".env.example", ROOT / ".env.example"],
                         ids=["deploy", "root"])
def test_env_example_documents_every_variable_with_placeholders(path):
    """Each variable has a comment line above it and a placeholder, never a real secret."""
    variables = _env_example(path)
    assert set(variables) >= DOCUMENTED_VARIABLES
    for name, (value, before) in variables.items():
        assert before.startswith("#") and not _ASSIGNMENT.match(before), f"{name} lacks a comment"
        assert not _REAL_TOKEN.match(value), f"{name} looks like a real Slack token"
        assert not re.fullmatch(r"[0-9a-f]{32}", value), f"{name} looks like a signing secret"


def test_env_example_copies_are_identical():
    """The root .env.example and deploy/.env.example say the same thing."""
    assert (ROOT / ".env.example").read_bytes() == (DEPLOY / ".env.example").read_bytes()


def test_every_variable_the_bot_reads_is_documented():
    """An environment variable read in bot/ without a line in .env.example fails this test."""
    documented = set(_env_example(DEPLOY / ".env.example"))
    read = {name for source in (ROOT / "bot").rglob("*.py")
            for name in _ENV_READ.findall(source.read_text(encoding="utf-8"))}
    assert read - documented == set()


def test_dockerfile_runs_the_http_server_as_non_root():
    """The image installs with the postgres extra, drops root, checks /healthz on port 3000."""
    text = (DEPLOY / "Dockerfile").read_text(encoding="utf-8")
    assert text.count("FROM python:3.11-slim") == 1
    assert "pip install '.[postgres]'" in text
    assert re.search(r"^USER (?!root)\S+", text, re.MULTILINE)
    assert "EXPOSE 3000" in text
    assert "HEALTHCHECK" in text and "http://127.0.0.1:3000/healthz" in text
    assert 'CMD ["inspection-bot", "serve", "--http", "--host", "0.0.0.0", "--port", "3000"]' \
        in text
    for copied in ("pyproject.toml", "bot/", "templates/", "content/"):
        assert re.search(rf"^COPY .*{re.escape(copied)}", text, re.MULTILINE), copied


def test_compose_runs_bot_after_a_healthy_postgres():
    """The bot builds from the repo root, uses PostgreSQL and waits for it to be healthy."""
    compose = yaml.safe_load((DEPLOY / "compose.yaml").read_text(encoding="utf-8"))
    bot, db = compose["services"]["bot"], compose["services"]["db"]
    assert bot["build"] == {"context": "..", "dockerfile": "deploy/Dockerfile"}
    assert bot["environment"]["DATABASE_URL"].startswith("postgresql+psycopg://")
    assert bot["depends_on"]["db"]["condition"] == "service_healthy"
    assert "3000:3000" in bot["ports"]
    assert "../content:/app/content:ro" in bot["volumes"]
    assert db["image"] == "postgres:16"
    assert "pg_isready" in " ".join(db["healthcheck"]["test"])
    assert set(compose["volumes"]) == {db["volumes"][0].split(":")[0]}


def test_systemd_unit_is_hardened():
    """The unit runs the HTTP server as its own user with a read-only system."""
    unit = configparser.ConfigParser(strict=False, interpolation=None)
    unit.optionxform = str  # type: ignore[assignment,method-assign]  # keys are case-sensitive
    unit.read(DEPLOY / "inspection-bot.service", encoding="utf-8")
    service = unit["Service"]
    assert service["User"] == "inspection-bot"
    assert service["ExecStart"].endswith("inspection-bot serve --http --port 3000")
    assert service["EnvironmentFile"] == "/etc/inspection-bot/env"
    assert (service["Restart"], service["KillSignal"]) == ("on-failure", "SIGTERM")
    assert service["NoNewPrivileges"] == "true" and service["PrivateTmp"] == "true"
    assert service["ProtectSystem"] == "strict" and service["ReadWritePaths"]


def test_manifest_asks_for_what_dms_and_mentions_need_and_no_more(manifest):
    """Questions in a DM (message.im, im:history) and in a mention (app_mention,
    app_mentions:read); no channel-wide message events, so the bot never reads channels."""
    events = set(manifest["settings"]["event_subscriptions"]["bot_events"])
    assert events == {"app_home_opened", "app_mention", "message.im"}
    scopes = set(manifest["oauth_config"]["scopes"]["bot"])
    assert {"app_mentions:read", "im:history"} <= scopes
    assert not {"message.channels", "message.groups"} & events
