"""Render stage: Blueprint -> DOT (`dot.py`, pure) -> Graphviz -> bytes (`engine.py`).

Exports from the same model: `mermaid.py` needs no layout; `drawio.py` is
built from the Graphviz layout. `theme.py` holds the colour themes.

Writing files is the CLI's job (`sdiagram.cli.render_commands`); everything
here returns bytes.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import TYPE_CHECKING, Iterable, Mapping

from .. import icons
from ..model import Blueprint
from .batch import LayoutJob, LayoutOutcome, default_workers, run_layouts
from .candidates import (
    LAYOUT_MODES, Scored, choose, pinned_variant, recorded_variant, score, variants_for, with_variant,
)
from .dot import DotOptions, Highlight, to_dot
from .engine import FORMATS, Rendered, RenderError, engine_name
from .theme import THEMES, palette

if TYPE_CHECKING:
    from .estimate_overlay import Overlay

# Past this many components Graphviz's network simplex and crossing
# minimisation dominate (measured: 500 components took 4-7 s with the full
# settings, 1,000 took 2 s with the bounded ones; bench/scale.py), and a
# diagram that size is read by zooming, not by following curves. The large
# layout is planned in `large.py`.
LARGE_GRAPH_COMPONENTS = 300

# What a user can ask for.
OUTPUT_FORMATS = ("svg", "png", "pdf", "dot", "mermaid", "drawio")

__all__ = [
    "FORMATS", "Highlight", "LARGE_GRAPH_COMPONENTS", "LAYOUT_MODES", "LayoutChoice", "OUTPUT_FORMATS", "Rendered",
    "RenderError", "THEMES", "candidate_jobs", "check_custom_icons", "choose_layout", "dot_options", "finish",
    "image_roots", "layout_formats", "pick_layout", "recorded_variant", "render", "render_formats", "to_dot",
    "without_layout",
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
    key: str, blueprint: Blueprint, options: DotOptions, outcomes: Mapping[str, LayoutOutcome], mode: str = "best",
    previous: str | None = None,
) -> LayoutChoice:
    """Score the candidates' outcomes (job key -> outcome) and keep the best, or
    the `previous` render's variant unless the best is much better (`candidates.choose`)."""
    variants = variants_for(blueprint, options, mode)
    scored = []
    for variant in variants:
        outcome = outcomes.get(f"{key}\0{variant.name}")
        metrics = outcome.rendered.metrics if outcome is not None and outcome.rendered is not None else None
        scored.append(Scored(variant, metrics, score(metrics) if metrics is not None else float("inf")))
    chosen = choose(scored, previous) if scored else Scored(variants[0], None, float("inf"))
    chosen_options = with_variant(options, chosen.variant)
    return LayoutChoice(chosen_options, to_dot(blueprint, chosen_options), tuple(scored))


def choose_layout(
    blueprint: Blueprint,
    options: DotOptions,
    mode: str = "best",
    workers: int | None = None,
    timeout: float | None = None,
    previous: str | None = None,
) -> LayoutChoice:
    """Lay out the candidate variants (in parallel child processes) and keep the
    best; `previous`: the variant the previous render drew (`candidates.recorded_variant`)."""
    jobs = candidate_jobs("", blueprint, options, mode)
    if jobs:
        engine_name()  # import the engine once, before the children are forked
    outcomes = {job.key: outcome for job, outcome in run_layouts(jobs, workers or default_workers(), timeout)}
    return pick_layout("", blueprint, options, outcomes, mode, previous)


def image_roots(blueprint: Blueprint) -> tuple[str, ...]:
    """The folders the icon names in a blueprint's DOT are relative to."""
    return (icons.diagrams_root(), os.path.dirname(os.path.abspath(blueprint.path)))


def check_custom_icons(blueprint: Blueprint) -> None:
    """Raise RenderError when the blueprint's custom icons together are too large to draw."""
    base_dir = os.path.dirname(os.path.abspath(blueprint.path))
    files = {
        icons.component_icon(component, base_dir).file
        for component in blueprint.components.values()
        if component.icon and not icons.is_class_path(component.icon)
    }
    problem = icons.custom_icons_problem(files)
    if problem:
        raise RenderError(problem)


