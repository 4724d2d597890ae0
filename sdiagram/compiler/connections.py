"""Connections: `a -> b`, fan-out/fan-in lists, chains, and their options table."""

from __future__ import annotations

import re
from typing import Any

from ..model import OPS, Connection, group_membership
from ..yamlsource import YMapping, YScalar, YSequence, YValue, describe
from .fields import Field, Table, read_section
from .figures import Fraction
from .readers import ID_PATTERN, INVALID, Boolean, Choice, Context, Quantity, Reader, Text

# One written line may expand to at most this many connections (after
# duplicate endpoints are dropped), and a blueprint to at most MAX_CONNECTIONS.
MAX_EXPANSION = 1_000
MAX_CONNECTIONS = 100_000
# A list endpoint holds at most this many names (checked before expanding).
MAX_ENDPOINTS = 1_000

CONNECTION_FIELDS: Table = (
    Field("label", Text(), help="The text on the edge.", example="label: publish"),
    Field("async", Boolean(), attr="is_async", default=False,
          help="`true` when the caller does not wait (a message, an event): drawn dashed, and not a call for lint.",
          example="async: true"),
    Field("protocol", Text(), help="The protocol (http, grpc, kafka, ...): shown with the label.",
          example="protocol: grpc"),
    Field("op", Choice(OPS), computed_default="inferred from the label",
          help="What the source does to the target: `read`, `write` or `read_write`. Without it, lint infers it "
               "from label words (query, fetch, get ... read; write, store, publish, append ... write; neither "
               "or both: read_write).", example="op: write"),
    Field("reply", Boolean(), default=False,
          help="`true` for a response path (`api -> client: {reply: true}`): drawn, but not a call, so cycle, "
               "chain and reachability analysis ignore it.", example="reply: true"),
    Field("share", Fraction(), computed_default="an even split of what the others leave",
          help="The fraction of the source's requests that take this connection (`sdiagram estimate`).",
          example="share: 10%"),
    Field("per_request", Quantity(0), computed_default="none: the connection takes part in the split",
          help="Calls one request of the source makes on this connection (fan-out); it then gets "
               "requests × per_request, outside the split.", example="per_request: 3"),
    Field("latency_ms", Quantity(0), computed_default="0.5 (same data centre); 50 from a client, 20 to a CDN",
          help="The hop's round trip in milliseconds (e.g. 150 across regions).", example="latency_ms: 150"),
)

_ARROW = re.compile(r"\s*(<->|->)\s*")
_SYNTAX = "write 'a -> b', 'a <-> b', 'a -> [b, c]', '[a, b] -> c' or 'a -> b -> c'"


