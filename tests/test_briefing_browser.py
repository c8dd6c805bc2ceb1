"""The briefing (`export html`) renders in headless Chromium from Debian's packages: it loads
with no console errors and a screenshot that is not blank; printed to PDF, the summary is one A4
page and no heading is left alone at the foot of a page; as of a date it shows what stood then;
its charts share one scale per unit."""

from __future__ import annotations

import datetime as dt
import html as htmllib
import os
import re
import subprocess
from pathlib import Path

import markupsafe
import pytest

from bot.ask.gaps import furthest
from bot.exports.briefing import build_html_env, to_html
from bot.exports.charts import charts

CHROMIUM = Path("/usr/bin/chromium")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]
needs_chromium = pytest.mark.skipif(
    not CHROMIUM.exists(), reason="/usr/bin/chromium is absent (CI installs Debian's chromium)")
TODAY = dt.date(2026, 11, 23)


def test_briefing_is_self_contained_and_escaped(kb) -> None:
    html = to_html(kb, TODAY)
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


def _section(html: str, ident: str) -> str:
    start = html.index(f'<section id="{ident}">')
    return html[start:html.index("</section>", start)]


def test_the_summary_holds_what_a_chief_officer_needs(kb) -> None:
    summary = _section(to_html(kb, TODAY), "summary")
    assert "Grades by area: 2021/22" in summary
    assert summary.count('class="rag rag-') >= 4 + 5  # the four counts, the five items
    assert "The 5 most serious open items" in summary
    assert "The 3 figures furthest from England and Wales" in summary
    # the domestic abuse outcome gap is among them, 0.5% against 0.2% is not
    assert "victim does not support" in summary and "taken into consideration" not in summary
    assert "lower is better" in summary and "percentage points" in summary
    for f in kb.findings:  # the items are in full, never cut short
        if f.id in summary:
            assert str(markupsafe.escape(" ".join(f.text.split()))) in summary, f.id


def test_as_of_2017_shows_what_stood_then(kb) -> None:
    """As of 24 April 2017 the latest grades are 2016's, and no 2021/22 finding appears."""
    html = to_html(kb, dt.date(2017, 4, 24))
    summary = _section(html, "summary")
    assert "Grades by area: 2016" in summary and "2021/22" not in summary.split("not yet")[0]
    assert "not yet published then: 2017, 2021/22" in summary
    assert "cle-2021-" not in html
    assert "cle-2016-rec-01" in summary  # due in a week: among the most serious


def test_closed_findings_have_their_own_section_with_evidence(kb) -> None:
    closed = _section(to_html(kb, TODAY), "closed")
    assert "cle-2016-afi-03" in closed and "004_c06715ac2f83923b.txt line 20" in closed
    assert "undated; stated in the 2017 report" in closed


def test_bars_share_one_scale_within_a_unit(kb) -> None:
    """A bar's width over its value is the same for every bar of one unit: 0.5% against 0.2%
    is drawn as small as it is next to 55% against 35.4%."""
    every = furthest(kb.figures, 40)
    tic = next(f for f in kb.figures if f.id == "cle-2016-outcome-4-tic")
    da = next(f for f in kb.figures if f.id == "cle-2016-da-outcome-ed-victim-not-support")
    from bot.ask.gaps import Gap
    pair = [Gap(da, 1.0, ""), Gap(tic, 0.1, "")]
    [chart] = charts(pair, every + pair)
    bars = [(r.force_w, r.figure.value) for r in chart.rows]
    bars += [(r.ew_w, r.figure.england_and_wales) for r in chart.rows]
    width, value = max(bars, key=lambda b: b[0])
    scale = width / abs(value)  # pixels per percent, from the widest bar
    assert all(abs(w - abs(v) * scale) <= 0.06 for w, v in bars), bars  # drawn to 0.1 px
    tic_row = next(r for r in chart.rows if r.figure.id == tic.id)
    assert tic_row.force_w < 4  # a few pixels, not a full-width bar
    units = {(r.figure.unit, r.figure.unit_label) for c in charts(every, every) for r in c.rows}
    assert len(charts(every, every)) == len(units)  # one chart per unit


def _chromium(tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "HOME": str(tmp_path)}
    profile = tmp_path / f"profile-{len(list(tmp_path.iterdir()))}"
    return subprocess.run([str(CHROMIUM), *FLAGS, f"--user-data-dir={profile}", *args],
                          capture_output=True, text=True, timeout=180, env=env)


