"""Components and groups: their field tables and the checks between fields."""

from __future__ import annotations

from typing import Any

from ..catalog import KINDS, TECH_ALIASES, TECHS, tech_name
from ..diagnostics import BlueprintError, Span
from ..model import FAILOVER_MODES, REPLICATION_MODES, Component, Group
from ..yamlsource import YMapping, YValue
from .fields import Field, Table, empty_mapping_if_null, read_section
from .figures import Fraction, Rate
from .views import IdentifierList
from .suppressions import Suppressions
from .readers import (
    INVALID,
    Boolean,
    Choice,
    Context,
    Icon,
    Identifier,
    Integer,
    Quantity,
    Reader,
    Text,
    Url,
)

MAX_REPLICAS = 10_000
MAX_SHARDS = 100_000
MAX_ZONES = 100
MAX_GROUP_DEPTH = 32
# A diagram of tens of thousands of components cannot be laid out usefully
# (the two-pass large layout takes 7-9 s for 3,000 components; 60,000 exceed
# a 120 s timeout), and this bounds the time of every stage before the layout
# on a blueprint under the size limit (docs/limits.md).
MAX_COMPONENTS = 40_000
DEAD_LETTER_KINDS = ("queue", "stream")
# Kinds that keep data: replication and failover say how their copies agree,
# and `owner` says whose data it is.
DATA_KINDS = ("cache", "database", "object_storage", "queue", "stream", "pubsub", "search_index",
                  "vector_db", "warehouse")
# Kinds that run code: they can own data.
OWNER_KINDS = ("service", "worker", "function", "scheduler", "api_gateway")

_KINDS_FOOTER = "; `sdiagram kinds` lists them"

COMPONENT_FIELDS: Table = (
    Field("kind", Choice(tuple(KINDS), noun="kind", footer=_KINDS_FOOTER), required=True,
          help="What it is to the architecture; lint rules reason about kinds. `sdiagram kinds` lists them.",
          example="kind: database"),
    Field("tech", Choice(tuple(TECHS), noun="tech", normalize=tech_name, spellings=tuple(TECH_ALIASES),
                         footer=_KINDS_FOOTER),
          help="The product: picks the icon, and marks provider-run services as managed. Any case; "
               "aliases such as `postgres` are accepted.",
          example="tech: postgresql"),
    Field("label", Text(), computed_default="the id", help="The text under the icon.",
          example="label: Orders DB"),
    Field("icon", Icon(),
          help="Any `diagrams` class path (`aws.database.RDS`) or a .png/.jpg file inside the blueprint's folder.",
          example="icon: aws.database.RDS"),
    Field("replicas", Integer(1, MAX_REPLICAS, hint=": write how many copies run, e.g. `replicas: 3` for a "
                                                    "3-node cluster (and `shards: N` when the data is partitioned)"),
          default=1, help="Copies of each shard (identical instances); drawn as `×N`.", example="replicas: 3"),
    Field("shards", Integer(1, MAX_SHARDS, hint=": write how many partitions the data is split into, e.g. `shards: 8`"),
          default=1, help="Partitions, each holding `replicas` copies: `replicas: 3, shards: 8` is 8 partitions of "
                          "3 copies, drawn as `×3 · 8 shards`.", example="shards: 8"),
    Field("replication", Choice(REPLICATION_MODES),
          help="For stateful kinds with replicas >= 2: how the copies agree. `primary-replica`: one primary takes "
               "writes, replicas serve reads; `multi-primary`: every copy takes writes; `quorum`: a majority "
               "acknowledges each write.", example="replication: primary-replica"),
    Field("failover", Choice(FAILOVER_MODES),
          help="For stateful kinds with replicas >= 2: whether another copy takes over writes on its own "
               "(`automatic`) or an operator promotes one (`manual`). Primary-replica with manual failover keeps "
               "writes on one node: lint reports it on a write path (manual-failover-write-path).",
          example="failover: automatic"),
    Field("zones", Integer(1, MAX_ZONES), default=1, computed_default="placement.zones, else 1",
          help="Availability zones its copies are spread over.", example="zones: 3"),
    Field("regions", Integer(1, MAX_ZONES), default=1, computed_default="placement.regions, else 1",
          help="Regions its copies are spread over.", example="regions: 2"),
    Field("managed", Boolean(), default=False, computed_default="true for a managed tech, else false",
          help="`true` for a provider-run service that is redundant by contract (S3, DynamoDB, SQS, ...).",
          example="managed: true"),
    Field("group", Identifier(), help="The group (cluster) it is drawn in.", example="group: storage"),
    Field("owner", Identifier(),
          help="For stateful kinds: the component (a service, worker, function, scheduler or API gateway) whose "
               "data this is. Lint then counts that owner's own workers as one team.", example="owner: orders"),
    Field("dead_letter", Identifier(), help="For queues and streams: the component failed messages go to.",
          example="dead_letter: orders-dlq"),
    Field("description", Text(), help="Free text: the SVG tooltip, and carried into exports.",
          example="description: Source of truth for orders; 30-day PITR."),
    Field("link", Url(), help="An http(s) URL: a runbook, dashboard or repository.",
          example="link: https://runbooks.example.com/orders-db"),
    Field("capacity", Rate(), computed_default="the table in docs/estimate.md by kind and tech",
          help="Operations/s one replica serves (reads and writes); `sdiagram estimate` and the over-capacity "
               "rule divide the peak load by it.", example="capacity: 20k"),
    Field("hit_ratio", Fraction(), computed_default="0.8 for a cache, 0.9 for a CDN",
          help="For caches and CDNs: the fraction of reads answered without the store behind, which gets only "
               "the misses.", example="hit_ratio: 95%"),
    Field("availability", Fraction(percent_numbers=True, above_zero=True),
          computed_default="the table in docs/estimate.md (managed services: their SLA)",
          help="The component's availability as a whole (its replicas included).", example="availability: 99.95%"),
    Field("latency_ms", Quantity(0), computed_default="the table in docs/estimate.md by kind and tech",
          help="Milliseconds the component itself spends on a request (the calls it makes are added).",
          example="latency_ms: 30"),
    Field("tags", IdentifierList(), default=(), help="Free-form labels (ids) that `views:` select by.",
          example="tags: [pii, checkout]"),
    Field("ignore", Suppressions(), default=(),
          help="Lint suppressions next to what they excuse: `{rule: \"reason\"}`, or "
               "`{rule: {reason, until, ticket}}` to expire; a reason is required.",
          example="ignore: {single-point-of-failure: \"cold standby restored from backup\"}"),
)