def dot_options(
    blueprint: Blueprint,
    highlights: Iterable[Highlight] = (),
    theme: str = "light",
    outlines: Mapping[str, str] | None = None,
    overlay: "Overlay | None" = None,
) -> DotOptions:
    """`highlights` are listed in a legend; `outlines` maps a component id to the
    severity it is outlined with (see `sdiagram.lint.component_severities`);
    `overlay` is the estimate to draw (`estimate_overlay.overlay_for(blueprint)`)."""
    colors = palette(theme)
    rows: tuple[str, ...] = ()
    if overlay is not None:
        from .estimate_overlay import box_rows

        rows = box_rows(overlay, colors)
    return DotOptions(
        variant=pinned_variant(blueprint),
        highlights=tuple(highlights),
        outlines=dict(outlines or {}),
        large=len(blueprint.components) > LARGE_GRAPH_COMPONENTS,
        palette=colors,
        label_rows=rows,
        overlay=overlay,
    )


def layout_formats(formats: Iterable[str]) -> tuple[str, ...]:
    """What Graphviz has to produce for `formats`: draw.io is built from the
    layout's JSON; Mermaid needs no layout at all."""
    wanted = ("json0" if fmt == "drawio" else fmt for fmt in formats if fmt != "mermaid")
    return tuple(dict.fromkeys(wanted))


def without_layout(blueprint: Blueprint, formats: Iterable[str]) -> dict[str, bytes]:
    """The outputs made from the model alone (Mermaid)."""
    if "mermaid" not in formats:
        return {}
    from .mermaid import to_mermaid

    return {"mermaid": to_mermaid(blueprint).encode("utf-8")}


def finish(
    formats: Iterable[str], laid_out: dict[str, bytes], model_outputs: dict[str, bytes],
    roots: tuple[str, ...], theme: str = "light",
) -> dict[str, bytes]:
    """The requested outputs, from Graphviz's (`laid_out`) and the model's own."""
    outputs: dict[str, bytes] = {}
    for fmt in formats:
        if fmt == "drawio":
            from .drawio import from_layout

            outputs[fmt] = from_layout(laid_out["json0"], roots)
        elif fmt == "svg":
            from .theme import style_svg

            outputs[fmt] = style_svg(laid_out[fmt], theme)
        else:
            outputs[fmt] = model_outputs[fmt] if fmt in model_outputs else laid_out[fmt]
    return outputs


def render_formats(
    blueprint: Blueprint,
    formats: Iterable[str],
    highlights: Iterable[Highlight] = (),
    theme: str = "light",
    outlines: Mapping[str, str] | None = None,
    layout: str = "best",
    measure: bool = False,
    with_estimate: bool = False,
    previous: str | None = None,
) -> Rendered:
    """Choose the layout (`layout`: 'best' of the candidates, or the 'fast' first
    one) and render every format in `formats` from it; `measure` adds its metrics;
    `with_estimate` draws the estimate (peak load on edges, utilization, an SLO box);
    `previous` names the variant the previous render drew, kept unless the best
    scores much better (`candidates.recorded_variant` reads it from that output).

    Every layout runs in a child process (see `batch.layout_in_child`): a crash
    of Graphviz raises RenderError here rather than ending the interpreter.
    """
    from .batch import layout_in_child

    formats = tuple(formats)
    unknown = [f for f in formats if f not in OUTPUT_FORMATS]
    if unknown:
        raise RenderError(f"unknown format {unknown[0]!r}; choose from {', '.join(OUTPUT_FORMATS)}")
    if theme not in THEMES:
        raise RenderError(f"unknown theme {theme!r}; choose from {', '.join(THEMES)}")
    if layout not in LAYOUT_MODES:
        raise RenderError(f"unknown layout {layout!r}; choose from {', '.join(LAYOUT_MODES)}")
    check_custom_icons(blueprint)
    overlay = None
    if with_estimate:
        from .estimate_overlay import overlay_for

        overlay = overlay_for(blueprint)
    choice = choose_layout(blueprint, dot_options(blueprint, highlights, theme, outlines, overlay), layout,
                           previous=previous)
    roots = image_roots(blueprint)
    laid_out = layout_in_child(choice.dot_text, layout_formats(formats), roots, measure)
    outputs = finish(formats, laid_out.outputs, without_layout(blueprint, formats), roots, theme)
    return Rendered(outputs, laid_out.warnings, laid_out.metrics)


def render(
    blueprint: Blueprint,
    format: str = "svg",  # noqa: A002
    highlights: Iterable[Highlight] = (),
    theme: str = "light",
    outlines: Mapping[str, str] | None = None,
) -> bytes:
    """One format as bytes: 'svg', 'png', 'pdf', 'dot', 'mermaid' or 'drawio'."""
    return render_formats(blueprint, (format,), highlights, theme, outlines).outputs[format]
