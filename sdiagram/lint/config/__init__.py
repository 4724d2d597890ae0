"""Lint configuration: where settings come from and how they combine.

Sources, from lowest to highest precedence:

1. **project config**: `.sdiagram.yaml` (`lint:` key) or `pyproject.toml`
   (`[tool.sdiagram.lint]`), the first found walking up from the blueprint's
   folder;
2. **the blueprint's `lint:` block** (`Blueprint.lint`);
3. **command-line flags** `--select`, `--ignore`, `--fail-on`.

How they combine (the ruff model):

- *Selection*: start from every rule. Each source in turn: a `select` replaces
  the selection made so far; an `ignore` list (project config, `--ignore`)
  then removes rules from it. SD000 and SD001 always run.
- *Severity and options* (`rules: {name: {severity: ..., option: ...}}`): the
  blueprint overrides the project config key by key.
- *Suppressions*: a component's `ignore: {rule: reason}` and the blueprint's
  `lint.ignore: {rule: reason}` keep the rule running but mark its findings
  suppressed (they stay in JSON and SARIF output). A reason is required.
- *fail-on*: `--fail-on`, else the project's `fail-on`, else `error`.

Problems in the blueprint's settings become SD001 findings at their
position; problems in project config or flags raise `ConfigError` (a usage
error, exit status 2).

The package follows that split (as flake8 separates reading its config from
its decision engine):

- `discovery`: finding and reading project config files (bounded reads,
  unknown keys and misplaced tables are errors with did-you-mean);
- `layers`: one source's settings checked into a `ConfigLayer` (project
  config, command line) and the per-rule option schema;
- `selection`: combining the layers with the blueprint's own `lint:` block
  into the `EffectiveConfig` one lint run uses.
"""

from __future__ import annotations

from .discovery import PROJECT_FILES, find_project_config, load_project_config, project_config_for
from .layers import (
    FAIL_ON_CHOICES,
    PROJECT_KEYS,
    ConfigError,
    ConfigLayer,
    check_option,
    check_severity,
    command_line_layer,
    layer_from_mapping,
    options_doc,
    parse_fail_on,
)
from .selection import ConfigProblem, EffectiveConfig, Suppressions, resolve_config

__all__ = [
    "FAIL_ON_CHOICES", "PROJECT_FILES", "PROJECT_KEYS", "ConfigError", "ConfigLayer", "ConfigProblem",
    "EffectiveConfig", "Suppressions", "check_option", "check_severity", "command_line_layer",
    "find_project_config", "layer_from_mapping", "load_project_config", "options_doc", "parse_fail_on",
    "project_config_for", "resolve_config",
]
