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
# The bot scopes each Web API method the code calls needs (https://api.slack.com/methods).
# A method missing here fails test_manifest_scopes_are_exactly_what_the_code_uses: add it.
METHOD_SCOPES = {
    "chat_postMessage": {"chat:write"},
    "chat_postEphemeral": {"chat:write"},
    "chat_update": {"chat:write"},
    "conversations_history": {"channels:history", "groups:history", "im:history"},
    "conversations_open": {"im:write"},
    "conversations_info": {"channels:read", "groups:read", "im:read"},
    "usergroups_users_list": {"usergroups:read"},
    "users_info": {"users:read"},
    "views_publish": set(),
    "views_open": set(),
    "auth_test": set(),
}
# The scopes each event subscription needs (https://api.slack.com/events).
EVENT_SCOPES = {"app_home_opened": set(), "message.im": {"im:history"},
                "app_mention": {"app_mentions:read"}}
_API_CALL = re.compile(r"\.((?:chat|conversations|users|usergroups|views|auth)_[A-Za-z_]+)\(")
_EVENT = re.compile(r"""app\.event\(\s*["']([a-z_.]+)["']""")
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
    assert features["bot_user"]["display_name"]


def _bot_sources() -> str:
    return "\n".join(p.read_text(encoding="utf-8") for p in (ROOT / "bot").rglob("*.py"))


def test_manifest_scopes_are_exactly_what_the_code_uses(manifest):
    """Every scope a Web API call in bot/ needs is in the manifest, and no scope is there that
    nothing uses (users:read was); the bot cannot post to channels it was not invited to."""
    source = _bot_sources()
    called = set(_API_CALL.findall(source))
    unknown = called - set(METHOD_SCOPES)
    assert not unknown, f"add the scopes of {unknown} to METHOD_SCOPES"
    needed = set().union(*(METHOD_SCOPES[m] for m in called))
    if "app.command(" in source:
        needed.add("commands")
    events = set(manifest["settings"]["event_subscriptions"]["bot_events"])
    assert events <= set(EVENT_SCOPES), f"add the scopes of {events - set(EVENT_SCOPES)}"
    needed |= set().union(*(EVENT_SCOPES[e] for e in events))
    scopes = set(manifest["oauth_config"]["scopes"]["bot"])
    assert scopes == needed, (f"missing: {needed - scopes}, unused: {scopes - needed}")
    assert "chat:write.public" not in scopes


def test_manifest_events_are_exactly_what_the_code_listens_to(manifest):
    """bot_events are the events with a listener; a DM listener (message.im) needs the
    Messages tab writable, and without one it is read-only."""
    source = _bot_sources()
    listened = set(_EVENT.findall(source))
    if re.search(r"app\.message\(", source) or "message" in listened:
        listened.discard("message")  # the `message` listener answers DMs only (channel_type im)
        listened.add("message.im")
    assert set(manifest["settings"]["event_subscriptions"]["bot_events"]) == listened
    tab = manifest["features"]["app_home"]
    assert tab["messages_tab_read_only_enabled"] is ("message.im" not in listened)


def test_manifest_bot_name_is_one_slack_accepts(manifest):
    """Slack's bot user names: lowercase letters, digits, periods, hyphens, underscores."""
    name = manifest["features"]["bot_user"]["display_name"]
    assert re.fullmatch(r"[a-z0-9._-]{1,80}", name), name
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert f"/invite @{name}" in readme


