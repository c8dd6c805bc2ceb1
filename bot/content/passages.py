"""The reports' own text as searchable passages: every sentence of content/sources/*.txt with the
document and line it starts on, in an SQLite FTS5 index (the standard library's sqlite3).

A passage is two consecutive sentences (each sentence starts one, so every sentence is found with
the one after it: "It makes use of serious crime prevention orders ... In the 12 months to 30 July
2016, the force applied for eight SCPOs"); how the text is cut into sentences and joined again
is bot/content/sentences.py. Apart from line breaks a passage is the source's text, verbatim.

The index is built from the loaded text the first time a passage is asked for, once per
knowledge base (a content edit that goes live loads a new one): never by hand.
"""

from __future__ import annotations

import contextlib
import difflib
import json
import re
import sqlite3
import threading
from array import array
from collections import defaultdict
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING

from bot.content.ftsquery import WORD_RE as _WORD_RE
from bot.content.ftsquery import one_word, within
from bot.content.sentences import Passage, joined, split_passages, windows
from bot.content.sourcetexts import FileTexts, read_only, texts_hash
from bot.content.words import STOPWORDS, expand, fold

if TYPE_CHECKING:
    from bot.content.kb import KnowledgeBase

TOP_FROM = 2000  # sentences a word is in from which its best are ranked when the index is built
TOP_KEPT = 50  # how many of them are kept (a search asks for 50 at the most)
_build_lock = threading.Lock()
_BY_HASH: dict[str, PassageIndex] = {}
# Words of a question that say nothing about its subject ("what does THRIVE stand for").
QUESTION_WORDS = frozenset(["do", "does", "did", "mean", "means", "stand", "say", "says", "said",
                            "tell", "about", "many", "much", "any", "we", "our", "us", "they",
                            "not", "no", "why", "where", "report", "reports"])


MAX_QUERY_CHARS = 600  # words past these are not looked up in the reports' text
MAX_TERMS = 16
LEAVE_ONE_OUT_TERMS = 8


