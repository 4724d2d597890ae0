"""Diff stage: two compiled blueprints -> `BlueprintDiff`. Pure: no I/O.

Elements are matched by id: components and groups by their id, connections by
`source -> target` (and the arrow; the n-th connection between the same pair
matches the n-th). Every key of the format's field tables is compared, so a
key added to a table is diffed without a change here. With `renames`, removed
and added components (and groups) are paired by similarity (same kind, equal
keys, shared neighbours, a similar label) and reported as renames; the old
version is then read through the new ids, so the connections of a renamed
component are not reported as removed and added.

Findings are compared by fingerprint (`lint.fingerprint`): introduced are the
new version's unsuppressed findings not among the old version's, resolved the
reverse; with renames, old ids are mapped to new ones first. When both
versions have traffic, the estimate's material changes are added (`estimate`).
"""

from __future__ import annotations

import difflib
from typing import Any, Iterable, Mapping, Sequence

from ..compiler.components import COMPONENT_FIELDS, GROUP_FIELDS
from ..compiler.connections import CONNECTION_FIELDS
from ..compiler.document import TOP_LEVEL_FIELDS
from ..compiler.fields import Table
from ..lint.findings import Finding
from ..lint.fingerprint import fingerprints
from ..model import Blueprint, Component, Connection, Group, Setting, Suppression, is_record, record_defaults
from .estimate import estimate_changes
from .model import ADDED, CHANGED, REMOVED, RENAMED, BlueprintDiff, ElementChange, FindingChange, KeyChange

RENAME_THRESHOLD = 0.6
ELEMENT_ORDER = {"component": 0, "group": 1, "connection": 2}
STATUS_ORDER = {ADDED: 0, RENAMED: 1, CHANGED: 2, REMOVED: 3}
_SECTIONS = {"groups", "components", "connections"}  # diffed element by element, not as settings


def diff_blueprints(
    old: Blueprint | None,
    new: Blueprint | None,
    *,
    renames: bool = False,
    old_findings: Sequence[Finding] | None = None,
    new_findings: Sequence[Finding] | None = None,
) -> BlueprintDiff:
    """The changes from `old` to `new` (None: the blueprint did not exist / was deleted).

    Findings default to `lint_blueprint` of each version with the blueprint's
    own settings; pass them to use project config.
    """
    if old is None and new is None:
        raise ValueError("diff_blueprints needs at least one blueprint")
    if old_findings is None or new_findings is None:
        from ..lint import lint_blueprint

        old_findings = lint_blueprint(old) if old_findings is None and old is not None else (old_findings or ())
        new_findings = lint_blueprint(new) if new_findings is None and new is not None else (new_findings or ())

    old_components = dict(old.components) if old else {}
    new_components = dict(new.components) if new else {}
    old_groups = dict(old.groups) if old else {}
    new_groups = dict(new.groups) if new else {}
    old_connections = old.connections if old else ()
    new_connections = new.connections if new else ()

    component_renames: dict[str, tuple[str, float]] = {}
    group_renames: dict[str, tuple[str, float]] = {}
    if renames:
        component_renames = _pair(
            old_components, new_components,
            lambda o, n: _component_similarity(o, n, old_connections, new_connections))
        group_renames = _pair(
            old_groups, new_groups,
            lambda o, n: _group_similarity(o, n, old_components, new_components, component_renames))
    mapping = {old_id: new_id for old_id, (new_id, _) in {**component_renames, **group_renames}.items()}

    elements: list[ElementChange] = []
    elements += _diff_elements("component", COMPONENT_FIELDS, old_components, new_components, component_renames,
                               mapping, _component_values)
    elements += _diff_elements("group", GROUP_FIELDS, old_groups, new_groups, group_renames, mapping, _group_values)
    elements += _diff_connections(old_connections, new_connections, mapping)

    introduced, resolved, still_open = _findings(old_findings, new_findings, mapping)
    settings = _diff_settings(old, new) if old is not None and new is not None else ()
    name = (new or old).name  # type: ignore[union-attr]
    return BlueprintDiff(
        name=name,
        old_path=old.path if old else None,
        new_path=new.path if new else None,
        settings=settings,
        elements=tuple(elements),
        introduced=introduced,
        resolved=resolved,
        still_open=still_open,
        estimate=estimate_changes(old, new, mapping) if old is not None and new is not None else None,
    )


# -- plain values ---------------------------------------------------------------------


def plain(value: Any) -> Any:
    """A model value as JSON-able data, without positions."""
    if value is None or isinstance(value, (str, bool, int)):
        return value
    if isinstance(value, float):
        return value if value == value and abs(value) != float("inf") else str(value)
    if isinstance(value, Setting):
        return plain(value.value)
    if is_record(value):
        defaults = record_defaults(type(value))
        return {name: plain(field) for name, field in zip(value._fields, value)
                if name != "span" and (name not in defaults or field != defaults[name])}
    if isinstance(value, tuple) and value and all(isinstance(v, Suppression) for v in value):
        return {s.rule: suppression_value(s) for s in value}
    if isinstance(value, (tuple, list)):
        return [plain(v) for v in value]
    if isinstance(value, Mapping):
        return {str(k): plain(v) for k, v in value.items()}
    return str(value)


