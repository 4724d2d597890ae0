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
"""

from __future__ import annotations

import dataclasses
import functools
import os
import re
from dataclasses import dataclass, field
from typing import Any, Mapping, NamedTuple, Sequence

from ..diagnostics import Span, did_you_mean
from ..model import Blueprint, Suppression
from .findings import SEVERITY_NAMES, Severity
from .rule import Rule
from .rules import ALL_RULES, ALWAYS_ON, UnknownRule, lookup, resolve, unknown_rule_message

PROJECT_FILES = (".sdiagram.yaml", ".sdiagram.yml", "pyproject.toml")
PROJECT_KEYS = ("select", "ignore", "fail-on", "rules")
FAIL_ON_CHOICES = (*SEVERITY_NAMES, "never")
_TOOL_TABLE = r"^\s*\[\s*tool\s*\.\s*[\"']?sdiagram\b"
_TOOL_HEADER = r"^\s*\[\s*tool\s*\]"


class ConfigError(Exception):
    """Project configuration or command-line settings that cannot be used."""


@dataclass(frozen=True)
class ConfigLayer:
    """Settings from one source outside the blueprint (a project file, the command line).

    `rules` maps a rule code to its raw settings (`severity` and options),
    already checked against the rule's option schema.
    """

    source: str
    select: tuple[str, ...] | None = None
    ignore: tuple[str, ...] = ()
    fail_on: Severity | None = None
    fail_never: bool = False
    rules: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)


class ConfigProblem(NamedTuple):
    """A problem in the blueprint's own lint settings (becomes an SD001 finding)."""

    message: str
    span: Span | None


class Suppressions(NamedTuple):
    """Resolved suppressions: (rule code, suppression) per scope."""

    blueprint: tuple[tuple[str, Suppression], ...] = ()
    components: tuple[tuple[str, str, Suppression], ...] = ()  # (component id, code, suppression)


class EffectiveConfig(NamedTuple):
    """What one lint run of one blueprint uses."""

    enabled: frozenset[str]
    severities: Mapping[str, Severity]
    options: Mapping[str, Any]
    suppressions: Suppressions


# -- rule options ---------------------------------------------------------------


def check_option(rule: type[Rule], name: str, value: Any) -> tuple[Any, str | None]:
    """(converted value, None) or (None, problem) for one option of a rule."""
    fields = {f.name: f for f in rule.option_fields()}
    if name not in fields:
        if not fields:
            return None, f"rule {rule.name} has no options"
        return None, f"unknown option '{name}' for rule {rule.name}{did_you_mean(name, fields)}"
    spec = fields[name]
    default = spec.default
    expected = type(default)
    if expected is bool:
        ok = isinstance(value, bool)
    elif expected is int:
        ok = isinstance(value, int) and not isinstance(value, bool)
    elif expected is float:
        ok = isinstance(value, (int, float)) and not isinstance(value, bool)
        value = float(value) if ok else value
    elif expected is tuple:
        ok = isinstance(value, (list, tuple)) and all(isinstance(v, str) for v in value)
        value = tuple(value) if ok else value
    else:
        ok = isinstance(value, expected)
    if not ok:
        return None, f"option {rule.name}.{name} must be {_type_name(expected)}, not {value!r}"
    minimum = spec.metadata.get("min")
    if minimum is not None and value < minimum:
        return None, f"option {rule.name}.{name} must be at least {minimum}, not {value!r}"
    return value, None


def _type_name(kind: type) -> str:
    return {bool: "true or false", int: "a whole number", float: "a number", tuple: "a list of strings",
            str: "a string"}.get(kind, kind.__name__)


def check_severity(value: Any) -> tuple[Severity | None, str | None]:
    if isinstance(value, str):
        try:
            return Severity.parse(value), None
        except ValueError:
            pass
    hint = did_you_mean(str(value).lower(), SEVERITY_NAMES) if isinstance(value, str) else ""
    return None, f"severity must be one of {', '.join(SEVERITY_NAMES)}, not {value!r}{hint}"


def parse_fail_on(value: Any) -> tuple[Severity | None, bool]:
    """('error' | 'warning' | 'info' | 'never') -> (threshold, never). Raises ValueError."""
    if isinstance(value, str) and value.strip().lower() == "never":
        return None, True
    severity, problem = check_severity(value)
    if problem:
        raise ValueError(f"fail-on must be one of {', '.join(FAIL_ON_CHOICES)}, not {value!r}")
    return severity, False


# -- layers outside the blueprint -------------------------------------------------