GROUP_FIELDS: Table = (
    Field("label", Text(), computed_default="the id", help="The title drawn on the cluster.",
          example="label: Storage tier"),
    Field("parent", Identifier(), help=f"The group it is drawn inside (nesting up to {MAX_GROUP_DEPTH} deep).",
          example="parent: backend"),
)


class GroupsReader(Reader):
    """`groups:`: id -> group; nests through `parent:`."""

    type_name = "mapping of id to group"

    def read(self, ctx: Context, value: YValue, what: str) -> dict[str, Group]:
        groups: dict[str, Group] = {}
        parent_nodes: dict[str, YValue] = {}
        for group_id, key, spec in ctx.mapping_items(value, "groups"):
            if Identifier().read(ctx, key, "group id") is INVALID:
                continue
            read = read_section(ctx, empty_mapping_if_null(spec), f"group '{group_id}'", GROUP_FIELDS)
            if "parent" in read.values:
                parent_nodes[group_id] = read.nodes["parent"]
            groups[group_id] = Group(group_id, read.values.get("label", group_id), key.span, read.values.get("parent"))
        for group_id, node in parent_nodes.items():
            parent = groups[group_id].parent
            if parent not in groups:
                ctx.error(node.span, f"unknown parent group '{parent}'{ctx.did_you_mean(str(parent), groups)}")
                groups[group_id] = groups[group_id]._replace(parent=None)
        if not _break_cycles(ctx, groups, parent_nodes):
            _check_depth(ctx, groups, parent_nodes)
        ctx.groups = groups
        return groups

    def schema(self) -> dict[str, Any]:
        from .schema import id_mapping_schema, table_schema

        return id_mapping_schema({"anyOf": [table_schema(GROUP_FIELDS), {"type": "null"}]})


def _break_cycles(ctx: Context, groups: dict[str, Group], parent_nodes: dict[str, YValue]) -> bool:
    """Report each cycle of `parent:` links once and cut it, in linear time; True if there was one."""
    found = False
    order = {group_id: i for i, group_id in enumerate(groups)}
    done: set[str] = set()
    for start in groups:
        path: list[str] = []
        on_path: dict[str, int] = {}
        current: str | None = start
        while current is not None and current not in done and current not in on_path:
            on_path[current] = len(path)
            path.append(current)
            current = groups[current].parent
        if current is not None and current in on_path:
            cycle = path[on_path[current]:]
            first = min(cycle, key=order.__getitem__)
            at = cycle.index(first)
            shown = cycle[at:] + cycle[:at] + [first]
            if len(shown) > 12:
                shown = shown[:5] + ["..."] + shown[-3:]
                shown[-1] += f" ({len(cycle):,} groups)"
            ctx.error(parent_nodes[first].span, f"group parents form a cycle: {' -> '.join(shown)}")
            groups[first] = groups[first]._replace(parent=None)
            found = True
        done.update(path)
    return found


def _check_depth(ctx: Context, groups: dict[str, Group], parent_nodes: dict[str, YValue]) -> None:
    """Groups nested deeper than MAX_GROUP_DEPTH are an error (reported where the limit is crossed)."""
    depth: dict[str, int] = {}
    for start in groups:
        path: list[str] = []
        current: str | None = start
        while current is not None and current not in depth:
            path.append(current)
            current = groups[current].parent
        level = depth[current] if current is not None else 0
        for group_id in reversed(path):
            level += 1
            depth[group_id] = level
            if level == MAX_GROUP_DEPTH + 1:
                ctx.error(
                    parent_nodes[group_id].span,
                    f"group '{group_id}' is nested {level} deep through 'parent:'; the limit is {MAX_GROUP_DEPTH}",
                )


