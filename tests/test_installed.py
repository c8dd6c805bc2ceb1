"""The real install path: a wheel built from the sources (as deploy/Dockerfile builds it),
installed into a fresh virtual environment outside the checkout, run from another folder.

Every other test runs from the editable checkout, where templates/ sits beside bot/; these run
where a server would, so a template, a data file or a runtime dependency that does not ship in
the package fails here. The wheel and the venv are made once per session (about a minute).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
import urllib.parse
import zipfile
from pathlib import Path

import pytest
from slack_emulator import SlackEmulator
from slack_harness import http, signed_headers, slash_body

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ("pyproject.toml", "README.md", "LICENSE", "bot", "templates")
SECRET = "installed-signing-secret"
CHANNEL = "C0INSTALL"


def run(*cmd: str | Path, cwd: Path, env: dict[str, str] | None = None, stdin: str = "",
        timeout: float = 300) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(c) for c in cmd], cwd=cwd, env=env, input=stdin, text=True,
                          capture_output=True, timeout=timeout)


@pytest.fixture(scope="session")
def wheel(tmp_path_factory) -> tuple[Path, str]:
    """The wheel, built from a copy of the sources (a stale build/ in the checkout must not
    leak into it), and the build's output."""
    src = tmp_path_factory.mktemp("clone")
    for name in SOURCES:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, src / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(source, src / name)
    out = src / "dist"
    built = run(sys.executable, "-m", "pip", "wheel", "--no-deps", "-v", "--wheel-dir", out, ".",
                cwd=src)
    assert built.returncode == 0, built.stdout[-3000:] + built.stderr[-3000:]
    [whl] = out.glob("inspection_bot-*.whl")
    return whl, built.stdout + built.stderr


@pytest.fixture(scope="session")
def venv(wheel, tmp_path_factory) -> Path:
    """A fresh venv with the wheel (and the postgres extra) installed by plain pip."""
    whl, _ = wheel
    home = tmp_path_factory.mktemp("venv") / "venv"
    made = run(sys.executable, "-m", "venv", home, cwd=home.parent)
    assert made.returncode == 0, made.stderr
    installed = run(home / "bin" / "python", "-m", "pip", "install", "--quiet", "--no-compile",
                    f"{whl}[postgres]", cwd=home.parent)
    assert installed.returncode == 0, installed.stdout[-3000:] + installed.stderr[-3000:]
    return home


@pytest.fixture
def site(tmp_path, venv) -> dict:
    """A folder far from the checkout with a copy of content/ (its digest channel set), and
    an environment that can only find the installed package."""
    content = tmp_path / "site" / "content"
    shutil.copytree(ROOT / "content", content)
    policy = content / "policy.yaml"
    policy.write_text(policy.read_text(encoding="utf-8").replace("C0DIGEST", CHANNEL),
                      encoding="utf-8")
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("SLACK_", "PYTHON")) and k not in ("DATABASE_URL", "CONTENT_DIR")}
    env.update(NO_COLOR="1", DATA_DIR=str(tmp_path / "site" / "data"), HOME=str(tmp_path))
    return {"cwd": tmp_path / "site", "content": content, "env": env,
            "bot": venv / "bin" / "inspection-bot", "python": venv / "bin" / "python"}


def cli(site: dict, *args: str, stdin: str = "", env: dict | None = None):
    done = run(site["bot"], "--content", site["content"], *args, cwd=site["cwd"],
               env={**site["env"], **(env or {})}, stdin=stdin)
    assert "Traceback" not in done.stderr, done.stderr
    return done


