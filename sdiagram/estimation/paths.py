"""Availability and latency: per component, and per client entry path.

Availability of a component (`availability:` in the blueprint wins):
* a managed service or an external system: its published SLA, as a whole;
* otherwise n = replicas copies of one node's availability a, in parallel:
  1 − (1 − a)^n. A `quorum` store needs a majority of its copies up
  (P[at least n//2 + 1 of n up], an even n counted as n − 1); a `primary-replica` store with `manual`
  failover counts as one copy for writes. Shards do not change it: a request
  touches one shard.

An entry path is a client's synchronous call into its first hop, and
everything that hop calls synchronously: its hard dependencies, in series
(∏ availability; conservative, a request may not touch every branch). A
cache or CDN needs what is behind it only on a miss: a × (hit + (1 − hit) ×
∏ behind). Async hops, replies and soft dependencies are left out: a
cache-aside cache is soft, since a miss or an outage falls back to the store
beside it.

Latency of a component = its own time + the slowest of its synchronous
branches, each branch = the hop's round trip + the callee's latency. A cache
(or CDN) waits for what is behind it only on a miss: that branch counts
× (1 − hit_ratio); so does a cache-aside read of the store. The path adds the
client's round trip to its first hop.
"""

from __future__ import annotations

import math
from collections import deque
from typing import Mapping, NamedTuple

from ..lint.graph import AnalysisGraph, Edge
from .defaults import (
    CACHING_KINDS, CLIENT_HOP, CLIENT_TO_CDN_HOP, NETWORK_HOP, STATEFUL_KINDS, STORE_KINDS,
    availability_for, latency_for,
)
from .load import hit_ratio, operations
from .result import ComponentEstimate, Hop, PathEstimate


def component_availability(graph: AnalysisGraph, component_id: str, receives_writes: bool) -> tuple[float | None, str]:
    component = graph.components[component_id]
    if component.kind == "client":
        return None, "a client is not part of the system"
    if component.availability is not None:
        return component.availability, "availability: in the blueprint"
    figure = availability_for(component.kind, component.tech, component.managed)
    if component.managed or component.kind == "external":
        return figure.value, figure.source
    copies = component.replicas
    replication = component.replication
    if copies == 1:
        return figure.value, figure.source
    if replication == "quorum":
        return majority(figure.value, copies), f"{figure.source}; a majority of {copies} copies (quorum)"
    if (receives_writes and component.kind in STATEFUL_KINDS and replication == "primary-replica"
            and component.failover == "manual"):
        return figure.value, f"{figure.source}; writes need the one primary (manual failover)"
    return parallel(figure.value, copies), f"{figure.source}; {copies} copies in parallel"


def parallel(availability: float, copies: int) -> float:
    """Any one of `copies` is enough: 1 − (1 − a)^n."""
    return 1 - (1 - availability) ** copies


def majority(availability: float, copies: int) -> float:
    """At least a majority of `copies` up: a binomial tail (in logs, so that large counts stay finite).

    An even count votes like the odd count below it: a fourth copy adds no
    fault tolerance to three (both survive one failure), so it is counted as
    a spare, not as one more copy that can break the majority.
    """
    if availability >= 1:
        return 1.0
    if copies % 2 == 0:
        copies -= 1
    needed = copies // 2 + 1
    up, down = math.log(availability), math.log1p(-availability)
    total = 0.0
    for k in range(needed, copies + 1):
        total += math.exp(math.lgamma(copies + 1) - math.lgamma(k + 1) - math.lgamma(copies - k + 1)
                          + k * up + (copies - k) * down)
    return min(1.0, total)


class _Branch(NamedTuple):
    """A component's latency and the callee(s) on its slowest branch."""

    total_ms: float
    own_ms: float
    # (callee, round trip, weight): a cache-aside branch has two, the store weighted by the miss ratio
    next: tuple[tuple[str, float, float], ...]


