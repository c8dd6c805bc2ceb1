"""The search index as built fast (bot/ask/search.py) and as served from the cache (its postings
in an SQLite file, bot/ask/postings.py) is the index the plain build made, number for number
(tests/plain_search.py), and searches over it rank exactly as before; which items cite a line
(bot/content/passages.py) is what a plain scan of the items says."""

from __future__ import annotations

import datetime as dt
import pickle
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import pytest

from bot import kbcache
from bot.ask import search as search_module
from bot.ask.postings import FilePostings
from bot.ask.search import SearchIndex, index_of
from bot.content import loader
from bot.content.cited import cited_at
from bot.content.kb import KnowledgeBase
from tests import plain_search
from tests.test_synthetic import _synthetic

ROOT = Path(__file__).resolve().parent.parent
QUERIES = ["domestic abuse", "safeguarding", "safegaurding", "crime data integrity", "asb",
           "missing children", "vetting", "stop and search", "investigation quality",
           "supervision", "call handling", "repeat victims", "mental health", "county lines",
           "recommendation", "cause of concern", "digital forensics backlog", "victims"]


@pytest.fixture(scope="module")
def synthetic_kb(tmp_path_factory: pytest.TempPathFactory) -> KnowledgeBase:
    out = tmp_path_factory.mktemp("synthetic") / "content"
    _synthetic().generate(out, forces=3, inspections=3, base_date=dt.date(2026, 1, 1))
    return loader.load(out)


def laid_out(index: SearchIndex) -> dict:
    return {"keys": list(index.keys), "avg": index.avg, "n_docs": index.n_docs,
            "items_of": {k: list(v) for k, v in index.items_of.items()},
            "by_initial": index.by_initial,
            "words": {w: (list(a), list(b), list(c)) for w, (a, b, c) in index.words.items()}}


@pytest.mark.parametrize("which", ["shipped", "synthetic"])
def test_the_index_is_the_plain_build(which, kb, synthetic_kb) -> None:
    base = kb if which == "shipped" else synthetic_kb
    got, want = laid_out(SearchIndex.build(base)), plain_search.PlainIndex.build(base)
    assert list(got["words"]) == list(want["words"])  # word order: typo candidates follow it
    for name in want:
        assert got[name] == want[name], name


def _searches(index: SearchIndex, base: KnowledgeBase) -> list:
    inspections = [i.id for i in base.inspections]
    out = []
    for query in QUERIES:
        out.append(index.search(query, 20))
        out.append(index.search(query, 20, ("finding",)))
        out.append(index.search(query, 20, (), set(inspections[:1])))
        out.append(index.search(query, 20, ("figure", "judgment"), set(inspections[-2:])))
    return out


@pytest.mark.parametrize("which", ["shipped", "synthetic"])
def test_postings_from_a_file_rank_as_from_memory(which, kb, synthetic_kb, tmp_path) -> None:
    base = kb if which == "shipped" else synthetic_kb
    index = SearchIndex.build(base)
    before = _searches(index, base)
    assert any(before), "the queries should find something"
    index.store(str(tmp_path / "search.sqlite"))
    assert isinstance(index.words, FilePostings)
    assert _searches(index, base) == before
    again = pickle.loads(pickle.dumps(index))  # as the cache file holds it: the path, not the data
    assert len(pickle.dumps(index.words)) < 200_000
    assert _searches(again, base) == before


