"""Which figures are furthest from England and Wales, by a distance that respects the unit.

Used by the briefing's charts and App Home's "Furthest from England and Wales", so both pick the
same figures. A relative difference is not used: 0.5% against 0.2% is "150% above" and would
lead, while a 20-point gap in how domestic abuse cases end would not appear.

- Percentages (and percentage points) are compared in percentage points; a gap under
  `MIN_POINTS` is not a finding.
- Rates and other measures are compared by the rate ratio (the larger over the smaller), only
  when the absolute gap is at least `MIN_RATIO_GAP` of the England and Wales value and both are
  above zero.
- The score puts both on one scale: `POINTS_PER_DOUBLING` percentage points count as much as a
  rate twice England and Wales's (log2 of the ratio).

Never chosen: a figure without a comparator (a count of activity), one whose value is not
legible, qualified ("more than 50%") or a range, and an earlier value superseded by a later one.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

from bot.content.model import Figure

MIN_POINTS = 2.0  # percentage points
MIN_RATIO_GAP = 0.10  # a rate at least 10% of the England and Wales rate away
POINTS_PER_DOUBLING = 10.0  # 10 percentage points score as much as a doubled rate
PERCENT_UNITS = ("percent", "percentage_points")


@dataclass(frozen=True)
class Gap:
    figure: Figure
    score: float  # comparable across units; larger is further from England and Wales
    words: str  # "19.6 percentage points higher", "2.5 times the England and Wales rate"

    @property
    def above(self) -> bool:
        return (self.figure.value or 0) > (self.figure.england_and_wales or 0)

    @property
    def worse(self) -> bool | None:
        """True when the force is on the worse side (None: which way is better is not clear)."""
        if self.figure.better is None:
            return None
        return self.above == (self.figure.better == "lower")


def gap(f: Figure) -> Gap | None:
    """How far one figure is from England and Wales, or None when it cannot be said fairly."""
    value, ew = f.value, f.england_and_wales
    if (value is None or ew is None or not f.legible or f.qualifier or f.range
            or f.superseded_by):
        return None
    diff = value - ew
    if f.unit in PERCENT_UNITS:
        if abs(diff) < MIN_POINTS:
            return None
        points = round(abs(diff), 1)
        side = "higher" if diff > 0 else "lower"
        words = (f"{points:g} percentage points apart from England and Wales's change"
                 if f.direction else f"{points:g} percentage points {side} than England and Wales")
        return Gap(f, abs(diff) / POINTS_PER_DOUBLING, words)
    if value <= 0 or ew <= 0 or abs(diff) < MIN_RATIO_GAP * ew:
        return None
    ratio = max(value, ew) / min(value, ew)
    words = (f"{ratio:.1f} times the England and Wales figure" if diff > 0
             else f"England and Wales is {ratio:.1f} times the force's figure")
    return Gap(f, math.log2(ratio), words)


def furthest(figures: Iterable[Figure], limit: int, order: dict[str, int] | None = None) -> list[Gap]:
    """The `limit` figures furthest from England and Wales; later inspections first on ties."""
    order = order or {}
    gaps = [g for g in (gap(f) for f in figures) if g is not None]
    gaps.sort(key=lambda g: (-round(g.score, 6), -order.get(g.figure.inspection, 0), g.figure.id))
    return gaps[:limit]
