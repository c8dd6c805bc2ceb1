"""Shared fixtures. Tests use the real parts: the shipped content, real files, real servers."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from bot.content import loader
from bot.content.kb import KnowledgeBase
from bot.render.templating import build_env
from bot.render.text import Renderer

ROOT = Path(__file__).resolve().parent.parent
CONTENT = ROOT / "content"
MINI = Path(__file__).resolve().parent / "fixtures" / "mini"


@pytest.fixture(autouse=True)
def _clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """No test sees the developer's Slack tokens or database (flask's conftest does the same)."""
    import os

    for name in list(os.environ):
        if name.startswith("SLACK_") or name in ("DATABASE_URL", "CONTENT_DIR", "ADMIN_USER_IDS",
                                                 "ADMIN_USERGROUP_ID", "MAINTAINERS_CHANNEL",
                                                 "CALENDAR_TOKEN"):
            monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("NO_COLOR", "1")


@pytest.fixture(scope="session")
def kb() -> KnowledgeBase:
    """The shipped knowledge base, loaded strictly, once."""
    return loader.load(CONTENT, strict=True)


@pytest.fixture(scope="session")
def renderer(kb: KnowledgeBase) -> Renderer:
    return Renderer(build_env(), kb)


@pytest.fixture(scope="session")
def mini_kb() -> KnowledgeBase:
    return loader.load(MINI, strict=True)


@pytest.fixture
def mini_dir(tmp_path: Path) -> Path:
    """A writable copy of the tiny fixture knowledge base, for breaking on purpose."""
    target = tmp_path / "content"
    shutil.copytree(MINI, target)
    return target


@pytest.fixture
def content_copy(tmp_path: Path) -> Path:
    """A writable copy of the shipped content."""
    target = tmp_path / "content"
    shutil.copytree(CONTENT, target)
    return target


TODAY = dt.date(2026, 11, 23)


# --- the Slack app over real HTTP (tests/slack_harness.py) --------------------------------------

@pytest.fixture
def emulator():
    """The loopback Slack Web API emulator, fresh for each test."""
    from slack_emulator import SlackEmulator

    with SlackEmulator() as slack:
        yield slack


@pytest.fixture(scope="session")
def live_shipped():
    """The shipped content as the running bot holds it (not watched: nothing edits it)."""
    from bot.live import LiveKnowledgeBase

    return LiveKnowledgeBase(CONTENT)


@pytest.fixture
def bot(emulator, live_shipped):
    """The Bolt app behind waitress on 127.0.0.1:0, its WebClient pointed at the emulator,
    answering over the shipped content as on TODAY."""
    from slack_harness import running_bot

    with running_bot(emulator, live_shipped, today=TODAY) as running:
        yield running


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request, tmp_path):
    """A reminders ledger database (tests/reminders_harness.py): a SQLite file, or
    PostgreSQL at TEST_DATABASE_URL (skipped when unset), dropped afterwards."""
    from tests.reminders_harness import Database

    db = Database(request.param, tmp_path)
    yield db
    db.close()
