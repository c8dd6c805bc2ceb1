"""The validated knowledge base cached by content hash (bot/kbcache.py): a knowledge base served
from the cache answers exactly as one validated afresh; the cache is never used for other
files, another schema or other code; a damaged cache file is rebuilt, never a crash."""

from __future__ import annotations

import datetime as dt
import hashlib
import importlib.util
import pickle
import shutil
from pathlib import Path

import pytest

from bot import kbcache
from bot.content import loader
from bot.content.kb import KnowledgeBase
from bot.content.sourcetexts import FileTexts
from bot.errors import ContentInvalid
from bot.live import LiveKnowledgeBase
from bot.render.answer import answer
from bot.render.blocks import to_message
from bot.render.templating import build_env
from bot.render.text import Renderer

ROOT = Path(__file__).resolve().parent.parent
CONTENT = ROOT / "content"
AS_OF = dt.date(2026, 11, 23)


def _synthetic(out: Path) -> Path:
    spec = importlib.util.spec_from_file_location("synthetic", ROOT / "bench" / "synthetic.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.generate(out, forces=3, inspections=2, base_date=dt.date(2026, 1, 1))
    return out


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _synthetic(tmp_path_factory.mktemp("synthetic") / "content")


def _questions(kb: KnowledgeBase) -> list[str]:
    """A mix of every command and a few plain-English questions, drawn from the content."""
    insp = kb.inspections[-1]
    rec = next(f for f in kb.findings if f.kind == "recommendation")
    owner = kb.owner(next((f.owner for f in kb.findings if f.owner), None))
    texts = [
        "help", f"judgments {insp.year}", "judgments latest", f"judgments {insp.id}",
        "area investigation", "area asb", "overdue", "overdue vulnerability", "due 30",
        "due 365 days", "figures asb", f"figures {insp.year}", "figures", f"show {rec.id}",
        f"show {kb.judgments[0].id}", f"show {kb.figures[-1].id}", f"show {insp.id}",
        "search safeguarding hub", "search safegaurding", "search domestic abuse", "findings",
        "what does the report say about stop and search?",
        "how good is the force at protecting vulnerable people?",
        "what did they say about missing children?", "calendar",
    ]
    if owner is not None:
        texts.append(f"overdue {owner.role.lower()}")
    return texts


def _answers(kb: KnowledgeBase, texts: list[str]) -> list[dict]:
    renderer = Renderer(build_env(), kb)
    out = []
    for text in texts:
        rendered = answer(kb, renderer, text, AS_OF)
        for page in (1, 2):
            out.append(to_message(rendered, command=text, page=page))
    return out


@pytest.mark.parametrize("which", ["shipped", "synthetic"])
def test_answers_from_the_cache_equal_a_fresh_validation(which, synthetic, tmp_path):
    """Every answer (both pages) of a knowledge base read back from the cache, in a process
    that never parsed the YAML, is the same payload as from a freshly validated one."""
    content = CONTENT if which == "shipped" else synthetic
    fresh = loader.load(content)
    built, problems = kbcache.load(content, tmp_path / "cache")  # validated in a child
    cached, again = kbcache.load(content, tmp_path / "cache")  # read from the file
    assert built is not None and cached is not None and again == []
    assert isinstance(cached.texts, FileTexts)  # the reports' text stays on disk
    texts = _questions(fresh)
    expected = _answers(fresh, texts)
    assert any("passage" in str(a) or "report" in str(a) for a in expected)
    assert _answers(cached, texts) == expected
    assert _answers(built, texts) == expected
    assert cached.lines(sorted(fresh.texts)[0]) == fresh.lines(sorted(fresh.texts)[0])


def test_searches_asked_at_once_from_the_cache_give_the_same_answers(tmp_path):
    """A knowledge base served from the cache reads its passage database through a connection
    a thread: eight searches and questions at once give what they give one at a time."""
    from concurrent.futures import ThreadPoolExecutor

    kbcache.load(CONTENT, tmp_path / "cache")
    cached, _ = kbcache.load(CONTENT, tmp_path / "cache")
    assert cached is not None
    texts = ["search domestic abuse risk", "what did they say about outcomes",
             "search stop and search 2017", "what did they say about calls",
             "search county lines", "figures stop and search 2017", "search vetting",
             "search mental health 2016"] * 3
    alone = _answers(cached, texts)
    renderer = Renderer(build_env(), cached)
    with ThreadPoolExecutor(8) as pool:
        together = list(pool.map(lambda t: to_message(answer(cached, renderer, t, AS_OF),
                                                      command=t), texts))
    assert together == alone[::2]  # page 1 of each


def _only_file(folder: Path) -> Path:
    files = list(folder.glob("kb-*.pickle"))
    assert len(files) == 1, files
    return files[0]


def _plant(path: Path, kb: KnowledgeBase) -> None:
    """Rewrite a cache file with another knowledge base under the same key, hashed right:
    what a stale cache would look like if its key were not checked."""
    head = path.read_bytes()[:len(kbcache.FORMAT) + 65]
    payload = pickle.dumps(kb)
    path.write_bytes(head + hashlib.sha256(payload).hexdigest().encode() + b"\n" + payload)


def _figure_value(kb: KnowledgeBase) -> float | int | None:
    return next(f.value for f in kb.figures if f.id == "cle-2014-asb-rate")


def test_an_edited_file_is_validated_again(tmp_path):
    """After one file changes, the cache of the old version is not used: the edit is served."""
    content = tmp_path / "content"
    shutil.copytree(CONTENT, content)
    kb, _ = kbcache.load(content, tmp_path / "cache")
    assert kb is not None and _figure_value(kb) == 76.5
    path = content / "cleveland" / "2014-crime.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("value: 76.5", "value: 77.7", 1),
                    encoding="utf-8")
    kb, _ = kbcache.load(content, tmp_path / "cache")
    assert kb is not None and _figure_value(kb) == 77.7