def layer_from_mapping(data: Any, source: str) -> ConfigLayer:
    """A project-config `lint` table -> ConfigLayer; raises ConfigError listing every problem."""
    problems: list[str] = []
    if not isinstance(data, Mapping):
        raise ConfigError(f"{source}: the lint settings must be a table/mapping, not {type(data).__name__}")
    select: tuple[str, ...] | None = None
    ignore: tuple[str, ...] = ()
    fail_on: Severity | None = None
    never = False
    rules: dict[str, dict[str, Any]] = {}
    for key, value in data.items():
        normal = str(key).replace("_", "-")
        if normal == "select":
            select = _rule_list(value, "select", problems)
        elif normal == "ignore":
            # a list of rules, or a mapping rule -> reason (the reason is documentation)
            items = list(value) if isinstance(value, Mapping) else value
            ignore = _rule_list(items, "ignore", problems)
        elif normal == "fail-on":
            try:
                fail_on, never = parse_fail_on(value)
            except ValueError as error:
                problems.append(str(error))
        elif normal == "rules":
            if not isinstance(value, Mapping):
                problems.append("rules must be a table of rule -> settings")
                continue
            for reference, settings in value.items():
                rule = lookup(str(reference))
                if rule is None:
                    problems.append(f"rules: {unknown_rule_message(str(reference))}")
                    continue
                if not isinstance(settings, Mapping):
                    problems.append(f"rules.{reference} must be a table of settings")
                    continue
                checked: dict[str, Any] = {}
                for name, raw in settings.items():
                    if name == "severity":
                        severity, problem = check_severity(raw)
                        checked["severity"] = severity
                    else:
                        checked[name], problem = check_option(rule, str(name), raw)
                    if problem:
                        problems.append(f"rules.{reference}: {problem}")
                rules.setdefault(rule.code, {}).update(checked)
        else:
            problems.append(f"unknown key '{key}' in lint settings{did_you_mean(normal, PROJECT_KEYS)}")
    if problems:
        raise ConfigError("\n".join(f"{source}: {p}" for p in problems))
    return ConfigLayer(source, select, ignore, fail_on, never, rules)


def _rule_list(value: Any, what: str, problems: list[str]) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, (list, tuple)) or not all(isinstance(v, str) for v in value):
        problems.append(f"{what} must be a list of rule codes or names")
        return ()
    for reference in value:
        try:
            resolve(reference)
        except UnknownRule as error:
            problems.append(f"{what}: {error}")
    return tuple(value)


def command_line_layer(
    select: Sequence[str] | None = None, ignore: Sequence[str] = (), fail_on: str | None = None
) -> ConfigLayer:
    """The `--select`, `--ignore` (comma-separated or repeated) and `--fail-on` flags."""
    def split(values: Sequence[str]) -> tuple[str, ...]:
        return tuple(part.strip() for value in values for part in value.split(",") if part.strip())

    data: dict[str, Any] = {}
    if select is not None:
        data["select"] = list(split(select))
    if ignore:
        data["ignore"] = list(split(ignore))
    if fail_on is not None:
        data["fail-on"] = fail_on
    return layer_from_mapping(data, "command line")


def find_project_config(start: str) -> str | None:
    """The first `.sdiagram.yaml`/`.yml`, or `pyproject.toml` with `[tool.sdiagram]`,
    in `start` (a folder) or any folder above it."""
    return _find_from(os.path.abspath(start))


@functools.lru_cache(maxsize=256)
def _find_from(folder: str) -> str | None:
    for name in PROJECT_FILES:
        candidate = os.path.join(folder, name)
        if os.path.isfile(candidate) and (name != "pyproject.toml" or _has_sdiagram_table(candidate)):
            return candidate
    parent = os.path.dirname(folder)
    return None if parent == folder else _find_from(parent)


def _read_toml(path: str) -> dict[str, Any]:
    try:
        import tomllib  # Python 3.11+
    except ModuleNotFoundError:  # pragma: no cover - Python 3.10
        try:
            import tomli as tomllib  # type: ignore[no-redef]
        except ModuleNotFoundError:
            raise ConfigError(
                f"{path}: reading [tool.sdiagram] from pyproject.toml needs Python 3.11+ or the "
                "'tomli' package (pip install tomli); or move the settings to .sdiagram.yaml"
            ) from None
    try:
        with open(path, "rb") as handle:
            return tomllib.load(handle)
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise ConfigError(f"{path}: cannot read: {error}") from None


def _has_sdiagram_table(path: str) -> bool:
    try:
        with open(path, encoding="utf-8", errors="replace") as handle:
            text = handle.read()
    except OSError:
        return False
    # Parse only files that can hold the table: most pyproject.toml files do not,
    # and not importing tomllib keeps the lint start-up short.
    if "sdiagram" not in text:
        return False
    if not re.search(_TOOL_TABLE, text, re.MULTILINE) and not re.search(_TOOL_HEADER, text, re.MULTILINE):
        return False
    return "sdiagram" in _read_toml(path).get("tool", {})