def test_the_wheel_carries_the_templates_license_and_every_package(wheel) -> None:
    whl, output = wheel
    names = set(zipfile.ZipFile(whl).namelist())
    templates = {p.name for p in (ROOT / "templates").glob("*.j2")}
    assert {f"bot/_templates/{t}" for t in templates} <= names
    packages = {p.parent.relative_to(ROOT).as_posix()
                for p in (ROOT / "bot").rglob("__init__.py")}
    missing = {p for p in packages if f"{p}/__init__.py" not in names}
    assert not missing, f"add {missing} to [tool.setuptools] packages in pyproject.toml"
    assert any(n.endswith(".dist-info/licenses/LICENSE") for n in names)
    metadata = zipfile.ZipFile(whl).read(next(n for n in names if n.endswith("METADATA")))
    assert b"License-Expression: MIT" in metadata and b"Requires-Dist: icalendar" in metadata
    assert "SetuptoolsDeprecationWarning" not in output  # the license box is gone


def test_the_installed_package_runs_from_outside_the_checkout(site, venv) -> None:
    where = run(site["python"], "-c", "import bot; print(bot.__file__)", cwd=site["cwd"],
                env=site["env"])
    assert Path(where.stdout.strip()).is_relative_to(venv), where.stdout
    version = cli(site, "--version")
    assert re.fullmatch(r"inspection-bot \d+\.\d+\.\d+\S*\n", version.stdout), version.stdout


def test_every_cli_command_works_installed(site, tmp_path) -> None:
    valid = cli(site, "validate", "--strict", str(site["content"]))
    assert valid.returncode == 0 and "is valid" in valid.stderr
    answer = cli(site, "ask", "judgments 2016")
    assert answer.returncode == 0 and "Protecting vulnerable people" in answer.stdout
    payload = json.loads(cli(site, "ask", "overdue", "--format", "json").stdout)
    assert payload["blocks"] and payload["response_type"] == "ephemeral"
    for fmt, marker in (("json", '"findings"'), ("csv", "cle-2016-rec-01"),
                        ("markdown", "cle-2016-rec-01"), ("ics", "BEGIN:VCALENDAR"),
                        ("html", "<html")):
        done = cli(site, "export", fmt, "--as-of", "2026-11-23")
        assert done.returncode == 0 and marker in done.stdout, (fmt, done.stderr)
    assert '"$schema"' in cli(site, "schema").stdout
    dry = cli(site, "remind", "--dry-run", "--now", "2026-11-23T09:00")
    assert dry.returncode == 0 and "1 digest(s) would be posted" in dry.stdout
    console = cli(site, "console", "--as-of", "2017-05-02", stdin="/inspection overdue\nquit\n")
    assert console.returncode == 0 and "cle-2016-rec-01" in console.stdout
    # diff reads two git revisions of the content
    repo = site["cwd"]
    git = {**site["env"], "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.org"}
    if shutil.which("git"):
        for cmd in (["init", "-q"], ["add", "content"], ["commit", "-qm", "one"]):
            run("git", *cmd, cwd=repo, env=git)
        rec = next(site["content"].rglob("2014-crime.yaml"))
        rec.write_text(rec.read_text(encoding="utf-8").replace(
            "status: open", "status: in_progress", 1), encoding="utf-8")
        run("git", "commit", "-qam", "two", cwd=repo, env=git)
        changed = run(site["bot"], "diff", "HEAD~1", "HEAD", cwd=repo, env=site["env"])
        assert changed.returncode == 0 and changed.stdout.startswith("- "), changed.stderr


def test_remind_posts_through_the_installed_package(site) -> None:
    with SlackEmulator() as slack:
        done = cli(site, "remind", "--now", "2026-11-23T09:00",
                   env={"SLACK_BOT_TOKEN": "xoxb-installed", "SLACK_API_URL": slack.base_url})
        assert done.returncode == 0, done.stderr
        [message] = slack.messages(CHANNEL)
        assert "Not sent: 4 older reminders" in str(message["blocks"])


