"""Compile stage: positioned YAML values -> a validated `Blueprint`.

The format is declared by one field table per section, and everything that
knows about keys reads those tables: the compiler's checks and "did you mean"
suggestions, `sdiagram schema` (JSON Schema) and `docs/blueprint.md`.

    section             table                          module
    top level           document.TOP_LEVEL_FIELDS      document.py
    traffic:            settings.TRAFFIC_FIELDS        settings.py
    placement:          settings.PLACEMENT_FIELDS      settings.py
    lint:               settings.LINT_FIELDS           settings.py
    components.<id>     components.COMPONENT_FIELDS    components.py
    groups.<id>         components.GROUP_FIELDS        components.py
    connection options  connections.CONNECTION_FIELDS  connections.py

Readers (readers.py) turn one YAML value into a Python value or report it:
Text, Identifier, Boolean, Integer, Quantity, Ratio, Choice, Url, Icon,
Suppressions, RuleNames, and `fields.Section` for a nested mapping with a
table of its own. Each also gives its JSON Schema.

Adding a key is one row plus one model field:

1. add a field with a default to the model class in `sdiagram/model.py`
   (e.g. `Component.cost_per_month: float | None = None`);
2. add a row to the section's table, named like the key; `attr=` when the
   model field is named differently, `default=` equal to the model's default:

       Field("cost_per_month", Quantity(0), help="Monthly cost in USD.",
             example="cost_per_month: 1200"),

The value then reaches the model, unknown-key suggestions know it, and the
schema and reference page show it (`make docs` regenerates the checked-in
schema and docs/blueprint.md; tests fail while they are stale). Checks that
involve several keys (a tech's default for `managed`, `replication` only with
replicas >= 2) stay in the section's module, after the table is read.

Every problem is collected with its position, so a blueprint with five
mistakes reports five. The only I/O is through `icons.check_icon`, which looks
at custom icon files next to the blueprint.
"""

from __future__ import annotations

import os

from ..diagnostics import BlueprintError
from ..model import Blueprint
from ..sourcefile import max_file_size
from ..yamlsource import load_yaml_file
from .document import FORMAT_VERSION, TOP_LEVEL_FIELDS, compile_blueprint

__all__ = ["FORMAT_VERSION", "TOP_LEVEL_FIELDS", "BlueprintError", "compile_blueprint", "load", "max_file_size"]


def load(path: str | os.PathLike[str], max_bytes: int | None = None) -> Blueprint:
    """Read, parse and compile a blueprint file; raises BlueprintError with every problem."""
    path = os.fspath(path)
    document, problems = load_yaml_file(path, max_file_size() if max_bytes is None else max_bytes)
    return compile_blueprint(document, path, problems)
