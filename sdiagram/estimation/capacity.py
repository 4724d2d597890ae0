"""Capacity: utilization per component and the replicas (or shards) that keep
it under the headroom.

    utilization = reads / (read capacity × read nodes) + writes / (write capacity × write nodes)

Read nodes are replicas × shards. On a stateful kind (database, cache, queue,
...) every copy applies every write, so write nodes are the shards alone
(a primary-replica store takes its writes on one node per shard); on a
stateless kind every replica serves writes too. Managed services, CDNs,
clients and external systems have no capacity in the design unless the
component says `capacity:`.
"""

from __future__ import annotations

import math

from ..model import Component
from .defaults import STATEFUL_KINDS, capacity_for


def capacity_of(component: Component) -> tuple[float | None, float | None, str]:
    """(read capacity, write capacity, source) per replica, in operations/s."""
    if component.capacity is not None:
        return component.capacity, component.capacity, "capacity: in the blueprint"
    if component.managed:
        return None, None, "managed: scales with the provider"
    row = capacity_for(component.kind, component.tech)
    if row is None:
        return None, None, f"no capacity limit for a {component.kind}"
    return row.reads, row.writes, row.source


def nodes(component: Component) -> tuple[int, int]:
    """(read nodes, write nodes)."""
    shards = component.shards
    read_nodes = component.replicas * shards
    return read_nodes, (shards if component.kind in STATEFUL_KINDS else read_nodes)


def utilization(reads: float, writes: float, read_capacity: float, write_capacity: float,
                read_nodes: int, write_nodes: int) -> float:
    return reads / (read_capacity * read_nodes) + writes / (write_capacity * write_nodes)


def suggest(component: Component, reads: float, writes: float, headroom: float) -> tuple[int | None, int | None]:
    """(replicas, shards) that keep utilization at or under `headroom`.

    Replicas are None when more of them cannot help (the writes of a stateful
    store alone exceed the headroom); shards are then the count that can.
    """
    read_capacity, write_capacity, _ = capacity_of(component)
    if read_capacity is None or write_capacity is None:
        return None, None
    shards = component.shards
    if component.kind not in STATEFUL_KINDS:
        load = reads / read_capacity + writes / write_capacity  # in replica-equivalents
        return max(1, math.ceil(_clean(load / (shards * headroom)))), None
    write_share = writes / (write_capacity * shards)
    if write_share >= headroom:
        total = reads / (read_capacity * component.replicas) + writes / write_capacity
        return None, max(shards + 1, math.ceil(_clean(total / headroom)))
    needed = reads / (read_capacity * shards * (headroom - write_share))
    return max(1, math.ceil(_clean(needed))), None


def _clean(value: float) -> float:
    """Drop float noise before rounding up (3.0000000000000004 -> 3)."""
    return round(value, 9)


def utilization_one_replica_down(component: Component, reads: float, writes: float) -> float | None:
    """Utilization of the busiest shard after one of its replicas fails (None below 2 replicas or
    without a capacity). The shard's load stays; its survivors serve it."""
    read_capacity, write_capacity, _ = capacity_of(component)
    if read_capacity is None or write_capacity is None or component.replicas < 2:
        return None
    survivors = (component.replicas - 1) * component.shards
    write_nodes = component.shards if component.kind in STATEFUL_KINDS else survivors
    return utilization(reads, writes, read_capacity, write_capacity, survivors, write_nodes)
