from __future__ import annotations

from typing import Iterator

from ..findings import Severity
from ..graph import AnalysisGraph
from ..rule import Issue, NoOptions, Rule


class AvailabilityBelowSlo(Rule):
    """A client entry path is less available than the blueprint's `slo.availability`.

    What it does
    ------------
    Runs the estimate (`sdiagram estimate`) and checks each client entry path
    (a client's synchronous call into its first hop, with everything that hop
    calls synchronously) against `slo: {availability: ...}`. A path's
    availability is the product of its hard dependencies' availabilities
    (in series); a component's is its `availability:`, or its managed
    service's SLA, or its replicas in parallel, `1 − (1 − a)^n`, from the
    documented per-node figure (docs/estimate.md). Async hops and cache-aside
    caches do not count. The message names the component whose improvement
    raises the path most: the least available one. Fires only when the
    blueprint has an `slo` with `availability`.

    Why it matters
    --------------
    Availabilities multiply: five components at 99.9% give 99.5%, 44 hours of
    downtime a year instead of 8.8. A design that cannot meet its objective
    on paper will not meet it in production.

    Example
    -------
        slo: {availability: 99.99%}
        components:
          users: {kind: client}
          lb:    {kind: load_balancer, tech: alb}           # 99.99% SLA
          api:   {kind: service, replicas: 3}
          db:    {kind: database, tech: postgresql}         # one node: 99.5%
        connections:
          - users -> lb
          - lb -> api
          - api -> db

    `users -> lb` is 99.49% available; `db` raises it most.

    Fix
    ---
    Make the named component redundant (`replicas: 2` or more, with
    `failover: automatic` for a primary-replica store), use a managed service
    with a higher SLA, or take it off the synchronous path (a queue, a cache
    in front with a fallback). If the objective is wrong, change `slo`.

    Use instead:
        slo: {availability: 99.95%}   # ALB 99.99% × Aurora 99.99%: 99.98%
        components:
          users: {kind: client}
          lb:    {kind: load_balancer, tech: alb}
          api:   {kind: service, replicas: 3}
          db:    {kind: database, tech: aurora}
        connections:
          - users -> lb
          - lb -> api
          - api -> db
    """

    code = "SD502"
    name = "availability-below-slo"
    severity = Severity.WARNING
    Options = NoOptions

    def check(self, graph: AnalysisGraph, options: NoOptions) -> Iterator[Issue]:
        slo = graph.blueprint.slo
        if slo is None or slo.availability is None:
            return
        from ...estimation import estimate_of, numbers

        estimate = estimate_of(graph)
        target = slo.availability
        for path in estimate.below_availability_slo:
            weakest = min((c for c in path.components if estimate.component(c).availability is not None),
                          key=lambda c: estimate.component(c).availability or 1.0)
            weakest_value = estimate.component(weakest).availability or 1.0
            improved = path.availability / weakest_value
            yield Issue(
                message=(f"path '{path.name}' is {numbers.availability(path.availability)} available "
                         f"({numbers.nines_text(path.availability)}), below the SLO of {numbers.availability(target)}; "
                         f"'{weakest}' ({numbers.availability(weakest_value)}) raises it most "
                         f"(to {numbers.availability(improved)} if it never failed)"),
                span=path.span,
                components=(weakest, path.client),
                fix=(f"add a fallback for '{weakest}' (a second provider or region) or take it off the synchronous path"
                     if graph.components[weakest].managed or graph.kind(weakest) == "external" else
                     f"make '{weakest}' redundant (replicas: 2+, failover: automatic) or use a managed service "
                     f"with a higher SLA; or take it off the synchronous path"),
            )
