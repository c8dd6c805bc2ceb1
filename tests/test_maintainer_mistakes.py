"""Realistic mistakes a maintainer makes editing the shipped content, one at a time on a copy:
the first message `validate --strict` gives is at the line of the mistake (within one), says
what to do (its hint), and nothing is reported in other files that only follows from it."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path
from typing import NamedTuple

import pytest
from conftest import CONTENT

from bot.content import loader

F14, F16, F17, F21 = ("cleveland/2014-crime.yaml", "cleveland/2016-effectiveness.yaml",
                      "cleveland/2017-effectiveness.yaml", "cleveland/2021-peel.yaml")
RESP, FORCE, AREAS, OWNERS, POLICY = ("cleveland/2016-response.yaml", "cleveland/force.yaml",
                                      "areas.yaml", "owners.yaml", "policy.yaml")


class Mistake(NamedTuple):
    file: str
    old: str  # the first occurrence is replaced
    new: str
    hint: str  # what the first message must tell the maintainer (in its hint)
    at: str | None = None  # text whose line the message must point at (default: `old`'s)
    shift: int = 0  # lines after `at` (a message about an inserted line)


M = Mistake
MISTAKES: dict[str, Mistake] = {
    # --- syntax ---------------------------------------------------------------------------
    "tab-indent": M(F17, "    grade: good", "\tgrade: good", "spaces"),
    "unclosed-double-quote": M(F17, 'title: "Cleveland PEEL 2017: Effectiveness"',
                               'title: "Cleveland PEEL 2017: Effectiveness', "closing quote"),
    "unclosed-quote-far-from-the-next": M(F16, 'title: "PEEL: Police effectiveness 2016"',
                                          'title: "PEEL: Police effectiveness 2016',
                                          "closing quote"),
    "unclosed-single-quote": M(F17, 'title: "Cleveland PEEL 2017: Effectiveness"',
                               "title: 'Cleveland PEEL 2017: Effectiveness", "closing quote"),
    "missing-opening-quote": M(F17, 'title: "Cleveland PEEL 2017: Effectiveness"',
                               'title: Cleveland PEEL 2017: Effectiveness"', "quotes"),
    "missing-colon": M(F17, "  programme: PEEL effectiveness", "  programme PEEL effectiveness",
                       "colon"),
    "missing-colon-in-item": M(F17, "    grade: good", "    grade good", "colon"),
    "indent-one-less": M(F17, "    grade: good", "   grade: good", "Line the key up"),
    "indent-one-more": M(F17, "    grade: good", "     grade: good", "Line the key up"),
    "colon-in-unquoted-value": M(F17, "  programme: PEEL effectiveness",
                                 "  programme: PEEL: effectiveness", "quotes"),
    "value-starts-with-at": M(F17, "  programme: PEEL effectiveness", "  programme: @PEEL",
                              "quotes"),
    "value-starts-with-backtick": M(F17, "  programme: PEEL effectiveness",
                                    "  programme: `PEEL`", "quotes"),
    "unclosed-flow-list": M(F17, "  sources: [004_c06715ac2f83923b.txt]",
                            "  sources: [004_c06715ac2f83923b.txt", "']'"),
    "unclosed-flow-mapping": M(F17, "    source: {document: 004_c06715ac2f83923b.txt, line: 5}",
                               "    source: {document: 004_c06715ac2f83923b.txt, line: 5",
                               "'}'"),
    "second-document": M(F17, "\njudgments:\n", "\n---\njudgments:\n", "'---'", shift=1),
    "item-dash-without-space": M(F17, "  - id: cle-2017-afi-02", "  -id: cle-2017-afi-02",
                                 "'- '"),
    "areas-bad-indent": M(AREAS, "    name: Tackling anti-social behaviour",
                          "      name: Tackling anti-social behaviour", "Line the key up"),
    "policy-tab": M(POLICY, "  timezone: Europe/London", "\ttimezone: Europe/London", "spaces"),
    # --- values YAML reads as something else ------------------------------------------------
    "unquoted-year": M(F17, 'year: "2017"', "year: 2017", "quotes"),
    "unquoted-year-2016": M(F16, 'year: "2016"', "year: 2016", "quotes"),
    "note-no-becomes-false": M(F17, '    note: "Repeats the 2016 area for improvement cle-2016-afi-02',
                               '    note: no\n    x_note: "', "quotes"),
    "unquoted-published-date": M(FORCE, 'published: "2017-03-02"', "published: 2017-03-02",
                                 'Write "2017-03-02"'),
    "unquoted-policy-time": M(POLICY, 'time: "09:00"', "time: 8:30", "quotes"),
    "percent-in-figure-value": M(F21, "    value: 96.4", "    value: 96.4%", "digits"),
    "quoted-line-number": M(F17, "line: 28}", 'line: "28"}', "digits"),
    "line-number-zero": M(F17, "line: 28}", "line: 0}", "start at 1"),
    "lead-time-in-words": M(POLICY, "lead_times: [30, 14, 7, 1]", "lead_times: [30, 14, 7, one]",
                            "digits"),
    "impossible-date": M(F16, "      - date: null", '      - date: "2017-13-01"', "month"),
    "date-with-slashes": M(F16, "      - date: null", '      - date: "01/05/2017"',
                           "2017-05-01"),
    # --- deleted or emptied values ------------------------------------------------------------
    "grade-deleted": M(F17, "    grade: good", "    grade:", "null"),
    "question-emptied": M(F17, '    question: "How effective are the force’s specialist capabilities?"',
                          '    question: ""', "Write the text"),
    "kind-deleted": M(F17, "    kind: area_for_improvement", "    kind:", "value"),
    "required-name-removed": M(AREAS, "    name: Tackling anti-social behaviour\n", "",
                               "Add 'name: ...'", at="  - id: anti-social-behaviour"),
    "required-prefix-removed": M(FORCE, "    prefix: cle\n", "", "Add 'prefix: ...'",
                                 at="  - id: cleveland"),
    "owner-without-role": M(OWNERS, "owners: []", "owners:\n  - id: head-of-crime",
                            "Add 'role: ...'", shift=1),
    "ci-without-high": M(F21, "confidence_interval: {low: 94.4, high: 98.4}",
                         "confidence_interval: {low: 94.4}", "Add 'high: ...'"),
    "figure-value-null-but-legible": M(F21, "    value: 96.4", "    value: null", "legible: false"),
    # --- typos in words from a fixed list -------------------------------------------------------
    "grade-typo": M(F17, "grade: requires improvement", "grade: requires improvment",
                    "Did you mean 'requires improvement'?"),
    "five-tier-grade-in-four-tier": M(F17, "    grade: good", "    grade: adequate",
                                      "five-tier scale"),
    "kind-typo": M(F17, "    kind: area_for_improvement", "    kind: area_for_improvment",
                   "Did you mean 'area_for_improvement'?"),
    "kind-with-spaces": M(F17, "    kind: area_for_improvement", "    kind: area for improvement",
                          "Did you mean 'area_for_improvement'?"),
    "status-capitalised": M(F17, "    source: {document: 004_c06715ac2f83923b.txt, line: 28}",
                            "    source: {document: 004_c06715ac2f83923b.txt, line: 28}\n"
                            "    status: Closed", "Did you mean 'closed'?", shift=1),
    "history-status-typo": M(F16, "        status: closed", "        status: close",
                             "Did you mean 'closed'?"),
    "inspectorate-lower-case": M(F17, "  inspectorate: HMICFRS", "  inspectorate: hmicfrs",
                                 "Did you mean 'HMICFRS'?"),
    "scale-typo": M(F17, "  scale: four-tier", "  scale: 4-tier", "Did you mean 'four-tier'?"),
    "responder-with-space": M(RESP, "    by: chief_constable", "    by: chief constable",
                              "Did you mean 'chief_constable'?"),
    "document-kind-typo": M(FORCE, "    kind: summary", "    kind: sumary",
                            "Did you mean 'summary'?"),
    "figure-unit-typo": M(F21, "    unit: percent", "    unit: per cent", "Did you mean 'percent'?"),
    "weekday-typo": M(POLICY, "days: [mon, tue, wed, thu, fri]", "days: [mon, tue, wed, thu, fry]",
                      "Did you mean 'fri'?"),
    "timezone-typo": M(POLICY, "timezone: Europe/London", "timezone: Europe/Londn", "IANA"),
    "unknown-key-typo": M(F17, '    note: "Repeats the 2016 area for improvement cle-2016-afi-07',
                          '    notes: "Repeats the 2016 area for improvement cle-2016-afi-07',
                          "Did you mean 'note'?"),
    # --- ids and references ---------------------------------------------------------------------
    "uppercase-id": M(F17, "  - id: cle-2017-afi-01", "  - id: CLE-2017-afi-01", "lower case"),
    "id-with-spaces": M(F17, "  - id: cle-2017-afi-01", "  - id: cle 2017 afi 01",
                        "'cle-2017-afi-01'"),
    "duplicate-finding-id": M(F17, "  - id: cle-2017-afi-02", "  - id: cle-2017-afi-01",
                              "unique"),
    "duplicate-part-id": M(F21, "      - id: cle-2021-rec-01b", "      - id: cle-2021-rec-01a",
                           "unique"),
    "duplicate-owner-id": M(OWNERS, "owners: []",
                            "owners:\n  - {id: head-of-crime, role: Head of Crime}\n"
                            "  - {id: head-of-crime, role: Head of Safeguarding}", "unique",
                            shift=2),
    "duplicate-key": M(F17, "    area: vulnerability\n    text: \"The force should ensure its",
                       "    area: vulnerability\n    area: vulnerability\n    text: \"The force "
                       "should ensure its", "Remove one", shift=1),
    "missing-list-dash": M(F17, "  - id: cle-2017-afi-02", "    id: cle-2017-afi-02", "'- '"),
    "area-typo": M(F17, "    area: vulnerability", "    area: vulnerabilty",
                   "Did you mean 'vulnerability'?"),
    "see-also-typo": M(AREAS, "    see_also: [anti-social-behaviour]",
                       "    see_also: [anti-social-behavior]",
                       "Did you mean 'anti-social-behaviour'?"),
    "document-id-typo": M(F17, "    source: {document: 004_c06715ac2f83923b.txt, line: 28}",
                          "    source: {document: 004_c06715ac2f83923c.txt, line: 28}",
                          "Did you mean '004_c06715ac2f83923b.txt'?"),
    "inspection-sources-typo": M(F17, "  sources: [004_c06715ac2f83923b.txt]",
                                 "  sources: [004.txt]", "Known:"),
    "repeats-typo": M(F17, "links: {repeats: [cle-2016-afi-07]}",
                      "links: {repeats: [cle-2016-af-07]}", "Did you mean 'cle-2016-afi-07'?"),
    "links-to-itself": M(F17, "links: {repeats: [cle-2016-afi-07]}",
                         "links: {repeats: [cle-2017-afi-04]}", "other finding"),
    "carried-from-typo": M(F17, "    carried_from: cle-2016-effectiveness",
                           "    carried_from: cle-2016-efectiveness",
                           "Did you mean 'cle-2016-effectiveness'?"),
    "carried-and-graded": M(F17, "    carried_from: cle-2016-effectiveness",
                            "    carried_from: cle-2016-effectiveness\n    grade: good",
                            "Remove 'grade'", shift=1),
    "force-typo": M(F17, "  force: cleveland", "  force: cleveland-police",
                    "Did you mean 'cleveland'?"),
    "response-inspection-typo": M(RESP, "    inspection: cle-2016-effectiveness",
                                  "    inspection: cle-2016-efectiveness",
                                  "Did you mean 'cle-2016-effectiveness'?"),
    "owner-not-defined": M(F17, "  - id: cle-2017-afi-01\n",
                           "  - id: cle-2017-afi-01\n    owner: head-of-crime\n",
                           "No owner is defined yet", shift=1),
    "cause-on-an-area-for-improvement": M(F17, "  - id: cle-2017-afi-01\n",
                                          "  - id: cle-2017-afi-01\n    cause: cle-2021-coc-01\n",
                                          "Remove 'cause'", shift=1),
    "policy-route-area-typo": M(POLICY, "  routes: []",
                                "  routes:\n    - {area: vulnerabilty, channel: C0PROTECT}",
                                "Did you mean 'vulnerability'?", shift=1),
    # --- statuses, dates and sources --------------------------------------------------------------
    "closed-without-history": M(F17, "    source: {document: 004_c06715ac2f83923b.txt, line: 28}",
                                "    source: {document: 004_c06715ac2f83923b.txt, line: 28}\n"
                                "    status: closed", "history", shift=1),
    "in-progress-without-history": M(F17,
                                     "    source: {document: 004_c06715ac2f83923b.txt, line: 28}",
                                     "    source: {document: 004_c06715ac2f83923b.txt, line: 28}"
                                     "\n    status: in_progress", "history", shift=1),
    "published-without-source": M(F17, "  published: null", '  published: "2017-06-01"',
                                  "published_source"),
    "after-publication-in-words": M(F21, '      after_publication: "0 days"',
                                    '      after_publication: "zero days"', "3 months"),
    "quiet-period-backwards": M(POLICY, '{from: "2026-12-24", to: "2027-01-01"',
                                '{from: "2027-01-01", to: "2026-12-24"', "Swap"),
}


def _line_of(text: str, needle: str) -> int:
    at = text.index(needle)
    if needle.startswith("\n"):
        at += 1
    return text.count("\n", 0, at) + 1


@pytest.fixture(scope="module")
def originals() -> dict[str, str]:
    return {m.file: (CONTENT / m.file).read_text(encoding="utf-8") for m in MISTAKES.values()}


def test_there_are_at_least_sixty_mistakes() -> None:
    assert len(MISTAKES) >= 60


@pytest.mark.parametrize("name", sorted(MISTAKES))
def test_first_message_is_at_the_mistake_with_a_hint(name: str, tmp_path: Path,
                                                    originals: dict[str, str]) -> None:
    m = MISTAKES[name]
    content = tmp_path / "content"
    shutil.copytree(CONTENT, content)
    text = originals[m.file]
    assert m.old in text, f"{name}: the shipped file changed; update the mistake"
    (content / m.file).write_text(text.replace(m.old, m.new, 1), encoding="utf-8")
    expected = _line_of(text, m.at or m.old) + m.shift

    kb, problems = loader.check(content)
    problems = sorted(problems)  # the order `validate` prints them in
    assert problems, f"{name}: the mistake was accepted"
    first = problems[0]
    assert first.file.endswith(m.file), (name, str(first))
    assert abs(first.line - expected) <= 1, (name, expected, str(first))
    assert m.hint.lower() in first.hint.lower(), (name, str(first))
    others = [str(p) for p in problems if not p.file.endswith(m.file)]
    assert others == [], (name, others)  # no knock-on errors in other files


def test_closed_without_evidence_warns_refuses_under_strict_and_says_so(tmp_path: Path) -> None:
    """`status: closed` with no dated history entry with evidence: a warning (an error under
    --strict), and the bot's answer says "closed (no evidence recorded)" rather than closed."""
    from bot.errors import ContentInvalid
    from bot.render.answer import answer
    from bot.render.templating import build_env
    from bot.render.text import Renderer

    content = tmp_path / "content"
    shutil.copytree(CONTENT, content)
    path = content / F17
    anchor = "    source: {document: 004_c06715ac2f83923b.txt, line: 28}\n"
    path.write_text(path.read_text().replace(anchor, anchor + "    status: closed\n", 1))
    with pytest.raises(ContentInvalid, match="no evidence recorded"):
        loader.load(content, strict=True)
    kb = loader.load(content)
    shown = answer(kb, Renderer(build_env(), kb), "show cle-2017-afi-01", dt.date(2026, 11, 23))
    assert "Closed (no evidence recorded)" in shown.text


