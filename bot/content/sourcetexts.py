"""The reports' own text as a served knowledge base reads it: from the passage database file
the cache built (bot/kbcache.py), by document, never all in memory; and the hash that names a
set of texts."""

from __future__ import annotations

import hashlib
import sqlite3
import threading
from collections.abc import Iterator, Mapping
from functools import lru_cache

CACHE_KIB = 256  # each read-only connection's page cache


def read_only(path: str) -> sqlite3.Connection:
    """A read-only connection to a database file, with a small page cache of its own: a
    connection a serving thread, each caching 2 MiB by default, was 16 MiB of the process for
    pages the system caches anyway."""
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)
    db.execute(f"PRAGMA cache_size = -{CACHE_KIB}")
    return db


def texts_hash(texts: Mapping[str, str]) -> str:
    if isinstance(texts, FileTexts):
        return texts.hash
    digest = hashlib.sha256()
    for document in sorted(texts):
        digest.update(document.encode() + b"\0")
        digest.update(texts[document].encode("utf-8", "replace") + b"\0")
    return digest.hexdigest()


class FileTexts(Mapping[str, str]):
    """The reports' own text as a passage database file holds it (built with `keep_texts`): a
    document is read when it is asked for, and the last few are kept. The file is a snapshot
    named by the texts' hash, so an edit to content/sources/ cannot change what a served
    version quotes until it goes live. Pickles as its path, names and hash alone."""

    def __init__(self, path: str, names: list[str], hash: str):
        self.path, self.names, self.hash = path, names, hash
        self._known = frozenset(names)
        self._db: sqlite3.Connection | None = None
        self._lock = threading.Lock()
        self._read = lru_cache(maxsize=8)(self._read_uncached)

    def __getstate__(self) -> dict[str, object]:
        return {"path": self.path, "names": self.names, "hash": self.hash}

    def __setstate__(self, state: dict[str, object]) -> None:
        self.__init__(state["path"], state["names"], state["hash"])  # type: ignore[misc, arg-type]

    def _read_uncached(self, name: str) -> str:
        with self._lock:
            if self._db is None:
                self._db = read_only(self.path)
            row = self._db.execute("SELECT text FROM source WHERE name = ?", (name,)).fetchone()
        if row is None:
            raise KeyError(name)
        return str(row[0])

    def __getitem__(self, name: str) -> str:
        if name not in self._known:
            raise KeyError(name)
        return self._read(name)

    def __contains__(self, name: object) -> bool:
        return name in self._known

    def __iter__(self) -> Iterator[str]:
        return iter(self.names)

    def __len__(self) -> int:
        return len(self.names)
