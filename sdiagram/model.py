"""The typed blueprint model: what the compiler produces and every later stage reads.

All values are frozen; every element keeps the `Span` of the text it came from.

The records are named tuples: every `sdiagram` command defines them at
start-up, where a frozen dataclass costs about ten times as much, and a large
blueprint builds hundreds of thousands of them, where a tuple is also the
cheapest to build. Change one with `record._replace(...)`; `is_record` and
`record_defaults` serve code that walks records generically.
No `from __future__ import annotations` here: `typing.NamedTuple` compiles
every annotation given as a string, which doubles the cost of defining them.
"""

from functools import cached_property
from datetime import date
from types import MappingProxyType
from typing import Any, Mapping, NamedTuple

from .diagnostics import Span

DIRECTIONS = ("LR", "TB", "RL", "BT")
REPLICATION_MODES = ("primary-replica", "multi-primary", "quorum")
FAILOVER_MODES = ("automatic", "manual")
OPS = ("read", "write", "read_write")


def is_record(value: object) -> bool:
    """A model record (a named tuple such as `Component` or `Traffic`), not a plain tuple."""
    return isinstance(value, tuple) and hasattr(type(value), "_fields")


def record_defaults(record_type: type) -> dict[str, Any]:
    """The default of every field of a record type that has one, by name."""
    return dict(record_type._field_defaults)  # type: ignore[attr-defined]


class Suppression(NamedTuple):
    """`rule: reason` under a component's or the blueprint's `ignore:`, or
    `rule: {reason: ..., until: YYYY-MM-DD, ticket: ...}`: a suppression that
    stops suppressing after `until` (lint says so on the finding)."""

    rule: str
    reason: str
    span: Span
    until: date | None = None
    ticket: str | None = None


class Component(NamedTuple):
    id: str
    kind: str
    label: str
    span: Span
    tech: str | None = None
    icon: str | None = None
    replicas: int = 1
    managed: bool = False
    group: str | None = None
    dead_letter: str | None = None
    ignore: tuple[Suppression, ...] = ()
    # partitions, each holding `replicas` copies
    shards: int = 1
    # how the copies of a stateful component agree (REPLICATION_MODES), and
    # whether another copy takes over writes on its own (FAILOVER_MODES)
    replication: str | None = None
    failover: str | None = None
    # where the copies run; defaults come from the blueprint's `placement`
    zones: int = 1
    regions: int = 1
    # the component (a service) whose data this is
    owner: str | None = None
    description: str | None = None
    link: str | None = None
    # free-form labels that views select by
    tags: tuple[str, ...] = ()
    # Back-of-envelope figures (issue 8; None: the documented default applies)
    hit_ratio: float | None = None  # caches and CDNs: fraction of reads served without the store behind
    capacity: float | None = None  # operations/s one replica serves
    availability: float | None = None  # fraction (0.9995), of the component as a whole
    latency_ms: float | None = None  # time the component itself spends on a request

    @property
    def single_writer(self) -> bool:
        """Copies, but writes stop when the primary fails until someone promotes a
        replica: `replication: primary-replica` with `failover: manual`."""
        return self.replication == "primary-replica" and self.failover == "manual" and not self.managed

    @property
    def redundant(self) -> bool:
        """It survives the loss of one node (copies that take over, or managed)."""
        return (self.replicas >= 2 or self.managed) and not self.single_writer


class Group(NamedTuple):
    id: str
    label: str
    span: Span
    parent: str | None = None


class Connection(NamedTuple):
    """One directed edge as written; fan-out and fan-in are already expanded.

    `bidirectional` marks `a <-> b`: one drawn edge, traffic both ways.
    Either endpoint may be a group id (`source_is_group` / `target_is_group`).
    """

    source: str
    target: str
    span: Span
    label: str | None = None
    is_async: bool = False
    protocol: str | None = None
    bidirectional: bool = False
    source_is_group: bool = False
    target_is_group: bool = False
    # what the source does to the target (OPS); None: infer from the label
    op: str | None = None
    # a response path: drawn, but not a call (cycle, chain and reachability
    # analysis ignore it)
    reply: bool = False
    # Load and latency figures (issue 8): the fraction of the source's requests
    # that take this connection, calls per source request, and the hop's round trip.
    share: float | None = None
    per_request: float | None = None
    latency_ms: float | None = None


class Traffic(NamedTuple):
    dau: int | None = None
    requests_per_user: float | None = None
    reads: float | None = None
    writes: float | None = None
    peak_factor: float | None = None
    span: Span | None = None
    # Sizes in bytes and the retention in days (issue 8)
    request_size: float | None = None
    response_size: float | None = None
    record_size: float | None = None
    retention_days: float | None = None

    @property
    def read_write_ratio(self) -> float | None:
        if self.reads is None or self.writes is None:
            return None
        return float("inf") if self.writes == 0 else self.reads / self.writes