class PathAnalysis:
    """Latency (memoized per component) and the hard dependencies of entry paths."""

    def __init__(self, graph: AnalysisGraph, components: Mapping[str, ComponentEstimate]):
        self.graph = graph
        self.components = components
        self.calls: dict[str, list[Edge]] = {c: [] for c in graph.components}
        for edge in graph.edges:
            if edge.is_call and edge.connection is not None and not edge.connection.reply:
                self.calls[edge.source].append(edge)
        self._latency: dict[str, _Branch] = {}
        self._asides: dict[str, tuple[list[Edge], list[Edge]]] = {}
        self._hard: dict[str, list[str]] = {}

    # -- soft dependencies -----------------------------------------------------------

    def _aside(self, component_id: str) -> tuple[list[Edge], list[Edge]]:
        """(cache calls, store calls) of a cache-aside reader; both empty otherwise."""
        found = self._asides.get(component_id)
        if found is None:
            found = self._asides[component_id] = self._find_aside(component_id)
        return found

    def _find_aside(self, component_id: str) -> tuple[list[Edge], list[Edge]]:
        calls = self.calls[component_id]
        caches = [e for e in calls if self.graph.kind(e.target) == "cache"]
        stores = [e for e in calls if self.graph.kind(e.target) in STORE_KINDS
                  and operations(e, self.graph.kind(e.source), self.graph.kind(e.target))[0]]
        return (caches, stores) if caches and stores else ([], [])

    def hard_calls(self, node: str) -> list[str]:
        """Components `node` calls synchronously and cannot do without (cache-aside caches left out)."""
        found = self._hard.get(node)
        if found is None:
            soft = {e.target for e in self._aside(node)[0]}
            found = self._hard[node] = list(dict.fromkeys(e.target for e in self.calls[node] if e.target not in soft))
        return found

    def dependency_tree(self, entry: str) -> tuple[tuple[str, tuple[str, ...]], ...]:
        """The entry and its hard dependencies, breadth first, each once: (component, its callees here)."""
        order = [entry]
        seen = {entry}
        tree = []
        for node in order:
            callees = tuple(t for t in self.hard_calls(node) if t not in seen)
            seen.update(callees)
            order.extend(callees)
            tree.append((node, callees))
        return tuple(tree)

    def availability(self, tree: tuple[tuple[str, tuple[str, ...]], ...]) -> float:
        """Series over the tree; a cache (or CDN) needs what is behind it only on a miss:
        a × (hit + (1 − hit) × ∏ behind)."""
        value: dict[str, float] = {}
        for node, callees in reversed(tree):
            own = self.components[node].availability
            behind = 1.0
            for callee in callees:
                behind *= value[callee]
            if callees and self.graph.kind(node) in CACHING_KINDS:
                hit = hit_ratio(self.graph, node)
                behind = hit + (1 - hit) * behind
            value[node] = (1.0 if own is None else own) * behind
        return value[tree[0][0]]

    # -- latency -------------------------------------------------------------------------

    def latency(self, root: str) -> float:
        """Milliseconds from a request reaching `root` to its answer (iterative: no recursion limit)."""
        if root in self._latency:
            return self._latency[root].total_ms
        on_stack = {root}
        stack = [(root, iter(self.calls[root]))]
        while stack:
            node, pending = stack[-1]
            for edge in pending:
                if edge.target not in self._latency and edge.target not in on_stack:
                    on_stack.add(edge.target)
                    stack.append((edge.target, iter(self.calls[edge.target])))
                    break
            else:
                stack.pop()
                on_stack.discard(node)
                self._latency[node] = self._branch(node)
        return self._latency[root].total_ms

    def _branch(self, node: str) -> _Branch:
        own = self.components[node].latency_ms
        miss = 1 - hit_ratio(self.graph, node) if self.graph.kind(node) in CACHING_KINDS else 1.0
        caches, stores = self._aside(node)
        aside = {id(e) for e in caches + stores}
        options: list[tuple[float, tuple[tuple[str, float, float], ...]]] = []
        for edge in self.calls[node]:
            if id(edge) in aside or edge.target not in self._latency:
                continue  # cache-aside pairs below; a call closing a loop is not followed
            hop = self._hop(edge)
            options.append((miss * (hop + self._latency[edge.target].total_ms), ((edge.target, hop, miss),)))
        if caches:
            cache = max(caches, key=lambda e: self._hop(e) + self._total(e.target))
            store = max(stores, key=lambda e: self._hop(e) + self._total(e.target))
            store_miss = 1 - hit_ratio(self.graph, cache.target)
            cost = (self._hop(cache) + self._total(cache.target)
                    + store_miss * (self._hop(store) + self._total(store.target)))
            options.append((miss * cost, ((cache.target, self._hop(cache), miss),
                                          (store.target, self._hop(store), miss * store_miss))))
        best = max(options, key=lambda option: option[0], default=(0.0, ()))
        return _Branch(own + best[0], own, best[1])

    def _total(self, node: str) -> float:
        branch = self._latency.get(node)
        return branch.total_ms if branch else 0.0

    @staticmethod
    def _hop(edge: Edge) -> float:
        if edge.connection is not None and edge.connection.latency_ms is not None:
            return edge.connection.latency_ms
        return NETWORK_HOP.value

    def critical_path(self, entry: str, first_hop_ms: float) -> tuple[Hop, ...]:
        """The hops of the slowest branch from `entry`; their `total_ms` add up to the path's latency."""
        self.latency(entry)
        hops = []
        pending = deque([(entry, first_hop_ms, 1.0)])
        seen = set()
        while pending:
            node, network_ms, weight = pending.popleft()
            if node in seen:
                continue
            seen.add(node)
            branch = self._latency[node]
            hops.append(Hop(node, network_ms, weight * branch.own_ms))
            pending.extend((callee, weight * share * hop, weight * share) for callee, hop, share in branch.next)
        return tuple(hops)


