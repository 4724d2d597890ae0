"""One source of lint settings outside the blueprint (a project file, the
command line), checked into a `ConfigLayer`; and the option schema of the rules."""

from __future__ import annotations

import math
from types import MappingProxyType
from typing import Any, Mapping, NamedTuple, Sequence

from ...diagnostics import brief, did_you_mean, printable
from ..findings import SEVERITY_NAMES, Severity
from ..rule import Rule
from ..rules import UnknownRule, lookup, resolve, unknown_rule_message

PROJECT_KEYS = ("select", "ignore", "fail-on", "rules")
FAIL_ON_CHOICES = (*SEVERITY_NAMES, "never")
# Whole-number options count things (hops, writers); 64 bits is plenty, and
# bigger integers are no setting.
MAX_OPTION_BITS = 63


class ConfigError(Exception):
    """Project configuration or command-line settings that cannot be used."""


class ConfigLayer(NamedTuple):
    """Settings from one source outside the blueprint (a project file, the command line).

    `rules` maps a rule code to its raw settings (`severity` and options),
    already checked against the rule's option schema.
    """

    source: str
    select: tuple[str, ...] | None = None
    ignore: tuple[str, ...] = ()
    fail_on: Severity | None = None
    fail_never: bool = False
    rules: Mapping[str, Mapping[str, Any]] = MappingProxyType({})


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
        ok = isinstance(value, int) and not isinstance(value, bool) and value.bit_length() <= MAX_OPTION_BITS
    elif expected is float:
        ok = isinstance(value, (int, float)) and not isinstance(value, bool) and _finite(value)
        value = float(value) if ok else value
    elif expected is tuple:
        ok = isinstance(value, (list, tuple)) and all(isinstance(v, str) for v in value)
        value = tuple(value) if ok else value
    else:
        ok = isinstance(value, expected)
    if not ok:
        return None, f"option {rule.name}.{name} must be {_type_name(expected)}, not {shown(value)}"
    minimum = spec.min
    if minimum is not None and value < minimum:
        return None, f"option {rule.name}.{name} must be at least {minimum}, not {shown(value)}"
    return value, None


def _finite(value: int | float) -> bool:
    try:
        return math.isfinite(value)
    except OverflowError:  # an integer beyond float range
        return False


def shown(value: Any) -> str:
    """A setting's value for an error message: short, and never an exception
    (Python refuses to print integers over 4,300 digits)."""
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > MAX_OPTION_BITS:
        return f"an integer of {value.bit_length():,} bits"
    if isinstance(value, Mapping):
        return "a table"
    if isinstance(value, (list, tuple)):
        return f"a list of {len(value):,} items" if len(value) > 10 else f"[{', '.join(map(shown, value))}]"
    return brief(value, 60) if isinstance(value, str) else repr(value)


def _type_name(kind: type) -> str:
    return {bool: "true or false", int: "a whole number", float: "a number", tuple: "a list of strings",
            str: "a string"}.get(kind, kind.__name__)


def check_severity(value: Any) -> tuple[Severity | None, str | None]:
    if isinstance(value, str):
        try:
            return Severity.parse(value), None
        except ValueError:
            pass
    hint = did_you_mean(value.lower(), SEVERITY_NAMES) if isinstance(value, str) else ""
    return None, f"severity must be one of {', '.join(SEVERITY_NAMES)}, not {shown(value)}{hint}"


def parse_fail_on(value: Any) -> tuple[Severity | None, bool]:
    """('error' | 'warning' | 'info' | 'never') -> (threshold, never). Raises ValueError."""
    if isinstance(value, str) and value.strip().lower() == "never":
        return None, True
    severity, problem = check_severity(value)
    if problem:
        raise ValueError(f"fail-on must be one of {', '.join(FAIL_ON_CHOICES)}, not {shown(value)}")
    return severity, False


def options_doc(rule: type[Rule]) -> list[tuple[str, str, Any]]:
    """(name, help, default) for each option of a rule."""
    return [(f.name, f.help, f.default) for f in rule.option_fields()]


# -- a layer from a mapping ---------------------------------------------------------


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
        raise ConfigError("\n".join(printable(f"{source}: {p}") for p in problems))
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
