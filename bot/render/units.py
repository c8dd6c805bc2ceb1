"""Numbers with their units, as people write them: 42,826; 12.5%; £143; 8.1 per 1,000 households."""

from __future__ import annotations

UNIT_SUFFIX = {
    "percent": "%",
    "percentage_points": " percentage points",
    "per_1000_population": " per 1,000 population",
    "pounds": "",
    "count": "",
    "ratio": "",
    "days": " days",
    "hours": " hours",
    "minutes": " minutes",
}


def number(value: float | int | None) -> str:
    if value is None:
        return "not legible in the source"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return f"{value:,}" if isinstance(value, int) else f"{value:,.10g}"


def with_unit(value: float | int | None, unit: str, unit_label: str | None = None) -> str:
    if value is None:
        return "not legible in the source"
    if unit == "pounds":
        return f"£{number(value)}"
    suffix = f" {unit_label}" if unit == "other" and unit_label else UNIT_SUFFIX.get(unit, "")
    return number(value) + suffix