def test_a_file_that_fails_to_parse_hides_only_knock_on_errors(tmp_path: Path) -> None:
    """areas.yaml with a syntax error: its own error is reported, and none of the hundreds of
    "unknown area" errors the other files would then seem to have."""
    content = tmp_path / "content"
    shutil.copytree(CONTENT, content)
    areas = content / AREAS
    areas.write_text(areas.read_text().replace("  - id: overall", "  - id: overall\n\tname: x", 1))
    _, problems = loader.check(content)
    assert [p.file.endswith(AREAS) for p in problems] == [True]
    assert "tab" in problems[0].message


def test_a_quoted_value_over_several_lines_is_not_blamed_for_a_later_mistake(tmp_path) -> None:
    """A quoted note rightly continued on the next (further indented) line is not taken for an
    unclosed quote when a later line is badly indented: the message points at that line."""
    content = tmp_path / "content"
    shutil.copytree(CONTENT, content)
    path = content / F17
    text = path.read_text()
    anchor = '    note: "Repeats the 2016 area for improvement cle-2016-afi-02,'
    text = text.replace(anchor, anchor.replace(",", ",\n      "), 1)
    text = text.replace("    kind: area_for_improvement\n    area: vulnerability\n    text: "
                        "\"The force should improve how it works",
                        "    kind: area_for_improvement\n     area: vulnerability\n    text: "
                        "\"The force should improve how it works", 1)
    path.write_text(text)
    _, problems = loader.check(content)
    first = sorted(problems)[0]
    bad = text.split("\n").index("     area: vulnerability") + 1
    assert abs(first.line - bad) <= 1 and "indent" in first.message, str(first)
