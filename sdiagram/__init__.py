"""sdiagram: architecture diagrams as code.

    >>> import sdiagram
    >>> blueprint = sdiagram.load("blueprints/chat.yaml")
    >>> blueprint = sdiagram.loads("components:\n  api: {kind: service}\n")
    >>> svg = sdiagram.render(blueprint, "svg")
    >>> sdiagram.estimate(blueprint).traffic.peak_qps

The pipeline, one module or subpackage per stage:
yamlsource (load) -> compiler (typed model) -> lint (rules) -> renderer (DOT -> Graphviz -> bytes) -> cli.

The names below are imported on first use, so that `sdiagram --help` or a
cached re-render does not pay for the YAML parser or the model.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

_EXPORTS = {
    "load": "compiler",
    "loads": "loading",
    "Blueprint": "model",
    "Component": "model",
    "Connection": "model",
    "Group": "model",
    "BlueprintError": "diagnostics",
    "Diagnostic": "diagnostics",
    "Span": "diagnostics",
}

__all__ = ["render", "estimate", "__version__", *_EXPORTS]

if TYPE_CHECKING:
    from .compiler import load
    from .diagnostics import BlueprintError, Diagnostic, Span
    from .estimation import Estimate
    from .loading import loads
    from .model import Blueprint, Component, Connection, Group


def render(blueprint: "Blueprint", format: str = "svg", **options: Any) -> bytes:  # noqa: A002
    """Render a blueprint to bytes in one format: 'svg', 'png', 'pdf', 'dot', 'mermaid' or 'drawio'.

    `theme="dark"` or `"auto"` (an SVG that follows prefers-color-scheme) changes the colours.
    """
    from .renderer import render as render_blueprint

    return render_blueprint(blueprint, format, **options)


def estimate(blueprint: "Blueprint") -> "Estimate":
    """The back-of-envelope estimate of a blueprint: traffic, load and utilization per
    component, availability and latency per client entry path (docs/estimate.md)."""
    from .estimation import estimate as estimate_blueprint

    return estimate_blueprint(blueprint)


def __dir__() -> list[str]:
    return sorted(__all__)


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        value = getattr(importlib.import_module(f".{_EXPORTS[name]}", __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'sdiagram' has no attribute {name!r}")
