"""Bar charts of figures against England and Wales that do not exaggerate.

Bars of one unit share one scale across the whole briefing (every percentage on the same axis,
every rate per 1,000 population on another), so 0.5% against 0.2% looks as small as it is. Each
chart is one unit, and each bar is labelled with its value, unit and period and says which way
is better where the record says so. Changes can be negative: the axis then has its zero inside.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from dataclasses import dataclass

from bot.ask.gaps import Gap
from bot.content.model import Figure
from bot.render.figures import better_words, comparator_words, value_words

CHART_WIDTH = 760  # px of the SVG viewBox
LABEL_WIDTH = 330  # the left column with the figure's label
BAR_AREA = 250  # the bars' width across the scale, lowest to highest value
LABEL_CHARS = 52  # a label wraps onto a second line rather than being cut
LINE = 12  # px between text lines
NO_BETTER = "which way is better is not recorded"  # said, so a reader does not assume
UNIT_WORDS = {"percent": "Percentages (one scale for every percentage in this briefing)",
              "percentage_points": "Percentage points",
              "per_1000_population": "Rates per 1,000 population (one scale)",
              "days": "Days", "hours": "Hours", "minutes": "Minutes", "count": "Counts",
              "pounds": "Pounds", "ratio": "Ratios"}


@dataclass(frozen=True)
class BarRow:
    gap: Gap
    value_text: str
    ew_text: str
    zero_x: float
    force_x: float
    force_w: float
    ew_x: float
    ew_w: float
    better: str  # "lower is better", or NO_BETTER when the record does not say
    y: int  # top of the row
    label_lines: list[str]

    @property
    def bar_y(self) -> int:
        """Bars sit level with the lines under the label."""
        return self.y + LINE * (len(self.label_lines) - 1)

    @property
    def figure(self) -> Figure:
        return self.gap.figure


@dataclass(frozen=True)
class UnitChart:
    unit_words: str
    scale_words: str  # "axis from 0 to 76"
    rows: list[BarRow]
    height: int


def _key(g: Gap) -> tuple[str, str | None]:
    return g.figure.unit, g.figure.unit_label if g.figure.unit == "other" else None


def _bounds(gaps: Sequence[Gap]) -> dict[tuple[str, str | None], tuple[float, float]]:
    out: dict[tuple[str, str | None], tuple[float, float]] = {}
    for g in gaps:
        lo, hi = out.get(_key(g), (0.0, 0.0))
        for v in (g.figure.value, g.figure.england_and_wales):
            if v is not None:
                lo, hi = min(lo, v), max(hi, v)
        out[_key(g)] = (lo, hi)
    return out


def _bar(zero: float, scale: float, value: float) -> tuple[float, float]:
    """(x, width) of a bar from the zero line."""
    width = abs(value) * scale
    return (round(zero - width if value < 0 else zero, 1), round(width, 1))


def charts(shown: Sequence[Gap], every: Sequence[Gap]) -> list[UnitChart]:
    """One chart per unit for the `shown` figures, each on the scale of that unit across
    `every` figure charted in the document."""
    bounds = _bounds(every)
    groups: dict[tuple[str, str | None], list[Gap]] = {}
    for g in shown:
        groups.setdefault(_key(g), []).append(g)
    out = []
    for key, gaps in groups.items():
        lo, hi = bounds[key]
        scale = BAR_AREA / ((hi - lo) or 1)
        zero = round(LABEL_WIDTH + (-lo) * scale, 1)
        rows = []
        y = 4
        for g in gaps:
            f = g.figure
            assert f.value is not None and f.england_and_wales is not None
            fx, fw = _bar(zero, scale, f.value)
            ex, ew = _bar(zero, scale, f.england_and_wales)
            lines = textwrap.wrap(f.label, LABEL_CHARS) or [f.label]
            rows.append(BarRow(g, value_words(f), comparator_words(f), zero, fx, fw, ex, ew,
                               better_words(f) or NO_BETTER, y, lines))
            y += LINE * (len(lines) + 2) + 14
        unit, label = key
        words = label.capitalize() if label else UNIT_WORDS.get(unit, unit)
        low = f"{lo:g}" if lo < 0 else "0"
        out.append(UnitChart(words, f"axis from {low} to {hi:g}", rows, y))
    return out
