"""Compile stage: positioned YAML values -> a validated `Blueprint`.

Every problem is collected with its position, so a blueprint with five
mistakes reports five. The only I/O is through `icons.check_icon`, which looks
at custom icon files next to the blueprint.
"""

from __future__ import annotations

import math
import os
import re
from dataclasses import replace
from typing import Iterator

from .catalog import KINDS, TECHS
from .diagnostics import BlueprintError, Diagnostic, Span, did_you_mean
from .model import (
    DIRECTIONS,
    Blueprint,
    Component,
    Connection,
    Group,
    LintSettings,
    RuleSettings,
    Setting,
    Suppression,
    Traffic,
    group_members,
)
from .yamlsource import YMapping, YScalar, YSequence, YValue, describe, load_yaml_file

FORMAT_VERSION = 1
ID_PATTERN = re.compile(r"[a-z][a-z0-9_-]*\Z")
MAX_REPLICAS = 10_000
MAX_TEXT = 2_000

TOP_LEVEL_KEYS = (
    "sdiagram", "name", "title", "summary", "direction", "traffic",
    "components", "groups", "connections", "lint",
)
COMPONENT_KEYS = ("kind", "tech", "label", "icon", "replicas", "managed", "group", "dead_letter", "ignore")
GROUP_KEYS = ("label", "parent")
CONNECTION_KEYS = ("label", "async", "protocol")
TRAFFIC_KEYS = ("dau", "requests_per_user", "read_write_ratio", "peak_factor")
LINT_KEYS = ("select", "ignore", "rules")
DEAD_LETTER_KINDS = ("queue", "stream")

_ARROW = re.compile(r"\s*(<->|->)\s*")
_SUFFIXES = {"k": 1_000, "m": 1_000_000, "b": 1_000_000_000}


def load(path: str | os.PathLike[str], max_bytes: int | None = None) -> Blueprint:
    """Read, parse and compile a blueprint file; raises BlueprintError with every problem."""
    path = os.fspath(path)
    document, problems = load_yaml_file(path, max_bytes)
    return compile_blueprint(document, path, problems)


def compile_blueprint(document: YValue | None, path: str, problems: list[Diagnostic] | None = None) -> Blueprint:
    """Compile parsed YAML; `problems` are earlier ones from parsing, reported together."""
    compiler = _Compiler(path)
    compiler.problems.extend(problems or ())
    blueprint = compiler.compile(document)
    if compiler.problems or blueprint is None:
        raise BlueprintError(compiler.problems)
    return blueprint


