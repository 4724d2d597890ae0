"""Lint stage: architecture rules over a compiled `Blueprint`.

    >>> from sdiagram.lint import lint_blueprint
    >>> findings = lint_blueprint(blueprint)          # tuple[Finding, ...], sorted
    >>> [(f.code, f.rule, f.severity.value, f.components) for f in findings if not f.suppressed]

`component_severities(findings)` gives the worst unsuppressed severity per
blamed component (for outlining components on a diagram).

`lint_blueprint` applies the blueprint's own `lint:` settings and
suppressions; pass `project=` / `command_line=` layers (see `config`) for
project config and flags. `lint_file` also loads the file, discovers project
config and turns validation errors into SD000 findings.

Nothing here imports Graphviz or `diagrams`.
"""

from __future__ import annotations

from .config import ConfigError, ConfigLayer, command_line_layer, find_project_config, load_project_config, project_config_for
from .engine import FileResult, lint_blueprint, lint_file
from .findings import Finding, Severity, Suppressed, component_severities

__all__ = [
    "ConfigError", "ConfigLayer", "FileResult", "Finding", "Severity", "Suppressed",
    "command_line_layer", "component_severities", "find_project_config", "lint_blueprint", "lint_file", "load_project_config",
    "project_config_for",
]
