"""A figure in words a reader can trust: its qualifier, its direction, the difference with its
unit, and which way is better. Used by the Slack templates (as filters) and the briefing.

The words never claim more than the record: "more than 2,600" stays "more than", a range stays a
range, a fall is "fell by 3%" (never "a reduction of -3%"), an illegible value has no difference,
and a qualified value ("more than 50%") is not subtracted from anything.
"""

from __future__ import annotations

from bot.content.model import Figure
from bot.render.units import number, with_unit

QUALIFIER_WORDS = {"more_than": "more than", "at_least": "at least", "about": "about",
                   "fewer_than": "fewer than", "up_to": "up to"}
ILLEGIBLE = "not legible in the source"


def _abs_with_unit(value: float | int, f: Figure) -> str:
    return with_unit(abs(value), f.unit, f.unit_label)


def change_words(value: float | int | None, f: Figure) -> str:
    """A change in words: 'fell by 3%', 'rose by 11%', 'no change'."""
    if value is None:
        return ILLEGIBLE
    if value == 0:
        return "no change"
    return f"{'rose' if value > 0 else 'fell'} by {_abs_with_unit(value, f)}"


def value_words(f: Figure) -> str:
    """The force's value as the source states it."""
    if not f.legible:
        return ILLEGIBLE
    if f.range is not None:
        low, high = f.range
        return f"{number(low)} to {with_unit(high, f.unit, f.unit_label)}"
    if f.value is None:
        return ILLEGIBLE
    words = (change_words(f.value, f) if f.direction is not None
             else with_unit(f.value, f.unit, f.unit_label))
    qualifier = QUALIFIER_WORDS.get(f.qualifier or "")
    if qualifier:
        words = (words.replace(" by ", f" by {qualifier} ", 1) if f.direction
                 else f"{qualifier} {words}")
    return words


def comparator_words(f: Figure) -> str:
    ew = f.england_and_wales
    if ew is None:
        return "not given in the source"
    return change_words(ew, f) if f.direction is not None else with_unit(ew, f.unit, f.unit_label)


def _gap_unit(f: Figure, gap: float) -> str:
    """A difference carries its unit: percentages differ in percentage points."""
    if f.unit in ("percent", "percentage_points"):
        return f"{number(round(abs(gap), 6))} percentage point{'s' if abs(gap) != 1 else ''}"
    return _abs_with_unit(round(gap, 6), f)


def difference_words(f: Figure) -> str:
    """How far the force is from England and Wales, with the unit; '' when no exact difference
    can be given (no comparator, a value not legible, qualified or a range)."""
    gap = f.difference
    if gap is None or f.value is None or f.england_and_wales is None:
        return ""
    if gap == 0:
        return "the same as England and Wales"
    if f.direction is None:
        return f"{_gap_unit(f, gap)} {'higher' if gap > 0 else 'lower'} than England and Wales"
    value, ew = f.value, f.england_and_wales
    if value > 0 and ew > 0:
        return f"a rise {_gap_unit(f, gap)} {'larger' if gap > 0 else 'smaller'} than England and Wales's"
    if value < 0 and ew < 0:
        return f"a fall {_gap_unit(f, gap)} {'smaller' if gap > 0 else 'larger'} than England and Wales's"
    return f"{_gap_unit(f, gap)} apart"


def better_words(f: Figure) -> str:
    if f.better == "higher":
        return "higher is better"
    if f.better == "lower":
        return "lower is better"
    return ""


def no_difference_reason(f: Figure) -> str:
    """Why a figure with a comparator shows no difference."""
    if f.england_and_wales is None:
        return ""
    if not f.legible or (f.value is None and f.range is None):
        return "no difference can be given: the value is not legible in the source"
    if f.qualifier:
        return "no exact difference: the source does not give an exact value"
    return ""


FILTERS = {"figure_value": value_words, "figure_comparator": comparator_words,
           "figure_difference": difference_words, "figure_better": better_words,
           "figure_no_difference": no_difference_reason}