class _Compiler:
    def __init__(self, path: str):
        self.path = path
        self.base_dir = os.path.dirname(os.path.abspath(path))
        self.problems: list[Diagnostic] = []
        # Every well-formed component id, valid or not, so that a component
        # with a mistake does not also make its connections "unknown".
        self.declared: set[str] = set()

    # -- reporting and small typed readers ------------------------------------

    def error(self, span: Span | None, message: str) -> None:
        self.problems.append(Diagnostic(self.path, message, span))

    def mapping_items(
        self, value: YValue, what: str, allowed: tuple[str, ...] | None = None
    ) -> Iterator[tuple[str, YScalar, YValue]]:
        """Entries of a mapping with string keys; reports unknown keys."""
        if not isinstance(value, YMapping):
            self.error(value.span, f"{what} must be a mapping, not {describe(value)}")
            return
        for key, item in value.entries:
            if not isinstance(key.value, str):
                self.error(key.span, f"keys of {what} must be strings, not {describe(key)}")
                continue
            if allowed is not None and key.value not in allowed:
                hint = did_you_mean(key.value, allowed)
                self.error(key.span, f"unknown key '{key.value}' in {what}{hint}")
                continue
            yield key.value, key, item

    def text(self, value: YValue, what: str, allow_empty: bool = False) -> str | None:
        if not isinstance(value, YScalar) or value.value is None or isinstance(value.value, bool):
            self.error(value.span, f"{what} must be a string, not {describe(value)}")
            return None
        text = str(value.value)
        if not text.strip() and not allow_empty:
            self.error(value.span, f"{what} must not be empty")
            return None
        if len(text) > MAX_TEXT:
            self.error(value.span, f"{what} is {len(text)} characters long, over the limit of {MAX_TEXT}")
            return None
        return text

    def identifier(self, value: YValue, what: str) -> str | None:
        if not isinstance(value, YScalar) or not isinstance(value.value, str):
            self.error(value.span, f"{what} must be an id, not {describe(value)}")
            return None
        if not ID_PATTERN.match(value.value):
            self.error(
                value.span,
                f"{what} '{value.value}' is not a valid id (lowercase letter first, then a-z, 0-9, '_' or '-')",
            )
            return None
        return value.value

    def boolean(self, value: YValue, what: str) -> bool | None:
        if isinstance(value, YScalar) and isinstance(value.value, bool):
            return value.value
        self.error(value.span, f"{what} must be true or false, not {describe(value)}")
        return None

    def number(self, value: YValue, what: str, minimum: float) -> float | None:
        raw = value.value if isinstance(value, YScalar) else None
        if isinstance(raw, str):
            raw = _parse_quantity(raw)
        if not isinstance(raw, (int, float)) or isinstance(raw, bool):
            self.error(value.span, f"{what} must be a number, not {describe(value)}")
            return None
        if not math.isfinite(raw):
            self.error(value.span, f"{what} must be a finite number, not {raw}")
            return None
        if raw < minimum:
            self.error(value.span, f"{what} must be at least {minimum:g}, not {raw:g}")
            return None
        return float(raw)

    # -- the document ---------------------------------------------------------

    def compile(self, document: YValue | None) -> Blueprint | None:
        if document is None:
            self.error(Span(self.path, 1, 1), "the file is empty; a blueprint is a mapping with 'components'")
            return None
        if not isinstance(document, YMapping):
            self.error(document.span, f"a blueprint must be a mapping, not {describe(document)}")
            return None
        fields = {key: (key_node, value) for key, key_node, value in self.mapping_items(document, "the blueprint", TOP_LEVEL_KEYS)}

        if "sdiagram" in fields:
            version = fields["sdiagram"][1]
            if not (isinstance(version, YScalar) and version.value == FORMAT_VERSION and not isinstance(version.value, bool)):
                self.error(version.span, f"unsupported format version {_show(version)}; this sdiagram reads version {FORMAT_VERSION}")
        stem = os.path.splitext(os.path.basename(self.path))[0]
        name = self.identifier(fields["name"][1], "name") if "name" in fields else stem
        title = self.text(fields["title"][1], "title") if "title" in fields else None
        summary = self.text(fields["summary"][1], "summary") if "summary" in fields else None
        direction = "LR"
        if "direction" in fields:
            value = fields["direction"][1]
            if isinstance(value, YScalar) and isinstance(value.value, str) and value.value.upper() in DIRECTIONS:
                direction = value.value.upper()
            else:
                self.error(value.span, f"direction must be one of {', '.join(DIRECTIONS)}, not {_show(value)}")
        traffic = self.traffic(fields["traffic"][1]) if "traffic" in fields else None

        groups = self.groups(fields["groups"][1]) if "groups" in fields else {}
        if "components" not in fields:
            self.error(document.span, "the blueprint has no 'components'")
            return None
        components = self.components(fields["components"][1], groups)
        for component_id, component in components.items():
            if component_id in groups:
                self.error(component.span, f"id '{component_id}' is used by a component and a group")
        connections = self.connections(fields["connections"][1], components, groups) if "connections" in fields else ()
        lint = self.lint(fields["lint"][1]) if "lint" in fields else LintSettings()
        return Blueprint(
            path=self.path,
            name=name or stem,
            title=title or (name or stem),
            span=document.span,
            summary=summary,
            direction=direction,
            traffic=traffic,
            components=components,
            groups=groups,
            connections=connections,
            lint=lint,
        )

    def traffic(self, value: YValue) -> Traffic | None:
        numbers: dict[str, float | None] = {}
        reads = writes = None
        for key, _, item in self.mapping_items(value, "traffic", TRAFFIC_KEYS):
            if key == "read_write_ratio":
                reads, writes = self.ratio(item)
            else:
                numbers[key] = self.number(item, f"traffic.{key}", 1 if key == "peak_factor" else 0)
        dau = numbers.get("dau")
        return Traffic(
            dau=int(dau) if dau is not None else None,
            requests_per_user=numbers.get("requests_per_user"),
            reads=reads,
            writes=writes,
            peak_factor=numbers.get("peak_factor"),
            span=value.span,
        )

    def ratio(self, value: YValue) -> tuple[float | None, float | None]:
        raw = value.value if isinstance(value, YScalar) else None
        if isinstance(raw, (int, float)) and not isinstance(raw, bool) and raw >= 0:
            return float(raw), 1.0
        if isinstance(raw, str):
            match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*:\s*(\d+(?:\.\d+)?)\s*", raw)
            if match and float(match.group(2)) > 0:
                return float(match.group(1)), float(match.group(2))
        self.error(value.span, f"traffic.read_write_ratio must look like \"100:1\", not {_show(value)}")
        return None, None

    # -- groups and components --------------------------------------------------

    def groups(self, value: YValue) -> dict[str, Group]:
        groups: dict[str, Group] = {}
        parents: dict[str, YValue] = {}
        for group_id, key, spec in self.mapping_items(value, "groups"):
            if self.identifier(key, "group id") is None:
                continue
            label, parent = group_id, None
            if isinstance(spec, YScalar) and spec.value is None:
                spec = YMapping((), spec.span)
            for field, _, item in self.mapping_items(spec, f"group '{group_id}'", GROUP_KEYS):
                if field == "label":
                    label = self.text(item, "label") or group_id
                else:
                    parent = self.identifier(item, "parent")
                    if parent is not None:
                        parents[group_id] = item
            groups[group_id] = Group(group_id, label, key.span, parent)
        for group_id, item in parents.items():
            parent = groups[group_id].parent
            if parent not in groups:
                self.error(item.span, f"unknown parent group '{parent}'{did_you_mean(str(parent), groups)}")
                groups[group_id] = replace(groups[group_id], parent=None)
        for group_id in groups:
            chain = [group_id]
            current = groups[group_id].parent
            while current is not None and current not in chain:
                chain.append(current)
                current = groups[current].parent
            if current == group_id:
                cycle = " -> ".join(chain + [group_id])
                self.error(parents[group_id].span, f"group parents form a cycle: {cycle}")
                groups[group_id] = replace(groups[group_id], parent=None)
        return groups

    def components(self, value: YValue, groups: dict[str, Group]) -> dict[str, Component]:
        components: dict[str, Component] = {}
        dead_letters: list[tuple[str, YValue]] = []
        for component_id, key, spec in self.mapping_items(value, "components"):
            if self.identifier(key, "component id") is None:
                continue
            self.declared.add(component_id)
            component = self.component(component_id, key.span, spec, groups, dead_letters)
            if component is not None:
                components[component_id] = component
        if isinstance(value, YMapping) and not value.entries:
            self.error(value.span, "'components' is empty")
        for component_id, item in dead_letters:
            target = components.get(component_id)
            if target is None or target.dead_letter not in components:
                if target is not None:
                    self.error(item.span, f"unknown dead_letter component '{target.dead_letter}'{did_you_mean(str(target.dead_letter), components)}")
            elif target.dead_letter == component_id:
                self.error(item.span, f"'{component_id}' cannot be its own dead-letter target")
        return components

    def component(
        self,
        component_id: str,
        span: Span,
        spec: YValue,
        groups: dict[str, Group],
        dead_letters: list[tuple[str, YValue]],
    ) -> Component | None:
        fields = {f: item for f, _, item in self.mapping_items(spec, f"component '{component_id}'", COMPONENT_KEYS)}
        if not isinstance(spec, YMapping):
            return None
        kind = None
        if "kind" not in fields:
            self.error(span, f"component '{component_id}' has no 'kind' (one of: {', '.join(KINDS)})")
        else:
            kind_value = fields["kind"]
            if isinstance(kind_value, YScalar) and kind_value.value in KINDS:
                kind = str(kind_value.value)
            else:
                hint = did_you_mean(str(kind_value.value), KINDS) if isinstance(kind_value, YScalar) else ""
                self.error(kind_value.span, f"unknown kind {_show(kind_value)}{hint}; `sdiagram kinds` lists them")
        tech = None
        if "tech" in fields:
            tech_value = fields["tech"]
            if isinstance(tech_value, YScalar) and isinstance(tech_value.value, str) and tech_value.value.lower() in TECHS:
                tech = tech_value.value.lower()
            else:
                hint = did_you_mean(str(tech_value.value).lower(), TECHS) if isinstance(tech_value, YScalar) else ""
                self.error(tech_value.span, f"unknown tech {_show(tech_value)}{hint}; `sdiagram kinds` lists them")
        label = self.text(fields["label"], "label") if "label" in fields else None
        icon = None
        if "icon" in fields:
            icon = self.text(fields["icon"], "icon")
            if icon is not None:
                from . import icons  # reads the diagrams sources: only when an icon is given

                problem = icons.check_icon(icon, self.base_dir)
                if problem:
                    self.error(fields["icon"].span, problem)
                    icon = None
        replicas = 1
        if "replicas" in fields:
            item = fields["replicas"]
            raw = item.value if isinstance(item, YScalar) else None
            if not isinstance(raw, int) or isinstance(raw, bool):
                self.error(item.span, f"replicas must be a whole number, not {describe(item)}")
            elif not 1 <= raw <= MAX_REPLICAS:
                self.error(item.span, f"replicas must be between 1 and {MAX_REPLICAS:,}, not {raw}")
            else:
                replicas = raw
        managed = TECHS[tech].managed if tech else False
        if "managed" in fields:
            managed = bool(self.boolean(fields["managed"], "managed"))
        group = None
        if "group" in fields:
            group = self.identifier(fields["group"], "group")
            if group is not None and group not in groups:
                self.error(fields["group"].span, f"unknown group '{group}'{did_you_mean(group, groups)}")
                group = None
        dead_letter = None
        if "dead_letter" in fields:
            dead_letter = self.identifier(fields["dead_letter"], "dead_letter")
            if dead_letter is not None:
                if kind is not None and kind not in DEAD_LETTER_KINDS:
                    self.error(fields["dead_letter"].span, f"dead_letter is for queues and streams, not a {kind}")
                dead_letters.append((component_id, fields["dead_letter"]))
        ignore = self.suppressions(fields["ignore"], f"ignore of '{component_id}'") if "ignore" in fields else ()
        if kind is None:
            return None
        return Component(
            id=component_id,
            kind=kind,
            label=label if label is not None else component_id,
            span=span,
            tech=tech,
            icon=icon,
            replicas=replicas,
            managed=managed,
            group=group,
            dead_letter=dead_letter,
            ignore=ignore,
        )

    def suppressions(self, value: YValue, what: str) -> tuple[Suppression, ...]:
        found = []
        for rule, key, reason in self.mapping_items(value, what):
            if not isinstance(reason, YScalar) or not isinstance(reason.value, str) or not reason.value.strip():
                self.error(key.span, f"suppression of '{rule}' needs a reason: `{rule}: \"why this is acceptable\"`")
                continue
            found.append(Suppression(rule, reason.value.strip(), key.span))
        return tuple(found)

    # -- connections --------------------------------------------------------------

    def connections(
        self, value: YValue, components: dict[str, Component], groups: dict[str, Group]
    ) -> tuple[Connection, ...]:
        if not isinstance(value, YSequence):
            self.error(value.span, f"connections must be a list, not {describe(value)}")
            return ()
        known = set(components) | set(groups)
        declared = self.declared | known
        result: list[Connection] = []
        for item in value.items:
            expression, details = item, None
            if isinstance(item, YMapping):
                if len(item.entries) != 1:
                    self.error(item.span, "a connection is one `a -> b: label` entry per list item")
                    continue
                expression, details = item.entries[0]
            if not isinstance(expression, YScalar) or not isinstance(expression.value, str):
                self.error(item.span, f"a connection must look like 'a -> b', not {describe(expression)}")
                continue
            parsed = _parse_endpoints(expression.value)
            if parsed is None:
                self.error(
                    expression.span,
                    f"cannot read connection {expression.value!r}: write 'a -> b', 'a <-> b', 'a -> [b, c]' or '[a, b] -> c'",
                )
                continue
            sources, arrow, targets = parsed
            label, is_async, protocol = self.connection_details(details)
            endpoints_ok = True
            for endpoint in sources + targets:
                if endpoint not in declared:
                    self.error(expression.span, f"unknown component or group '{endpoint}'{did_you_mean(endpoint, declared)}")
                    endpoints_ok = False
                elif endpoint in groups and not group_members(endpoint, groups, components):
                    self.error(expression.span, f"group '{endpoint}' has no components to connect to")
                    endpoints_ok = False
                elif endpoint not in known:
                    endpoints_ok = False  # its own definition is already reported
            if not endpoints_ok:
                continue
            for source in sources:
                for target in targets:
                    if source == target:
                        self.error(expression.span, f"'{source}' is connected to itself")
                        continue
                    result.append(
                        Connection(
                            source=source,
                            target=target,
                            span=expression.span,
                            label=label,
                            is_async=is_async,
                            protocol=protocol,
                            bidirectional=arrow == "<->",
                            source_is_group=source in groups,
                            target_is_group=target in groups,
                        )
                    )
        return tuple(result)

    def connection_details(self, details: YValue | None) -> tuple[str | None, bool, str | None]:
        if details is None or (isinstance(details, YScalar) and details.value is None):
            return None, False, None
        if isinstance(details, YScalar):
            return self.text(details, "connection label"), False, None
        label = protocol = None
        is_async = False
        for key, _, item in self.mapping_items(details, "a connection", CONNECTION_KEYS):
            if key == "label":
                label = self.text(item, "connection label")
            elif key == "async":
                is_async = bool(self.boolean(item, "async"))
            else:
                protocol = self.text(item, "protocol")
        return label, is_async, protocol

    # -- lint settings ------------------------------------------------------------

    def lint(self, value: YValue) -> LintSettings:
        select: tuple[Setting, ...] | None = None
        ignore: tuple[Suppression, ...] = ()
        rules: list[RuleSettings] = []
        for key, _, item in self.mapping_items(value, "lint", LINT_KEYS):
            if key == "select":
                select = self.rule_names(item, "lint.select")
            elif key == "ignore":
                ignore = self.suppressions(item, "lint.ignore")
            else:
                for rule, rule_key, spec in self.mapping_items(item, "lint.rules"):
                    severity = None
                    options: dict[str, Setting] = {}
                    for option, _, option_value in self.mapping_items(spec, f"lint.rules.{rule}"):
                        setting = Setting(_plain(option_value), option_value.span)
                        if option == "severity":
                            severity = setting
                        else:
                            options[option] = setting
                    rules.append(RuleSettings(rule, rule_key.span, severity, options))
        return LintSettings(select=select, ignore=ignore, rules=tuple(rules), span=value.span)

    def rule_names(self, value: YValue, what: str) -> tuple[Setting, ...]:
        items = value.items if isinstance(value, YSequence) else (value,)
        names = []
        for item in items:
            if isinstance(item, YScalar) and isinstance(item.value, str) and item.value.strip():
                names.append(Setting(item.value.strip(), item.span))
            else:
                self.error(item.span, f"{what} takes rule codes or names, not {describe(item)}")
        return tuple(names)