def test_socket_mode_instructions_agree(manifest):
    """The manifest, README and .env.example say the same: socket_mode_enabled true, an
    app-level token with connections:write in SLACK_APP_TOKEN, and serve without --http."""
    text = (DEPLOY / "slack-manifest.yml").read_text(encoding="utf-8")
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    env = (DEPLOY / ".env.example").read_text(encoding="utf-8")
    for doc in (text, readme):
        assert "socket_mode_enabled: true" in doc and "connections:write" in doc
        assert "SLACK_APP_TOKEN" in doc and "without --http" in doc.replace("`", "")
    assert "connections:write" in env and "SLACK_APP_TOKEN" in env


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
    """The image is pinned, installs the wheel (as tests/test_installed.py does) with the
    postgres extra, keeps its data in a volume, drops root, checks /healthz on port 3000."""
    text = (DEPLOY / "Dockerfile").read_text(encoding="utf-8")
    bases = re.findall(r"^FROM (\S+)", text, re.MULTILINE)
    assert bases and all(re.fullmatch(r"python:3\.11\.\d+-slim-\w+", b) for b in bases), bases
    assert "pip wheel --no-deps --wheel-dir /wheels ." in text
    assert 'pip install "$(ls /tmp/wheels/inspection_bot-*.whl)[postgres]"' in text
    assert 'VOLUME ["/app/data"]' in text
    assert re.search(r"^USER (?!root)\S+", text, re.MULTILINE)
    assert "EXPOSE 3000" in text
    assert "HEALTHCHECK" in text and "http://127.0.0.1:3000/healthz" in text
    assert 'CMD ["inspection-bot", "serve", "--http", "--host", "0.0.0.0", "--port", "3000"]' \
        in text
    for copied in ("pyproject.toml", "LICENSE", "bot/", "templates/", "content/"):
        assert re.search(rf"^COPY .*{re.escape(copied)}", text, re.MULTILINE), copied


def _compose():
    return yaml.safe_load((DEPLOY / "compose.yaml").read_text(encoding="utf-8"))


def test_compose_runs_bot_after_a_healthy_postgres():
    """The bot builds from the repo root, uses PostgreSQL and waits for it to be healthy."""
    compose = _compose()
    bot, db = compose["services"]["bot"], compose["services"]["db"]
    assert bot["build"] == {"context": "..", "dockerfile": "deploy/Dockerfile"}
    assert bot["environment"]["DATABASE_URL"].startswith("postgresql+psycopg://")
    assert bot["depends_on"]["db"]["condition"] == "service_healthy"
    assert "../content:/app/content:ro" in bot["volumes"]
    assert "pg_isready" in " ".join(db["healthcheck"]["test"])
    named = {v.split(":")[0] for svc in (bot, db) for v in svc["volumes"] if not v.startswith(".")}
    assert set(compose["volumes"]) == named and "botdata:/app/data" in bot["volumes"]


def test_compose_holds_no_password_and_is_locked_down():
    """The password comes from deploy/.env (compose fails without it), the port is bound to
    127.0.0.1 behind the proxy, the root filesystem is read-only, capabilities are dropped,
    privileges cannot be regained and PostgreSQL is pinned to a release."""
    compose = _compose()
    bot, db = compose["services"]["bot"], compose["services"]["db"]
    password_ref = "${POSTGRES_PASSWORD:?"
    assert db["environment"]["POSTGRES_PASSWORD"].startswith(password_ref)
    assert f"inspection:{password_ref}" in bot["environment"]["DATABASE_URL"]
    text = (DEPLOY / "compose.yaml").read_text(encoding="utf-8")
    assert re.findall(r"^\s*POSTGRES_PASSWORD:\s*(\S+)", text, re.MULTILINE) == [
        "${POSTGRES_PASSWORD:?set"]
    assert "POSTGRES_PASSWORD" in _env_example(DEPLOY / ".env.example")
    assert bot["ports"] == ["127.0.0.1:3000:3000"]
    for svc in (bot, db):
        assert svc["read_only"] is True and svc["cap_drop"] == ["ALL"]
        assert "no-new-privileges:true" in svc["security_opt"]
    assert "cap_add" not in bot
    assert re.fullmatch(r"postgres:\d+\.\d+(-\w+)?", db["image"]), db["image"]
    # the documented backup and restore of the ledger
    assert "pg_dump -U inspection -d inspection" in text and "pg_restore" in text
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "pg_dump" in readme and "pg_restore" in readme


def _unit():
    unit = configparser.ConfigParser(strict=False, interpolation=None)
    unit.optionxform = str  # type: ignore[assignment,method-assign]  # keys are case-sensitive
    unit.read(DEPLOY / "inspection-bot.service", encoding="utf-8")
    return unit