@needs_chromium
def test_briefing_renders_in_headless_chromium(kb, tmp_path: Path) -> None:
    page = tmp_path / "briefing.html"
    page.write_text(to_html(kb, TODAY), encoding="utf-8")
    shot = tmp_path / "briefing.png"
    run = _chromium(tmp_path, "--enable-logging=stderr", "--v=0", f"--screenshot={shot}",
                    "--window-size=1240,1754", page.as_uri())
    assert run.returncode == 0, run.stderr[-2000:]
    assert "Uncaught" not in run.stderr and "ERROR:CONSOLE" not in run.stderr, run.stderr
    assert shot.exists() and shot.stat().st_size > 20_000, "a blank page compresses far smaller"
    dom = _chromium(tmp_path, "--dump-dom", page.as_uri())
    assert dom.returncode == 0, dom.stderr[-2000:]
    assert dom.stdout.count("<svg") >= 2 and "<rect" in dom.stdout
    assert 'id="summary"' in dom.stdout and 'id="findings"' in dom.stdout


def _headings(html: str) -> list[str]:
    out = []
    for m in re.finditer(r"<h[123][^>]*>(.*?)</h[123]>", html, re.S):
        text = htmllib.unescape(re.sub(r"<[^>]+>", "", m.group(1)))
        out.append(" ".join(text.split()))
    return out


def _table_headers(html: str) -> set[str]:
    out = set()
    for m in re.finditer(r"<thead>(.*?)</thead>", html, re.S):
        cells = re.findall(r"<th[^>]*>(.*?)</th>", m.group(1), re.S)
        out.add(" ".join(htmllib.unescape(re.sub(r"<[^>]+>", "", c)).strip() for c in cells))
    return out


def _orphaned(pages: list[str], headings: list[str], headers: set[str]) -> list[str]:
    """Pages (but the last) whose last text is a heading, or a heading and then only a
    repeated table header."""
    out = []
    for n, text in enumerate(pages[:-1], start=1):
        lines = [" ".join(x.split()) for x in text.splitlines() if x.strip()]
        while lines and lines[-1] in headers:
            lines.pop()
        if lines and (lines[-1] in headings or " ".join(lines[-2:]) in headings):
            out.append(f"page {n} ends with the heading {lines[-1]!r}")
    return out


def test_the_orphan_check_sees_a_heading_at_a_page_foot() -> None:
    headings, headers = ["B. Open findings by area, in full", "Investigating crime (5)"], {
        "RAG Item Official wording Deadline"}
    good = ["text\nmore text", "Investigating crime (5)\nRAG Item Official wording Deadline\nrow"]
    bad = ["text\nInvestigating crime (5)\nRAG Item Official wording Deadline", "row"]
    split = ["text\nB. Open findings by\narea, in full", "row"]
    assert _orphaned(good, headings, headers) == []
    assert len(_orphaned(bad, headings, headers)) == 1
    assert len(_orphaned(split, headings, headers)) == 1


@needs_chromium
@pytest.mark.parametrize("as_of", [TODAY, dt.date(2017, 4, 24)], ids=str)
def test_printed_summary_is_one_page_and_no_heading_is_orphaned(kb, tmp_path, as_of) -> None:
    """Printed to A4 by Chromium: page 1 is the whole summary and the appendix starts on page 2;
    no page ends with a heading (or a heading and a repeated table header)."""
    pypdf = pytest.importorskip("pypdf")
    html = to_html(kb, as_of)
    page = tmp_path / "briefing.html"
    page.write_text(html, encoding="utf-8")
    pdf = tmp_path / "briefing.pdf"
    run = _chromium(tmp_path, "--no-pdf-header-footer", f"--print-to-pdf={pdf}", page.as_uri())
    assert run.returncode == 0 and pdf.exists(), run.stderr[-2000:]
    pages = [p.extract_text() for p in pypdf.PdfReader(pdf).pages]
    assert len(pages) >= 2
    first = " ".join(pages[0].split())
    assert first.startswith("Inspection briefing") and "most serious open items" in first
    assert "are never chosen" in first, "the summary's last note is on page 1"
    assert "Appendix" not in first
    assert " ".join(pages[1].split()).startswith("Appendix")
    assert _orphaned(pages, _headings(html), _table_headers(html)) == []