@functools.lru_cache(maxsize=64)
def load_project_config(path: str) -> ConfigLayer:
    """Read the lint settings of a project config file; raises ConfigError."""
    if os.path.basename(path) == "pyproject.toml":
        table = _read_toml(path).get("tool", {}).get("sdiagram", {})
        if not isinstance(table, Mapping):
            raise ConfigError(f"{path}: [tool.sdiagram] must be a table")
        return layer_from_mapping(table.get("lint", {}), f"{path} [tool.sdiagram.lint]")
    from ..diagnostics import BlueprintError
    from ..yamlsource import YMapping, load_yaml_file

    try:
        document, problems = load_yaml_file(path)
    except BlueprintError as error:
        raise ConfigError(str(error)) from None
    if problems:
        raise ConfigError("\n".join(str(problem) for problem in problems))
    if document is None:
        return ConfigLayer(path)
    if not isinstance(document, YMapping):
        raise ConfigError(f"{path}: must be a mapping with a 'lint' key")
    data = _plain(document)
    return layer_from_mapping(data.get("lint", {}) or {}, path)


def _plain(value: Any) -> Any:
    from ..yamlsource import YMapping, YScalar, YSequence

    if isinstance(value, YScalar):
        return value.value
    if isinstance(value, YSequence):
        return [_plain(item) for item in value.items]
    if isinstance(value, YMapping):
        return {key.value: _plain(item) for key, item in value.entries}
    return value


# -- combining everything for one blueprint ----------------------------------------


def resolve_config(
    blueprint: Blueprint, project: ConfigLayer | None = None, command_line: ConfigLayer | None = None
) -> tuple[EffectiveConfig, tuple[ConfigProblem, ...]]:
    """The effective settings for one blueprint and the problems in its own `lint:` block."""
    problems: list[ConfigProblem] = []
    settings = blueprint.lint

    enabled = {rule.code for rule in ALL_RULES}
    blueprint_select = None
    if settings.select is not None:
        blueprint_select = []
        for item in settings.select:
            try:
                blueprint_select.append(resolve(str(item.value)))
            except UnknownRule as error:
                problems.append(ConfigProblem(f"lint.select: {error}", item.span))
    for layer_select, layer_ignore in (
        (_resolved(project.select) if project else None, _resolved(project.ignore) if project else ()),
        (blueprint_select, ()),
        (_resolved(command_line.select) if command_line else None, _resolved(command_line.ignore) if command_line else ()),
    ):
        if layer_select is not None:
            enabled = {rule.code for group in layer_select for rule in group}
        enabled -= {rule.code for group in layer_ignore or () for rule in group}
    enabled |= ALWAYS_ON

    raw: dict[str, dict[str, Any]] = {code: dict(values) for code, values in (project.rules if project else {}).items()}
    for rule_settings in settings.rules:
        rule = lookup(rule_settings.rule)
        if rule is None:
            problems.append(ConfigProblem(f"lint.rules: {unknown_rule_message(rule_settings.rule)}", rule_settings.span))
            continue
        values = raw.setdefault(rule.code, {})
        if rule_settings.severity is not None:
            severity, problem = check_severity(rule_settings.severity.value)
            if problem:
                problems.append(ConfigProblem(f"lint.rules.{rule_settings.rule}: {problem}", rule_settings.severity.span))
            else:
                values["severity"] = severity
        for name, setting in rule_settings.options.items():
            value, problem = check_option(rule, name, setting.value)
            if problem:
                problems.append(ConfigProblem(f"lint.rules.{rule_settings.rule}: {problem}", setting.span))
            else:
                values[name] = value

    severities: dict[str, Severity] = {}
    options: dict[str, Any] = {}
    for rule in ALL_RULES:
        values = dict(raw.get(rule.code, {}))
        severities[rule.code] = values.pop("severity", None) or rule.severity
        options[rule.code] = rule.Options(**values)

    blueprint_suppressions = []
    for suppression in settings.ignore:
        code = _suppressible(suppression, "lint.ignore", problems)
        if code:
            blueprint_suppressions.append((code, suppression))
    component_suppressions = []
    for component in blueprint.components.values():
        for suppression in component.ignore:
            code = _suppressible(suppression, f"ignore of '{component.id}'", problems)
            if code:
                component_suppressions.append((component.id, code, suppression))

    return (
        EffectiveConfig(
            enabled=frozenset(enabled),
            severities=severities,
            options=options,
            suppressions=Suppressions(tuple(blueprint_suppressions), tuple(component_suppressions)),
        ),
        tuple(problems),
    )


def _resolved(references: Sequence[str] | None) -> list[tuple[type[Rule], ...]] | None:
    if references is None:
        return None
    return [resolve(reference) for reference in references]


def _suppressible(suppression: Suppression, where: str, problems: list[ConfigProblem]) -> str | None:
    rule = lookup(suppression.rule)
    if rule is None:
        problems.append(ConfigProblem(f"{where}: {unknown_rule_message(suppression.rule)}", suppression.span))
        return None
    if rule.meta:
        problems.append(ConfigProblem(f"{where}: {rule.name} cannot be suppressed", suppression.span))
        return None
    return rule.code


def options_doc(rule: type[Rule]) -> list[tuple[str, str, Any]]:
    """(name, help, default) for each option of a rule."""
    return [(f.name, f.metadata.get("help", ""), f.default) for f in dataclasses.fields(rule.Options)]
