"""GET /healthz tells the truth: 200 only when the bot renders a real answer, reaches its ledger
database and has a running scheduler; otherwise 503 with the reason. `serve` does not start on
templates that cannot render."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import jinja2
import pytest
from slack_harness import http, make_settings
from sqlalchemy import create_engine

from bot.health import Health
from bot.live import LiveKnowledgeBase
from bot.reminders.sender import make_client
from bot.reminders.service import ReminderService
from bot.render.templating import REQUIRED_TEMPLATES, build_env, packaged_templates
from bot.server import HttpServer, make_wsgi_app
from bot.settings import Settings
from bot.slack import build_app, build_client
from tests.conftest import TODAY
from tests.test_first_start import with_channel

ROOT = Path(__file__).resolve().parent.parent


def _get(health: Health, live, emulator) -> tuple[int, dict]:
    settings = make_settings(emulator)
    app = build_app(settings, live, client=build_client(settings), today=lambda: TODAY)
    server = HttpServer(make_wsgi_app(app, live, health_check=health), "127.0.0.1", 0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        reply = http(f"http://127.0.0.1:{server.port}/healthz")
        return reply.status, reply.json()
    finally:
        server.stop()


@pytest.fixture
def service(tmp_path, content_copy, emulator):
    with_channel(content_copy)
    live = LiveKnowledgeBase(content_copy)
    svc = ReminderService(Settings(content_dir=content_copy, data_dir=tmp_path / "data"), live,
                          make_client("xoxb-test", emulator.base_url))
    svc.clock.start(catch_up=False)
    yield svc
    svc.stop()


def test_healthy_bot_reports_its_checks_and_the_schedule(service, emulator) -> None:
    status, body = _get(Health(service.live, lambda: TODAY, engine=service.ledger.engine,
                               reminders=service), service.live, emulator)
    assert status == 200 and body["ok"] is True and body["problems"] == []
    assert body["content"]["findings"] == 36 and len(body["content_version"]) == 12
    assert body["reminders"]["next_run"].endswith(("09:00:00+00:00", "09:00:00+01:00"))
    assert body["reminders"]["last_tick"] is None  # no tick yet
    service.tick(service.clock.next_run())
    _, after = _get(Health(service.live, lambda: TODAY, engine=service.ledger.engine,
                           reminders=service), service.live, emulator)
    assert after["reminders"]["last_tick"] and after["reminders"]["last_status"]


def test_a_missing_template_is_a_503_with_its_name(tmp_path, content_copy, emulator) -> None:
    folder = tmp_path / "templates"
    shutil.copytree(packaged_templates(), folder)
    env = build_env()
    env.loader = jinja2.FileSystemLoader(str(folder))  # stands in for the installed folder
    live = LiveKnowledgeBase(content_copy, env=env)
    health = Health(live, lambda: TODAY)
    assert health()[0] is True
    (folder / "judgments.md.j2").unlink()
    status, body = _get(health, live, emulator)
    assert status == 503 and body["ok"] is False
    assert body["problems"] == ["cannot render answers: template 'judgments.md.j2' is missing"]


def test_an_unreachable_database_is_a_503(content_copy, emulator) -> None:
    pytest.importorskip("psycopg")
    engine = create_engine("postgresql+psycopg://postgres@127.0.0.1:1/nowhere")  # refused
    live = LiveKnowledgeBase(content_copy)
    status, body = _get(Health(live, lambda: TODAY, engine=engine), live, emulator)
    assert status == 503
    [problem] = body["problems"]
    assert problem.startswith("cannot reach the ledger database: OperationalError")


def test_a_stopped_scheduler_or_a_failed_tick_is_a_503(service, emulator) -> None:
    health = Health(service.live, lambda: TODAY, engine=service.ledger.engine,
                    reminders=service)
    service.last_error = "OperationalError: the database went away"
    assert health()[1]["problems"] == [
        "the last reminders tick failed: OperationalError: the database went away"]
    service.last_error = None
    service.clock.stop()
    status, body = _get(health, service.live, emulator)
    assert status == 503 and body["problems"] == ["the reminders scheduler is not running"]


def test_required_templates_are_the_templates_folder() -> None:
    assert set(REQUIRED_TEMPLATES) == {p.name for p in (ROOT / "templates").glob("*.j2")}


def test_serve_refuses_to_start_when_it_cannot_render(tmp_path, content_copy, emulator) -> None:
    """A maintainer's override template that fails (an undefined name) stops serve with the
    reason before it listens; no traceback."""
    with_channel(content_copy)
    override = tmp_path / "wording"
    override.mkdir()
    (override / "judgments.md.j2").write_text("{{ no_such_thing.title }}\n", encoding="utf-8")
    env = {**os.environ, "SLACK_BOT_TOKEN": "xoxb-test", "SLACK_SIGNING_SECRET": "s3cr3t",
           "SLACK_API_URL": emulator.base_url, "CONTENT_DIR": str(content_copy),
           "DATA_DIR": str(tmp_path / "data"), "TEMPLATES_DIR": str(override)}
    proc = subprocess.run([sys.executable, "-m", "bot", "serve", "--http", "--port", "0"],
                          env=env, capture_output=True, text=True, timeout=60, cwd=tmp_path)
    assert proc.returncode == 1
    assert "cannot render answers: UndefinedError: 'no_such_thing' is undefined" in proc.stderr
    assert "The bot will not start" in proc.stderr and "Traceback" not in proc.stderr
