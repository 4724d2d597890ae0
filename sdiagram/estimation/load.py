"""Load propagation: peak reads/s and writes/s per component and per connection.

The rules (docs/estimate.md has them with examples):

* The peak reads enter at the clients that read (a connection of theirs
  carries reads), split evenly between them; the peak writes likewise at the
  clients that write. In a blueprint without clients, the components nothing
  connects to are the clients.
* Each component passes what arrives on to its outgoing connections:
  - a connection carries reads, writes or both by its `op:` (else the words of
    its label, as lint reads them: `store` writes, `lookup` reads, neither
    both); an `async: true` connection carries writes (events) only, and so
    does a connection into a queue, stream or topic (a publish);
  - among the connections that carry an operation, one with `per_request: n`
    gets n calls per request (fan-out); one with `share: f` gets the fraction
    f; the others split the rest evenly;
  - an async connection (or one into a queue, stream or topic) carries
    writes as messages; with `op: read_write` it also carries a message per
    read (a click event for every redirect);
  - a component that receives only writes (a consumer of messages) makes its
    read calls per message: its read-only connections carry one per write;
  - a cache or CDN passes on only its misses: reads × (1 − hit_ratio);
  - cache-aside: when a component reads a cache and a store (database,
    object storage, search index, vector database, warehouse), the store gets
    only the cache's misses, and the writes go to the store (the cache
    invalidations they cause are cheap and not counted);
  - a queue, stream or topic delivers every message to every consumer (each
    consumer group reads everything); `worker -> queue: poll` is a delivery too.
* Replies (`reply: true`), the reverse half of `a <-> b` and dead-letter links
  carry no load.
* A connection that closes a loop (`kafka -> chat` after `chat -> kafka`)
  brings its load to its target, but that load is not passed on again.
"""

from __future__ import annotations

from typing import NamedTuple

from ..lint.graph import CALLER_KINDS, AnalysisGraph, Edge
from .defaults import CACHING_KINDS, HIT_RATIOS, MESSAGING_KINDS, STORE_KINDS
from .traffic import TrafficEstimate


class FlowEdge(NamedTuple):
    source: str
    target: str
    reads: bool
    writes: bool
    share: float | None
    per_request: float | None
    connection: int | None  # index of the written connection in blueprint.connections
    events: bool = False  # async, or into a queue/stream/topic: a message, not a call


class Flow(NamedTuple):
    reads: dict[str, float]  # peak reads/s arriving at each component (clients: sent)
    writes: dict[str, float]
    edges: tuple[FlowEdge, ...]
    edge_reads: list[float]
    edge_writes: list[float]


def hit_ratio(graph: AnalysisGraph, component_id: str) -> float:
    component = graph.components[component_id]
    if component.hit_ratio is not None:
        return component.hit_ratio
    figure = HIT_RATIOS.get(component.kind)
    return figure.value if figure else 0.0


def flow_edges(graph: AnalysisGraph) -> tuple[FlowEdge, ...]:
    """The edges load travels along, in the direction it travels."""
    index = {id(c): i for i, c in enumerate(graph.blueprint.connections)}
    found = []
    for edge in graph.edges:
        if edge.reverse or edge.dead_letter or edge.connection is None or edge.connection.reply:
            continue
        connection = edge.connection
        position = index.get(id(connection))
        source_kind, target_kind = graph.kind(edge.source), graph.kind(edge.target)
        if target_kind in MESSAGING_KINDS and source_kind in CALLER_KINDS and edge.consumes:
            found.append(FlowEdge(edge.target, edge.source, False, True, connection.share, connection.per_request,
                                  position, events=True))
            continue
        reads, writes = operations(edge, source_kind, target_kind)
        events = edge.is_async or source_kind in MESSAGING_KINDS or target_kind in MESSAGING_KINDS
        found.append(FlowEdge(edge.source, edge.target, reads, writes, connection.share, connection.per_request,
                              position, events))
    return tuple(found)


def operations(edge: Edge, source_kind: str, target_kind: str) -> tuple[bool, bool]:
    """(carries reads, carries writes). An event connection (async, or into or out of a queue,
    stream or topic) carries writes, and reads too with `op: read_write` (an event per request;
    `op: read` into a queue is a consumer reading it)."""
    op = edge.connection.op if edge.connection is not None else None
    if edge.is_async or source_kind in MESSAGING_KINDS or target_kind in MESSAGING_KINDS:
        return op == "read_write", True
    if op == "read":
        return True, False
    if op == "write":
        return False, True
    if op == "read_write":
        return True, True
    return edge.reads, edge.writes