# What `systemd-analyze security` weighs most; with these the unit rates 1.1 ("OK"; checked
# with `systemd-analyze security --offline=true deploy/inspection-bot.service`, systemd 252).
HARDENING = {
    "NoNewPrivileges": "true", "CapabilityBoundingSet": "", "AmbientCapabilities": "",
    "ProtectSystem": "strict", "ProtectHome": "true", "PrivateTmp": "true",
    "PrivateDevices": "true", "PrivateUsers": "true", "PrivateMounts": "true",
    "ProtectKernelTunables": "true", "ProtectKernelModules": "true",
    "ProtectKernelLogs": "true", "ProtectControlGroups": "true", "ProtectClock": "true",
    "ProtectHostname": "true", "ProtectProc": "invisible", "ProcSubset": "pid",
    "RestrictNamespaces": "true", "RestrictRealtime": "true", "RestrictSUIDSGID": "true",
    "RestrictAddressFamilies": "AF_UNIX AF_INET AF_INET6", "LockPersonality": "true",
    "SystemCallArchitectures": "native", "UMask": "0027",
}


def test_systemd_unit_is_hardened():
    """The unit runs the HTTP server as its own user, writes only its state directory, and
    carries the directives that bring `systemd-analyze security` to 3.0 or lower."""
    service = _unit()["Service"]
    assert service["User"] == "inspection-bot"
    assert service["ExecStart"].endswith("inspection-bot serve --http --port 3000")
    assert service["EnvironmentFile"] == "/etc/inspection-bot/env"
    assert (service["Restart"], service["KillSignal"]) == ("on-failure", "SIGTERM")
    assert service["StateDirectory"] == "inspection-bot"
    for key, value in HARDENING.items():
        assert service.get(key) == value, key
    text = (DEPLOY / "inspection-bot.service").read_text(encoding="utf-8")
    assert "SystemCallFilter=@system-service" in text  # (configparser keeps the last of two)


def test_systemd_exposure_is_at_most_3(tmp_path):
    """Where systemd-analyze exists, it rates the unit itself."""
    import shutil
    import subprocess

    if shutil.which("systemd-analyze") is None:
        pytest.skip("systemd-analyze is absent; test_systemd_unit_is_hardened checks directives")
    out = subprocess.run(["systemd-analyze", "security", "--offline=true", "--no-pager",
                          str(DEPLOY / "inspection-bot.service")], capture_output=True,
                         text=True, timeout=60, cwd=tmp_path)
    match = re.search(r"Overall exposure level for \S+: (\d+\.\d+)", out.stdout + out.stderr)
    if match is None:
        pytest.skip(f"systemd-analyze could not rate the unit offline: {out.stderr[:200]}")
    assert float(match.group(1)) <= 3.0, out.stdout


def test_systemd_install_steps_match_the_unit():
    """The install comments use install -D and the paths the unit runs from."""
    text = (DEPLOY / "inspection-bot.service").read_text(encoding="utf-8")
    service = _unit()["Service"]
    steps = [line[1:].strip() for line in text.splitlines() if line.startswith("#   ")]
    joined = "\n".join(steps)
    assert "install -D -m 0640 -g inspection-bot deploy/.env.example /etc/inspection-bot/env" \
        in joined
    assert "install -D -m 0644 deploy/inspection-bot.service " \
        "/etc/systemd/system/inspection-bot.service" in joined
    venv = service["ExecStart"].split("/bin/inspection-bot")[0]
    assert f"python3 -m venv {venv}" in joined and f"{venv}/bin/pip install" in joined
    content = re.search(r"^Environment=CONTENT_DIR=(\S+)", text, re.MULTILINE)
    assert content and f"install -d -m 0755 {content.group(1)}" in joined


def test_manifest_asks_for_what_dms_and_mentions_need_and_no_more(manifest):
    """Questions in a DM (message.im, im:history) and in a mention (app_mention,
    app_mentions:read); no channel-wide message events, so the bot never reads channels."""
    events = set(manifest["settings"]["event_subscriptions"]["bot_events"])
    assert events == {"app_home_opened", "app_mention", "message.im"}
    scopes = set(manifest["oauth_config"]["scopes"]["bot"])
    assert {"app_mentions:read", "im:history"} <= scopes
    assert not {"message.channels", "message.groups"} & events
