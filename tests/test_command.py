"""The slash-command parser forgives case, plurals, year forms and synonyms, and turns what it
cannot understand into a helpful error, never an exception."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.ask.command import Query, parse
from bot.errors import CommandError


@pytest.mark.parametrize(("text", "expected"), [
    ("", Query("help")),
    ("HELP", Query("help")),
    ("judgments 2016", Query("judgments", year="2016")),
    ("Judgements 2021/22", Query("judgments", year="2021/22")),
    ("grades 2021-22 investigation", Query("judgments", year="2021/22", words="investigation")),
    ("judgments investigation 2021–22", Query("judgments", year="2021/22", words="investigation")),
    ("judgments 21/22", Query("judgments", year="2021/22")),
    ("judgments latest", Query("judgments", latest=True)),
    ("judgments 2022", Query("judgments", year="2022")),
    ("overdue", Query("overdue")),
    ("overdue  vulnerable   people", Query("overdue", words="vulnerable people")),
    ("due", Query("due", days=30)),
    ("due 14 days", Query("due", days=14)),
    ("due 2 weeks", Query("due", days=14)),
    ("figures anti-social behaviour 2016", Query("figures", year="2016", words="anti-social behaviour")),
    ("Figure ASB", Query("figures", words="ASB")),
    ("show cle-2016-rec-01", Query("show", words="cle-2016-rec-01")),
    ("cle-2016-rec-01", Query("show", words="cle-2016-rec-01")),
    ("search safeguarding hub", Query("search", words="safeguarding hub")),
    ("digest", Query("digest")),
])
def test_parse(text: str, expected: Query) -> None:
    assert parse(text) == expected


def test_unknown_command_suggests_the_closest() -> None:
    with pytest.raises(CommandError) as err:
        parse("jugdments 2016")
    assert err.value.suggestion == "judgments"
    assert "jugdments" in err.value.message


def test_commands_that_need_words_say_so() -> None:
    with pytest.raises(CommandError, match="needs an id"):
        parse("show")


def test_absurd_window_is_refused() -> None:
    with pytest.raises(CommandError, match="too far ahead"):
        parse("due 99999 days")


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=80))
def test_fuzzed_text_parses_or_raises_a_command_error(text: str) -> None:
    try:
        assert isinstance(parse(text), Query)
    except CommandError as exc:
        assert exc.message
