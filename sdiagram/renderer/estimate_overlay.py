"""What `render --estimate` draws, computed from an Estimate (pure; dot.py draws it).

* each connection with load: its peak rate as a label line, and a pen width
  that grows with the logarithm of the load (1 pt for the least loaded, 5 pt
  for the most), so a 100x heavier edge is visibly, not absurdly, thicker;
* each component with a capacity: its utilization, green up to the headroom
  (70%), amber up to 100%, red beyond;
* an SLO box: peak traffic, each entry path's availability (nines) and
  latency, red when it misses the blueprint's `slo`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Mapping

from ..estimation import Estimate, numbers
from ..estimation import estimate as estimate_blueprint
from ..model import Blueprint, Connection
from .theme import Palette

GREEN = "#2CA02C"
AMBER = "#E8A317"
RED = "#D62728"
MIN_PEN = 1.0
MAX_PEN = 5.0


@dataclass(frozen=True)
class Note:
    """A line of text drawn in a colour (None: the theme's text colour); `width` is the pen width of an edge."""

    text: str
    color: str | None = None
    width: float = MIN_PEN


@dataclass(frozen=True)
class Overlay:
    nodes: Mapping[str, Note]  # component id -> utilization
    edges: Mapping[Connection, Note]  # a connection of the blueprint (or of one of its views) -> peak load
    box_title: str
    box: tuple[Note, ...]


def utilization_color(utilization: float, headroom: float) -> str:
    if utilization > 1:
        return RED
    return AMBER if utilization > headroom else GREEN


def pen_width(load: float, heaviest: float) -> float:
    """MIN_PEN..MAX_PEN, by log(1 + load) relative to the heaviest edge."""
    if load <= 0 or heaviest <= 0:
        return MIN_PEN
    return round(MIN_PEN + (MAX_PEN - MIN_PEN) * math.log1p(load) / math.log1p(heaviest), 2)


def box_rows(overlay: Overlay, colors: Palette) -> tuple[str, ...]:
    """The SLO box as a row of the graph label (`DotOptions.label_rows`)."""
    from .dot import framed_box, html_text

    cells = [f'<font point-size="12" color="{note.color or colors.text}">{html_text(note.text)}</font>'
             for note in overlay.box]
    return (framed_box(overlay.box_title, cells, colors),)


def overlay_for(blueprint: Blueprint) -> Overlay:
    """The estimate of the whole blueprint, to draw on it or on any of its views."""
    return overlay(estimate_blueprint(blueprint), blueprint)


def overlay(estimate: Estimate, blueprint: Blueprint) -> Overlay:
    nodes = {
        c.id: Note(f"{numbers.percent(c.utilization)} busy", utilization_color(c.utilization, estimate.headroom))
        for c in estimate.components
        if c.utilization is not None
    }
    heaviest = max((c.load for c in estimate.connections), default=0.0)
    edges = {
        connection: Note(f"{numbers.short(c.load)}/s", width=pen_width(c.load, heaviest))
        for connection, c in zip(blueprint.connections, estimate.connections)
        if c.load > 0
    }
    return Overlay(nodes, edges, "Estimate", _box(estimate))


def _box(estimate: Estimate) -> tuple[Note, ...]:
    lines = []
    if estimate.traffic is not None:
        traffic = estimate.traffic
        lines.append(Note(f"peak {numbers.rate(traffic.peak_qps)} ({numbers.rate(traffic.peak_reads)} reads, "
                          f"{numbers.rate(traffic.peak_writes)} writes)"))
    slo = estimate.slo
    if slo is not None and (slo.availability is not None or slo.latency_ms is not None):
        parts = []
        if slo.availability is not None:
            parts.append(f"{numbers.availability(slo.availability)} ({numbers.nines_text(slo.availability)})")
        if slo.latency_ms is not None:
            parts.append(numbers.milliseconds(slo.latency_ms))
        lines.append(Note("SLO: " + ", ".join(parts)))
    missed = set(map(id, estimate.below_availability_slo + estimate.over_latency_slo))
    for path in estimate.paths:
        lines.append(Note(
            f"{path.client} → {path.entry}: {numbers.availability(path.availability)} "
            f"({numbers.nines_text(path.availability)}), {numbers.milliseconds(path.latency_ms)}",
            RED if id(path) in missed else None,
        ))
    if not estimate.paths:
        lines.append(Note("no client entry paths"))
    return tuple(lines)
