"""What `sdiagram.estimate(blueprint)` returns: small frozen records, all numbers
per second at peak unless the name says otherwise.

Named tuples rather than frozen dataclasses: as immutable, and lint imports
this module for every blueprint with traffic, where creating seven dataclasses
cost about 10 ms of start-up. (No `from __future__ import annotations`:
`typing.NamedTuple` would compile every annotation given as a string.)"""

import math
from types import MappingProxyType
from typing import Mapping, NamedTuple

from ..diagnostics import Span

SECONDS_PER_DAY = 86_400
HOURS_PER_YEAR = 365.25 * 24


class TrafficEstimate(NamedTuple):
    dau: float
    requests_per_user: float
    peak_factor: float
    reads_share: float  # fraction of requests that are reads
    average_qps: float
    peak_qps: float
    request_size: float | None = None  # bytes
    response_size: float | None = None
    record_size: float | None = None
    retention_days: float | None = None
    assumptions: tuple[str, ...] = ()

    @property
    def peak_reads(self) -> float:
        return self.peak_qps * self.reads_share

    @property
    def peak_writes(self) -> float:
        return self.peak_qps * (1 - self.reads_share)

    @property
    def average_reads(self) -> float:
        return self.average_qps * self.reads_share

    @property
    def average_writes(self) -> float:
        return self.average_qps * (1 - self.reads_share)

    @property
    def bandwidth_in(self) -> float | None:
        """Bytes/s into the system at peak: requests × request_size."""
        return None if self.request_size is None else self.peak_qps * self.request_size

    @property
    def bandwidth_out(self) -> float | None:
        """Bytes/s out of the system at peak: requests × response_size."""
        return None if self.response_size is None else self.peak_qps * self.response_size

    @property
    def writes_per_day(self) -> float:
        return self.average_writes * SECONDS_PER_DAY

    @property
    def storage_per_day(self) -> float | None:
        """Bytes stored per day: writes/day × record_size."""
        return None if self.record_size is None else self.writes_per_day * self.record_size

    @property
    def storage_per_year(self) -> float | None:
        per_day = self.storage_per_day
        return None if per_day is None else per_day * 365

    @property
    def storage_retained(self) -> float | None:
        """Bytes held over the retention period."""
        per_day = self.storage_per_day
        if per_day is None or self.retention_days is None:
            return None
        return per_day * self.retention_days


class ComponentEstimate(NamedTuple):
    id: str
    kind: str
    span: Span
    reads: float  # peak operations/s arriving
    writes: float
    replicas: int
    shards: int
    # ops/s per replica (None: no capacity limit in the design: clients, managed and external services)
    read_capacity: float | None
    write_capacity: float | None
    capacity_source: str
    read_nodes: int  # copies that serve reads
    write_nodes: int  # nodes that add write capacity (stateful: one per shard)
    utilization: float | None
    suggested_replicas: int | None  # keeps utilization at or under the headroom (None: more replicas cannot)
    suggested_shards: int | None  # set when only more shards can bring the writes under the headroom
    availability: float | None  # None for clients
    availability_source: str
    latency_ms: float
    latency_source: str
    hit_ratio: float | None = None  # caches and CDNs
    # bytes held by a store: its average writes/s × 86,400 × record_size × retention days (None: no record_size)
    stored_bytes: float | None = None

    @property
    def load(self) -> float:
        return self.reads + self.writes

    @property
    def write_utilization(self) -> float | None:
        """The share of the nodes' time writes take: what more replicas cannot lower on a stateful store."""
        if self.write_capacity is None or self.utilization is None:
            return None
        return self.writes / (self.write_capacity * self.write_nodes)


class ConnectionEstimate(NamedTuple):
    """Peak load on one connection as written (a fan-out's expanded edges summed)."""

    source: str
    target: str
    span: Span
    reads: float
    writes: float

    @property
    def load(self) -> float:
        return self.reads + self.writes


class Hop(NamedTuple):
    """One component on a path's critical (slowest) branch and the time it adds."""

    component: str
    network_ms: float  # the round trip to reach it
    own_ms: float  # its own time, misses weighted (a cache's store behind it: × (1 - hit_ratio))

    @property
    def total_ms(self) -> float:
        return self.network_ms + self.own_ms


class PathEstimate(NamedTuple):
    """A client's synchronous entry path: the client, its first hop, and
    everything that hop calls synchronously (its hard dependencies)."""

    client: str
    entry: str
    span: Span
    # the hard dependencies, breadth first from the entry, each once: (component, its callees on the path)
    dependencies: tuple[tuple[str, tuple[str, ...]], ...]
    availability: float
    latency_ms: float
    critical_path: tuple[Hop, ...]
    load: float  # peak requests/s taking this path

    @property
    def name(self) -> str:
        return f"{self.client} -> {self.entry}"

    @property
    def components(self) -> tuple[str, ...]:
        return tuple(node for node, _ in self.dependencies)


class SloEstimate(NamedTuple):
    availability: float | None
    latency_ms: float | None


class Estimate(NamedTuple):
    name: str
    traffic: TrafficEstimate | None
    components: tuple[ComponentEstimate, ...]
    connections: tuple[ConnectionEstimate, ...]
    paths: tuple[PathEstimate, ...]
    slo: SloEstimate | None
    headroom: float
    # entry paths left out: the paths before them list `paths.MAX_PATH_COMPONENTS` components
    skipped_paths: int = 0
    # `components` by id (empty: looked up in `components`)
    by_id: Mapping[str, ComponentEstimate] = MappingProxyType({})

    def component(self, component_id: str) -> ComponentEstimate:
        if self.by_id:
            return self.by_id[component_id]
        for component in self.components:
            if component.id == component_id:
                return component
        raise KeyError(component_id)

    @property
    def below_availability_slo(self) -> tuple[PathEstimate, ...]:
        """The paths less available than `slo.availability` (none without one)."""
        if self.slo is None or self.slo.availability is None:
            return ()
        target = self.slo.availability
        return tuple(p for p in self.paths if p.availability < target)

    @property
    def over_latency_slo(self) -> tuple[PathEstimate, ...]:
        """The paths slower than `slo.latency_ms` (none without one)."""
        if self.slo is None or self.slo.latency_ms is None:
            return ()
        budget = self.slo.latency_ms
        return tuple(p for p in self.paths if p.latency_ms > budget)

    @property
    def availability(self) -> float | None:
        """Overall: the paths' availabilities weighted by their load (equal weights without traffic)."""
        return _weighted(self.paths, lambda p: p.availability)

    @property
    def latency_ms(self) -> float | None:
        """Overall: the paths' latencies weighted by their load (equal weights without traffic)."""
        return _weighted(self.paths, lambda p: p.latency_ms)


def _weighted(paths: tuple[PathEstimate, ...], value) -> float | None:  # type: ignore[no-untyped-def]
    if not paths:
        return None
    total = sum(p.load for p in paths)
    if total <= 0:
        return sum(value(p) for p in paths) / len(paths)
    return sum(value(p) * p.load for p in paths) / total


def nines(availability: float) -> float:
    """99.9% -> 3.0; 99.95% -> 3.3 (capped at 9 for a perfect figure)."""
    if availability >= 1:
        return 9.0
    return min(9.0, -math.log10(1 - availability))


def downtime_hours_per_year(availability: float) -> float:
    """99.9% -> 8.77 h; 99.99% -> 52.6 min."""
    return (1 - availability) * HOURS_PER_YEAR
