"""Answers over the shipped content: the questions a chief officer asks first, answered
correctly and with sources. Dates are passed in, never read from the clock."""

from __future__ import annotations

import datetime as dt
import json

from click.testing import CliRunner

from bot.cli import cli
from bot.render.answer import answer
from bot.render.blocks import check_message, to_message

AS_OF = dt.date(2026, 11, 23)


def ask(kb, renderer, text: str, as_of: dt.date = AS_OF) -> str:
    return answer(kb, renderer, text, as_of).text


def test_judgments_2016_grades_every_core_question(kb, renderer) -> None:
    text = ask(kb, renderer, "judgments 2016")
    assert "*Protecting vulnerable people*: Requires improvement" in text
    assert "*Investigating crime*: Good" in text
    assert "*Specialist capabilities*: Not graded" in text
    assert "published 2 March 2017" in text
    assert "002 line" in text  # every grade cites its source line


def test_judgments_2017_marks_grades_carried_forward_from_2016(kb, renderer) -> None:
    text = ask(kb, renderer, "judgments 2017")
    assert "*Investigating crime*: Good — carried forward from 2016 (not inspected in 2017)" in text


def test_year_forms_all_find_2021_22(kb, renderer) -> None:
    answers = {ask(kb, renderer, f"judgments {y}") for y in ("2021/22", "2021-22", "2022")}
    latest = ask(kb, renderer, "judgments latest")
    assert len(answers) == 1
    # `latest` says how the date picked it, then gives the same answer.
    assert latest.startswith("_Latest as of") and latest.endswith(next(iter(answers)))
    (text,) = answers
    assert "*Preventing crime and anti-social behaviour*: Inadequate" in text
    assert "Five-tier scale" in text


def test_area_shows_one_area_across_every_inspection_with_the_scale_change(kb, renderer) -> None:
    text = ask(kb, renderer, "area investigation")
    for year in ("2014", "2016", "2017", "2021/22"):
        assert f"*{year}*:" in text
    assert "five-tier scale adds *adequate*" in text


def test_overdue_lists_the_2016_action_plan_and_keeps_undatable_deadlines(kb, renderer) -> None:
    text = ask(kb, renderer, "overdue")
    assert "*cle-2016-rec-01*" in text and "“by 1 May 2017” → 1 May 2017" in text
    # 2014 deadlines run from a publication date no source states: listed, never dropped.
    assert "Deadlines that cannot be dated yet" in text
    assert "*cle-2014-rec-03*" in text and "no publication date is recorded" in text


def test_overdue_respects_as_of(kb, renderer) -> None:
    before = ask(kb, renderer, "overdue", dt.date(2017, 4, 24))
    assert "*cle-2016-rec-01*" not in before.split("cannot be dated")[0]
    due = ask(kb, renderer, "due 30 days", dt.date(2017, 4, 24))
    assert "*cle-2016-rec-01*" in due and "due in 7 days" in due


def test_closed_findings_are_not_overdue(kb, renderer) -> None:
    closed = [f for f in kb.findings if f.status == "closed"]
    assert closed, "the 2017 report addressed a 2016 finding"
    text = ask(kb, renderer, "overdue")
    for f in closed:
        assert f"*{f.id}*" not in text


def test_what_hmic_asked_for_by_1_may_2017_and_whether_it_was_done(kb, renderer) -> None:
    text = ask(kb, renderer, "show cle-2016-rec-01")
    assert "action plan" in text and "“by 1 May 2017”" in text
    assert "“by 1 June 2017”" in text  # the report, part (a)
    assert "no update recorded" in text  # no source says it was done: we say so


def test_asb_rate_against_england_and_wales(kb, renderer) -> None:
    text = ask(kb, renderer, "figures anti-social behaviour 2014")
    assert "76.5 per 1,000 population" in text and "England and Wales: 36.8" in text
    # `asb` is a synonym: the same figures, whatever the header repeats back.
    assert ask(kb, renderer, "figures asb 2014").split("\n")[1:] == text.split("\n")[1:]


def test_crime_recording_accuracy_2021_22_with_confidence_interval(kb, renderer) -> None:
    text = ask(kb, renderer, "figures crime recording 2021/22")
    assert "96.4%" in text and "Confidence interval: 94.4 to 98.4%" in text


