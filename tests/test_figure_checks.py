"""`validate` enforces what a figure must say: a label a person would write, a fall recorded as
a fall, a range recorded as a range, and a superseding figure that exists and measures the same
thing; each problem is one `file:line:col` line with a hint."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.content import loader
from bot.errors import ContentInvalid

FIGURE = """  - id: tst-2016-asb-rate
    label: Anti-social behaviour incidents per 1,000 population
    value: 76.5
"""


def _problems(mini_dir: Path, replacement: str, extra: str = "") -> list[str]:
    path = mini_dir / "2016.yaml"
    text = path.read_text()
    assert FIGURE in text
    path.write_text(text.replace(FIGURE, replacement) + extra)
    with pytest.raises(ContentInvalid) as info:
        loader.load(mini_dir, strict=True)
    return [str(p) for p in info.value.problems]


@pytest.mark.parametrize(("label", "why"), [
    ("anti-social behaviour incidents", "starts with a capital"),
    ("Anti-social behaviour has shown a reduction of", "does not end with 'of'"),
    ("In the year ending 31 March 2021, 4,155 repeat caller incidents were recorded.",
     "without a full stop"),
    ("Cleveland Police is recording 96.4 percent (with a confidence interval of +/- 2.0 "
     "percent) of all reported crime", "at most 80 characters"),
])
def test_a_sentence_fragment_is_not_a_label(mini_dir, label, why) -> None:
    problems = _problems(mini_dir, FIGURE.replace(
        "Anti-social behaviour incidents per 1,000 population", f'"{label}"'))
    [p] = [p for p in problems if ".label:" in p]
    assert why in p and "2016.yaml:41:" in p and "printed" in p


def test_a_negative_value_needs_direction_fall(mini_dir) -> None:
    problems = _problems(mini_dir, FIGURE.replace("value: 76.5", "value: -3"))
    assert any("a negative value is a fall: add 'direction: fall'" in p for p in problems)


def test_direction_must_agree_with_the_sign(mini_dir) -> None:
    problems = _problems(mini_dir, FIGURE.replace("value: 76.5", "value: 3\n    direction: fall"))
    assert any("a fall is recorded as a negative value" in p for p in problems)


def test_a_range_needs_its_qualifier_and_no_single_value(mini_dir) -> None:
    problems = _problems(mini_dir, FIGURE.replace(
        "value: 76.5", "value: 80\n    range: {low: 60, high: 80}"))
    assert any("a range needs both 'qualifier: range'" in p for p in problems)
    assert any("a range has no single value" in p for p in problems)


def test_superseded_by_names_a_figure_of_the_same_unit(mini_dir) -> None:
    problems = _problems(mini_dir, FIGURE + "    superseded_by: tst-2016-nothing\n")
    assert any("unknown figure 'tst-2016-nothing'" in p for p in problems)


def test_a_qualified_value_shows_no_exact_difference(mini_dir) -> None:
    path = mini_dir / "2016.yaml"
    path.write_text(path.read_text().replace("value: 76.5", "value: 76.5\n    qualifier: more_than"))
    kb = loader.load(mini_dir, strict=True)
    fig = kb.index["figure"]["tst-2016-asb-rate"]
    from bot.render.figures import difference_words, no_difference_reason, value_words

    assert value_words(fig) == "more than 76.5 per 1,000 population"
    assert fig.difference is None and difference_words(fig) == ""
    assert no_difference_reason(fig) == "no exact difference: the source does not give an exact value"