@pytest.mark.parametrize("damage", ["removed", "cut short"])
def test_a_removed_or_truncated_postings_file_is_rebuilt(damage, tmp_path) -> None:
    content = ROOT / "content"
    kb, problems = kbcache.load(content, tmp_path)
    assert kb is not None and not [p for p in problems if not p.warning]
    hits = index_of(kb).search("domestic abuse")
    assert hits
    [postings] = tmp_path.glob("search-*.sqlite")
    if damage == "removed":
        postings.unlink()
    else:
        data = postings.read_bytes()
        postings.write_bytes(data[: len(data) // 2])
    kb, _ = kbcache.load(content, tmp_path)
    assert kb is not None and index_of(kb).search("domestic abuse") == hits
    assert postings.is_file() and index_of(kb).words.intact()


def test_cited_lines_are_the_items_that_cite_them(synthetic_kb) -> None:
    plain: dict[tuple[str, int], list[str]] = defaultdict(list)
    for item in (*synthetic_kb.judgments, *synthetic_kb.findings, *synthetic_kb.figures,
                 *synthetic_kb.responses):
        sources = [item.source, *getattr(item, "also_in", ()),
                   *(p.source for p in getattr(item, "parts", ()) if p.source)]
        for src in sources:
            if item.id not in plain[(src.document, src.line)]:
                plain[(src.document, src.line)].append(item.id)
    documents = sorted({d for d, _ in plain})
    checked = 0
    for document in documents[:4]:
        last = max(line for d, line in plain if d == document)
        for first in range(1, last + 2, 7):
            for span in (0, 3, 40):
                want: list[str] = []
                for line in range(first, first + span + 1):
                    want.extend(i for i in plain.get((document, line), ()) if i not in want)
                assert cited_at(synthetic_kb, document, first, first + span) == want
                checked += bool(want)
    assert checked > 50
    assert cited_at(synthetic_kb, "no-such-document.txt", 1, 10_000) == []


def test_a_base_served_from_the_cache_needs_no_calendar_package(tmp_path) -> None:
    """Bank holidays come with the cache (the `holidays` package is 17 MiB of the process);
    a year past the cached ones is still worked out."""
    code = f"""
import datetime as dt, sys
from pathlib import Path
from bot import kbcache
from bot.content.policy import policy_of
kb, _ = kbcache.load(Path({str(ROOT / 'content')!r}), Path({str(tmp_path)!r}))
policy = policy_of(kb)
print(policy.bank_holiday_name(dt.date(2026, 12, 25)), policy.is_working_day(dt.date(2026, 4, 6)))
print(policy.bank_holiday_name(dt.date(2017, 8, 28)), 'holidays' in sys.modules)
print(policy.bank_holiday_name(dt.date(2099, 12, 25)), 'holidays' in sys.modules)
"""
    for _ in range(2):  # the first run builds the cache in a child process; the second reads it
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                             cwd=ROOT, check=True).stdout.splitlines()
    assert out == ["Christmas Day False", "Late Summer Bank Holiday False",
                   "Christmas Day True"]


@pytest.mark.parametrize("ratio", [0, search_module.SCAN_RATIO, 10**9])
@pytest.mark.parametrize("which", ["shipped", "synthetic"])
def test_searches_rank_as_before(which, ratio, kb, synthetic_kb, monkeypatch) -> None:
    """Scoped to one inspection, a year's or a force's, or not at all, with kinds or without;
    the scope's items looked up in each word's postings or the postings read through (`ratio`
    0: always looked up; 10**9: always read through)."""
    monkeypatch.setattr(search_module, "SCAN_RATIO", ratio)
    base = kb if which == "shipped" else synthetic_kb
    index = SearchIndex.build(base)
    inspections = [i.id for i in base.inspections]
    scopes = [None, set(inspections[:1]), set(inspections[::2]), set(inspections)]
    compared = 0
    for query in QUERIES:
        for scope in scopes:
            for kinds in ((), ("finding",), ("figure", "judgment")):
                got = index.search(query, 20, kinds, scope)
                assert got == plain_search.search(index, query, 20, kinds, scope), (query, scope)
                compared += bool(got)
    assert compared > 100


@pytest.mark.parametrize("which", ["shipped", "synthetic"])
def test_a_search_answers_the_same_with_its_passages_looked_up_beside(which, kb, synthetic_kb,
                                                                      monkeypatch) -> None:
    """A large base's passages are looked up on another thread while the recorded items are
    ranked (bot/ask/quoting.py); a small base's in turn. Either way, the same answer, page for
    page, with the passages quoted under it."""
    import datetime as dt

    from bot.ask import quoting
    from bot.render.answer import answer
    from bot.render.templating import build_env
    from bot.render.text import Renderer

    base = kb if which == "shipped" else synthetic_kb
    renderer = Renderer(build_env(), base)
    texts = [f"search {q}" for q in QUERIES] + [f"search {q} {i.year}" for q, i in
                                                 zip(QUERIES, base.inspections, strict=False)]
    texts += ["what did they say about recorded crime", "search no-such-word-anywhere"]

    def answers(beside_from: int) -> list:
        monkeypatch.setattr(quoting, "BESIDE_FROM", beside_from)
        return ["\n".join(c.text for c in answer(base, renderer, t, dt.date(2026, 12, 1)).chunks)
                for t in texts]

    beside, in_turn = answers(0), answers(10**12)
    assert beside == in_turn
    assert sum("From the reports" in a for a in beside) > len(texts) // 2
