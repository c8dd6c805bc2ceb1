"""Ledger migrations (Alembic): `inspection-bot db upgrade`, several processes creating one new
ledger at once, a ledger from before migrations upgraded in place, the migrations matching the
model, and a ledger from a newer version refused."""

from __future__ import annotations

import subprocess
import sys
import time
import uuid

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from click.testing import CliRunner
from sqlalchemy import create_engine, text

from bot.cli import cli
from bot.errors import BotError
from bot.reminders.ledger import Ledger, metadata
from bot.reminders.migrate import VERSION_TABLE, check, drop, head
from tests.reminders_harness import ROOT, pg_url

# Each process imports everything, says it is ready, and starts when the test says go: the
# upgrades begin within a millisecond or so of each other.
RACE = """
import pathlib, sys, time
from bot.cli import main
import bot.reminders.migrate, alembic.command, sqlalchemy.dialects.postgresql
go, ready = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
ready.touch()
while not go.exists():
    time.sleep(0.001)
sys.argv = ["inspection-bot", "db", "upgrade"]
main()
"""


def _race(url: str, tmp_path, runs: int = 1, processes: int = 3):
    for run in range(runs):
        env = {"PYTHONPATH": str(ROOT), "DATABASE_URL": url, "DATA_DIR": str(tmp_path),
               "PATH": "/usr/bin:/bin"}
        go = tmp_path / f"go-{run}"
        ready = [tmp_path / f"ready-{run}-{i}" for i in range(processes)]
        procs = [subprocess.Popen([sys.executable, "-c", RACE, str(go), str(r)], env=env,
                                  cwd=tmp_path, stdout=subprocess.PIPE,
                                  stderr=subprocess.STDOUT, text=True) for r in ready]
        deadline = time.monotonic() + 120
        while not all(r.exists() for r in ready) and time.monotonic() < deadline:
            time.sleep(0.01)
        go.touch()
        outs = [p.communicate(timeout=120)[0] for p in procs]
        assert [p.returncode for p in procs] == [0] * processes, outs
        said = sorted("from nothing" in o for o in outs)
        assert said == [False] * (processes - 1) + [True], outs  # one created, others waited
        engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://"))
        assert check(engine) == head()
        engine.dispose()
        yield run


def test_processes_creating_a_new_sqlite_ledger_at_once(tmp_path) -> None:
    for _run in _race(f"sqlite:///{tmp_path / 'new.sqlite3'}", tmp_path):
        for suffix in ("", "-wal", "-shm"):
            (tmp_path / f"new.sqlite3{suffix}").unlink(missing_ok=True)


def test_processes_creating_a_new_postgresql_database_at_once(tmp_path) -> None:
    """Each run on a brand-new database (test_h16_race_*), as on a first deploy of replicas."""
    base = pg_url()
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    name = f"{admin.url.database}_race_{uuid.uuid4().hex[:8]}"
    url = admin.url.set(database=name).render_as_string(hide_password=False)
    try:
        with admin.connect() as c:
            c.execute(text(f"CREATE DATABASE {name}"))
        for _run in _race(url, tmp_path):
            with admin.connect() as c:
                c.execute(text(f"DROP DATABASE {name} WITH (FORCE)"))
                c.execute(text(f"CREATE DATABASE {name}"))
    finally:
        with admin.connect() as c:
            c.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        admin.dispose()


def test_migrations_build_exactly_the_model(database) -> None:
    engine = Ledger(database.fresh()).create().engine
    with engine.connect() as c:
        # Only the ledger's own tables: the calendar feed and the question log keep their
        # tables in the same database and create them themselves.
        ctx = MigrationContext.configure(c, opts={
            "version_table": VERSION_TABLE,
            "include_name": lambda name, type_, _parents: (
                type_ != "table" or name in metadata.tables)})
        assert compare_metadata(ctx, metadata) == []
    engine.dispose()


