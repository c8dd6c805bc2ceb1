"""The plain-English question set (tests/questions/*.yaml): loading and scoring, shared by
tests/test_questions.py and bench/bench_questions.py. A question is answered right when every
`must` fact is in the answer (case-insensitive, thousands commas ignored, "a|b" either) and no
`must_not` trap is; numbers and words match whole, so "1%" is not found inside "61%"."""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent / "questions"
FILES = {"tuning": HERE / "tuning.yaml", "heldout": HERE / "heldout.yaml"}
DEFAULT_AS_OF = dt.date(2026, 11, 23)


@dataclass(frozen=True)
class Question:
    q: str
    kind: str
    must: tuple[str, ...]
    must_not: tuple[str, ...] = ()
    as_of: dt.date = DEFAULT_AS_OF
    needs: str = ""  # "10": needs the reachability issue's commands to be answered right


def load(half: str) -> list[Question]:
    data = yaml.safe_load(FILES[half].read_text(encoding="utf-8"))["questions"]
    out = []
    for entry in data:
        asks = entry.get("asks") or [entry["q"]]
        for q in asks:
            out.append(Question(
                q=str(q), kind=entry["kind"], must=tuple(entry.get("must", ())),
                must_not=tuple(entry.get("must_not", ())),
                as_of=dt.date.fromisoformat(str(entry.get("as_of") or DEFAULT_AS_OF)),
                needs=str(entry.get("needs") or "")))
    return out


def _norm(text: str) -> str:
    text = text.lower().replace("’", "'").replace("*", "").replace("`", "")
    text = re.sub(r"(?<=\d),(?=\d{3})", "", text)
    return re.sub(r"(?<!\w)_|_(?!\w)", "", text)


def _has(text: str, fact: str) -> bool:
    fact = _norm(fact)
    pattern = re.escape(fact)
    if fact[:1].isalnum():
        pattern = r"(?<![\w.])" + pattern
    if fact[-1:].isalnum():
        pattern += r"(?![\w]|\.\d)"
    return re.search(pattern, text) is not None


def right(question: Question, answer_text: str) -> bool:
    text = _norm(answer_text)
    ok = all(any(_has(text, alt) for alt in fact.split("|")) for fact in question.must)
    return ok and not any(_has(text, trap) for trap in question.must_not)


@dataclass
class Score:
    right: int = 0
    total: int = 0
    misses: list[str] = field(default_factory=list)

    @property
    def share(self) -> float:
        return self.right / self.total if self.total else 0.0


def score(questions: list[Question], answer_of) -> dict[str, Score]:
    """Scores by kind, plus 'all', 'now' (questions answerable with today's commands) and
    'needs 10'. `answer_of(question)` returns the answer's text."""
    scores: dict[str, Score] = defaultdict(Score)
    for q in questions:
        ok = right(q, answer_of(q))
        for key in (q.kind, "all", "needs 10" if q.needs else "now"):
            s = scores[key]
            s.total += 1
            s.right += ok
            if not ok and key == "all":
                s.misses.append(q.q)
    return dict(scores)
