"""How the estimate writes numbers: rates, sizes, percentages, durations.

Shared by the reports, the lint messages and the drawing, so that a figure
reads the same everywhere.
"""

from __future__ import annotations

import math

from .result import downtime_hours_per_year, nines


HUGE = 1e15  # past this, figures are written 1.2e+18: the digits mean nothing


def count(value: float) -> str:
    """69,444 / 12.5 / 0.25: thousands separated, small values with decimals."""
    if value >= HUGE:
        return f"{value:.3g}"
    if value >= 100 or value == 0:
        return f"{value:,.0f}"
    if value >= 10:
        return f"{value:.1f}".rstrip("0").rstrip(".")
    return f"{value:.2f}".rstrip("0").rstrip(".")


def rate(value: float) -> str:
    return f"{count(value)}/s"


def short(value: float) -> str:
    """50k, 1.2M, 900: for capacities and edge labels."""
    for limit, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "k")):
        if value >= limit:
            scaled = value / limit
            text = f"{scaled:.1f}" if scaled < 10 else f"{scaled:.0f}"
            return text.removesuffix(".0") + suffix
    return count(value)


def size(value: float) -> str:
    """Bytes in decimal units: 500 B, 69.4 MB, 1.8 PB."""
    if value >= HUGE * 1000:
        return f"{value / 1e15:.3g} PB"
    for limit, unit in ((1e15, "PB"), (1e12, "TB"), (1e9, "GB"), (1e6, "MB"), (1e3, "KB")):
        if value >= limit:
            scaled = value / limit
            text = f"{scaled:.1f}" if scaled < 100 else f"{scaled:.0f}"
            return f"{text.removesuffix('.0')} {unit}"
    return f"{value:.0f} B"


def percent(fraction: float) -> str:
    """A utilization: 52%, 7.5%, <0.1%."""
    value = fraction * 100
    if value == 0:
        return "0%"
    if value < 0.1:
        return "<0.1%"
    return f"{value:.0f}%" if value >= 10 else f"{value:.1f}%".replace(".0%", "%")


def share(fraction: float) -> str:
    """A traffic share to three significant figures: 50%, 99.9%, 0.0999%."""
    return f"{fraction * 100:.3g}%"


def availability(fraction: float) -> str:
    """99.9975%: at most four decimals, cut (never rounded up to look better);
    `>99.9999%` past that (1 − 0.005^20 is exactly 1.0 as a float)."""
    if fraction > 0.999999:
        return ">99.9999%"
    value = math.floor(fraction * 100 * 10_000 + 1e-6) / 10_000
    return f"{value:.4f}".rstrip("0").rstrip(".") + "%"


def nines_text(fraction: float) -> str:
    return f"{nines(fraction):.1f} nines"


def duration(hours: float) -> str:
    """8.8 h / 52.6 min / 32 s."""
    if hours >= 24 * 2:
        return f"{hours / 24:.1f} days"
    if hours >= 1:
        return f"{hours:.1f} h"
    if hours * 60 >= 1:
        return f"{hours * 60:.1f} min"
    return f"{hours * 3600:.0f} s"


def downtime(fraction: float) -> str:
    """'8.8 h/year, 43.8 min/month'."""
    per_year = downtime_hours_per_year(fraction)
    return f"{duration(per_year)}/year, {duration(per_year / 12)}/month"


def milliseconds(value: float) -> str:
    if value < 1:
        return f"{value:.2g} ms"
    if value >= 100:
        return f"{value:,.0f} ms"
    return f"{value:.1f}".removesuffix(".0") + " ms"
