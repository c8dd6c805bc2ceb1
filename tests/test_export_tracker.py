"""The findings tracker (`export csv|markdown`): every finding once, RAG as of a date."""

from __future__ import annotations

import csv
import datetime as dt
import io

from click.testing import CliRunner

from bot.cli import cli
from bot.exports import tracker


def _csv_rows(text: str) -> list[dict[str, str]]:
    assert text.startswith("\ufeff"), "Excel needs the BOM to read UTF-8"
    return list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"))))


def test_csv_over_shipped_content_has_every_finding_and_part_once(kb, tmp_path) -> None:
    out = tmp_path / "tracker.csv"
    result = CliRunner().invoke(cli, ["export", "csv", "--as-of", "2026-11-23", "-o", str(out)])
    assert result.exit_code == 0, result.output
    rows = _csv_rows(out.read_bytes().decode("utf-8"))
    findings = [r for r in rows if not r["Part of"]]
    parts = [r for r in rows if r["Part of"]]
    assert sorted(r["Id"] for r in findings) == sorted(f.id for f in kb.findings)
    assert sorted(r["Id"] for r in parts) == sorted(p.id for f in kb.findings for p in f.parts)
    assert list(rows[0]) == [tracker.HEADERS[c] for c in tracker.COLUMNS]
    rec = next(r for r in rows if r["Id"] == "cle-2016-rec-01")
    assert rec["RAG"] == "red" and rec["Deadline date"] == "2017-05-01"
    assert int(rec["Days overdue"]) == (dt.date(2026, 11, 23) - dt.date(2017, 5, 1)).days
    assert rec["Owner"] == "not recorded"
    # each part follows its finding, with its own deadline
    at = [r["Id"] for r in rows].index("cle-2016-rec-01")
    assert [r["Id"] for r in rows[at + 1:at + 4]] == ["cle-2016-rec-01a", "cle-2016-rec-01b",
                                                      "cle-2016-rec-01c"]
    assert rows[at + 1]["Deadline"] == "by 1 June 2017"
    assert rows[at + 2]["Deadline"] == "none of its own"
    closed = next(r for r in rows if r["Id"] == "cle-2016-afi-03")
    assert closed["RAG"] == "grey" and closed["Status"] == "Closed"
    assert "004_c06715ac2f83923b.txt line" in closed["Evidence"]
    assert closed["Closed on"] == "undated; stated in the 2017 report"
    assert closed["Last update"] != ""
    assert rows[-1]["Id"] == "cle-2016-afi-03", "closed and superseded come last"


def test_rec_06_shows_its_own_deadline_and_its_parts_deadline_under_it(kb) -> None:
    """cle-2014-rec-06 is due "immediately" (undatable: no publication date); its part is due
    by March 2015. The finding's row shows its own deadline, the part's row the part's."""
    rows = _csv_rows(tracker.to_csv(tracker.build(kb, dt.date(2026, 11, 23))))
    rec = next(r for r in rows if r["Id"] == "cle-2014-rec-06")
    part = next(r for r in rows if r["Id"] == "cle-2014-rec-06a")
    assert (rec["Deadline"], rec["Deadline date"]) == ("immediately", "cannot be dated yet")
    assert (part["Deadline"], part["Deadline date"]) == ("By March 2015", "2015-03-31")
    assert part["Part of"] == "cle-2014-rec-06" and int(part["Days overdue"]) > 0
    assert rec["RAG"] == "red" and "cle-2014-rec-06a" in rec["Why"]


def test_every_shipped_finding_has_its_full_text_in_csv_and_markdown(kb) -> None:
    """A committee clerk can paste either: no official wording is cut short."""
    t = tracker.build(kb, dt.date(2026, 11, 23))
    csv_rows = {r["Id"]: r for r in _csv_rows(tracker.to_csv(t))}
    md = tracker.to_markdown(t)
    for f in kb.findings:
        text = " ".join(f.text.split())
        assert csv_rows[f.id]["Official wording"] == text, f.id
        assert tracker._md(text) in md, f.id
        for p in f.parts:
            assert csv_rows[p.id]["Official wording"] == " ".join(p.text.split()), p.id
            assert tracker._md(" ".join(p.text.split())) in md, p.id
    assert "…" not in md and not any("…" in r["Official wording"] for r in csv_rows.values())


def test_no_finding_without_an_update_is_green(kb) -> None:
    """Silence is not progress: with no owner and no update recorded, nothing is on track."""
    t = tracker.build(kb, dt.date(2026, 11, 23))
    for row in t.rows:
        if row.last_update is None or row.finding.owner is None:
            assert row.rag != "green", row.finding.id
    assert t.totals()["green"] == 0


