"""`serve` started by hand reads deploy/.env from the folder it runs in (or --env-file FILE);
variables already in the environment win."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from bot.settings import read_env_file

ROOT = Path(__file__).resolve().parent.parent


def test_env_file_lines_are_read_like_docker_and_systemd_read_them(tmp_path) -> None:
    path = tmp_path / ".env"
    path.write_text("# a comment\n\nSLACK_BOT_TOKEN=xoxb-1\n# CONTENT_DIR=./content\n"
                    "export TZ=Europe/London\nCALENDAR_TOKEN=\"quoted value\"\nHOST='127.0.0.1'\n"
                    "not a line\n", encoding="utf-8")
    assert read_env_file(path) == {"SLACK_BOT_TOKEN": "xoxb-1", "TZ": "Europe/London",
                                   "CALENDAR_TOKEN": "quoted value", "HOST": "127.0.0.1"}


def _serve(cwd: Path, *args: str, env: dict[str, str] | None = None):
    clean = {k: v for k, v in os.environ.items()
             if not k.startswith("SLACK_") and k not in ("CONTENT_DIR", "DATABASE_URL")}
    return subprocess.run([sys.executable, "-m", "bot", "serve", "--http", "--port", "0", *args],
                          cwd=cwd, env={**clean, "PYTHONPATH": str(ROOT), **(env or {})},
                          capture_output=True, text=True, timeout=60)


def test_serve_reads_deploy_env_in_the_folder_it_starts_in(tmp_path) -> None:
    (tmp_path / "deploy").mkdir()
    (tmp_path / "deploy" / ".env").write_text(
        f"SLACK_BOT_TOKEN=xoxb-from-file\nCONTENT_DIR={ROOT / 'content'}\n"
        f"DATA_DIR={tmp_path / 'data'}\n", encoding="utf-8")
    done = _serve(tmp_path)
    assert "Settings from deploy/.env" in done.stderr
    # the token came from the file: only the signing secret is missing
    assert "SLACK_SIGNING_SECRET must be set" in done.stderr and done.returncode == 1
    assert "SLACK_BOT_TOKEN and" not in done.stderr
    # the environment wins over the file
    overridden = _serve(tmp_path, env={"SLACK_SIGNING_SECRET": "s", "SLACK_BOT_TOKEN": "",
                                       "CONTENT_DIR": str(tmp_path / "nowhere")})
    assert "SLACK_BOT_TOKEN must be set" in overridden.stderr


def test_serve_env_file_option_names_another_file(tmp_path) -> None:
    other = tmp_path / "bot.env"
    other.write_text("SLACK_SIGNING_SECRET=from-other-file\n", encoding="utf-8")
    done = _serve(tmp_path, "--env-file", str(other))
    assert f"Settings from {other}" in done.stderr
    assert "SLACK_BOT_TOKEN must be set" in done.stderr and "SIGNING" not in done.stderr
    missing = _serve(tmp_path, "--env-file", str(tmp_path / "absent.env"))
    assert missing.returncode != 0 and "Traceback" not in missing.stderr
