"""The synthetic knowledge base the benchmarks rely on (bench/synthetic.py): at a small size it is
valid under --strict, deterministic, exercises every shape of content, and every query kind
answers from it."""

from __future__ import annotations

import datetime as dt
import importlib.util
from pathlib import Path
from types import ModuleType

import pytest

from bot.ask.command import parse
from bot.ask.dispatch import run_query
from bot.ask.results import NotFound
from bot.content import loader
from bot.content.kb import KnowledgeBase
from bot.render.answer import answer
from bot.render.templating import build_env
from bot.render.text import Renderer

ROOT = Path(__file__).resolve().parent.parent
BASE = dt.date(2026, 1, 1)


def _synthetic() -> ModuleType:
    spec = importlib.util.spec_from_file_location("synthetic", ROOT / "bench" / "synthetic.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def content(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("synthetic") / "content"
    counts = _synthetic().generate(out, forces=2, inspections=2, base_date=BASE)
    assert counts == {"forces": 2, "inspections": 4, "judgments": counts["judgments"],
                      "findings": 4 * 60, "figures": 4 * 80, "sources": 8}
    return out


@pytest.fixture(scope="module")
def kb(content: Path) -> KnowledgeBase:
    return loader.load(content, strict=True)


def test_valid_under_strict(content: Path) -> None:
    kb, problems = loader.check(content)
    assert problems == [] and kb is not None  # = `inspection-bot validate --strict` exits 0


def test_command_line_writes_the_same(content: Path, tmp_path: Path) -> None:
    assert _synthetic().main([str(tmp_path), "--forces", "2", "--inspections", "2"]) == 0
    written = sorted(p.relative_to(content) for p in content.rglob("*") if p.is_file())
    assert written == sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*") if p.is_file())
    for rel in written:
        assert (tmp_path / rel).read_bytes() == (content / rel).read_bytes(), rel


def test_covers_the_shapes_queries_meet(kb: KnowledgeBase) -> None:
    kinds = {f.kind for f in kb.findings}
    assert kinds == {"cause_of_concern", "recommendation", "area_for_improvement"}
    assert all(kb.recommendations_for(f.id) for f in kb.findings if f.kind == "cause_of_concern")
    deadlines = [d for f in kb.findings for _, d in f.deadlines]
    assert any(d.after_publication for d in deadlines)
    assert any(d.precision == "month" for d in deadlines)
    assert any(d.date is None for d in deadlines) or all(i.published for i in kb.inspections)
    dated = [d.date for d in deadlines if d.date]
    assert min(dated) < BASE < max(dated)
    assert all(abs((d - BASE).days) <= 366 for d in dated)
    assert any(p.deadline for f in kb.findings for p in f.parts)
    assert any(f.owner for f in kb.findings) and any(f.history for f in kb.findings)
    assert any(j.carried_from for j in kb.judgments) or len(kb.inspections) < 4
    assert sum(fig.england_and_wales is not None for fig in kb.figures) > len(kb.figures) // 2
    prefixes = {f.prefix for f in kb.forces}
    assert all(f.id.split("-")[0] in prefixes for f in kb.findings)


def test_every_query_kind_answers(kb: KnowledgeBase) -> None:
    renderer = Renderer(build_env(), kb)
    rec = next(f for f in kb.findings if f.kind == "recommendation" and f.parts)
    owner = kb.owner(next(f.owner for f in kb.findings if f.owner))
    assert owner is not None
    insp = kb.inspections[-1]
    year = insp.year
    texts = [
        "help", f"judgments {year}", "judgments latest", "judgments investigation",
        f"judgments {insp.id}", "area investigation", "area asb", "overdue",
        f"overdue {owner.role.lower()}", "overdue vulnerability", "due 30", "due 365 days", "figures asb",
        f"figures {year}", "figures", f"show {rec.id}", f"show {rec.parts[0].id}",
        f"show {kb.judgments[0].id}", f"show {kb.figures[0].id}", f"show {insp.id}",
        "search safeguarding hub", "search safegaurding", "digest", "calendar",
    ]
    if kb.responses:
        texts.append(f"responses {kb.inspection(kb.responses[0].inspection).year}")
    for text in texts:
        result = run_query(kb, parse(text), BASE)
        assert not isinstance(result, NotFound), (text, result)
        rendered = answer(kb, renderer, text, BASE)
        assert rendered.chunks and rendered.text.strip(), text