class PassageIndex:
    """FTS5 over every sentence; BM25 ranks (SQLite's bm25()), a hit is shown with the sentence
    after it, and close words stand in for typos. Read-only once built, so knowledge bases with
    the same source text share one (see `passages_of`).

    The sentences, their words and the index live in SQLite only (not as Python objects): in
    memory for a knowledge base loaded from the YAML, or in a file of the cache folder for one
    served from the cache (bot/kbcache.py), so that the serving process holds none of the
    reports' text and reads a sentence when it is shown."""

    def __init__(self, db: sqlite3.Connection, path: str | None = None):
        self.db = db
        self._lock = threading.Lock()
        # A database file (served from the cache) is read through one read-only connection a
        # thread, so searches asked at once run side by side (SQLite works outside the GIL);
        # an index built in memory has one connection, taken in turn.
        self.path = path
        self._local = threading.local()
        self._spans: dict[str, tuple[int, int]] | None = None  # document -> its sentences' rowids
        self._vocabulary: frozenset[str] | None = None  # every indexed word, once asked (`_known`)
        self._size: int | None = None

    @contextlib.contextmanager
    def _reading(self) -> Iterator[sqlite3.Connection]:
        if self.path is None:
            with self._lock:
                yield self.db
            return
        db = getattr(self._local, "db", None)
        if db is None:
            db = self._local.db = read_only(self.path)
        yield db

    @classmethod
    def build(cls, texts: Mapping[str, str], path: str = ":memory:",
              keep_texts: bool = False) -> PassageIndex:
        """Index the texts, in memory or into a new database file (with the texts themselves
        when `keep_texts`, for `FileTexts`)."""
        sentences: list[Passage] = []
        for document in sorted(texts):
            sentences.extend(split_passages(document, texts[document].split("\n")))
        # One database, read from the bot's worker threads under the lock.
        db = sqlite3.connect(path, check_same_thread=False)
        db.execute("CREATE VIRTUAL TABLE passage USING fts5("
                   "body, document UNINDEXED, tokenize = 'porter unicode61')")
        db.execute("CREATE TABLE sentence(n INTEGER PRIMARY KEY, document TEXT, line INTEGER,"
                   " end_line INTEGER, text TEXT)")
        db.execute("CREATE TABLE word(w TEXT PRIMARY KEY) WITHOUT ROWID")
        bodies = [fold(p.text) for p in sentences]
        db.executemany("INSERT INTO passage(rowid, body, document) VALUES (?, ?, ?)",
                       [(n + 1, b, p.document) for n, (b, p) in
                        enumerate(zip(bodies, sentences, strict=True))])
        db.executemany("INSERT INTO sentence VALUES (?, ?, ?, ?, ?)",
                       [(n + 1, p.document, p.line, p.end_line, p.text)
                        for n, p in enumerate(sentences)])
        # Each document's sentences are one run of numbers: what a search over some documents
        # ranks (`_ranges`).
        db.execute("CREATE TABLE span(document TEXT PRIMARY KEY, first INTEGER, last INTEGER)")
        db.execute("INSERT INTO span SELECT document, min(n), max(n) FROM sentence"
                   " GROUP BY document")
        words = set(_WORD_RE.findall(" ".join(bodies)))
        db.executemany("INSERT INTO word VALUES (?)", [(w,) for w in sorted(words)])
        # One b-tree for the whole index instead of the segments the inserts left (about a
        # fifth off a search at 43 forces; half a second to build there)
        db.execute("INSERT INTO passage(passage) VALUES ('optimize')")
        _rank_common_words(db)
        if keep_texts:
            db.execute("CREATE TABLE source(name TEXT PRIMARY KEY, text TEXT)")
            db.executemany("INSERT INTO source VALUES (?, ?)", sorted(texts.items()))
        db.commit()
        return cls(db)

    @classmethod
    def open(cls, path: str) -> PassageIndex:
        """A database file written by `build`, read-only."""
        return cls(read_only(path), path)

    @property
    def size(self) -> int:
        """How many sentences the index holds (read once)."""
        size = self._size
        if size is None:
            with self._reading() as db:
                size = self._size = db.execute("SELECT count(*) FROM sentence").fetchone()[0]
        return size

    @property
    def sentences(self) -> list[Passage]:
        with self._reading() as db:
            rows = db.execute("SELECT document, line, end_line, text FROM sentence"
                                   " ORDER BY n").fetchall()
        return [Passage(*row) for row in rows]

    @property
    def passages(self) -> list[Passage]:
        """Every passage: each sentence with the one after it."""
        return windows(self.sentences)

    def _known(self, words: list[str]) -> set[str]:
        """Those of the words the index holds: the vocabulary is read once and kept (a few
        thousand words for a force's reports), as each query to SQLite is a wait for the GIL
        when it comes back under load (`_ranks`)."""
        if not words:
            return set()
        vocabulary = self.vocabulary()
        return {w for w in words if w in vocabulary}

    def vocabulary(self) -> frozenset[str]:
        """Every word of the reports' text (folded, not stemmed), read once and kept."""
        vocabulary = self._vocabulary
        if vocabulary is None:
            with self._reading() as db:
                found = db.execute("SELECT json_group_array(w) FROM word").fetchone()[0]
            self._vocabulary = vocabulary = frozenset(json.loads(found))
        return vocabulary

    def _starting(self, initial: str, length: int) -> list[str]:
        """The indexed words that start with the letter and are within two letters of
        `length` long, in the order the index keeps."""
        with self._reading() as db:
            found = db.execute(
                "SELECT json_group_array(w) FROM (SELECT w FROM word WHERE w >= ? AND w < ?"
                " AND length(w) BETWEEN ? AND ? ORDER BY w)",
                (initial, initial + "\U0010ffff", length - 2, length + 2)).fetchone()[0]
        return list(json.loads(found))

    def _terms(self, query: str) -> list[str]:
        terms = []
        folded = fold(query)
        # The words as typed and with synonyms applied ('asb' and 'antisocial behaviour').
        words = [w for w in dict.fromkeys(_WORD_RE.findall(folded) + _WORD_RE.findall(expand(folded)))
                 if not (w in STOPWORDS or w in QUESTION_WORDS or (len(w) < 2 and not w.isdigit()))]
        known = self._known([w for w in words if len(w) >= 4])
        for word in words:
            if len(word) < 4 or word in known:
                terms.append(word)
                continue
            candidates = self._starting(word[0], len(word))
            close = difflib.get_close_matches(word, candidates, n=2, cutoff=0.8)
            terms.extend(close or [word])
        return terms

    def _match(self, match: str, documents: set[str] | None, limit: int) -> list[tuple[int, float]]:
        """The (rowid, rank) of the best `limit` sentences for `match`, best first."""
        return self._matched(match, documents, limit, read=False)[0]

    def _matched(self, match: str, documents: set[str] | None, limit: int, read: bool = True
                 ) -> tuple[list[tuple[int, float]], dict[int, Passage]]:
        """`_match`, and with `read` the passages those sentences start (`_windows`), read in
        the same query."""
        if documents is None and limit <= TOP_KEPT:
            word = one_word(match)
            ranked = self._ranked(word) if word else None
            if ranked is not None:
                rows = ranked[:limit]
                return rows, self._windows([n - 1 for n, _ in rows]) if read else {}
        # bm25() ordered by itself, ties by rowid: the same rows in the same order as FTS5's
        # own "ORDER BY rank" (compared over 760 queries at 43 forces, ties and all), in two
        # thirds of the time (FTS5 sorts `rank` through a statement of its own).
        if documents is None:
            return self._ranks("SELECT rowid AS n, bm25(passage) AS r FROM passage WHERE passage"
                               f" MATCH ? ORDER BY r, rowid LIMIT {int(limit)}", (match,), read)
        # Some documents: their sentences are runs of rowids (a document's are numbered
        # together), so the filter is on the rowid and only the rows it keeps are ranked.
        # ("document IN (...)" ranked every sentence holding the words, in every report, before
        # filtering: at 43 forces most of a search's time.) bm25() is what `rank` is; ties go
        # by rowid, as they did. The same rows, in the same order (tests/test_passage_filter.py).
        ranges = self._ranges(documents)
        if not ranges:
            return [], {}
        return self._ranks("SELECT rowid AS n, bm25(passage) AS r FROM passage WHERE passage"
                           f" MATCH ? AND ({within(ranges)}) ORDER BY r, rowid"
                           f" LIMIT {int(limit)}", (match,), read)

    def _ranks(self, sql: str, args: tuple[object, ...], read: bool = False
               ) -> tuple[list[tuple[int, float]], dict[int, Passage]]:
        """The (n, r) rows of `sql`, in its order, read in one step, and with `read` the
        passage each starts (the sentence and the next, joined in the same query). Under load
        each row stepped through, and each query, is a wait for the GIL (SQLite gives it up,
        and eight busy threads take turns of 5 ms): a search's fifty rows, one step each, took
        a quarter of a second at concurrency 8. The ranks come as text of 17 significant
        digits with SQLite's '!' flag, which reads back as the very same double
        (tests/test_passage_filter.py compares them with rows read one by one)."""
        with self._reading() as db:
            if not read:
                packed = db.execute("SELECT group_concat(n || ' ' || printf('%!.17g', r), ',')"
                                    f" FROM ({sql})", args).fetchone()[0]
                if not packed:
                    return [], {}
                return [(int(n), float(r)) for n, r in
                        (row.split(" ") for row in packed.split(","))], {}
            packed = db.execute(
                "SELECT json_group_array(json_array(h.k, h.n, printf('%!.17g', h.r),"
                " s.document, s.line, s.end_line, s.text,"
                " t.document, t.line, t.end_line, t.text))"
                f" FROM (SELECT row_number() OVER () AS k, n, r FROM ({sql})) AS h"
                " JOIN sentence AS s ON s.n = h.n LEFT JOIN sentence AS t ON t.n = h.n + 1",
                args).fetchone()[0]
        rows: list[tuple[int, float]] = []
        passages: dict[int, Passage] = {}  # by start, 0-based, as `_windows` gives them
        # k: the row's place in `sql`'s order (the join may return them in another)
        for _, n, r, *first, document, line, end_line, text in sorted(json.loads(packed)):
            rows.append((n, float(r)))
            nxt = Passage(document, line, end_line, text) if document is not None else None
            passages[n - 1] = joined(Passage(*first), nxt)
        return rows, passages

    def _ranked(self, word: str) -> list[tuple[int, float]] | None:
        """The word's best sentences as ranked when the index was built (`_rank_common_words`),
        or None when it is not one of the common words."""
        with self._reading() as db:
            row = db.execute("SELECT rowids, ranks FROM common WHERE w = ?", (word,)).fetchone()
        if row is None:
            return None
        rowids, ranks = array("q"), array("d")
        rowids.frombytes(row[0])
        ranks.frombytes(row[1])
        return list(zip(rowids, ranks, strict=True))

    def _ranges(self, documents: set[str]) -> list[tuple[int, int]]:
        """The documents' sentences as runs of rowids, adjacent runs joined."""
        spans = self._spans
        if spans is None:
            with self._reading() as db:
                rows = db.execute("SELECT document, first, last FROM span").fetchall()
            self._spans = spans = {d: (a, b) for d, a, b in rows}
        runs: list[tuple[int, int]] = []
        for first, last in sorted(spans[d] for d in documents if d in spans):
            if runs and runs[-1][1] + 1 == first:
                runs[-1] = (runs[-1][0], last)
            else:
                runs.append((first, last))
        return runs

    def _windows(self, starts: list[int]) -> dict[int, Passage]:
        """Sentences `starts` (0-based), each with the next one of the same document: read in
        one query (a search shows up to 300 of them)."""
        numbers = sorted({m for n in starts for m in (n + 1, n + 2)})
        read: dict[int, Passage] = {}
        with self._reading() as db:
            for at in range(0, len(numbers), 500):  # SQLite's limit on parameters, with room
                part = numbers[at:at + 500]
                # one step for them all (a row a step waits for the GIL each time: `_ranks`)
                packed = db.execute(
                    "SELECT json_group_array(json_array(n, document, line, end_line, text))"
                    f" FROM sentence WHERE n IN ({','.join('?' * len(part))})", part).fetchone()[0]
                for n, *row in json.loads(packed):
                    read[n] = Passage(*row)
        return {n: joined(read[n + 1], read.get(n + 2)) for n in starts}

    def search(self, query: str, documents: set[str] | None = None,
               limit: int = 3) -> list[Passage]:
        """The best passages for the words, best first; only from `documents` when given.
        Passages holding more of the words come first (an OR query ranked by bm25 alone lets
        one rare word outrank the whole question); a word followed by its expansion in brackets
        ("THRIVE (threat, harm, ...") or named ("known as the Pacesetter meeting") counts
        extra, as that is where a term is explained."""
        # A question has a handful of words; a 4,000-character paste must not cost one query
        # per word (the leave-one-out pass below is quadratic in the words).
        terms = self._terms(query[:MAX_QUERY_CHARS])[:MAX_TERMS]
        if not terms:
            return []
        if documents is not None and not documents:
            return []
        quoted = ['"' + t.replace('"', "") + '"' for t in terms]
        # Sentences with every word first, then with all but one (selective queries, fast at
        # any size: ranking every sentence holding any one common word is what costs); any of
        # the words only when those find too few.
        rows, windows = self._matched(" AND ".join(quoted), documents, 50)
        if len(rows) < limit and 2 < len(terms) <= LEAVE_ONE_OUT_TERMS:
            for n in range(len(quoted)):
                rows += self._match(" AND ".join(quoted[:n] + quoted[n + 1:]), documents, 20)
        if len(rows) < limit and len(terms) > 1:
            rows += self._match(" OR ".join(quoted), documents, 300)
        stems = [t[:5] for t in terms]
        defined = [re.compile(re.escape(t) + r"[a-z]*\s*\(|(?:known as|called) (?:the |a |an )?"
                              + re.escape(t)) for t in terms]
        # an acronym after what it stands for: "... efficiency and legitimacy (PEEL)"
        spelled = [re.compile(r"\(\s*(" + re.escape(t) + r")\s*\)", re.IGNORECASE) for t in terms]
        scored = []
        missing = [rowid - 1 for rowid, _ in rows if rowid - 1 not in windows]
        if missing:  # found by the wider queries, which are not read with their passages
            windows.update(self._windows(missing))
        for rowid, rank in rows:
            passage = windows[rowid - 1]
            body = fold(passage.text)
            covered: float = sum(1 for s in stems if s in body)
            covered += 0.5 * sum(1 for d in defined if d.search(body))
            covered += 0.5 * sum(1 for a in spelled
                                 if (m := a.search(passage.text)) and m.group(1).isupper())
            scored.append((-covered, rank, rowid, passage))
        scored.sort(key=lambda t: t[:3])
        # Overlapping windows and blocks the extraction prints twice are shown once.
        out: list[Passage] = []
        seen: set[str] = set()
        for *_, p in scored:
            if p.text in seen or any(q.document == p.document and q.line <= p.end_line
                                     and p.line <= q.end_line for q in out):
                continue
            seen.add(p.text)
            out.append(p)
            if len(out) == limit:
                break
        return out


