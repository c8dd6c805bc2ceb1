"""Plain-English questions: the question reader (question -> command text) and the answers the
real pipeline gives on the shipped content, scored over the question set in tests/questions/
(tuning.yaml, and the held-out quarter in heldout.yaml, written first and not read while
tuning). bench/bench_questions.py prints the same scores by kind."""

from __future__ import annotations

import datetime as dt

import pytest
import questionset
from conftest import TODAY
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.ask import reader
from bot.ask.years import take_year
from bot.render.answer import answer

AS_OF = dt.date(2017, 4, 24)

# The measured shares on the shipped content when this was written (tuning 98%, held-out
# 91% of the questions today's commands can answer), less a margin for honest wobble. Questions
# marked `needs: 10` wait for the reachability issue's `findings` command and report passages;
# they are scored (and printed by the bench) but not held to a floor here.
FLOORS = {"tuning": 0.93, "heldout": 0.85}


def first(kb, question: str, as_of: dt.date = AS_OF, **kw) -> str:
    return reader.read(kb, question, as_of, **kw)[0].command


# --- years ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("text,year,latest", [
    ("grades 2016", "2016", False), ("the 2016/17 report", "2016/17", False),
    ("judgments 2021-22", "2021/22", False), ("judgments 21/22", "2021/22", False),
    ("what did we get last year", "2016", False), ("this year", "2017", False),
    ("the latest grades", "", True), ("the most recent inspection", "", True),
    ("how good are we now", "", True), ("what had to be done by March 2015", "", False),
    ("ASB in the 12 months to March 2014", "", False),
])
def test_years_in_every_form_relative_to_the_as_of_date(text, year, latest):
    """Years as people write them; "last year" is the year before the as-of date; a year in a
    date ("by March 2015") is part of the date, not the inspection asked about."""
    ref, _ = take_year(text, AS_OF)
    assert (ref.year, ref.latest) == (year, latest)


# --- readings: question -> command text ------------------------------------------------------

@pytest.mark.parametrize("question,command", [
    ("What grade did Cleveland get for investigating offending in 2014?",
     "judgments 2014 investigation"),
    ("how good are we at protecting vulnerable people", "judgments latest vulnerability"),
    ("vulnerabilty grade 2016", "judgments 2016 vulnerability"),
    ("how did we do on anti social behavior in 2014", "judgments 2014 anti social behaviour"),
    ("investgation 2017", "judgments 2017 investigation"),
    ("which areas are inadequate", "judgments latest inadequate"),
    ("has investigation improved since 2016", "area investigation"),
    ("what was the ASB rate in 2014", "figures asb 2014"),
    ("due in 60 days", "due 60"),
    ("what is due next month", "due 30"),
    ("what is overdue on vulnerability", "overdue vulnerability"),
    ("What did the PCC say about the 2016 report?", "responses 2016"),
    ("When was the 2016 report published?", "show cle-2016-effectiveness"),
    ("Which recommendations had a three-month deadline?", "search within three months"),
    # plain English is not "corrected" into the knowledge base's words ("getting" -> "vetting")
    ("are we getting better at protecting vulnerable people", "area vulnerability"),
    ("has the domestic abuse referral finding been addressed", "show cle-2016-afi-04"),
    ("what does PEEL stand for", "search peel"),
    ("What does THRIVE mean?", "search thrive"),
    ("meaning of MASH", "search mash"),
    ("when is the next digest", "digest"),
    ("when do reminders go out", "digest"),  # not "remainder"
    ("what is due in the next six months", "due 183"),  # a window, not "within six months"
    ("did the force improve between 2014 and 2016 on investigation", "area investigation"),
])
def test_questions_read_as_the_commands_a_user_would_type(kb, question, command):
    assert first(kb, question) == command


@pytest.mark.parametrize("question,command", [
    ("how many recommendations did the 2014 report make", "findings recommendations 2014"),
    ("Were there any causes of concern in 2016?", "findings causes of concern 2016"),
    ("list the 2017 AFIs", "findings areas for improvement 2017"),
    ("How many areas for improvement were there in 2017?", "findings areas for improvement 2017"),
    ("CoCs in the latest report", "findings causes of concern latest"),
    ("recs 2021/22", "findings recommendations 2021/22"),
    ("areas for improvement on protecting vulnerable people in 2016",
     "findings areas for improvement 2016 vulnerability"),
    ("which recommendations are still open", "findings recommendations"),
    ("which recommendations remain open on investigation", "findings recommendations investigation"),
])
def test_findings_questions_read_as_the_findings_command(kb, question, command):
    """Kinds with their abbreviations and plurals read as `findings KIND YEAR AREA` (the
    reachability issue's command; until it is there the answer falls back to the next
    reading)."""
    assert first(kb, question) == command


