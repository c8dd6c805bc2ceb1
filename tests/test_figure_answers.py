"""Figure answers say what the source says and no more, over the shipped content and the real
pipeline (`figures`, `show`)."""

from __future__ import annotations

import datetime as dt

from bot.render.answer import answer

AS_OF = dt.date(2026, 11, 23)


def ask(kb, renderer, text: str) -> str:
    return answer(kb, renderer, text, AS_OF).text


def test_a_fall_is_said_as_a_fall(kb, renderer) -> None:
    """Never "a reduction of: -3%", never a double negative in the difference."""
    text = ask(kb, renderer, "show cle-2016-asb-reduction-stated")
    value = next(line for line in text.splitlines() if line.startswith("Value:"))
    assert value == "Value: *fell by 3%*"
    text = ask(kb, renderer, "show cle-2016-asb-rate-change")
    assert "fell by 2%" in text and "England and Wales: fell by 8%" in text
    assert "a fall 6 percentage points smaller than England and Wales's" in text


def test_the_qualifier_the_source_states_is_kept(kb, renderer) -> None:
    assert "more than 2,600" in ask(kb, renderer, "show cle-2021-cdi-unrecorded-crimes")
    assert "more than 50%" in ask(kb, renderer, "show cle-2016-da-investigations-finalised-ed")
    assert "60 to 80" in ask(kb, renderer, "show cle-2016-rso-caseload-per-officer")
    text = ask(kb, renderer, "show cle-2021-repeat-caller-incidents-2021")
    assert text.splitlines()[0] == "*Repeat caller incidents*"


def test_a_difference_carries_its_unit_and_says_which_way_is_better(kb, renderer) -> None:
    text = ask(kb, renderer, "show cle-2016-da-outcome-ed-victim-not-support")
    assert "19.6 percentage points higher than England and Wales" in text
    assert "Lower is better" in text
    text = ask(kb, renderer, "show cle-2016-asb-incidents-rate")
    assert "45 per 1,000 population higher than England and Wales" in text


def test_an_illegible_value_shows_no_difference(kb, renderer) -> None:
    text = ask(kb, renderer, "show cle-2021-domestic-abuse-high-risk")
    assert "not legible in the source" in text
    assert "no difference can be given" in text and "percentage points" not in text


def test_an_earlier_value_says_it_is_superseded(kb, renderer) -> None:
    text = ask(kb, renderer, "show cle-2021-ohu-waiting-time")
    assert "more than 40 days" in text
    assert "Superseded" in text and "10 days" in text and "cle-2021-ohu-waiting-time-later" in text
    text = ask(kb, renderer, "show cle-2016-asb-incidents-rate-2015")
    assert "Superseded" in text and "76 per 1,000 population" in text


def test_counts_the_reports_state_in_prose_are_figures(kb, renderer) -> None:
    """Counts of orders, sites, sign-ups and offenders a reader asks about."""
    for question, value in (("figures serious crime prevention orders", "8"),
                            ("figures cleveland connected", "500"),
                            ("figures iom sites", "4"),
                            ("figures registered sex offenders", "676")):
        text = ask(kb, renderer, question)
        assert f": *{value}*" in text, (question, text[:400])
