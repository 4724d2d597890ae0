"""Analyze stage: the back-of-envelope estimate of a blueprint.

    >>> import sdiagram
    >>> result = sdiagram.estimate(sdiagram.load("blueprints/chat.yaml"))
    >>> result.traffic.peak_qps, result.component("kafka").utilization, result.paths[0].availability

A pure function of the Blueprint, like the lint findings: traffic arithmetic
(`traffic`), load propagation (`load`), capacity (`capacity`), availability
and latency (`paths`), from the documented defaults (`defaults`).
docs/estimate.md lists every formula, default and source.
"""

from __future__ import annotations

import weakref
from types import MappingProxyType

from ..lint.graph import AnalysisGraph
from ..model import Blueprint
from .capacity import capacity_of, nodes, suggest, utilization
from .defaults import CACHING_KINDS, DEFAULT_HEADROOM, DEFAULT_RETENTION_DAYS, STORE_KINDS
from .load import hit_ratio, propagate
from .paths import PathAnalysis, component_availability, entry_paths, own_latency
from .result import (
    ComponentEstimate, ConnectionEstimate, Estimate, Hop, PathEstimate, SloEstimate, TrafficEstimate,
    downtime_hours_per_year, nines,
)
from .traffic import traffic_estimate

__all__ = [
    "ComponentEstimate", "ConnectionEstimate", "Estimate", "Hop", "PathEstimate", "SloEstimate", "TrafficEstimate",
    "downtime_hours_per_year", "estimate", "estimate_of", "nines",
]

_BY_GRAPH: "weakref.WeakKeyDictionary[AnalysisGraph, Estimate]" = weakref.WeakKeyDictionary()


def estimate(blueprint: Blueprint, headroom: float = DEFAULT_HEADROOM) -> Estimate:
    """Load, capacity, availability and latency of a blueprint at peak traffic."""
    return _estimate(AnalysisGraph(blueprint), headroom)


def estimate_of(graph: AnalysisGraph) -> Estimate:
    """The estimate of a lint run's graph, computed once for all the rules that need it."""
    found = _BY_GRAPH.get(graph)
    if found is None:
        found = _BY_GRAPH[graph] = _estimate(graph, DEFAULT_HEADROOM)
    return found


def _stored_bytes(traffic: TrafficEstimate | None, kind: str, peak_writes: float) -> float | None:
    """average writes/s × 86,400 × record_size × retention days (a year without `retention`)."""
    if traffic is None or traffic.record_size is None or kind not in STORE_KINDS:
        return None
    days = traffic.retention_days if traffic.retention_days is not None else DEFAULT_RETENTION_DAYS
    return peak_writes / traffic.peak_factor * 86_400 * traffic.record_size * days


def _estimate(graph: AnalysisGraph, headroom: float) -> Estimate:
    blueprint = graph.blueprint
    traffic = traffic_estimate(blueprint.traffic)
    flow = propagate(graph, traffic)
    # stores that take writes (by the connections, with or without traffic numbers)
    written = {edge.target for edge in flow.edges if edge.writes}
    components = {}
    for component_id, component in blueprint.components.items():
        reads, writes = flow.reads[component_id], flow.writes[component_id]
        read_capacity, write_capacity, capacity_source = capacity_of(component)
        read_nodes, write_nodes = nodes(component)
        measured = traffic is not None and read_capacity is not None and write_capacity is not None
        replicas, shards = suggest(component, reads, writes, headroom) if measured else (None, None)
        availability, availability_source = component_availability(graph, component_id, component_id in written)
        latency, latency_source = own_latency(graph, component_id)
        components[component_id] = ComponentEstimate(
            id=component_id,
            kind=component.kind,
            span=component.span,
            reads=reads,
            writes=writes,
            replicas=component.replicas,
            shards=component.shards,
            read_capacity=read_capacity,
            write_capacity=write_capacity,
            capacity_source=capacity_source,
            read_nodes=read_nodes,
            write_nodes=write_nodes,
            utilization=(utilization(reads, writes, read_capacity, write_capacity, read_nodes, write_nodes)  # type: ignore[arg-type]
                         if measured else None),
            suggested_replicas=replicas,
            suggested_shards=shards,
            availability=availability,
            availability_source=availability_source,
            latency_ms=latency,
            latency_source=latency_source,
            stored_bytes=_stored_bytes(traffic, component.kind, writes),
            hit_ratio=hit_ratio(graph, component_id) if component.kind in CACHING_KINDS else None,
        )
    connection_loads = [[0.0, 0.0] for _ in blueprint.connections]
    pair_loads: dict[tuple[str, str], float] = {}
    for number, edge in enumerate(flow.edges):
        if edge.connection is not None:
            connection_loads[edge.connection][0] += flow.edge_reads[number]
            connection_loads[edge.connection][1] += flow.edge_writes[number]
        key = (edge.source, edge.target)
        pair_loads[key] = pair_loads.get(key, 0.0) + flow.edge_reads[number] + flow.edge_writes[number]
    connections = tuple(
        ConnectionEstimate(c.source, c.target, c.span, loads[0], loads[1])
        for c, loads in zip(blueprint.connections, connection_loads)
    )
    analysis = PathAnalysis(graph, components)
    paths, skipped_paths = entry_paths(graph, analysis, pair_loads)
    slo = blueprint.slo
    return Estimate(
        name=blueprint.name,
        traffic=traffic,
        components=tuple(components.values()),
        connections=connections,
        paths=paths,
        slo=SloEstimate(slo.availability, slo.latency_ms) if slo is not None else None,
        headroom=headroom,
        skipped_paths=skipped_paths,
        by_id=MappingProxyType(components),
    )