def _start_serve(site: dict, slack: SlackEmulator) -> tuple[subprocess.Popen, int]:
    env = {**site["env"], "SLACK_BOT_TOKEN": "xoxb-installed", "SLACK_SIGNING_SECRET": SECRET,
           "SLACK_API_URL": slack.base_url, "CONTENT_DIR": str(site["content"]),
           "CALENDAR_TOKEN": "feed-token"}
    proc = subprocess.Popen([str(site["bot"]), "serve", "--http", "--host", "127.0.0.1",
                             "--port", "0"], cwd=site["cwd"], env=env, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    lines: list[str] = []
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        line = proc.stderr.readline() if proc.stderr else ""
        if not line and proc.poll() is not None:
            break
        lines.append(line)
        found = re.search(r"serving http://127\.0\.0\.1:(\d+)", line)
        if found:
            return proc, int(found.group(1))
    proc.kill()
    raise AssertionError("serve did not start:\n" + "".join(lines))


def test_serve_answers_signed_requests_and_health_tells_the_truth(site, venv) -> None:
    """Installed, `serve --http` answers a signed /inspection and /healthz is 200; with the
    templates folder gone from the installed package, /healthz is 503 with the reason."""
    with SlackEmulator() as slack:
        proc, port = _start_serve(site, slack)
        base = f"http://127.0.0.1:{port}"
        try:
            body = slash_body("judgments 2016", response_url=slack.new_response_url())
            reply = http(f"{base}/slack/events", body, signed_headers(body, secret=SECRET))
            assert reply.status == 200 and "Protecting vulnerable people" in reply.text
            forged = http(f"{base}/slack/events", body, signed_headers(body, secret="wrong"))
            assert forged.status == 401
            health = http(f"{base}/healthz")
            assert health.status == 200, health.text
            assert health.json()["ok"] is True and health.json()["reminders"]["next_run"]
            feed = http(f"{base}/calendar.ics?" + urllib.parse.urlencode({"token": "feed-token"}))
            assert feed.status == 200 and "BEGIN:VCALENDAR" in feed.text
            installed = next(venv.glob("lib/python*/site-packages/bot/_templates"))
            moved = installed.with_name("_templates.away")
            installed.rename(moved)
            try:
                broken = http(f"{base}/healthz")
            finally:
                moved.rename(installed)
            assert broken.status == 503
            assert broken.json()["problems"][0].startswith("cannot render answers: template")
            assert http(f"{base}/healthz").status == 200  # and back once it is restored
        finally:
            proc.terminate()
            proc.wait(timeout=30)
        assert proc.returncode == 0


def test_serve_will_not_start_without_its_templates(site, venv) -> None:
    installed = next(venv.glob("lib/python*/site-packages/bot/_templates"))
    moved = installed.with_name("_templates.away")
    installed.rename(moved)
    try:
        done = run(site["bot"], "serve", "--http", "--port", "0", cwd=site["cwd"],
                   env={**site["env"], "SLACK_BOT_TOKEN": "xoxb-x", "SLACK_SIGNING_SECRET": "s",
                        "CONTENT_DIR": str(site["content"]), "SLACK_API_URL": "http://127.0.0.1:9/"},
                   timeout=60)
    finally:
        moved.rename(installed)
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert "the message templates are missing from this installation" in done.stderr


def test_every_runtime_import_is_a_runtime_dependency() -> None:
    """A third-party module imported anywhere in bot/ belongs to a distribution listed in
    [project] dependencies (icalendar was only a test extra)."""
    import ast
    import tomllib
    from importlib.metadata import packages_distributions

    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    declared = {re.split(r"[\[<>=!~ ;]", d, maxsplit=1)[0].lower().replace("_", "-")
                for d in project["dependencies"]}
    modules: set[str] = set()
    for path in (ROOT / "bot").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                modules |= {a.name.split(".")[0] for a in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                modules.add(node.module.split(".")[0])
    third_party = {m for m in modules if m not in sys.stdlib_module_names and m != "bot"}
    dists = packages_distributions()
    undeclared = {m: dists.get(m) for m in third_party
                  if not {d.lower().replace("_", "-") for d in dists.get(m, [])} & declared}
    assert not undeclared, f"imported in bot/ but not in dependencies: {undeclared}"
