"""Questions about each source document, answered by the real pipeline on the shipped content.

The table is tests/questions/commands.yaml: at least 25 questions a chief officer, an action owner
or a PCC's scrutiny officer would ask of each of the five documents, written from the document
(content/sources/), typed in the README's grammar, each with the facts its answer must contain.
One test per question, named by document and number, so a failure says which question broke.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from pathlib import Path

import pytest
import yaml

from bot.render.answer import answer

TABLE = Path(__file__).resolve().parent / "questions" / "commands.yaml"
QUESTIONS = yaml.safe_load(TABLE.read_text(encoding="utf-8"))
TODAY = dt.date(2026, 11, 23)
CASES = [(doc, n, q) for doc, qs in QUESTIONS.items() for n, q in enumerate(qs, start=1)]


def _plain(text: str) -> str:
    """The answer as a reader sees it: no *bold* marks, entities unescaped, spaces collapsed."""
    return " ".join(html.unescape(text.replace("*", "")).split())


def test_every_document_has_at_least_25_questions() -> None:
    assert sorted(QUESTIONS) == ["000", "001", "002", "003", "004"]
    assert all(len(qs) >= 25 for qs in QUESTIONS.values()), {d: len(q) for d, q in QUESTIONS.items()}


@pytest.mark.parametrize(("doc", "n", "q"), CASES, ids=[f"{d}-{n:02d}" for d, n, _ in CASES])
def test_question(kb, renderer, doc: str, n: int, q: dict) -> None:
    as_of = dt.date.fromisoformat(q["as_of"]) if "as_of" in q else TODAY
    text = _plain(answer(kb, renderer, q["ask"], as_of).text)
    missing = [m for m in q["must"] if " ".join(m.split()) not in text]
    assert not missing, f"{q['why']}\n`{q['ask']}` lacks {missing}:\n{text[:3000]}"
    present = [m for m in q.get("not", []) if re.search(re.escape(m), text)]
    assert not present, f"{q['why']}\n`{q['ask']}` should not say {present}:\n{text[:3000]}"
