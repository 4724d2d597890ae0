"""Render stage: Blueprint -> DOT (`dot.py`, pure) -> Graphviz -> bytes (`engine.py`).

Writing files is the CLI's job (`sdiagram.cli.render_commands`); everything
here returns bytes.
"""

from __future__ import annotations

import os
from typing import Iterable

from .. import icons
from ..model import Blueprint
from .dot import DotOptions, Highlight, to_dot
from .engine import FORMATS, Rendered, RenderError, layout_and_render

# Past this many components Graphviz's network simplex and crossing
# minimisation dominate (measured: 500 components took 4-7 s with the full
# settings, 1,000 took 2 s with the bounded ones; bench/scale.py), and a
# diagram that size is read by zooming, not by following curves.
LARGE_GRAPH_COMPONENTS = 300

__all__ = [
    "FORMATS", "Highlight", "LARGE_GRAPH_COMPONENTS", "Rendered", "RenderError",
    "dot_options", "image_roots", "render", "render_formats", "to_dot",
]


def image_roots(blueprint: Blueprint) -> tuple[str, ...]:
    """The folders the icon names in a blueprint's DOT are relative to."""
    return (icons.diagrams_root(), os.path.dirname(os.path.abspath(blueprint.path)))


def dot_options(blueprint: Blueprint, highlights: Iterable[Highlight] = (), with_estimate: bool = False) -> DotOptions:
    """`with_estimate`: draw the estimate (load on edges, utilization, an SLO box)."""
    overlay = None
    if with_estimate:
        from ..estimation import estimate
        from .estimate_overlay import overlay as estimate_overlay

        overlay = estimate_overlay(estimate(blueprint))
    return DotOptions(
        highlights=tuple(highlights),
        large=len(blueprint.components) > LARGE_GRAPH_COMPONENTS,
        overlay=overlay,
    )


def render_formats(
    blueprint: Blueprint, formats: Iterable[str], highlights: Iterable[Highlight] = (), with_estimate: bool = False
) -> Rendered:
    """Lay the blueprint out once and render every format in `formats`."""
    formats = tuple(formats)
    unknown = [f for f in formats if f not in FORMATS]
    if unknown:
        raise RenderError(f"unknown format {unknown[0]!r}; choose from {', '.join(FORMATS)}")
    dot_text = to_dot(blueprint, dot_options(blueprint, highlights, with_estimate))
    return layout_and_render(dot_text, formats, image_roots(blueprint))


def render(blueprint: Blueprint, format: str = "svg", highlights: Iterable[Highlight] = ()) -> bytes:  # noqa: A002
    """One format as bytes: 'svg', 'png', 'pdf' or 'dot'."""
    return render_formats(blueprint, (format,), highlights).outputs[format]