def test_an_edited_source_text_is_validated_again(tmp_path):
    """A changed report text is a new version too: a citation past its new end is an error."""
    content = tmp_path / "content"
    shutil.copytree(CONTENT, content)
    assert kbcache.load(content, tmp_path / "cache")[0] is not None
    text = next((content / "sources").glob("*.txt"))
    text.write_text("one line only\n", encoding="utf-8")
    kb, problems = kbcache.load(content, tmp_path / "cache")
    assert kb is None and any("past the end" in p.message for p in problems)


def test_other_code_never_reads_the_cache(tmp_path, monkeypatch):
    """The key holds the code's version (schema and checks are code): a cache file written by
    other code is not read, even for the same files."""
    cache = tmp_path / "cache"
    kb, _ = kbcache.load(CONTENT, cache)
    assert kb is not None
    wrong = loader.load(CONTENT)
    object.__setattr__(next(f for f in wrong.figures if f.id == "cle-2014-asb-rate"),
                       "value", 1.0)
    _plant(_only_file(cache), wrong)
    planted, _ = kbcache.load(CONTENT, cache)
    assert planted is not None and _figure_value(planted) == 1.0  # the same code reads it
    monkeypatch.setattr(kbcache, "_code_version", "another version of the bot")
    kb, _ = kbcache.load(CONTENT, cache)
    assert kb is not None and _figure_value(kb) == 76.5