class Placement(NamedTuple):
    """`placement:`: where components run unless they say otherwise."""

    zones: int = 1
    regions: int = 1
    span: Span | None = None


class Slo(NamedTuple):
    """Blueprint-level objectives: `slo: {availability: 99.99%, latency_ms: 200}`."""

    availability: float | None = None  # fraction (0.9999)
    latency_ms: float | None = None
    span: Span | None = None


class Setting(NamedTuple):
    """A value from the `lint:` block with its position; lint validates it."""

    value: Any
    span: Span


class RuleSettings(NamedTuple):
    """`lint.rules.<rule>`: a severity override and rule options."""

    rule: str
    span: Span
    severity: Setting | None = None
    options: Mapping[str, Setting] = MappingProxyType({})


class LintSettings(NamedTuple):
    select: tuple[Setting, ...] | None = None
    ignore: tuple[Suppression, ...] = ()
    rules: tuple[RuleSettings, ...] = ()
    span: Span | None = None


def group_membership(groups: Mapping[str, Group], components: Mapping[str, Component]) -> dict[str, tuple[str, ...]]:
    """Every group id -> the component ids inside it or any of its nested groups, in source order.

    One pass over the components, each walking up its chain of parents, so
    asking for every group costs components x nesting depth, not groups x components.
    """
    found: dict[str, list[str]] = {group_id: [] for group_id in groups}
    for component in components.values():
        group, seen = component.group, set()
        while group is not None and group in found and group not in seen:  # `seen`: a parent cycle being reported
            seen.add(group)
            found[group].append(component.id)
            group = groups[group].parent
    return {group_id: tuple(members) for group_id, members in found.items()}


# The candidate layouts a blueprint may pin with `layout: {variant: ...}`
# (renderer.candidates.CANDIDATES, in the same order; a test keeps them equal).
LAYOUT_VARIANTS = (
    "base", "group-bands", "loose-groups", "classic-bands", "stores-beside", "classic-ranking", "packed",
)


class LayoutHints(NamedTuple):
    """`layout:`: what to keep when the scored layout is not what the author wants."""

    same_rank: tuple[tuple[str, ...], ...] = ()  # each: components drawn side by side (one rank)
    order: tuple[tuple[str, ...], ...] = ()  # each: components on one rank, in this order
    group_order: tuple[tuple[str, ...], ...] = ()  # each: groups along the flow, in this order
    variant: str | None = None  # pin one candidate layout
    span: Span | None = None


class View(NamedTuple):
    """`views.<name>`: a named subset of the model, drawn as `<blueprint>.<name>.<format>`.

    It holds the union of: the members of `groups` (nested ones too), the
    listed `components`, the components carrying any of `tags`, and the
    components at most `depth` connections away from `around`.
    """

    name: str
    span: Span
    title: str | None = None
    groups: tuple[str, ...] = ()
    components: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    around: str | None = None
    depth: int = 1


class BlueprintFields(NamedTuple):
    """The fields of a `Blueprint` (a named tuple like every model record)."""

    path: str
    name: str
    title: str
    span: Span
    summary: str | None = None
    direction: str = "LR"
    traffic: Traffic | None = None
    placement: Placement = Placement()
    components: Mapping[str, Component] = MappingProxyType({})
    groups: Mapping[str, Group] = MappingProxyType({})
    connections: tuple[Connection, ...] = ()
    lint: LintSettings = LintSettings()
    layout: LayoutHints = LayoutHints()
    views: Mapping[str, View] = MappingProxyType({})
    format_version: int = 1
    slo: Slo | None = None


class Blueprint(BlueprintFields):
    """A validated blueprint. `components` and `groups` keep source order.

    A subclass of its fields' named tuple, so that it can cache the group
    membership (`members`); `blueprint._replace(...)` makes a new one, with
    no cache. Its `repr` is short.
    """

    def members(self, group_id: str) -> tuple[str, ...]:
        """Component ids inside a group or any of its nested groups, in source order."""
        return self._membership.get(group_id, ())

    @cached_property
    def _membership(self) -> dict[str, tuple[str, ...]]:
        return group_membership(self.groups, self.components)

    def __repr__(self) -> str:
        """Short: the generated repr of every component ran to kilobytes."""
        counts = f"{len(self.components)} components, {len(self.groups)} groups, {len(self.connections)} connections"
        return f"<Blueprint {self.name!r} from {self.path!r}: {counts}>"

    def _repr_svg_(self) -> str:
        """Jupyter shows a blueprint as its diagram."""
        from .renderer import render

        return render(self, "svg").decode("utf-8")