# The components listed over all entry paths (each path's dependency tree and critical
# path). Thousands of clients in front of a deep graph would make that quadratic
# in the blueprint; past this many, the remaining paths are counted, not estimated.
MAX_PATH_COMPONENTS = 200_000


def entry_paths(graph: AnalysisGraph, analysis: PathAnalysis, loads: Mapping[tuple[str, str], float],
                limit: int | None = None) -> tuple[tuple[PathEstimate, ...], int]:
    """One path per (client, first hop) synchronous connection, in connection order, and
    how many paths were left out because the paths before them list `limit` components
    (default `MAX_PATH_COMPONENTS`)."""
    limit = MAX_PATH_COMPONENTS if limit is None else limit
    paths = []
    seen: set[tuple[str, str]] = set()
    # per first hop: its dependency tree, availability, latency and critical path (first hop 0 ms)
    by_entry: dict[str, tuple[tuple[tuple[str, tuple[str, ...]], ...], float, float, tuple[Hop, ...]]] = {}
    listed = 0
    skipped = 0
    for client in graph.entry_points:
        for edge in analysis.calls[client]:
            key = (client, edge.target)
            if key in seen:
                continue
            seen.add(key)
            if listed >= limit:
                skipped += 1
                continue
            found = by_entry.get(edge.target)
            if found is None:
                tree = analysis.dependency_tree(edge.target)
                found = by_entry[edge.target] = (tree, analysis.availability(tree), analysis.latency(edge.target),
                                                 analysis.critical_path(edge.target, 0.0))
            tree, availability, latency, critical = found
            first_hop = client_hop(graph, edge)
            listed += len(tree) + len(critical)
            paths.append(PathEstimate(
                client=client,
                entry=edge.target,
                span=edge.span,
                dependencies=tree,
                availability=availability,
                latency_ms=first_hop + latency,
                critical_path=(critical[0]._replace(network_ms=first_hop), *critical[1:]),
                load=loads.get(key, 0.0),
            ))
    return tuple(paths), skipped


def client_hop(graph: AnalysisGraph, edge: Edge) -> float:
    if edge.connection is not None and edge.connection.latency_ms is not None:
        return edge.connection.latency_ms
    if graph.kind(edge.source) != "client":
        return NETWORK_HOP.value
    return CLIENT_TO_CDN_HOP.value if graph.kind(edge.target) == "cdn" else CLIENT_HOP.value


def own_latency(graph: AnalysisGraph, component_id: str) -> tuple[float, str]:
    component = graph.components[component_id]
    if component.latency_ms is not None:
        return component.latency_ms, "latency_ms: in the blueprint"
    figure = latency_for(component.kind, component.tech)
    return figure.value, figure.source