@pytest.mark.parametrize("damage", ["truncated", "garbage", "empty", "bad pickle"])
def test_a_damaged_cache_file_is_rebuilt(damage, tmp_path):
    """A cache file cut short (a full disk, a crash while writing), overwritten or holding a
    pickle that will not load is ignored and rebuilt: the bot starts and answers as usual."""
    cache = tmp_path / "cache"
    assert kbcache.load(CONTENT, cache)[0] is not None
    path = _only_file(cache)
    data = path.read_bytes()
    head = data[:len(kbcache.FORMAT) + 65]
    if damage == "truncated":
        path.write_bytes(data[: len(data) // 2])
    elif damage == "garbage":
        path.write_bytes(b"\x00" * len(data))
    elif damage == "empty":
        path.write_bytes(b"")
    else:
        payload = b"\x80\x05not a pickle at all"
        path.write_bytes(head + hashlib.sha256(payload).hexdigest().encode() + b"\n" + payload)
    kb, _ = kbcache.load(CONTENT, cache)
    assert kb is not None and _figure_value(kb) == 76.5
    key = kbcache.cache_key(kbcache.content_version(CONTENT), CONTENT)
    assert kbcache.read(_only_file(cache), key) is not None  # written again, whole


def test_an_unwritable_cache_folder_falls_back(tmp_path, monkeypatch):
    """Where the data folder cannot hold a cache (a file is in the way, a read-only mount), the
    user's cache folder is used; the bot still starts."""
    blocker = tmp_path / "data"
    blocker.write_text("not a folder", encoding="utf-8")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    kb, _ = kbcache.load(CONTENT, blocker / "cache")
    assert kb is not None
    assert list((tmp_path / "home" / ".cache" / "inspection-bot").glob("kb-*.pickle"))


def test_live_content_with_a_cache_keeps_its_contract(tmp_path):
    """Served from the cache, a bad edit keeps the last good version serving and a good one
    goes live; a restart on the same files reads the cache."""
    content = tmp_path / "content"
    shutil.copytree(CONTENT, content)
    cache = tmp_path / "cache"
    live = LiveKnowledgeBase(content, cache_dir=cache)
    assert _figure_value(live.current.kb) == 76.5
    path = content / "cleveland" / "2014-crime.yaml"
    good = path.read_text(encoding="utf-8")
    path.write_text(good.replace("value: 76.5", "value: [76.5", 1), encoding="utf-8")
    refused = live.reload()
    assert not refused.ok and any(p.file.endswith("2014-crime.yaml") for p in refused.problems)
    assert _figure_value(live.current.kb) == 76.5
    path.write_text(good.replace("value: 76.5", "value: 77.7", 1), encoding="utf-8")
    assert live.reload().changed and _figure_value(live.current.kb) == 77.7
    restarted = LiveKnowledgeBase(content, cache_dir=cache)
    assert isinstance(restarted.current.kb.texts, FileTexts)
    assert _figure_value(restarted.current.kb) == 77.7
    path.write_text(good.replace("value: 76.5", "value: [76.5", 1), encoding="utf-8")
    with pytest.raises(ContentInvalid):
        LiveKnowledgeBase(content, cache_dir=cache)


def test_a_one_file_edit_parses_only_that_file(tmp_path):
    """Each file's checked result is cached by its bytes: after one edit, a validation reads
    every other file from the cache and reports exactly what a fresh validation reports,
    errors and warnings included."""
    from bot.content.filecache import FileCache

    content = tmp_path / "content"
    shutil.copytree(CONTENT, content)
    path = content / "cleveland" / "2014-crime.yaml"
    text = path.read_text(encoding="utf-8")
    # An unknown key (a warning) and a bad value (an error) in one file.
    path.write_text(text.replace("value: 76.5", "value: lots", 1)
                    .replace("inspection:\n", "inspection:\n  colour: red\n", 1), encoding="utf-8")
    files = len(loader.content_files(content))
    first = FileCache(tmp_path / "files", "salt")
    assert loader.check(content, first) == loader.check(content)
    assert first.hits == 0
    again = FileCache(tmp_path / "files", "salt")
    broken, problems = loader.check(content, again)
    assert again.hits == files and broken is None
    assert (broken, problems) == loader.check(content)
    assert any(p.warning for p in problems) and any(not p.warning for p in problems)
    path.write_text(text.replace("value: 76.5", "value: 77.7", 1), encoding="utf-8")
    after = FileCache(tmp_path / "files", "salt")
    kb, problems = loader.check(content, after)
    assert after.hits == files - 1
    assert kb is not None and _figure_value(kb) == 77.7
    assert problems == loader.check(content)[1]
    other_code = FileCache(tmp_path / "files", "another version of the code")
    loader.check(content, other_code)
    assert other_code.hits == 0


def test_a_folder_others_can_write_is_not_used(tmp_path, monkeypatch):
    """A cache file is code to Python: a cache folder that other users can write to (one
    planted in a shared temporary folder) is passed over for the next one."""
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o777)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert kbcache.usable_dir(shared) == tmp_path / "home" / ".cache" / "inspection-bot"
    kb, _ = kbcache.load(CONTENT, shared)
    assert kb is not None and not list(shared.iterdir())


def test_the_passages_built_beside_the_checks_serve_the_same(monkeypatch, tmp_path) -> None:
    """Above BESIDE_FROM bytes of source text the passage database is built by a process of
    its own while the YAML is checked; the knowledge base then quotes exactly as one validated
    here. (Below it, as for the shipped content, it is built after the checks.)"""
    monkeypatch.setattr(kbcache, "BESIDE_FROM", 0)

    def not_here(*_args, **_kwargs):
        raise AssertionError("the passage database was built here, not beside the checks")

    # this process may not build it; the process beside (a new interpreter) is unaffected
    monkeypatch.setattr(kbcache.PassageIndex, "build", not_here)
    version = kbcache.content_version(CONTENT)
    problems = kbcache.build(str(CONTENT), str(tmp_path), version)
    monkeypatch.undo()
    assert not [p for p in problems if not p.warning]
    key = kbcache.cache_key(version, CONTENT)
    cached = kbcache.read(kbcache.cache_file(tmp_path, key), key)
    assert cached is not None and isinstance(cached.texts, FileTexts)
    fresh = loader.load(CONTENT)
    question = "what did they say about missing children?"
    assert _rendered(cached, question) == _rendered(fresh, question)
    assert not list(tmp_path.glob(".*.tmp"))


def _rendered(kb: KnowledgeBase, text: str) -> str:
    return "\n".join(c.text for c in answer(kb, Renderer(build_env(), kb), text, AS_OF).chunks)