class ConnectionsReader(Reader):
    """`connections:`: a list of `a -> b` or `a -> b: label-or-options`."""

    type_name = "list of connections"

    def read(self, ctx: Context, value: YValue, what: str) -> tuple[Connection, ...]:
        if not isinstance(value, YSequence):
            ctx.error(value.span, f"connections must be a list, not {describe(value)}")
            return ()
        components, groups = ctx.components, ctx.groups
        known = set(components) | set(groups)
        declared = ctx.declared | known
        membership: dict[str, tuple[str, ...]] | None = None  # built on the first group endpoint
        result: list[Connection] = []
        for item in value.items:
            expression, details = item, None
            if isinstance(item, YMapping):
                if len(item.entries) != 1:
                    ctx.error(item.span, "a connection is one `a -> b: label` entry per list item")
                    continue
                expression, details = item.entries[0]
            if isinstance(expression, YSequence):
                ctx.error(item.span, "a connection that starts with '[' must be quoted: - \"[a, b] -> c\"")
                continue
            if not isinstance(expression, YScalar) or not isinstance(expression.value, str):
                ctx.error(item.span, f"a connection must look like 'a -> b', not {describe(expression)}")
                continue
            hops = parse_chain(expression.value)
            if hops is None:
                ctx.error(expression.span, f"cannot read connection {_shown(expression.value)}: {_SYNTAX}")
                continue
            if isinstance(hops, str):
                ctx.error(expression.span, hops)
                continue
            options = _details(ctx, details)
            endpoints_ok = True
            for endpoint in hops[0] + hops[2] if len(hops) == 3 else {n: 0 for names in hops[::2] for n in names}:
                if endpoint not in declared:
                    ctx.error(expression.span, f"unknown component or group '{endpoint}'{ctx.did_you_mean(endpoint, declared)}")
                    endpoints_ok = False
                elif endpoint in groups:
                    if membership is None:
                        membership = group_membership(groups, components)
                    if not membership[endpoint]:
                        ctx.error(expression.span, f"group '{endpoint}' has no components to connect to")
                        endpoints_ok = False
                elif endpoint not in known:
                    endpoints_ok = False  # its own definition is already reported
            if not endpoints_ok:
                continue
            expansion = len(hops[0]) * len(hops[2])
            for i in range(2, len(hops) - 2, 2):
                expansion += len(hops[i]) * len(hops[i + 2])
            if expansion > MAX_EXPANSION:
                ctx.error(expression.span, f"this line connects {expansion:,} pairs, over the limit of "
                                           f"{MAX_EXPANSION:,}; connect groups instead of long lists")
                continue
            if len(result) + expansion > MAX_CONNECTIONS:
                ctx.error(expression.span, f"the blueprint has more than {MAX_CONNECTIONS:,} connections")
                break
            if options.get("reply") and any(arrow == "<->" for arrow in hops[1::2]):
                ctx.error(expression.span, "a reply goes one way: write 'b -> a: {reply: true}', not '<->'")
                continue
            for i in range(0, len(hops) - 2, 2):
                sources, arrow, targets = hops[i], hops[i + 1], hops[i + 2]
                for source in sources:
                    for target in targets:
                        if source == target:
                            ctx.error(expression.span, f"'{source}' is connected to itself")
                            continue
                        result.append(
                            Connection(
                                source=source,
                                target=target,
                                span=expression.span,
                                bidirectional=arrow == "<->",
                                source_is_group=source in groups,
                                target_is_group=target in groups,
                                **options,
                            )
                        )
        return tuple(result)

    def schema(self) -> dict[str, Any]:
        from .schema import table_schema

        chain = {"type": "string", "pattern": "(->|<->)"}
        details = {"anyOf": [{"type": "null"}, Text().schema(), table_schema(CONNECTION_FIELDS)]}
        return {
            "type": "array",
            "items": {
                "anyOf": [
                    chain,
                    {"type": "object", "minProperties": 1, "maxProperties": 1,
                     "propertyNames": chain, "additionalProperties": details},
                ]
            },
        }


def _details(ctx: Context, details: YValue | None) -> dict[str, Any]:
    """The options after the colon: a label, or a mapping read by CONNECTION_FIELDS.

    Bad options are reported; the connection keeps the valid ones.
    """
    if details is None or (isinstance(details, YScalar) and details.value is None):
        return {}
    if isinstance(details, YScalar):
        label = Text().read(ctx, details, "connection label")
        return {} if label is INVALID else {"label": label}
    return read_section(ctx, details, "a connection", CONNECTION_FIELDS).values


def parse_chain(expression: str) -> list | str | None:
    """'a -> [b, c] <-> d' -> [['a'], '->', ['b', 'c'], '<->', ['d']]; a message or None when unreadable.

    Duplicate names in a list are dropped (`[a, a] -> b` is one connection).
    """
    parts = _ARROW.split(expression.strip())
    if len(parts) < 3 or len(parts) % 2 == 0:
        return None
    hops: list = []
    for i, part in enumerate(parts):
        if i % 2:
            hops.append(part)
            continue
        names = _endpoint_list(part)
        if names is None:
            return None
        if len(names) > MAX_ENDPOINTS:
            return f"a list of {len(names):,} endpoints is over the limit of {MAX_ENDPOINTS:,}; connect a group instead"
        hops.append(names)
    return hops


def _endpoint_list(text: str) -> list[str] | None:
    text = text.strip()
    if not text.startswith("["):
        return [text] if ID_PATTERN.match(text) else None
    if not text.endswith("]"):
        return None
    names = [name.strip() for name in text[1:-1].split(",")]
    for name in names:
        if not ID_PATTERN.match(name):
            return None
    return list(dict.fromkeys(names))


def _shown(text: str) -> str:
    return repr(text) if len(text) <= 80 else repr(text[:77] + "...")
