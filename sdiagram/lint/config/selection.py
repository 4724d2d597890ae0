"""Combining the settings layers with the blueprint's own `lint:` block into
the `EffectiveConfig` of one lint run (see the package docstring for the rules)."""

from __future__ import annotations

from typing import Any, Mapping, NamedTuple, Sequence

from ...diagnostics import Span
from ...model import Blueprint, Suppression
from ..findings import Severity
from ..rule import Rule
from ..rules import ALL_RULES, ALWAYS_ON, UnknownRule, lookup, resolve, unknown_rule_message
from .layers import ConfigLayer, check_option, check_severity


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
