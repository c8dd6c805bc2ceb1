"""`GET /healthz`: whether the running bot can do its job now, not merely that it is up.

Three checks, each cheap enough for a probe every few seconds: one real answer rendered with the
serving templates and content (and every template the code uses still loads), the ledger
database answers `SELECT 1` within a few seconds, and the reminders scheduler is running with a
next run (and its last tick did not fail). Any failure makes the probe a 503 with the reasons,
so Docker's HEALTHCHECK and a load balancer see a broken install or a lost database.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from typing import Any, Protocol

import jinja2
from sqlalchemy import Engine, text

from bot.errors import BotError
from bot.live import LiveKnowledgeBase
from bot.render.answer import answer
from bot.render.templating import REQUIRED_TEMPLATES

PROBE_QUESTION = "judgments latest"  # touches the knowledge base, the templates and filters
DB_TIMEOUT = 3.0  # seconds: a probe must answer well within Docker's 5 s timeout


class Scheduler(Protocol):
    """What health reads of bot.reminders.service.ReminderService."""

    last_tick: dt.datetime | None
    last_error: str | None

    @property
    def last_status(self) -> str | None: ...

    @property
    def next_run(self) -> dt.datetime | None: ...


def render_problem(live: LiveKnowledgeBase, today: dt.date) -> str | None:
    """Why the serving content and templates cannot answer, or None when they can."""
    snap = live.current
    env = snap.renderer.env
    try:
        for name in REQUIRED_TEMPLATES:
            env.get_template(name)  # compiled once (an override re-read when its file changed)
            # The installed templates are not re-read for answers (bot.render.templating), so
            # their files are checked here: gone, or changed so that they no longer parse
            # (a package half-replaced under a running bot), is the truth to report.
            _check_source(env, name)
        rendered = answer(snap.kb, snap.renderer, PROBE_QUESTION, today)
    except jinja2.TemplateNotFound as exc:
        return f"cannot render answers: template {exc.name!r} is missing"
    except Exception as exc:  # noqa: BLE001 - any failure to answer is the finding
        return f"cannot render answers: {type(exc).__name__}: {exc}"
    if not rendered.text.strip():
        return f"cannot render answers: '{PROBE_QUESTION}' rendered nothing"
    return None


_parsed: dict[tuple[int, str], str] = {}  # (environment, template) -> the source last parsed


def _check_source(env: jinja2.Environment, name: str) -> None:
    """The template's file as it is now: read (TemplateNotFound when it is gone) and, when
    it changed since the last check, parsed (TemplateSyntaxError when it no longer does)."""
    assert env.loader is not None
    source, _filename, _uptodate = env.loader.get_source(env, name)
    key = (id(env), name)
    if _parsed.get(key) != source:
        env.parse(source, name)
        _parsed[key] = source


def check_can_render(live: LiveKnowledgeBase, today: dt.date) -> None:
    """`serve` calls this before it listens: a bot that cannot answer must not start."""
    problem = render_problem(live, today)
    if problem:
        raise BotError(f"{problem}. The bot will not start: reinstall the package "
                       "(pip install .), or fix TEMPLATES_DIR if you set it.")


class Health:
    def __init__(self, live: LiveKnowledgeBase, today: Callable[[], dt.date], *,
                 engine: Engine | None = None, reminders: Scheduler | None = None,
                 db_timeout: float = DB_TIMEOUT) -> None:
        self.live, self.today, self.engine, self.reminders = live, today, engine, reminders
        self.db_timeout = db_timeout
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="healthz-db")
        self._pending: Future[None] | None = None  # a database check that has not returned

    def _ping(self) -> None:
        assert self.engine is not None
        with self.engine.connect() as conn:
            conn.execute(text("SELECT 1"))

    def database_problem(self) -> str | None:
        if self.engine is None:
            return None
        if self._pending is None or self._pending.done():
            self._pending = self._pool.submit(self._ping)
        try:
            self._pending.result(timeout=self.db_timeout)
        except FutureTimeout:
            return f"the ledger database did not answer within {self.db_timeout:g} s"
        except Exception as exc:  # noqa: BLE001 - the reason goes into the 503
            return f"cannot reach the ledger database: {type(exc).__name__}: {exc}".split("\n")[0]
        return None

    def scheduler_state(self) -> tuple[dict[str, Any], list[str]]:
        if self.reminders is None:
            return {}, []
        r = self.reminders
        next_run = r.next_run
        state = {"last_tick": r.last_tick.isoformat() if r.last_tick else None,
                 "last_status": r.last_status,
                 "next_run": next_run.isoformat() if next_run else None}
        problems = []
        if next_run is None:
            problems.append("the reminders scheduler is not running")
        if r.last_error:
            problems.append(f"the last reminders tick failed: {r.last_error}")
        return state, problems

    def __call__(self) -> tuple[bool, dict[str, Any]]:
        """(ok, the JSON body)."""
        snap = self.live.current
        refused = self.live.refused
        problems = [p for p in (render_problem(self.live, self.today()),
                                self.database_problem()) if p]
        reminders, scheduler_problems = self.scheduler_state()
        problems += scheduler_problems
        body: dict[str, Any] = {
            "ok": not problems, "problems": problems, "content": snap.kb.counts(),
            "content_version": snap.version[:12],
            "content_problems": len(refused.problems) if refused else 0}
        if reminders:
            body["reminders"] = reminders
        return not problems, body
