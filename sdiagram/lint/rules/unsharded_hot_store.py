from __future__ import annotations

import math
from typing import Iterator, NamedTuple

from ..findings import Severity
from ..graph import AnalysisGraph
from ..rule import Issue, OptionDoc, Rule
from ._util import has_traffic


class UnshardedHotStoreOptions(NamedTuple):
    headroom: float = 0.7


class UnshardedHotStore(Rule):
    """A store with one shard takes more writes, or holds more data, than one node can.

    What it does
    ------------
    Runs the estimate (`sdiagram estimate`) and flags a stateful store with
    `shards: 1` (and not `managed`) when

    - its peak writes take more than `headroom` (70%) of one node's write
      capacity: every copy applies every write, so replicas do not help; or
    - the data it holds, `average writes/s × 86,400 × traffic.record_size ×
      retention days` (a year without `traffic.retention`), exceeds
      `headroom` of what one node holds (docs/estimate.md: ~2 TB for a
      database, ~1 TB for a search index, ~200 GB for a vector database).

    Fires only when the blueprint gives the traffic (and, for storage,
    `traffic.record_size`).

    Why it matters
    --------------
    Reads scale with replicas; writes and storage scale only with partitions.
    The usual table of scaling strategies says it: too many writes call for
    sharding, a queue or batching. A store past one node's writes falls
    behind, and past one node's disk it cannot be backed up, restored or
    rebuilt in reasonable time.

    Example
    -------
        traffic: {dau: 100M, requests_per_user: 20, read_write_ratio: "1:1", peak_factor: 3}
        components:
          users: {kind: client}
          lb:    {kind: load_balancer, replicas: 2}
          api:   {kind: service, replicas: 40}
          db:    {kind: database, tech: postgresql, replicas: 3}   # one primary
        connections:
          - users -> lb
          - lb -> api
          - api -> db

    Peak writes are 34,722/s against ~3,000/s for one PostgreSQL primary.

    Fix
    ---
    Partition the data (`shards: N`, with a partition key), batch writes
    behind a queue, or move to a store that partitions by itself (Cassandra,
    DynamoDB, Spanner).

    Use instead:
        traffic: {dau: 100M, requests_per_user: 20, read_write_ratio: "1:1", peak_factor: 3}
        components:
          users: {kind: client}
          lb:    {kind: load_balancer, replicas: 2}
          api:   {kind: service, replicas: 40, capacity: 3k}
          db:    {kind: database, tech: postgresql, replicas: 3, shards: 24}
        connections:
          - users -> lb
          - lb -> api
          - api -> db
    """

    code = "SD504"
    name = "unsharded-hot-store"
    severity = Severity.WARNING
    Options = UnshardedHotStoreOptions
    option_docs = {
        "headroom": OptionDoc("share of one node's write capacity or storage a single shard may use", min=0.01),
    }

    def check(self, graph: AnalysisGraph, options: UnshardedHotStoreOptions) -> Iterator[Issue]:
        if not has_traffic(graph):
            return
        from ...estimation import estimate_of, numbers
        from ...estimation.defaults import STATEFUL_KINDS, STORAGE_PER_NODE

        for component in estimate_of(graph).components:
            model = graph.components[component.id]
            if model.shards != 1 or model.managed or component.kind not in STATEFUL_KINDS:
                continue
            reasons = []
            shards = 1
            shards_for_writes = False
            if component.write_capacity is not None and component.writes > options.headroom * component.write_capacity:
                reasons.append(f"{numbers.rate(component.writes)} writes at peak, over "
                               f"{numbers.percent(options.headroom)} of one node's "
                               f"{numbers.short(component.write_capacity)} writes/s")
                shards = math.ceil(component.writes / (options.headroom * component.write_capacity))
                shards_for_writes = True
            per_node = STORAGE_PER_NODE.get(component.kind)
            if per_node is not None and component.stored_bytes is not None and \
                    component.stored_bytes > options.headroom * per_node.value:
                reasons.append(f"holds {numbers.size(component.stored_bytes)}, over "
                               f"{numbers.percent(options.headroom)} of the {numbers.size(per_node.value)} one node holds")
                shards = max(shards, math.ceil(component.stored_bytes / (options.headroom * per_node.value)))
            if not reasons:
                continue
            yield Issue(
                message=f"'{component.id}' has one shard but " + " and ".join(reasons),
                span=component.span,
                components=(component.id,),
                fix=(f"partition it (shards: {shards}) with a partition key"
                     + (", or batch the writes behind a queue" if shards_for_writes else
                        ", or keep less of it (a shorter traffic.retention, archive to object storage)")),
            )
