"""Estimate deltas: what an edit changes in the back-of-envelope estimate. Pure.

Only when both versions have `traffic:`. Per component: peak load (reads/s +
writes/s) and utilization where known; per client entry path, and overall (the
paths weighted by load) when there is more than one path: availability and
latency. A figure is reported when it changed materially: load and utilization
by more than 1% (relative), availability and latency by any change that shows
in the figure as written (the estimation package's number helpers,
`FIGURE_TEXT`). Old ids are read through renames.
"""

from __future__ import annotations

from typing import Callable, Iterable, Mapping

from ..estimation import ComponentEstimate, Estimate, estimate, numbers
from ..model import Blueprint
from .model import EstimateChange, FigureChange

MATERIAL = 0.01  # relative change of load and utilization worth a row
FIGURE_TEXT: dict[str, Callable[[float], str]] = {
    "load": numbers.rate,
    "utilization": numbers.percent,
    "availability": numbers.availability,
    "latency_ms": numbers.milliseconds,
}
FIGURE_NAMES = {"load": "load", "utilization": "utilization", "availability": "availability", "latency_ms": "latency"}
OVERALL = "all paths"


def figure_text(figure: str, value: float | None) -> str | None:
    """A figure as the estimate writes it (None: not known)."""
    return None if value is None else FIGURE_TEXT[figure](value)


def _material(figure: str, old: float | None, new: float | None) -> bool:
    if figure_text(figure, old) == figure_text(figure, new):
        return False
    if old is None or new is None or figure not in ("load", "utilization"):
        return True
    return abs(new - old) > MATERIAL * max(abs(old), abs(new))


def _changed(figures: Iterable[tuple[str, float | None, float | None]]) -> tuple[FigureChange, ...]:
    return tuple(FigureChange(name, old, new) for name, old, new in figures if _material(name, old, new))


def _component_figures(component: ComponentEstimate | None) -> dict[str, float | None]:
    if component is None:
        return {"load": None, "utilization": None}
    return {"load": component.load if component.load > 0 else None, "utilization": component.utilization}


def estimate_changes(old: Blueprint, new: Blueprint, mapping: Mapping[str, str] = {}
                     ) -> tuple[EstimateChange, ...] | None:
    """The estimate's material changes from `old` to `new`; None unless both have traffic."""
    if old.traffic is None or new.traffic is None:
        return None
    before, after = estimate(old), estimate(new)
    changes: list[EstimateChange] = []
    several = len(before.paths) > 1 or len(after.paths) > 1  # with one path, overall is that path
    overall = () if not several else _changed([("availability", before.availability, after.availability),
                        ("latency_ms", before.latency_ms, after.latency_ms)])
    if overall:
        changes.append(EstimateChange("overall", OVERALL, overall))
    old_components = {mapping.get(c.id, c.id): c for c in before.components}
    new_components = {c.id: c for c in after.components}
    for component_id in sorted({*old_components, *new_components}):
        was = _component_figures(old_components.get(component_id))
        now = _component_figures(new_components.get(component_id))
        figures = _changed((name, was[name], now[name]) for name in was)
        if figures:
            changes.append(EstimateChange("component", component_id, figures))
    old_paths = _paths(before, mapping)
    new_paths = _paths(after, {})
    for path_id in sorted({*old_paths, *new_paths}):
        was_path, now_path = old_paths.get(path_id), new_paths.get(path_id)
        figures = _changed((name, was_path[name] if was_path else None, now_path[name] if now_path else None)
                           for name in ("availability", "latency_ms"))
        if figures:
            changes.append(EstimateChange("path", path_id, figures))
    return tuple(changes)


def _paths(result: Estimate, mapping: Mapping[str, str]) -> dict[str, dict[str, float]]:
    return {f"{mapping.get(p.client, p.client)} -> {mapping.get(p.entry, p.entry)}":
            {"availability": p.availability, "latency_ms": p.latency_ms} for p in result.paths}
