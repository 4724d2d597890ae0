from __future__ import annotations

from typing import Iterator

from ..findings import Severity
from ..graph import AnalysisGraph
from ..rule import Issue, NoOptions, Rule
from ._util import has_traffic


class FailoverOverload(Rule):
    """Losing one replica pushes the others past their capacity.

    What it does
    ------------
    Runs the estimate (`sdiagram estimate`) and, for each component with two
    or more replicas that is within its capacity at peak, works out the
    utilization after one replica fails: its load spread over the survivors
    (`reads ÷ (read capacity × (replicas − 1) × shards) + writes ÷ (write
    capacity × write nodes)`). Flags the component when that passes 100%.
    Components already over capacity are left to over-capacity (SD501). Fires
    only when the blueprint has `traffic` with `dau` and `requests_per_user`.

    Why it matters
    --------------
    Replicas are there for failures, but they only help if the survivors can
    carry the load ("N+1"). Two replicas at 60% each are one failure, one
    deploy or one zone outage away from 120% on the one left, and the
    overload then takes down what the redundancy was meant to protect.

    Example
    -------
        traffic: {dau: 10M, requests_per_user: 30, peak_factor: 3}
        components:
          users: {kind: client}
          gw:    {kind: api_gateway, tech: kong, replicas: 2}   # ~10k requests/s each
          api:   {kind: service, replicas: 6, capacity: 2k}
        connections:
          - users -> gw
          - gw -> api

    Peak is 10M × 30 ÷ 86,400 × 3 = 10,417 requests/s: `gw` runs at 52%, and
    at 104% when one of its two replicas is down.

    Fix
    ---
    Add a replica (`replicas: 3`), so that the survivors of one failure stay
    under 100%; or raise the component's real `capacity:` if the default is
    too low for it.

    Use instead:
        traffic: {dau: 10M, requests_per_user: 30, peak_factor: 3}
        components:
          users: {kind: client}
          gw:    {kind: api_gateway, tech: kong, replicas: 3}
          api:   {kind: service, replicas: 6, capacity: 5k}
        connections:
          - users -> gw
          - gw -> api
    """

    code = "SD505"
    name = "failover-overload"
    severity = Severity.WARNING
    Options = NoOptions

    def check(self, graph: AnalysisGraph, options: NoOptions) -> Iterator[Issue]:
        if not has_traffic(graph):
            return
        from ...estimation import estimate_of, numbers
        from ...estimation.capacity import utilization_one_replica_down

        for component in estimate_of(graph).components:
            if component.utilization is None or component.utilization > 1:
                continue
            model = graph.components[component.id]
            degraded = utilization_one_replica_down(model, component.reads, component.writes)
            if degraded is None or degraded <= 1:
                continue
            yield Issue(
                message=(f"'{component.id}' runs at {numbers.percent(component.utilization)} at peak and at "
                         f"{numbers.percent(degraded)} when one of its {component.replicas} replicas is down"),
                span=component.span,
                components=(component.id,),
                fix=f"run {component.replicas + 1} replicas (replicas: {component.replicas + 1}), so that the "
                    f"survivors of one failure stay under 100%",
            )