def suppression_value(suppression: Suppression) -> Any:
    """The reason, or {reason, until, ticket} when the suppression has a lifecycle."""
    extra = {key: plain(getattr(suppression, key, None)) for key in ("until", "ticket")
             if getattr(suppression, key, None) is not None}
    return {"reason": suppression.reason, **extra} if extra else suppression.reason


def _values(element: Any, table: Table, renames: Mapping[str, str], references: tuple[str, ...]) -> dict[str, Any]:
    values = {}
    for field in table:
        value = plain(getattr(element, field.model_attr, None))
        if field.name in references and isinstance(value, str):
            value = renames.get(value, value)
        values[field.name] = value
    return values


def _component_values(component: Component, renames: Mapping[str, str]) -> dict[str, Any]:
    return _values(component, COMPONENT_FIELDS, renames, ("group", "dead_letter"))


def _group_values(group: Group, renames: Mapping[str, str]) -> dict[str, Any]:
    return _values(group, GROUP_FIELDS, renames, ("parent",))


def _shown(element_id: str, values: Mapping[str, Any], table: Table) -> tuple[KeyChange, ...]:
    """The keys worth showing for an added or removed element: those not at their default."""
    defaults = {field.name: field.default for field in table}
    return tuple(KeyChange(key, None, value) for key, value in values.items()
                 if value not in (None, (), [], {}) and value != defaults.get(key)
                 and not (key == "label" and value == element_id))


def _changes(old: Mapping[str, Any], new: Mapping[str, Any]) -> tuple[KeyChange, ...]:
    return tuple(KeyChange(key, old.get(key), new.get(key)) for key in dict.fromkeys([*old, *new])
                 if old.get(key) != new.get(key))


# -- components and groups -------------------------------------------------------------


def _diff_elements(element: str, table: Table, old: Mapping[str, Any], new: Mapping[str, Any],
                   renamed: Mapping[str, tuple[str, float]], mapping: Mapping[str, str], values) -> list[ElementChange]:
    by_new_id = {new_id: (old_id, score) for old_id, (new_id, score) in renamed.items()}
    changes = []
    for element_id, item in new.items():
        new_values = values(item, {})
        if element_id in by_new_id:
            old_id, score = by_new_id[element_id]
            keys = _changes(values(old[old_id], mapping), new_values)
            keys = tuple(k for k in keys if not (k.key == "label" and k.old == old_id and k.new == element_id))
            changes.append(ElementChange(element, element_id, RENAMED, keys, old_id, round(score, 2)))
        elif element_id not in old:
            changes.append(ElementChange(element, element_id, ADDED, _shown(element_id, new_values, table)))
        else:
            keys = _changes(values(old[element_id], mapping), new_values)
            if keys:
                changes.append(ElementChange(element, element_id, CHANGED, keys))
    for element_id, item in old.items():
        if element_id not in new and element_id not in renamed:
            shown = _shown(element_id, values(item, {}), table)
            changes.append(ElementChange(element, element_id, REMOVED, tuple(KeyChange(k.key, k.new, None) for k in shown)))
    order = {element_id: index for index, element_id in enumerate([*new, *old])}
    changes.sort(key=lambda c: (STATUS_ORDER[c.status], order[c.id]))
    return changes


def _pair(old: Mapping[str, Any], new: Mapping[str, Any], similarity) -> dict[str, tuple[str, float]]:
    """Greedy best-first pairing of removed and added ids whose similarity passes the threshold."""
    removed = [i for i in old if i not in new]
    added = [i for i in new if i not in old]
    candidates = []
    for old_id in removed:
        for new_id in added:
            score = similarity(old[old_id], new[new_id])
            if score >= RENAME_THRESHOLD:
                candidates.append((-score, old_id, new_id))
    pairs: dict[str, tuple[str, float]] = {}
    taken: set[str] = set()
    for negative, old_id, new_id in sorted(candidates):
        if old_id not in pairs and new_id not in taken:
            pairs[old_id] = (new_id, -negative)
            taken.add(new_id)
    return pairs


def _text_similarity(a: str, b: str) -> float:
    return difflib.SequenceMatcher(None, a, b).ratio()


def _jaccard(a: set, b: set) -> float:
    return len(a & b) / len(a | b) if a | b else 1.0


def _neighbours(component_id: str, connections: Iterable[Connection]) -> set[tuple[str, str]]:
    found = set()
    for connection in connections:
        if connection.source == component_id:
            found.add(("out", connection.target))
        if connection.target == component_id:
            found.add(("in", connection.source))
    return found