class ComponentsReader(Reader):
    """`components:`: id -> component, in source order."""

    type_name = "mapping of id to component"

    def read(self, ctx: Context, value: YValue, what: str) -> dict[str, Component]:
        if isinstance(value, YMapping) and len(value.entries) > MAX_COMPONENTS:
            # Counted before any is compiled; the rest of the blueprint is not
            # read either: its references would all be to refused components.
            ctx.error(value.entries[MAX_COMPONENTS][0].span,
                      f"the blueprint has {len(value.entries):,} components; at most {MAX_COMPONENTS:,} "
                      f"are allowed (docs/limits.md)")
            raise BlueprintError(ctx.problems)
        components: dict[str, Component] = {}
        later: list[tuple[Component, dict[str, YValue]]] = []
        for component_id, key, spec in ctx.mapping_items(value, "components"):
            if Identifier().read(ctx, key, "component id") is INVALID:
                continue
            ctx.declared.add(component_id)
            component, nodes = _component(ctx, component_id, key.span, spec)
            if component is not None:
                components[component_id] = component
                later.append((component, nodes))
        if isinstance(value, YMapping) and not value.entries:
            ctx.error(value.span, "'components' is empty")
        for component, nodes in later:
            _check_references(ctx, component, nodes, components)
        for component_id, component in components.items():
            if component_id in ctx.groups:
                ctx.error(component.span, f"id '{component_id}' is used by a component and a group")
        ctx.components = components
        return components

    def schema(self) -> dict[str, Any]:
        from .schema import id_mapping_schema, table_schema

        return id_mapping_schema(table_schema(COMPONENT_FIELDS), min_properties=1, max_properties=MAX_COMPONENTS)


def _component(ctx: Context, component_id: str, span: Span, spec: YValue) -> tuple[Component | None, dict[str, YValue]]:
    read = read_section(ctx, spec, f"component '{component_id}'", COMPONENT_FIELDS)
    if not isinstance(spec, YMapping):
        return None, read.nodes
    values, nodes = read.values, read.nodes
    kind = values.get("kind")
    if "kind" not in nodes:
        ctx.error(span, f"component '{component_id}' has no 'kind' (one of: {', '.join(KINDS)})")
    if "tech" in values and "managed" not in nodes:
        values["managed"] = TECHS[values["tech"]].managed
    for key in ("zones", "regions"):
        if key not in nodes:
            values[key] = getattr(ctx.placement, key)
    if ("zones" in nodes or "regions" in nodes) and values.get("zones", MAX_ZONES) < values.get("regions", 1):
        where = nodes["zones"] if "zones" in nodes else nodes["regions"]
        ctx.error(where.span, f"zones ({values['zones']}) must be at least regions ({values['regions']}): "
                              "every region has a zone of its own")
    group = values.get("group")
    if group is not None and group not in ctx.groups:
        ctx.error(nodes["group"].span, f"unknown group '{group}'{ctx.did_you_mean(group, ctx.groups)}")
        del values["group"]
    if kind is not None:
        if "dead_letter" in values and kind not in DEAD_LETTER_KINDS:
            ctx.error(nodes["dead_letter"].span, f"dead_letter is for queues and streams, not a {kind}")
        for key in ("replication", "failover", "owner"):
            if key in nodes and kind not in DATA_KINDS:
                ctx.error(nodes[key].span, f"{key} is for components that keep data ({', '.join(DATA_KINDS)}), "
                                           f"not a {kind}")
        replicas = values.get("replicas", 1 if "replicas" not in nodes else MAX_REPLICAS)
        for key in ("replication", "failover"):
            if key in values and kind in DATA_KINDS and replicas < 2:
                need = "copies to fail over between" if key == "failover" else "copies to replicate to"
                ctx.error(nodes[key].span, f"{key} needs {need}: set replicas to 2 or more")
    if kind is None:
        return None, nodes
    values.setdefault("label", component_id)
    return Component(id=component_id, span=span, **values), nodes


def _check_references(
    ctx: Context, component: Component, nodes: dict[str, YValue], components: dict[str, Component]
) -> None:
    """Fields that name another component: it must exist (and fit)."""
    if "dead_letter" in nodes and component.dead_letter is not None:
        target = component.dead_letter
        if target not in components:
            ctx.error(nodes["dead_letter"].span,
                      f"unknown dead_letter component '{target}'{ctx.did_you_mean(target, components)}")
        elif target == component.id:
            ctx.error(nodes["dead_letter"].span, f"'{component.id}' cannot be its own dead-letter target")
    if "owner" in nodes and component.owner is not None:
        owner = components.get(component.owner)
        if owner is None:
            ctx.error(nodes["owner"].span,
                      f"unknown owner component '{component.owner}'{ctx.did_you_mean(component.owner, components)}")
        elif owner.kind not in OWNER_KINDS:
            ctx.error(nodes["owner"].span,
                      f"owner '{owner.id}' is a {owner.kind}; an owner runs code ({', '.join(OWNER_KINDS)})")
