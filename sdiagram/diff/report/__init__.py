"""Reporters: diff results -> text, JSON or Markdown (a PR comment / job summary).

Each module has `render(diffs) -> str` for a sequence of `BlueprintDiff`s (one
per blueprint compared), in the order given.
"""

from __future__ import annotations

import json as _json
from typing import Any, Sequence

from ..estimate import FIGURE_NAMES, figure_text
from ..model import ADDED, CHANGED, REMOVED, RENAMED, BlueprintDiff, ElementChange, EstimateChange

FORMATS = ("text", "json", "markdown")
STATUSES = (ADDED, REMOVED, CHANGED, RENAMED)
_PLAIN = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-./:@+")


def flow(value: Any) -> str:
    """A value as YAML flow text: 3, true, none, redis, "two words", [a, b], {rule: reason}."""
    if value is None:
        return "none"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return f"{value:,}" if isinstance(value, int) and abs(value) >= 10_000 else str(value)
    if isinstance(value, str):
        return value if value and set(value) <= _PLAIN else _json.dumps(value, ensure_ascii=False)
    if isinstance(value, dict):
        return "{" + ", ".join(f"{flow(k)}: {flow(v)}" for k, v in value.items()) + "}"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(flow(v) for v in value) + "]"
    return str(value)


def element_title(change: ElementChange) -> str:
    """`component cache`, `component chatx (was chat)`."""
    renamed = f" (was {change.old_id})" if change.status == RENAMED else ""
    return f"{change.element} {change.id}{renamed}"


def counts(diffs: Sequence[BlueprintDiff]) -> dict[str, int]:
    """Totals over every blueprint: elements per status, findings introduced / resolved / open."""
    totals = {status: sum(d.count(status) for d in diffs) for status in STATUSES}
    totals["settings"] = sum(len(d.settings) for d in diffs)
    totals["introduced"] = sum(len(d.introduced) for d in diffs)
    totals["resolved"] = sum(len(d.resolved) for d in diffs)
    totals["open"] = sum(d.open_findings for d in diffs)
    return totals


def change_phrase(totals: dict[str, int]) -> str:
    """'2 added, 1 removed, 3 changed' (elements and settings), or 'no changes'."""
    parts = [f"{totals[s]} {s}" for s in (ADDED, REMOVED, RENAMED) if totals[s]]
    changed = totals[CHANGED] + totals["settings"]
    if changed:
        parts.insert(2 if len(parts) >= 2 else len(parts), f"{changed} changed")
    return ", ".join(parts) if parts else "no changes"


def findings_phrase(totals: dict[str, int]) -> str:
    parts = [f"{totals[what]} {what}" for what in ("introduced", "resolved") if totals[what]]
    if not parts:
        return "no new findings"
    noun = "finding" if totals["introduced" if totals["introduced"] else "resolved"] == 1 else "findings"
    first, *rest = parts
    count, what = first.split(" ", 1)
    return ", ".join([f"{count} {noun} {what}", *rest])


def plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def estimate_title(change: EstimateChange) -> str:
    """`overall`, `component api`, `path client -> lb`."""
    return "overall" if change.element == "overall" else f"{change.element} {change.id}"


def estimate_phrase(change: EstimateChange, arrow: str = "->", missing: str = "none") -> str:
    """'load 1,157/s -> 2,314/s, utilization 52% -> 26%': figures as the estimate writes them."""
    return ", ".join(
        f"{FIGURE_NAMES[f.figure]} {figure_text(f.figure, f.old) or missing} {arrow} {figure_text(f.figure, f.new) or missing}"
        for f in change.figures)
