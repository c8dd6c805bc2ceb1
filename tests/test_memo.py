"""Values kept per knowledge base (bot/ask/memo.py): a value in use is not given up because many
others were asked once (each `overdue recommendations 2014` keeps its narrowing)."""

from __future__ import annotations

from bot.ask import memo as memos
from bot.ask.memo import memo


def test_a_value_in_use_outlives_many_asked_once(kb) -> None:
    built: list[str] = []

    def timeline() -> str:
        built.append("timeline")
        return "the timeline"

    assert memo(kb, "test timeline", timeline) == "the timeline"
    for n in range(5 * memos.PER_KB):
        memo(kb, ("test narrowing", n), lambda n=n: n)
        assert memo(kb, "test timeline", timeline) == "the timeline"
    assert built == ["timeline"]
    # the ones asked once were given up: the memo stays bounded
    assert memo(kb, ("test narrowing", 0), lambda: "again") == "again"