def _component_similarity(old: Component, new: Component, old_connections: Sequence[Connection],
                          new_connections: Sequence[Connection]) -> float:
    """0..1: same kind required; 0.4 equal keys, 0.4 shared neighbours, 0.2 similar label."""
    if old.kind != new.kind:
        return 0.0
    old_values = _component_values(old, {})
    new_values = _component_values(new, {})
    keys = [k for k in old_values if k not in ("kind", "label") and (old_values[k], new_values[k]) != (None, None)]
    equal = sum(1 for k in keys if old_values[k] == new_values[k]) / len(keys) if keys else 1.0
    neighbours = _jaccard(_neighbours(old.id, old_connections), _neighbours(new.id, new_connections))
    text = max(_text_similarity(old.label, new.label), _text_similarity(old.id, new.id))
    return 0.4 * equal + 0.4 * neighbours + 0.2 * text


def _group_similarity(old: Group, new: Group, old_components: Mapping[str, Component],
                      new_components: Mapping[str, Component], renamed: Mapping[str, tuple[str, float]]) -> float:
    """0..1: 0.6 shared members (through component renames), 0.4 similar label."""
    old_members = {renamed.get(c.id, (c.id, 0))[0] for c in old_components.values() if c.group == old.id}
    new_members = {c.id for c in new_components.values() if c.group == new.id}
    return 0.6 * _jaccard(old_members, new_members) + 0.4 * _text_similarity(old.label, new.label)


# -- connections -------------------------------------------------------------------------


def connection_id(source: str, target: str, bidirectional: bool) -> str:
    if bidirectional:
        source, target = sorted((source, target))
        return f"{source} <-> {target}"
    return f"{source} -> {target}"


def connection_keys(connections: Iterable[Connection], mapping: Mapping[str, str] = {}) -> list[str]:
    """The id of each connection (endpoints through `mapping`), `#2`, `#3`... for repeats of a pair."""
    keys: list[str] = []
    seen: set[str] = set()
    for connection in connections:
        base = connection_id(mapping.get(connection.source, connection.source),
                             mapping.get(connection.target, connection.target), connection.bidirectional)
        key, number = base, 1
        while key in seen:
            number += 1
            key = f"{base} #{number}"
        seen.add(key)
        keys.append(key)
    return keys


def _keyed_connections(connections: Sequence[Connection], mapping: Mapping[str, str]) -> dict[str, dict[str, Any]]:
    return {key: _values(connection, CONNECTION_FIELDS, {}, ())
            for key, connection in zip(connection_keys(connections, mapping), connections)}


def _diff_connections(old: Sequence[Connection], new: Sequence[Connection], mapping: Mapping[str, str]) -> list[ElementChange]:
    old_keyed = _keyed_connections(old, mapping)
    new_keyed = _keyed_connections(new, {})
    changes = []
    for key, values in new_keyed.items():
        if key not in old_keyed:
            changes.append(ElementChange("connection", key, ADDED, _shown(key, values, CONNECTION_FIELDS)))
        else:
            keys = _changes(old_keyed[key], values)
            if keys:
                changes.append(ElementChange("connection", key, CHANGED, keys))
    for key, values in old_keyed.items():
        if key not in new_keyed:
            shown = _shown(key, values, CONNECTION_FIELDS)
            changes.append(ElementChange("connection", key, REMOVED, tuple(KeyChange(k.key, k.new, None) for k in shown)))
    order = {key: index for index, key in enumerate([*new_keyed, *old_keyed])}
    changes.sort(key=lambda c: (STATUS_ORDER[c.status], order[c.id]))
    return changes


# -- top-level settings and findings -----------------------------------------------------------


def _settings(blueprint: Blueprint) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for field in TOP_LEVEL_FIELDS:
        if field.name in _SECTIONS:
            continue
        value = plain(getattr(blueprint, field.model_attr, None))
        if isinstance(value, dict) and "reads" in value and "writes" in value:  # as written: "100:1"
            value["read_write_ratio"] = f"{value.pop('reads'):g}:{value.pop('writes'):g}"
        if isinstance(value, dict):  # traffic, placement, lint: one key each
            for key, item in value.items():
                values[f"{field.name}.{key}"] = item
        else:
            values[field.name] = value
    return values


def _diff_settings(old: Blueprint, new: Blueprint) -> tuple[KeyChange, ...]:
    return _changes(_settings(old), _settings(new))


def _findings(old: Sequence[Finding], new: Sequence[Finding], mapping: Mapping[str, str]
              ) -> tuple[tuple[FindingChange, ...], tuple[FindingChange, ...], tuple[FindingChange, ...]]:
    old_open = [f for f in old if f.suppressed is None]
    new_open = [f for f in new if f.suppressed is None]
    old_prints = dict(zip(fingerprints(old_open, mapping), old_open))
    new_prints = dict(zip(fingerprints(new_open), new_open))
    introduced = tuple(FindingChange(p, f) for p, f in new_prints.items() if p not in old_prints)
    resolved = tuple(FindingChange(p, f) for p, f in old_prints.items() if p not in new_prints)
    still_open = tuple(FindingChange(p, f) for p, f in new_prints.items() if p in old_prints)
    return introduced, resolved, still_open
