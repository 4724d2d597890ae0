"""sdiagram: architecture diagrams as code.

    >>> import sdiagram
    >>> blueprint = sdiagram.load("blueprints/chat.yaml")
    >>> svg = sdiagram.render(blueprint, "svg")

The pipeline, one module or subpackage per stage:
yamlsource (load) -> compiler (typed model) -> lint (rules) -> render (DOT -> Graphviz -> bytes) -> cli.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .compiler import load
from .diagnostics import BlueprintError, Diagnostic, Span
from .model import Blueprint, Component, Connection, Group

__version__ = "0.1.0"

__all__ = [
    "Blueprint", "BlueprintError", "Component", "Connection", "Diagnostic", "Group", "Span",
    "load", "render", "__version__",
]

if TYPE_CHECKING:
    from .renderer import render
else:
    def render(blueprint: Blueprint, format: str = "svg", **options):  # noqa: A002
        """Render a blueprint to bytes in one format ('svg', 'png', 'pdf', 'dot')."""
        from .renderer import render as _render

        return _render(blueprint, format, **options)