def _parse_endpoints(expression: str) -> tuple[list[str], str, list[str]] | None:
    parts = _ARROW.split(expression.strip())
    if len(parts) != 3:
        return None
    left, arrow, right = parts
    sources, targets = _endpoint_list(left), _endpoint_list(right)
    if not sources or not targets:
        return None
    return sources, arrow, targets


def _endpoint_list(text: str) -> list[str] | None:
    text = text.strip()
    if text.startswith("[") and text.endswith("]"):
        names = [name.strip() for name in text[1:-1].split(",")]
    else:
        names = [text]
    if not names or any(not name or not ID_PATTERN.match(name) for name in names):
        return None
    return names


def _parse_quantity(text: str) -> float | None:
    """'50M' -> 50_000_000; '1.5k' -> 1500; plain numbers too."""
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([kKmMbB]?)\s*", text.replace("_", "").replace(",", ""))
    if not match:
        return None
    return float(match.group(1)) * _SUFFIXES.get(match.group(2).lower(), 1)


def _show(value: YValue) -> str:
    if isinstance(value, YScalar):
        return repr(value.value) if isinstance(value.value, str) else str(value.value)
    return describe(value)


def _plain(value: YValue) -> object:
    """A YAML value without positions (lint options are small plain values)."""
    if isinstance(value, YScalar):
        return value.value
    if isinstance(value, YSequence):
        return [_plain(item) for item in value.items]
    return {key.value: _plain(item) for key, item in value.entries}