def test_csv_decodes_with_utf8_sig(kb) -> None:
    text = tracker.to_csv(tracker.build(kb, dt.date(2026, 11, 23)))
    data = text.encode("utf-8")
    assert data.startswith(b"\xef\xbb\xbf")
    assert list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))[0][0] == "Area"


def test_rag_on_a_fixture_with_future_deadlines(mini_kb) -> None:
    """Before the deadline: amber inside the 30-day window, red after it."""
    early = {r.finding.id: r for r in tracker.build(mini_kb, dt.date(2017, 3, 10)).rows}
    assert early["tst-2016-rec-01"].rag == "amber"  # no update recorded, deadline 1 May
    assert early["tst-2016-rec-01"].rag_reason == "no update recorded; no owner recorded"
    near = {r.finding.id: r for r in tracker.build(mini_kb, dt.date(2017, 4, 10)).rows}
    assert near["tst-2016-rec-01"].rag_status.reasons[0] == "due in 21 days"
    late = {r.finding.id: r for r in tracker.build(mini_kb, dt.date(2017, 5, 11)).rows}
    assert late["tst-2016-rec-01"].rag == "red" and late["tst-2016-rec-01"].days_overdue == 10
    assert late["tst-2016-afi-01"].deadline.date == dt.date(2017, 6, 2)
    assert "tst-2021-coc-01" not in late  # 2021/22 was not yet published in 2017


def test_amber_window_follows_the_reminders_policy(mini_dir) -> None:
    """Amber starts when the first reminder goes out: the policy's largest lead time."""
    from bot.content import loader

    (mini_dir / "policy.yaml").write_text(
        'policy:\n  default_channel: C1\n  lead_times: [7, 60]\n')
    kb = loader.load(mini_dir)
    t = tracker.build(kb, dt.date(2017, 3, 10))  # 1 May is 52 days away
    row = next(r for r in t.rows if r.finding.id == "tst-2016-rec-01")
    assert (t.amber_days, row.rag, row.rag_status.reasons[0]) == (60, "amber", "due in 52 days")
    assert "a deadline falls within 60 days" in tracker.to_markdown(t)


def test_as_of_reproduces_status_before_a_later_update(mini_dir) -> None:
    from bot.content import loader

    path = mini_dir / "2016.yaml"
    path.write_text(path.read_text().replace(
        "    owner: head-of-crime\n",
        "    owner: head-of-crime\n    status: closed\n    history:\n"
        "      - {date: \"2017-04-01\", status: in_progress}\n"
        "      - {date: \"2017-07-01\", status: closed,\n"
        "         evidence: {url: \"https://example.org/closure\"}}\n"))
    kb = loader.load(mini_dir, strict=True)
    then = {r.finding.id: r for r in tracker.build(kb, dt.date(2017, 5, 1)).rows}
    assert then["tst-2016-afi-01"].status == "in_progress"
    assert then["tst-2016-afi-01"].last_update == dt.date(2017, 4, 1)
    assert then["tst-2016-afi-01"].rag == "green"
    now = {r.finding.id: r for r in tracker.build(kb, dt.date(2017, 8, 1)).rows}
    assert now["tst-2016-afi-01"].rag == "grey"
    before = {r.finding.id: r for r in tracker.build(kb, dt.date(2017, 3, 10)).rows}
    assert before["tst-2016-afi-01"].status == "open"


def test_markdown_has_grouped_tables_with_totals_and_escaped_pipes(kb) -> None:
    live = [f for f in kb.findings if f.is_live]
    result = CliRunner().invoke(cli, ["export", "markdown", "--as-of", "2026-11-23"])
    assert result.exit_code == 0, result.output
    md = result.output
    assert md.startswith("# Findings tracker as of 2026-11-23")
    assert f"**Totals:** {len(kb.findings)} findings" in md
    assert md.count("| cle-") == len(kb.findings)
    assert md.count("| ↳ cle-") == sum(len(f.parts) for f in kb.findings)
    assert "1 parts" not in md and "(1 part, listed below)" in md
    assert all(f"| {f.id} |" in md.split("## Closed and superseded")[0] for f in live)
    assert "## Investigating crime" in md and "## Closed and superseded" in md
    assert md.count("| cle-2016-rec-01 |") == 1
    header = ""
    for line in md.splitlines():  # every row has as many cells as the header above it
        if line.startswith("| Id |"):
            header = line
        elif line.startswith(("| cle-", "| ↳ cle-")):
            assert line.replace("\\|", "").count("|") == header.count("|"), line


def test_markdown_escaping() -> None:
    assert tracker._md("a | b") == "a \\| b"
