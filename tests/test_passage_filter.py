"""A passage search over some documents (a year's or a force's reports) ranks only their
sentences (bot/content/passages.py), and finds the same rows in the same order as filtering
every match by document did, ties at the cut included."""

from __future__ import annotations

import datetime as dt
import random

import pytest

from bot.content import loader
from bot.content.passages import PassageIndex
from tests.test_synthetic import _synthetic


class Plain(PassageIndex):
    """The filter as it was: every sentence holding the words ranked, then filtered."""

    def _match(self, match, documents, limit):
        sql = "SELECT rowid, rank FROM passage WHERE passage MATCH ?"
        args: list[object] = [match]
        if documents is not None:
            sql += f" AND document IN ({','.join('?' * len(documents))})"
            args.extend(sorted(documents))
        with self._reading() as db:
            return db.execute(sql + f" ORDER BY rank LIMIT {int(limit)}", args).fetchall()

    def _matched(self, match, documents, limit, read=True):
        """The rows as above, their passages read after them, a query each (as it was)."""
        rows = self._match(match, documents, limit)
        return rows, self._windows([n - 1 for n, _ in rows])

    def _known(self, words):
        """The words the index holds, asked of SQLite each time (as it was)."""
        with self._reading() as db:
            return {w for w in words
                    if db.execute("SELECT 1 FROM word WHERE w = ?", (w,)).fetchone()}


@pytest.fixture(scope="module")
def synthetic_texts(tmp_path_factory):
    out = tmp_path_factory.mktemp("synthetic") / "content"
    _synthetic().generate(out, forces=3, inspections=3, base_date=dt.date(2026, 1, 1))
    return loader.read_texts(out)


@pytest.mark.parametrize("which", ["shipped", "synthetic"])
def test_some_documents_rank_as_filtering_every_match(which, kb, synthetic_texts) -> None:
    texts = dict(kb.texts) if which == "shipped" else synthetic_texts
    fast, plain = PassageIndex.build(texts), Plain.build(texts)
    with fast._reading() as db:
        words = [w for (w,) in db.execute("SELECT w FROM word WHERE length(w) > 3")]
    names = sorted(texts)
    rng = random.Random(5)
    ties = found = 0
    for _ in range(250):
        terms = [f'"{w}"' for w in rng.sample(words, rng.choice([1, 1, 2, 3]))]
        match = rng.choice([" AND ", " OR "]).join(terms)
        # None: every report (FTS5's own ranking order, which the plain filter uses)
        size = rng.choice([1, 2, len(names) // 2, len(names), None])
        documents = None if size is None else set(rng.sample(names, size))
        limit = rng.choice([3, 20, 50])
        want = plain._match(match, documents, limit)
        assert fast._match(match, documents, limit) == want, (match, documents, limit)
        # the passages read in the same query are those read after it, sentence by sentence
        # (a document's last sentence alone: the next one is another report's)
        assert fast._matched(match, documents, limit) == plain._matched(match, documents, limit)
        every = plain._match(match, documents, 100_000)
        ties += len(every) > limit and every[limit - 1][1] == every[limit][1]
        found += bool(want)
    assert found > 100 and ties > 5, (found, ties)  # the cut fell between equal ranks often
    assert fast._match('"the"', {"no-such-report.txt"}, 20) == []
    for query in ("domestic abuse", "stop and search", "missing children", "vetting"):
        some = set(names[: len(names) // 3])
        assert fast.search(query, some, 5) == plain.search(query, some, 5)


@pytest.mark.parametrize("which", ["shipped", "synthetic"])
def test_a_common_word_ranked_when_built_is_the_search_of_it(which, kb, synthetic_texts,
                                                              monkeypatch) -> None:
    """A word in TOP_FROM sentences or more has its best ones ranked when the index is built;
    a search of it alone over every report gives exactly what ranking them then gives, for
    every spelling the index reads as that word ("call", "calls")."""
    import bot.content.passages as passages

    monkeypatch.setattr(passages, "TOP_FROM", 40)
    texts = dict(kb.texts) if which == "shipped" else synthetic_texts
    fast, plain = PassageIndex.build(texts), Plain.build(texts)
    with fast._reading() as db:
        common = [w for (w,) in db.execute("SELECT w FROM common")]
        every = [w for (w,) in db.execute("SELECT w FROM word")]
    assert len(common) > 20
    assert which == "synthetic" or len(common) < len(every)  # the rare words are searched live
    for word in every:
        for limit in (3, 50):
            assert fast._match(f'"{word}"', None, limit) == plain._match(f'"{word}"', None, limit)
        assert fast._matched(f'"{word}" AND "the"', None, 50) == \
            plain._matched(f'"{word}" AND "the"', None, 50)
    for query in ("calls", "crime", "victims", "outcomes", "the force"):
        assert fast.search(query) == plain.search(query)