def _rank_common_words(db: sqlite3.Connection) -> None:
    """Rank, once, the best sentences of each word in at least TOP_FROM of them, for a search of
    that word alone over every report (`_match`). Ranking is what such a search costs (bm25 of
    every sentence holding the word: 42,000 of them for "calls" at 43 forces, 80 ms); the list
    kept is the very query's answer, so it is the same rows in the same order. Kept for every
    spelling of the word that the index reads as the same term ("call", "calls")."""
    db.execute("CREATE TABLE common(w TEXT PRIMARY KEY, rowids BLOB, ranks BLOB) WITHOUT ROWID")
    db.execute("CREATE VIRTUAL TABLE temp.terms USING fts5vocab(main, passage, 'row')")
    # Which term each indexed word is, read by the same tokenizer: one row a word
    words = [w for (w,) in db.execute("SELECT w FROM word ORDER BY w")]
    db.execute("CREATE VIRTUAL TABLE temp.spelling USING fts5(w, tokenize = 'porter unicode61')")
    db.executemany("INSERT INTO temp.spelling(rowid, w) VALUES (?, ?)",
                   [(n + 1, w) for n, w in enumerate(words)])
    db.execute("CREATE VIRTUAL TABLE temp.spelled USING fts5vocab(temp, spelling, 'instance')")
    spellings: dict[str, list[str]] = defaultdict(list)
    for term, doc in db.execute("SELECT s.term, s.doc FROM temp.spelled s JOIN temp.terms t"
                                " ON t.term = s.term WHERE t.doc >= ?", (TOP_FROM,)):
        spellings[term].append(words[doc - 1])
    rows: list[tuple[str, bytes, bytes]] = []
    for term in sorted(spellings):
        ranked = db.execute("SELECT rowid, bm25(passage) AS r FROM passage WHERE passage"
                            f" MATCH ? ORDER BY r, rowid LIMIT {TOP_KEPT}",
                            ('"' + spellings[term][0] + '"',)).fetchall()
        rowids = array("q", (r for r, _ in ranked)).tobytes()
        ranks = array("d", (k for _, k in ranked)).tobytes()
        rows.extend((w, rowids, ranks) for w in spellings[term])
    db.executemany("INSERT INTO common VALUES (?, ?, ?)", rows)
    for table in ("spelled", "spelling", "terms"):
        db.execute(f"DROP TABLE temp.{table}")


def passages_of(kb: KnowledgeBase) -> PassageIndex:
    """The knowledge base's passage index, built on first use and kept with it. Indexes are
    cached by the hash of the source text: a content edit that goes live (YAML only, as a rule)
    reuses the index it already has instead of rebuilding it. A knowledge base served from the
    cache opens the database file its texts come from (built with the cache)."""
    whole = kb.index.get("whole")
    if whole is not None:  # a force's view (KnowledgeBase.scoped): the whole base's index
        return passages_of(whole)
    index = kb.index.get("passages")
    if index is None:
        with _build_lock:
            index = kb.index.get("passages")
            if index is None:
                key = texts_hash(kb.texts)
                index = _BY_HASH.get(key)
                if index is None:
                    index = (PassageIndex.open(kb.texts.path) if isinstance(kb.texts, FileTexts)
                             else PassageIndex.build(kb.texts))
                    _BY_HASH.clear()  # keep one: the text rarely changes, memory matters
                    _BY_HASH[key] = index
                kb.index["passages"] = index
    return index
