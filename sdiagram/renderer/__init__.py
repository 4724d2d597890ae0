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
from .engine import FORMATS, Rendered, RenderError

# Past this many components Graphviz's network simplex and crossing
# minimisation dominate (measured: 500 components took 4-7 s with the full
# settings, 1,000 took 2 s with the bounded ones; bench/scale.py), and a
# diagram that size is read by zooming, not by following curves. The large
# layout is planned in `large.py`.
LARGE_GRAPH_COMPONENTS = 300

__all__ = [
    "FORMATS", "Highlight", "LARGE_GRAPH_COMPONENTS", "Rendered", "RenderError",
    "check_custom_icons", "dot_options", "image_roots", "render", "render_formats", "to_dot",
]


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


def dot_options(blueprint: Blueprint, highlights: Iterable[Highlight] = ()) -> DotOptions:
    return DotOptions(
        highlights=tuple(highlights),
        large=len(blueprint.components) > LARGE_GRAPH_COMPONENTS,
    )


def render_formats(
    blueprint: Blueprint, formats: Iterable[str], highlights: Iterable[Highlight] = ()
) -> Rendered:
    """Lay the blueprint out once and render every format in `formats`.

    The layout runs in a child process (see `batch.layout_in_child`): a crash of
    Graphviz raises RenderError here rather than ending the interpreter.
    """
    from .batch import layout_in_child

    formats = tuple(formats)
    unknown = [f for f in formats if f not in FORMATS]
    if unknown:
        raise RenderError(f"unknown format {unknown[0]!r}; choose from {', '.join(FORMATS)}")
    check_custom_icons(blueprint)
    dot_text = to_dot(blueprint, dot_options(blueprint, highlights))
    return layout_in_child(dot_text, formats, image_roots(blueprint))


def render(blueprint: Blueprint, format: str = "svg", highlights: Iterable[Highlight] = ()) -> bytes:  # noqa: A002
    """One format as bytes: 'svg', 'png', 'pdf' or 'dot'."""
    return render_formats(blueprint, (format,), highlights).outputs[format]
