from __future__ import annotations

from typing import Iterator, NamedTuple

from ..findings import Severity
from ..graph import AnalysisGraph
from ..rule import Issue, OptionDoc, Rule
from ._util import has_traffic


class OverCapacityOptions(NamedTuple):
    headroom: float = 0.7


class OverCapacity(Rule):
    """A component gets more load at peak than its replicas can serve.

    What it does
    ------------
    Runs the estimate (`sdiagram estimate`): the blueprint's peak traffic is
    propagated from the clients along the connections, and each component's
    utilization is its peak load divided by its capacity,
    `reads ÷ (read capacity × read nodes) + writes ÷ (write capacity × write
    nodes)`. Capacity per replica comes from the component's `capacity:` or the
    documented table by kind and tech (docs/estimate.md). Above 100% is an
    error; above the `headroom` option (70%) a warning. The message gives the
    replicas (or, when every copy applies every write, the shards) that bring
    it back under the headroom. Fires only when the blueprint has `traffic`
    with `dau` and `requests_per_user`.

    Why it matters
    --------------
    A component past 100% queues requests until they time out, and the
    overload spreads upstream as retries. Running near 100% leaves no room
    for a traffic spike, a failed replica or a deploy that drains one.

    Example
    -------
        traffic: {dau: 10M, requests_per_user: 50, read_write_ratio: "10:1", peak_factor: 3}
        components:
          users: {kind: client}
          lb:    {kind: load_balancer, replicas: 2}
          api:   {kind: service, replicas: 3}   # ~1,000 requests/s each
        connections:
          - users -> lb
          - lb -> api

    Peak is 10M × 50 ÷ 86,400 × 3 = 17,361 requests/s: `api` runs at 579%.

    Fix
    ---
    Add the replicas (or shards) the message names, or give the component's
    real `capacity:` (operations/s per replica) if the default is too low for
    it. For a store whose writes alone exceed one node, shard it, put a queue
    in front to batch writes, or move to a store that partitions by itself.

    Use instead:
        traffic: {dau: 10M, requests_per_user: 50, read_write_ratio: "10:1", peak_factor: 3}
        components:
          users: {kind: client}
          lb:    {kind: load_balancer, replicas: 2}
          api:   {kind: service, replicas: 25}
        connections:
          - users -> lb
          - lb -> api
    """

    code = "SD501"
    name = "over-capacity"
    severity = Severity.ERROR
    Options = OverCapacityOptions
    option_docs = {
        "headroom": OptionDoc("utilization (0.7 = 70%) above which a component is reported as a warning", min=0.01),
    }

    def check(self, graph: AnalysisGraph, options: OverCapacityOptions) -> Iterator[Issue]:
        if not has_traffic(graph):
            return
        from ...estimation import estimate_of, numbers
        from ...estimation.capacity import suggest

        for component in estimate_of(graph).components:
            if component.utilization is None or component.utilization <= options.headroom:
                continue
            replicas, shards = suggest(graph.components[component.id], component.reads, component.writes,
                                       options.headroom)
            if shards is not None:
                fix = (f"shard it: {shards} shards keep it under {numbers.percent(options.headroom)} (every copy "
                       f"applies every write, so more replicas cannot); or batch the writes behind a queue")
            else:
                fix = f"run {replicas} replicas (replicas: {replicas}) to stay under {numbers.percent(options.headroom)}"
            over = component.utilization > 1
            yield Issue(
                message=(f"'{component.id}' runs at {numbers.percent(component.utilization)} of its capacity at peak "
                         f"({numbers.rate(component.reads)} reads, {numbers.rate(component.writes)} writes"
                         f"{_capacity_text(component)})"
                         + ("" if over else f", above the {numbers.percent(options.headroom)} headroom")),
                span=component.span,
                components=(component.id,),
                fix=fix,
                demoted=not over,  # past the headroom but within capacity: a warning
            )


def _capacity_text(component) -> str:  # type: ignore[no-untyped-def]
    from ...estimation import numbers

    if component.read_capacity == component.write_capacity:
        return f"; {numbers.short(component.read_capacity)}/s per replica × {component.read_nodes}"
    return (f"; {numbers.short(component.read_capacity)} reads/s × {component.read_nodes} nodes, "
            f"{numbers.short(component.write_capacity)} writes/s × {component.write_nodes}")
