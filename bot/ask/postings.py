"""Where the search index keeps each word's postings: in memory (a dict), or in an SQLite file
beside the cached knowledge base (bot/kbcache.py), read a word at a time when a query needs it.

At 43 forces the postings are two million (item, weight) pairs, 30 MiB as arrays: the largest
single thing the serving process would hold, and the one a query reads least of (a few words).
The file is written once, with the cache file, and never changed: a new version of the content
gets a new file.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from array import array
from collections.abc import Iterator, Mapping

# word -> (item numbers ascending, their weights, positions of the heaviest items, heaviest first)
Entry = tuple["array[int]", "array[float]", "array[int]"]
Postings = Mapping[str, Entry]  # a dict in memory, or FilePostings


def entries(words: Postings, wanted: list[str]) -> dict[str, Entry]:
    """The entries of those of the `wanted` words the postings hold (from a file: in one
    query)."""
    if isinstance(words, FilePostings):
        return words.many(wanted)
    return {w: words[w] for w in wanted if w in words}


class KeyList:
    """Item number -> (kind, id), held as a kind code a number and the id strings (which the
    knowledge base's items hold already): a tuple for each of 64,000 items was 8 MiB."""

    def __init__(self, keys: list[tuple[str, str]] | None = None):
        self.kinds: tuple[str, ...] = tuple(sorted({k for k, _ in keys or ()}))
        code = {k: n for n, k in enumerate(self.kinds)}
        self.codes = array("B", (code[k] for k, _ in keys or ()))
        self.ids = [i for _, i in keys or ()]

    def kind(self, n: int) -> str:
        return self.kinds[self.codes[n]]

    def __getitem__(self, n: int) -> tuple[str, str]:
        return self.kinds[self.codes[n]], self.ids[n]

    def __len__(self) -> int:
        return len(self.ids)

    def __iter__(self) -> Iterator[tuple[str, str]]:
        return (self[n] for n in range(len(self.ids)))


class FilePostings(Mapping[str, Entry]):
    """The postings of an SQLite file written by `write`: the words (the vocabulary, which typo
    matching scans) in memory, each word's numbers read when it is looked up. One read-only
    connection a thread, with a small page cache: the file's pages are the system's to cache,
    not this process's heap. Pickles as its path and words."""

    def __init__(self, path: str, names: list[str], size: int = -1):
        self.path, self.names = path, names
        self.size = size  # the file's bytes when written: a file cut short is not read
        self._known = frozenset(names)
        self._local = threading.local()

    @classmethod
    def write(cls, path: str, words: Postings) -> FilePostings:
        # beside it, hidden, as the cache's other half-written files are (bot.kbcache prunes them)
        head, name = os.path.split(path)
        tmp = os.path.join(head, f".{name}.{os.getpid()}.tmp")
        if os.path.exists(tmp):
            os.unlink(tmp)
        db = sqlite3.connect(tmp)
        try:
            db.execute("CREATE TABLE word(w TEXT PRIMARY KEY, items BLOB, weights BLOB,"
                       " heaviest BLOB) WITHOUT ROWID")
            db.executemany("INSERT INTO word VALUES (?, ?, ?, ?)",
                           ((w, items.tobytes(), weights.tobytes(), heaviest.tobytes())
                            for w, (items, weights, heaviest) in words.items()))
            db.commit()
        finally:
            db.close()
        size = os.path.getsize(tmp)
        os.replace(tmp, path)
        return cls(path, list(words), size)

    def intact(self) -> bool:
        """The file is there, as long as when it was written."""
        try:
            return os.path.getsize(self.path) == self.size
        except OSError:
            return False

    def __getstate__(self) -> dict[str, object]:
        return {"path": self.path, "names": self.names, "size": self.size}

    def __setstate__(self, state: dict[str, object]) -> None:
        self.__init__(state["path"], state["names"], state.get("size", -1))  # type: ignore[misc, arg-type]

    def _db(self) -> sqlite3.Connection:
        db = getattr(self._local, "db", None)
        if db is None:
            db = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True, check_same_thread=False)
            db.execute("PRAGMA cache_size = -256")  # KiB
            self._local.db = db
        return db

    def __getitem__(self, word: str) -> Entry:
        if word not in self._known:
            raise KeyError(word)
        row = self._db().execute("SELECT items, weights, heaviest FROM word WHERE w = ?",
                                 (word,)).fetchone()
        if row is None:
            raise KeyError(word)
        return _entry(*row)

    def many(self, words: list[str]) -> dict[str, Entry]:
        """The entries of those of the words the file holds, read in one query (each query
        is a wait for the GIL when it returns under load: a search's words, one query each,
        were most of its time at concurrency 8)."""
        wanted = sorted({w for w in words if w in self._known})
        if not wanted:
            return {}
        rows = self._db().execute("SELECT w, items, weights, heaviest FROM word WHERE w IN"
                                  f" ({','.join('?' * len(wanted))})", wanted).fetchall()
        return {word: _entry(*blobs) for word, *blobs in rows}

    def __contains__(self, word: object) -> bool:
        return word in self._known

    def __iter__(self) -> Iterator[str]:
        return iter(self.names)

    def __len__(self) -> int:
        return len(self.names)


def _entry(items_blob: bytes, weights_blob: bytes, heaviest_blob: bytes) -> Entry:
    """A word's entry from the bytes `FilePostings.write` stored."""
    items, weights, heaviest = array("I"), array("d"), array("I")
    items.frombytes(items_blob)
    weights.frombytes(weights_blob)
    heaviest.frombytes(heaviest_blob)
    return items, weights, heaviest