def propagate(graph: AnalysisGraph, traffic: TrafficEstimate | None) -> Flow:
    edges = flow_edges(graph)
    reads = dict.fromkeys(graph.components, 0.0)
    writes = dict.fromkeys(graph.components, 0.0)
    edge_reads = [0.0] * len(edges)
    edge_writes = [0.0] * len(edges)
    if traffic is None or not graph.entry_points:
        return Flow(reads, writes, edges, edge_reads, edge_writes)
    out: dict[str, list[int]] = {c: [] for c in graph.components}
    for number, edge in enumerate(edges):
        out[edge.source].append(number)
    entries = graph.entry_points
    reading = [e for e in entries if any(edges[n].reads for n in out[e])] or list(entries)
    writing = [e for e in entries if any(edges[n].writes for n in out[e])] or list(entries)
    for entry in reading:
        reads[entry] = traffic.peak_reads / len(reading)
    for entry in writing:
        writes[entry] = traffic.peak_writes / len(writing)

    kinds = {c: graph.kind(c) for c in graph.components}

    def send(number: int, read_amount: float, write_amount: float) -> None:
        if edges[number].events:  # a message is a write to whatever receives it
            read_amount, write_amount = 0.0, write_amount + read_amount
        edge_reads[number] += read_amount
        edge_writes[number] += write_amount
        reads[edges[number].target] += read_amount
        writes[edges[number].target] += write_amount

    for node in _topological_order(graph, edges, out):
        node_reads, node_writes = reads[node], writes[node]
        if node_reads == 0 and node_writes == 0:
            continue
        outgoing = out[node]
        if kinds[node] in MESSAGING_KINDS:
            for number in outgoing:
                edge = edges[number]
                send(number, 0.0, node_writes * _factor(edge.share) * _factor(edge.per_request))
            continue
        if kinds[node] in CACHING_KINDS:
            node_reads *= 1 - hit_ratio(graph, node)
        # A component that receives only writes (a consumer of messages) makes its
        # read calls per message: its read-only connections carry one per write.
        derived = reads[node] == 0
        if derived:
            node_reads = node_writes
        readers = [n for n in outgoing if edges[n].reads and not (derived and edges[n].writes)]
        caches = [n for n in readers if kinds[edges[n].target] == "cache"]
        aside = [n for n in readers if kinds[edges[n].target] in STORE_KINDS
                 and edges[n].share is None and edges[n].per_request is None] if caches else []
        skipped = set(aside)
        read_split = _split(node_reads, [n for n in readers if n not in skipped], edges)
        for number, amount in read_split.items():
            send(number, amount, 0.0)
        if aside:
            missed = sum(read_split[n] * (1 - hit_ratio(graph, edges[n].target)) for n in caches)
            for number in aside:
                send(number, missed / len(aside), 0.0)
        excluded = set(caches) if aside else set()
        writers = [n for n in outgoing if edges[n].writes and n not in excluded]
        for number, amount in _split(node_writes, writers, edges).items():
            send(number, 0.0, amount)
    return Flow(reads, writes, edges, edge_reads, edge_writes)


def _factor(value: float | None) -> float:
    return 1.0 if value is None else value


def _split(amount: float, numbers: list[int], edges: tuple[FlowEdge, ...]) -> dict[int, float]:
    """`per_request` edges get amount × per_request (× share); `share` edges their
    fraction; the rest split what the shares leave, evenly."""
    result: dict[int, float] = {}
    shares = 0.0
    rest = []
    for number in numbers:
        edge = edges[number]
        if edge.per_request is not None:
            result[number] = amount * _factor(edge.share) * edge.per_request
        elif edge.share is not None:
            result[number] = amount * edge.share
            shares += edge.share
        else:
            rest.append(number)
    for number in rest:
        result[number] = amount * max(0.0, 1.0 - shares) / len(rest)
    return result


def _topological_order(graph: AnalysisGraph, edges: tuple[FlowEdge, ...], out: dict[str, list[int]]) -> list[str]:
    """Reverse post-order of a depth-first search from the entry points (then
    everything else); an edge back to a node still on the stack closes a loop."""
    state: dict[str, int] = {}  # 1: on the stack, 2: done
    post: list[str] = []
    roots = list(graph.entry_points) + list(graph.components)
    for root in roots:
        if root in state:
            continue
        state[root] = 1
        stack = [(root, iter(out[root]))]
        while stack:
            node, pending = stack[-1]
            for number in pending:
                target = edges[number].target
                if target not in state:
                    state[target] = 1
                    stack.append((target, iter(out[target])))
                    break
            else:
                state[node] = 2
                post.append(node)
                stack.pop()
    post.reverse()
    return post
