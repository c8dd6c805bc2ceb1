"""The one-page briefing (`export html`) renders in headless Chromium from Debian's packages:
it loads with no console errors, the DOM holds the SVG charts and the screenshot is not blank."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
from pathlib import Path

import pytest

from bot.exports.briefing import build_html_env, to_html

CHROMIUM = Path("/usr/bin/chromium")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def test_briefing_is_self_contained_and_escaped(kb) -> None:
    html = to_html(kb, dt.date(2026, 11, 23))
    assert html.startswith("<!DOCTYPE html>") and "@page { size: A4" in html
    assert "<script" not in html and "http://" not in html.replace(
        'xmlns="http://www.w3.org/2000/svg"', "")
    assert "https://" not in html and "<link" not in html
    assert html.count("<svg") >= 2 and "carried forward from 2016" in html
    assert "Scale change" in html and "cle-2016-rec-01" in html
    assert "E&amp;W" in html  # autoescaped


def test_html_env_escapes_content(mini_kb) -> None:
    env = build_html_env()
    assert env.autoescape is True
    out = env.from_string("{{ x }}").render(x="<script>alert(1)</script>")
    assert out == "&lt;script&gt;alert(1)&lt;/script&gt;"


@pytest.mark.skipif(not CHROMIUM.exists(),
                    reason="/usr/bin/chromium is absent (CI installs Debian's chromium package)")
def test_briefing_renders_in_headless_chromium(kb, tmp_path: Path) -> None:
    page = tmp_path / "briefing.html"
    page.write_text(to_html(kb, dt.date(2026, 11, 23)), encoding="utf-8")
    env = {**os.environ, "HOME": str(tmp_path)}
    shot = tmp_path / "briefing.png"
    run = subprocess.run(
        [str(CHROMIUM), *FLAGS, f"--user-data-dir={tmp_path / 'profile'}",
         "--enable-logging=stderr", "--v=0", f"--screenshot={shot}", "--window-size=1240,1754",
         page.as_uri()], capture_output=True, text=True, timeout=120, env=env)
    assert run.returncode == 0, run.stderr[-2000:]
    assert "Uncaught" not in run.stderr and "ERROR:CONSOLE" not in run.stderr, run.stderr
    assert shot.exists() and shot.stat().st_size > 20_000, "a blank page compresses far smaller"
    dom = subprocess.run(
        [str(CHROMIUM), *FLAGS, f"--user-data-dir={tmp_path / 'profile2'}", "--dump-dom",
         page.as_uri()], capture_output=True, text=True, timeout=120, env=env)
    assert dom.returncode == 0, dom.stderr[-2000:]
    assert dom.stdout.count("<svg") >= 2 and "<rect" in dom.stdout
    assert 'id="grades"' in dom.stdout and 'id="findings"' in dom.stdout