def test_what_an_acronym_stands_for_is_the_reports_own_expansion(kb, renderer):
    """The passage that spells the term out comes first, whichever side of the brackets the
    term is on, and the answer does not say it could not place the question."""
    peel = answer(kb, renderer, "what does PEEL stand for", TODAY).text
    quotes = peel.split("From the reports", 1)[1]
    assert quotes.index("legitimacy (PEEL)") < quotes.index("_PEEL")  # the first passage
    thrive = answer(kb, renderer, "what does THRIVE mean", TODAY).text
    assert "THRIVE (threat, harm, risk, investigation, vulnerability, engagement)" in thrive
    assert "couldn’t place" not in thrive and "couldn’t place" not in peel


def test_what_do_i_own_is_the_askers_mapped_owner(mini_kb):
    """"What do I own" answers for the owner role mapped to the asker's Slack user."""
    assert first(mini_kb, "what do I own?", asker="U0CRIME") == "overdue head-of-crime"
    unmapped = reader.read(mini_kb, "what do I own?", AS_OF, asker="U0NOBODY")[0]
    assert unmapped.message == "no-owner"


# --- answers through the pipeline ----------------------------------------------------------------

def test_an_answer_to_a_question_says_how_it_was_understood(kb, renderer):
    result = answer(kb, renderer, "What grade did we get for investigating offending in 2014?",
                    AS_OF)
    assert result.text.startswith("_Understood as_ `judgments 2014 investigation`")
    assert "*Investigating crime*: Good" in result.text
    assert result.reading == "judgments 2014 investigation" and result.answered


def test_a_command_is_still_a_command(kb, renderer):
    result = answer(kb, renderer, "overdue", AS_OF)
    assert "Understood as" not in result.text and not result.question


def test_an_unsure_reading_offers_the_next_two(kb, renderer):
    """Words that could be a grade or a topic: the answer says what it took them as and offers
    the next likely readings."""
    result = answer(kb, renderer, "prevention 2016", AS_OF)
    assert result.reading.startswith("judgments 2016")
    assert 1 <= len(result.alternatives) <= 2
    assert result.reading not in result.alternatives


def test_a_question_it_cannot_place_gets_one_line_not_the_help(kb, renderer):
    result = answer(kb, renderer, "what is the meaning of life xyzzy", AS_OF)
    assert "couldn’t place" in result.text and "Ask about grades" in result.text
    assert "How to use /inspection" not in result.text and not result.answered


def test_the_illegible_figure_is_never_one_percent(kb, renderer):
    text = answer(kb, renderer, "what share of domestic abuse investigations were high risk",
                  TODAY).text
    assert "not legible in the source" in text
    assert "high risk: 1%" not in text


# --- the question set ----------------------------------------------------------------------------

def test_the_question_set_is_big_enough_and_a_quarter_is_held_out():
    tuning, heldout = questionset.load("tuning"), questionset.load("heldout")
    assert len(tuning) + len(heldout) >= 300
    assert len(heldout) >= 0.25 * (len(tuning) + len(heldout))


@pytest.mark.parametrize("half", ["tuning", "heldout"])
def test_question_set_share_answered_right(kb, renderer, half):
    """Over the real pipeline on the shipped content: the share of the questions today's
    commands can answer that come back right, against an honest floor; and no answer ever
    says a trap (an invented grade, the illegible figure as 1%)."""
    questions = questionset.load(half)
    answers = {q: answer(kb, renderer, q.q, q.as_of).text for q in questions}
    scores = questionset.score(questions, lambda q: answers[q])
    now = scores["now"]
    assert now.share >= FLOORS[half], (now.share, now.misses if hasattr(now, "misses") else None,
                                       scores["all"].misses)
    sprung = [q.q for q in questions for trap in q.must_not
              if questionset._has(questionset._norm(answers[q]), trap)]
    assert not sprung, sprung


# --- robustness ----------------------------------------------------------------------------------

WORDS = st.sampled_from(["what", "grade", "2016", "21/22", "last year", "asb", "overdue", "due",
                         "in", "60", "days", "recs", "AFI", "CoC", "how many", "<!here>", "&",
                         "vulnerabilty", "show", "me", "?", "é", "cle-2016-rec-01", "latest"])


@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.one_of(st.text(max_size=80), st.lists(WORDS, max_size=8).map(" ".join)))
def test_any_text_gets_an_answer_and_nothing_raw_comes_back(kb, renderer, text):
    """Whatever is typed, the pipeline answers (never raises), and nothing typed comes back
    as a live Slack mention."""
    result = answer(kb, renderer, text, AS_OF)
    assert result.chunks or result.summary
    assert "<!" not in result.text and "<@" not in result.text


def test_questions_over_many_forces(tmp_path):
    """With several forces recorded, a question still reads as its command, and a force named
    in it ("Avon and Somerset") is not taken for topic words."""
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
    try:
        synthetic = pytest.importorskip("synthetic")
    finally:
        sys.path.pop(0)
    from bot.content.loader import load

    synthetic.generate(tmp_path / "kb", forces=3, inspections=2, findings=5, figures=5)
    kb = load(tmp_path / "kb")
    assert len(kb.forces) == 3
    name = kb.forces[0].name
    readings = reader.read(kb, f"how good is {name} at protecting vulnerable people", TODAY)
    assert readings[0].command == "judgments latest vulnerability"
    assert all(name.lower() not in r.command for r in readings)