def test_a_ledger_from_before_migrations_is_upgraded_and_keeps_its_rows(database) -> None:
    """The schema 0.1 made with create_all (no owner column, no version table)."""
    engine = create_engine(database.fresh())
    with engine.begin() as c:
        c.execute(text(
            "CREATE TABLE reminder_ledger (id INTEGER PRIMARY KEY, item VARCHAR(200) NOT NULL,"
            " milestone VARCHAR(40) NOT NULL, version VARCHAR(20) NOT NULL,"
            " destination VARCHAR(40) NOT NULL, state VARCHAR(10) NOT NULL, digest VARCHAR(32),"
            " channel VARCHAR(40), ts VARCHAR(40), error TEXT, attempts INTEGER NOT NULL,"
            " created_at TIMESTAMP NOT NULL, updated_at TIMESTAMP NOT NULL,"
            " CONSTRAINT uq_reminder_key UNIQUE (item, milestone, version, destination))"))
        c.execute(text("CREATE TABLE reminder_lease (name VARCHAR(40) PRIMARY KEY,"
                       " holder VARCHAR(80) NOT NULL, expires_at TIMESTAMP NOT NULL)"))
        c.execute(text("INSERT INTO reminder_ledger (id, item, milestone, version, destination,"
                       " state, digest, channel, ts, attempts, created_at, updated_at) VALUES"
                       " (1, 'x', 'day', '2017-05-01', 'C1', 'sent', 'd1', 'C1', '1.2', 1,"
                       " '2017-05-01', '2017-05-01')"))
    assert check(engine) is None
    Ledger(engine).create()
    assert check(engine) == head()
    [row] = Ledger(engine).rows()
    assert (row.state, row.digest, row.ts, row.owner) == ("sent", "d1", "1.2", None)
    engine.dispose()


def test_db_upgrade_and_status_commands(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("DATA_DIR", str(tmp_path / "data"))
    runner = CliRunner()
    status = runner.invoke(cli, ["db", "status"])
    assert status.exit_code == 0 and "No reminders ledger yet" in status.output
    first = runner.invoke(cli, ["db", "upgrade"])
    assert first.exit_code == 0, first.output
    assert f"from nothing to revision {head()}" in first.output
    again = runner.invoke(cli, ["db", "upgrade"])
    assert again.exit_code == 0 and "is up to date" in again.output
    status = runner.invoke(cli, ["db", "status"])
    assert f"revision: {head()}" in status.output and "up to date" in status.output


def test_a_ledger_from_a_newer_version_is_refused(tmp_path, monkeypatch) -> None:
    """`remind`, `serve` and `db upgrade` stop with a clear message instead of writing to a
    schema they do not know."""
    url = f"sqlite:///{tmp_path / 'newer.sqlite3'}"
    engine = Ledger(url).create().engine
    with engine.begin() as c:
        c.execute(text(f"UPDATE {VERSION_TABLE} SET version_num = '9999'"))
    with pytest.raises(BotError, match="revision 9999, which this version"):
        Ledger(url).create()
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-test")
    for args in (["db", "upgrade"], ["remind", "--now", "2017-04-24T09:00", "--force"]):
        result = CliRunner().invoke(cli, ["--content", str(ROOT / "tests/fixtures/mini"), *args])
        assert result.exit_code == 1 and "does not know" in result.output, result.output


def test_drop_then_create_starts_afresh(database) -> None:
    engine = Ledger(database.fresh()).create().engine
    drop(engine)
    with engine.connect() as c:
        assert not engine.dialect.has_table(c, "reminder_ledger")
    Ledger(engine).create()
    assert check(engine) == head()
    engine.dispose()


def test_serve_checks_the_ledger_schema_at_start(tmp_path) -> None:
    """`serve` on a ledger upgraded by a newer version stops at start with the reason."""
    from tests.reminders_harness import make_content
    from tests.slack_emulator import SlackEmulator

    url = f"sqlite:///{tmp_path / 'newer.sqlite3'}"
    engine = Ledger(url).create().engine
    with engine.begin() as c:
        c.execute(text(f"UPDATE {VERSION_TABLE} SET version_num = '9999'"))
    with SlackEmulator() as slack:
        env = {"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin", "DATABASE_URL": url,
               "SLACK_BOT_TOKEN": "xoxb-test", "SLACK_SIGNING_SECRET": "secret",
               "SLACK_API_URL": slack.base_url, "CONTENT_DIR": str(make_content(tmp_path))}
        done = subprocess.run([sys.executable, "-m", "bot", "serve", "--http", "--port", "0"],
                              env=env, cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "revision 9999, which this version of inspection-bot does not know" in done.stderr
