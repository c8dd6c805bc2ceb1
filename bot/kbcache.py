"""The validated knowledge base, cached on disk by content hash.

Parsing and checking every YAML file is what makes a start slow (28 s at 43 forces) and heavy
(over 1 GiB while the YAML nodes are alive). So the serving process does neither: a child
process (a new interpreter, so it shares nothing with the server's threads) loads and validates the
folder (a new `python` running this same `bot` package), builds the search index and the
passage database, and writes one cache file; the
server then reads that file, which holds only the compact result. When the child exits, the
memory validation needed goes back to the system.

A cache file is named by, and records, a key made of every watched file's path and bytes, the
source of the `bot` package (the schema, the checks and the model are code) and the Python
version, so it is never used for anything else. Its payload is checked against a hash before it
is unpickled: a truncated or damaged file is ignored, rebuilt and replaced.

Where it lives: `cache/` in the data directory (DATA_DIR), or, where that cannot be written (a
read-only install), `~/.cache/inspection-bot/` or the temporary folder.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import logging
import os
import pickle
import stat
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping
from pathlib import Path

from bot.ask.postings import FilePostings
from bot.ask.search import index_of
from bot.content import loader
from bot.content.cited import cited_lines
from bot.content.compact import compact
from bot.content.filecache import FileCache
from bot.content.kb import KnowledgeBase
from bot.content.passages import PassageIndex
from bot.content.policy import bank_holidays, know_bank_holidays
from bot.content.sourcetexts import FileTexts, texts_hash
from bot.content.yamlfile import display_path
from bot.errors import Problem
from bot.memory import give_back_freed

log = logging.getLogger(__name__)

FORMAT = b"inspection-bot knowledge base cache 1\n"
HOLIDAYS_FROM = 2010  # the first year whose bank holidays a cache file holds
BESIDE_FROM = 8 << 20  # bytes of source text from which their passages are built beside the checks
KEEP = 3  # cache files kept in the folder: the one serving and the versions just before it


def watched_files(content_dir: Path) -> list[Path]:
    """What a version is made of: every YAML file and the reports' own text (sources/*.txt,
    which passages quote and citations are checked against)."""
    sources = content_dir / "sources"
    texts = sorted(p for p in sources.glob("*.txt") if p.is_file()) if sources.is_dir() else []
    return loader.content_files(content_dir) + texts


def content_version(content_dir: Path) -> str:
    """Hash of every YAML and source text file's path and bytes: equal folders have equal
    versions."""
    digest = hashlib.sha256()
    for path in watched_files(content_dir):
        digest.update(path.relative_to(content_dir).as_posix().encode() + b"\0")
        try:
            with path.open("rb") as handle:  # in pieces: a huge file must not fill memory
                for piece in iter(lambda: handle.read(1 << 20), b""):
                    digest.update(piece)
        except OSError:  # deleted between listing and reading; the next change reloads again
            digest.update(b"\0missing")
        digest.update(b"\0")
    return digest.hexdigest()


def _source_hash() -> str:
    root = Path(__file__).resolve().parent
    digest = hashlib.sha256(FORMAT + sys.version.encode() + b"\0")
    for path in sorted(root.rglob("*.py")):
        digest.update(path.relative_to(root).as_posix().encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()


def code_version() -> str:
    """Hash of the `bot` package's Python source and of the Python version: any code change
    (the schema, a check, the model, the search index) makes every cache stale. Taken when
    this module is imported, so it names the code running (a package upgraded under a running
    bot makes its child's cache files another key, which it then does not trust)."""
    return _code_version


_code_version = _source_hash()


def cache_key(version: str, content_dir: Path) -> str:
    """The key of a content version under this code, read from this folder as named from the
    working directory (messages and `Loc`s name the files that way)."""
    named = f"{content_dir.resolve()}\0{display_path(content_dir)}"
    return hashlib.sha256(f"{code_version()}\0{version}\0{named}".encode()).hexdigest()


def usable_dir(preferred: Path) -> Path | None:
    """The first cache folder that can be created and written and that only this user can
    write (a cache file is unpickled: a folder another user can write to, such as one planted
    in a shared temporary folder, is never used): the preferred one, the user's cache folder,
    the temporary folder; None when none will do."""
    for folder in (preferred, Path.home() / ".cache" / "inspection-bot",
                   Path(tempfile.gettempdir()) / f"inspection-bot-{os.getuid()}"):
        try:
            folder.mkdir(mode=0o700, parents=True, exist_ok=True)
            st = folder.stat()
            if st.st_uid != os.getuid() or st.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
                log.warning("not caching in %s: another user can write to it", folder)
                continue
            probe = folder / f".probe-{os.getpid()}"
            probe.write_bytes(b"")
            probe.unlink()
            return folder
        except OSError:
            continue
    return None


def cache_file(folder: Path, key: str) -> Path:
    return folder / f"kb-{key[:40]}.pickle"


def search_file(folder: Path, key: str) -> Path:
    """The search index's postings of the cache file with this key (bot/ask/postings.py)."""
    return folder / f"search-{key[:40]}.sqlite"


def read(path: Path, key: str) -> KnowledgeBase | None:
    """The knowledge base a cache file holds, or None when the file is missing, for another
    key, truncated or damaged (never an exception: the caller rebuilds it)."""
    try:
        data = path.read_bytes()
    except OSError:
        return None
    head = FORMAT + key.encode() + b"\n"
    digest_end = len(head) + 65
    if not data.startswith(head) or len(data) < digest_end:
        return None
    payload = memoryview(data)[digest_end:]
    if hashlib.sha256(payload).hexdigest().encode() != data[len(head):digest_end - 1]:
        log.warning("knowledge base cache %s is damaged; rebuilding it", path)
        return None
    try:
        kb = pickle.loads(payload)
        del data, payload
        give_back_freed()
    except Exception:  # a payload that hashes right but will not load: rebuild, never crash
        log.warning("knowledge base cache %s could not be read; rebuilding it", path,
                    exc_info=True)
        return None
    if not isinstance(kb, KnowledgeBase):
        return None
    know_bank_holidays(kb.index.get("bank_holidays", {}))
    if isinstance(kb.texts, FileTexts) and not Path(kb.texts.path).is_file():
        return None  # its passage database was removed
    words = index_of(kb).words
    if isinstance(words, FilePostings) and not words.intact():
        return None  # its search postings were removed or cut short
    return kb


def _write(path: Path, key: str, kb: KnowledgeBase) -> None:
    """Write atomically (a reader sees the old file or the whole new one)."""
    payload = pickle.dumps(kb, protocol=pickle.HIGHEST_PROTOCOL)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with tmp.open("wb") as handle:
        handle.write(FORMAT + key.encode() + b"\n")
        handle.write(hashlib.sha256(payload).hexdigest().encode() + b"\n")
        handle.write(payload)
    os.replace(tmp, path)


def _passages_path(folder: Path, digest: str) -> Path:
    # v3: with the table of each document's sentence numbers, the index optimized and the
    # common words ranked (bot/content/passages.py)
    return folder / f"passages-v3-{digest[:40]}.sqlite"


def _build_passages(folder: Path, texts: Mapping[str, str], digest: str) -> Path:
    """The passage database of these texts, built when missing (shared by every version with
    the same texts)."""
    path = _passages_path(folder, digest)
    if not path.is_file():
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        tmp.unlink(missing_ok=True)
        PassageIndex.build(texts, str(tmp), keep_texts=True).db.close()
        os.replace(tmp, path)
    return path


def _passages_file(folder: Path, kb: KnowledgeBase,
                   beside: subprocess.Popen[bytes] | None) -> FileTexts:
    """The passage database of the knowledge base's texts, and the texts it serves from: the
    one the process `beside` built while the YAML was checked, when it read the same texts;
    else built here."""
    digest = texts_hash(kb.texts)
    if beside is not None and not _passages_path(folder, digest).is_file():
        beside.wait()
    path = _build_passages(folder, kb.texts, digest)
    os.utime(path)
    return FileTexts(str(path), sorted(kb.texts), digest)


def _passages_beside(content_dir: str, folder: str) -> subprocess.Popen[bytes] | None:
    """Start building the passage database of the folder's source texts in another process
    (it needs the texts only, not the checked YAML): on two cores the 11 s it takes at 43
    forces overlap the checking. None when it cannot be started (then it is built after)."""
    sources = Path(content_dir) / "sources"
    size = sum(p.stat().st_size for p in sources.glob("*.txt")) if sources.is_dir() else 0
    if size < BESIDE_FROM:
        return None  # built in a moment after the checks: not worth a process
    package_root = str(Path(__file__).resolve().parent.parent)
    run = "import sys; sys.path.insert(0, sys.argv[1]); from bot.kbcache import passages_main;" \
          " sys.exit(passages_main(sys.argv[2:]))"
    try:
        return subprocess.Popen([sys.executable, "-c", run, package_root, content_dir, folder],
                                stdout=subprocess.DEVNULL)
    except OSError:
        return None


def passages_main(argv: list[str]) -> int:
    """The passage builder's side (`passages_main([CONTENT_DIR, CACHE_DIR])`)."""
    texts = loader.read_texts(Path(argv[0]))
    _build_passages(Path(argv[1]), texts, texts_hash(texts))
    return 0


def _prune(folder: Path) -> None:
    """Keep the newest cache files and passage databases (a database is touched each time a
    cache file is written with it; a kept file whose database went is rebuilt when read)."""
    for pattern in ("kb-*.pickle", "search-*.sqlite", "passages-*.sqlite"):
        files = sorted(folder.glob(pattern), key=lambda p: p.stat().st_mtime, reverse=True)
        for old in files[KEEP:]:
            old.unlink(missing_ok=True)
    # A file half written by a process that was stopped (a passage builder no longer needed)
    for tmp in folder.glob(".*.tmp"):
        if time.time() - tmp.stat().st_mtime > 3600:
            tmp.unlink(missing_ok=True)


def build(content_dir: str, folder: str, version: str) -> list[Problem]:
    """Load and validate the folder; when it is valid, write its cache file (with the search
    index built and the texts moved to the passage database). Returns the problems. Run in a
    child process by `load`."""
    beside = _passages_beside(content_dir, folder)
    try:
        return _build(content_dir, folder, version, beside)
    finally:
        if beside is not None and beside.poll() is None:
            beside.kill()  # not needed: the content has errors, or changed while read
            beside.wait()


def _build(content_dir: str, folder: str, version: str,
           beside: subprocess.Popen[bytes] | None) -> list[Problem]:
    # Files parsed and checked by an earlier run (same bytes, same code) are not again.
    kb, problems = loader.check(Path(content_dir), FileCache(Path(folder) / "files",
                                                             code_version()))
    if kb is None or any(not p.warning for p in problems):
        return problems
    if content_version(Path(content_dir)) != version:
        return problems  # edited while it was read: what was read is not that version
    kb = compact(kb)
    key = cache_key(version, Path(content_dir))
    index_of(kb).store(str(search_file(Path(folder), key)))
    cited_lines(kb)  # what a search's passages look up: built here, not on a first search
    texts = _passages_file(Path(folder), kb, beside)
    object.__setattr__(kb, "texts", texts)
    kb.index["texts"] = texts
    kb.index.pop("passages", None)  # reopened from the file where it is served
    # The bank holidays of the years reminders and answers ask about, so that the server
    # does not import the calendar package for them (bot/content/policy.py).
    kb.index["bank_holidays"] = {year: bank_holidays(year) for year in
                                 range(HOLIDAYS_FROM, dt.date.today().year + 11)}
    _write(cache_file(Path(folder), key), key, kb)
    with contextlib.suppress(OSError):  # another process pruning the same folder
        _prune(Path(folder))
    return problems


def load(content_dir: Path, folder: Path | None,
         version: str | None = None) -> tuple[KnowledgeBase | None, list[Problem]]:
    """The folder's knowledge base and its problems (None with errors): from the cache when a
    file for this version and code is there, else validated in a child process that writes it.
    With no cache folder given, or none usable, or where a child cannot be started, validated
    here (as `inspection-bot validate` and the tests do). Warnings are not kept in the cache:
    a version served from it returns none."""
    version = version or content_version(content_dir)
    where = usable_dir(folder) if folder is not None else None
    if where is not None:
        key = cache_key(version, Path(content_dir))
        kb = read(cache_file(where, key), key)
        if kb is not None:
            return kb, []
        problems = _in_child(content_dir, where, version)
        if problems is not None:
            kb = read(cache_file(where, key), key)
            if kb is not None or any(not p.warning for p in problems):
                return kb, problems
    kb, problems = loader.check(content_dir)
    if kb is not None:
        index_of(kb)
        cited_lines(kb)
    return kb, problems


def _in_child(content_dir: Path, folder: Path, version: str) -> list[Problem] | None:
    """`build` in a new interpreter running this package; its problems, or None when it could
    not run (then the caller validates in this process)."""
    package_root = str(Path(__file__).resolve().parent.parent)
    run = "import sys; sys.path.insert(0, sys.argv[1]); from bot.kbcache import main; " \
          "sys.exit(main(sys.argv[2:]))"
    try:
        done = subprocess.run([sys.executable, "-c", run, package_root, str(content_dir),
                               str(folder), version], stdout=subprocess.PIPE, check=False)
    except OSError:
        log.warning("could not start a process to validate the content", exc_info=True)
        return None
    try:
        problems = pickle.loads(done.stdout) if done.returncode == 0 else None
    except Exception:
        problems = None
    if problems is None:
        log.warning("validating the content in a child process failed (exit %s); "
                    "validating here", done.returncode)
    return problems


def main(argv: list[str]) -> int:
    """The child's side (`main([CONTENT_DIR, CACHE_DIR, VERSION])`): build, and print the
    problems (pickled) on standard output for the parent."""
    logging.basicConfig(level=logging.WARNING)
    problems = build(*argv[:3])
    sys.stdout.buffer.write(pickle.dumps(problems, protocol=pickle.HIGHEST_PROTOCOL))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))


__all__ = ["load", "content_version", "watched_files", "usable_dir"]
