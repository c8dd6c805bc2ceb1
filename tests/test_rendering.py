"""Rendering: content and typed text are escaped for Slack, answers never crash, and the
terminal shows the same answer without Slack markup."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.content import loader
from bot.render.answer import answer
from bot.render.blocks import check_message, paginate, split_text, to_message
from bot.render.templating import build_env, slack_escape
from bot.render.terminal import to_terminal
from bot.render.text import Renderer

AS_OF = dt.date(2026, 11, 23)
NASTY = ["<!channel>", "<!here>", "<@U123>", "<https://evil.example|click>", "&", "<!everyone>"]


def _shown_text(node) -> list[str]:
    """Every string Slack displays: `text` values (button `value`s are never shown)."""
    if isinstance(node, dict):
        out = [node["text"]] if isinstance(node.get("text"), str) else []
        return out + [t for k, v in node.items() if k != "value" for t in _shown_text(v)]
    if isinstance(node, list):
        return [t for v in node for t in _shown_text(v)]
    return []


def _assert_no_raw_markup(payload: dict) -> None:
    blob = "\n".join(_shown_text(payload))
    for token in ("<!channel>", "<!here>", "<@U123>", "<https://evil", "<!everyone>"):
        assert token not in blob


def test_typed_text_comes_back_escaped(kb, renderer) -> None:
    for bad in NASTY:
        for question in (f"search {bad}", f"show {bad}", f"figures {bad}", bad, f"area {bad}"):
            payload = to_message(answer(kb, renderer, question, AS_OF), command=question)
            _assert_no_raw_markup(payload)
            assert check_message(payload) == []


def test_content_text_comes_back_escaped(mini_dir: Path) -> None:
    path = mini_dir / "2016.yaml"
    text = path.read_text().replace("The force should improve safeguarding referrals.",
                                    "Tell <!channel> & <@U123> to <https://evil.example|click>.")
    path.write_text(text)
    kb = loader.load(mini_dir)
    renderer = Renderer(build_env(), kb)
    payload = to_message(answer(kb, renderer, "show tst-2016-afi-01", AS_OF))
    _assert_no_raw_markup(payload)
    assert "Tell &lt;!channel&gt; &amp; &lt;@U123&gt;" in "\n".join(_shown_text(payload))


def test_escape_is_slacks_three_characters_only() -> None:
    assert slack_escape("a & b < c > d \"e\" 'f'") == "a &amp; b &lt; c &gt; d \"e\" 'f'"


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(max_size=60), st.integers(min_value=0, max_value=5))
def test_fuzzed_questions_always_give_a_valid_payload(kb, renderer, text: str, page: int) -> None:
    for question in (text, f"search {text}", f"figures {text}", f"overdue {text}"):
        rendered = answer(kb, renderer, question, AS_OF)
        payload = to_message(rendered, command=question, page=page)
        assert check_message(payload) == []


@settings(max_examples=100, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=9000))
def test_split_text_never_exceeds_the_section_limit(text: str) -> None:
    assert all(len(part) <= 3000 for part in split_text(text))


def test_pages_cover_every_chunk_once(kb, renderer) -> None:
    rendered = answer(kb, renderer, "figures", AS_OF)
    pages = paginate(rendered)
    items = [c.item_id for p in pages for c in p.chunks if c.item_id]
    assert len(items) == len(set(items)) == len(kb.figures)


def test_terminal_rendering_drops_slack_markup(kb, renderer) -> None:
    out = to_terminal(answer(kb, renderer, "judgments 2016", AS_OF), color=False)
    assert "Protecting vulnerable people: Requires improvement" in out
    assert "&amp;" not in out and "*" not in out
