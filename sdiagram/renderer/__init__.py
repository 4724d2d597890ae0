"""Render stage: Blueprint -> DOT (`dot.py`, pure) -> Graphviz -> bytes (`engine.py`).

Writing files is the CLI's job (`sdiagram.cli.render_commands`); everything
here returns bytes.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Iterable, Mapping

from .. import icons
from ..model import Blueprint
from .batch import LayoutJob, LayoutOutcome, default_workers, run_layouts
from .candidates import LAYOUT_MODES, Scored, choose, score, variants_for, with_variant
from .dot import DotOptions, Highlight, to_dot
from .engine import FORMATS, Rendered, RenderError, engine_name, layout_and_render

# Past this many components Graphviz's network simplex and crossing
# minimisation dominate (measured: 500 components took 4-7 s with the full
# settings, 1,000 took 2 s with the bounded ones; bench/scale.py), and a
# diagram that size is read by zooming, not by following curves.
LARGE_GRAPH_COMPONENTS = 300

__all__ = [
    "FORMATS", "Highlight", "LARGE_GRAPH_COMPONENTS", "LAYOUT_MODES", "LayoutChoice", "Rendered", "RenderError",
    "candidate_jobs", "choose_layout", "dot_options", "image_roots", "pick_layout", "render", "render_formats", "to_dot",
]


@dataclass(frozen=True)
class LayoutChoice:
    """The layout variant drawn for a blueprint, and how every candidate scored."""

    options: DotOptions
    dot_text: str
    scored: tuple[Scored, ...] = ()


def candidate_jobs(key: str, blueprint: Blueprint, options: DotOptions, mode: str = "best") -> list[LayoutJob]:
    """One measure-only layout job per candidate variant (none when there is only one)."""
    variants = variants_for(blueprint, options, mode)
    if len(variants) < 2:
        return []
    roots = image_roots(blueprint)
    return [
        LayoutJob(f"{key}\0{variant.name}", to_dot(blueprint, with_variant(options, variant)), (), roots, measure=True)
        for variant in variants
    ]


def pick_layout(
    key: str, blueprint: Blueprint, options: DotOptions, outcomes: Mapping[str, LayoutOutcome], mode: str = "best"
) -> LayoutChoice:
    """Score the candidates' outcomes (job key -> outcome) and keep the best."""
    variants = variants_for(blueprint, options, mode)
    scored = []
    for variant in variants:
        outcome = outcomes.get(f"{key}\0{variant.name}")
        metrics = outcome.rendered.metrics if outcome is not None and outcome.rendered is not None else None
        scored.append(Scored(variant, metrics, score(metrics) if metrics is not None else float("inf")))
    chosen = choose(scored) if scored else Scored(variants[0], None, float("inf"))
    chosen_options = with_variant(options, chosen.variant)
    return LayoutChoice(chosen_options, to_dot(blueprint, chosen_options), tuple(scored))


def choose_layout(
    blueprint: Blueprint,
    options: DotOptions,
    mode: str = "best",
    workers: int | None = None,
    timeout: float | None = None,
) -> LayoutChoice:
    """Lay out the candidate variants (in parallel child processes) and keep the best."""
    jobs = candidate_jobs("", blueprint, options, mode)
    if jobs:
        engine_name()  # import the engine once, before the children are forked
    outcomes = {job.key: outcome for job, outcome in run_layouts(jobs, workers or default_workers(), timeout)}
    return pick_layout("", blueprint, options, outcomes, mode)


def image_roots(blueprint: Blueprint) -> tuple[str, ...]:
    """The folders the icon names in a blueprint's DOT are relative to."""
    return (icons.diagrams_root(), os.path.dirname(os.path.abspath(blueprint.path)))


def dot_options(blueprint: Blueprint, highlights: Iterable[Highlight] = ()) -> DotOptions:
    return DotOptions(
        highlights=tuple(highlights),
        large=len(blueprint.components) > LARGE_GRAPH_COMPONENTS,
    )


def render_formats(
    blueprint: Blueprint,
    formats: Iterable[str],
    highlights: Iterable[Highlight] = (),
    layout: str = "best",
    measure: bool = False,
) -> Rendered:
    """Choose the layout (`layout`: 'best' of the candidates, or the 'fast' first
    one) and render every format in `formats` from it; `measure` adds its metrics."""
    formats = tuple(formats)
    unknown = [f for f in formats if f not in FORMATS]
    if unknown:
        raise RenderError(f"unknown format {unknown[0]!r}; choose from {', '.join(FORMATS)}")
    if layout not in LAYOUT_MODES:
        raise RenderError(f"unknown layout {layout!r}; choose from {', '.join(LAYOUT_MODES)}")
    choice = choose_layout(blueprint, dot_options(blueprint, highlights), layout)
    return layout_and_render(choice.dot_text, formats, image_roots(blueprint), measure)


def render(blueprint: Blueprint, format: str = "svg", highlights: Iterable[Highlight] = ()) -> bytes:  # noqa: A002
    """One format as bytes: 'svg', 'png', 'pdf' or 'dot'."""
    return render_formats(blueprint, (format,), highlights).outputs[format]