def test_illegible_figure_is_said_not_guessed(kb, renderer) -> None:
    illegible = [f for f in kb.figures if not f.legible]
    assert illegible
    text = ask(kb, renderer, f"show {illegible[0].id}")
    assert "not legible in the source" in text


def test_search_tolerates_typos(kb, renderer) -> None:
    assert "multi-agency safeguarding hub" in ask(kb, renderer, "search safegaurding hub")


def test_search_says_which_words_no_item_holds(kb, renderer) -> None:
    # A word no recorded item holds is said so, with the close words searched for instead,
    # rather than the items those matched being listed as if they were what was asked.
    text = ask(kb, renderer, "search zebra crossings")
    assert "No recorded item holds “zebra”." in text
    assert "No recorded item holds “crossing”; searched for “closing” instead." in text
    typo = ask(kb, renderer, "search safegaurding hub")
    assert "No recorded item holds “safegaurding”; searched for “safeguarding” instead." in typo
    assert "“hub”" not in typo  # a word items hold is not mentioned
    assert "No recorded item holds" not in ask(kb, renderer, "search domestic abuse")


def test_unknown_id_suggests_close_ids(kb, renderer) -> None:
    text = ask(kb, renderer, "show cle-2016-rec-1")
    assert "Nothing has the id" in text and "`cle-2016-rec-01`" in text


def test_every_answer_is_a_valid_slack_payload(kb, renderer) -> None:
    for question in ("help", "judgments 2016", "judgments latest", "area vulnerability",
                     "overdue", "due 365 days", "figures", "figures asb", "search domestic abuse",
                     "show cle-2016-rec-01", "responses 2016", "digest", "nonsense words"):
        rendered = answer(kb, renderer, question, AS_OF)
        from bot.render.blocks import paginate
        for page in range(1, len(paginate(rendered)) + 1):
            payload = to_message(rendered, command=question, page=page)
            assert check_message(payload) == [], question


def test_long_answers_page_rather_than_truncate(kb, renderer) -> None:
    rendered = answer(kb, renderer, "figures", AS_OF)
    first = to_message(rendered, command="figures", page=1)
    assert "more on the next page" in json.dumps(first)
    from bot.render.blocks import paginate
    pages = paginate(rendered)
    shown = sum(1 for p in pages for c in p.chunks if c.item_id)
    assert shown == len(kb.figures)  # every figure is on some page


def test_ask_json_prints_the_exact_slack_payload() -> None:
    result = CliRunner().invoke(cli, ["ask", "overdue", "--as-of", "2026-11-23", "--format", "json"])
    assert result.exit_code == 0, result.output
    payload = json.loads(result.output)
    assert set(payload) == {"response_type", "text", "blocks"}
    assert payload["response_type"] == "ephemeral"
    assert check_message(payload) == []


def test_ask_bad_date_is_a_clean_error() -> None:
    result = CliRunner().invoke(cli, ["ask", "overdue", "--as-of", "yesterday"])
    assert result.exit_code != 0 and "Traceback" not in result.output
    assert "is not a date in the form YYYY-MM-DD" in result.output


def test_calendar_explains_subscribing_without_leaking_a_token(kb, renderer) -> None:
    text = ask(kb, renderer, "calendar", dt.date(2017, 4, 24))
    assert "Subscribe from web" in text and "calendar.ics?token=" in text
    assert "*cle-2016-rec-01*" in text  # the next dated deadline on that date


def test_overdue_by_owner_id_or_role_words(mini_kb) -> None:
    """Owners are typed as their id (`head-of-crime`) or their role words (`head of crime`)."""
    from bot.render.templating import build_env
    from bot.render.text import Renderer

    r = Renderer(build_env(), mini_kb)
    by_id = answer(mini_kb, r, "overdue head-of-crime", dt.date(2026, 1, 1)).text
    by_words = answer(mini_kb, r, "overdue head of crime", dt.date(2026, 1, 1)).text
    assert "*tst-2016-afi-01*" in by_id
    assert by_id.split("\n")[1:] == by_words.split("\n")[1:]
