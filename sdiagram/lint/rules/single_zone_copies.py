from __future__ import annotations

from typing import Iterator

from ..findings import Severity
from ..graph import AnalysisGraph
from ..rule import Issue, NoOptions, Rule

NOT_JUDGED = frozenset({"client", "external", "observability"})


class SingleZoneCopies(Rule):
    """Redundant copies that all run in one zone, in a design that uses several.

    What it does
    ------------
    Only when the blueprint speaks of zones at all (`placement: {zones: N}`
    with N >= 2, or any component with `zones: 2` or more): flags a component
    with `replicas: 2` or more that is not `managed` and runs in one zone
    (`zones: 1`, written or inherited). Blueprints that never mention zones
    are never reported. Clients, external systems and observability sinks are
    not judged.

    Why it matters
    --------------
    A zone fails as a unit (power, network, a bad deploy of the provider).
    Copies that share a zone go down together, so a component that looks
    redundant is a single point of failure for a zone outage, while the rest
    of the design survives it.

    Example
    -------
        placement: {zones: 3}
        components:
          users: {kind: client}
          lb:    {kind: load_balancer, tech: alb}
          api:   {kind: service, replicas: 3}
          db:    {kind: database, tech: postgresql, replicas: 2, replication: quorum, zones: 1}
        connections:
          - users -> lb
          - lb -> api
          - api -> db

    Fix
    ---
    Spread the copies over the zones the design uses (`zones: 2` or more,
    or drop `zones: 1` to inherit the placement's), or use a managed service
    that places copies across zones for you.

    Use instead:
        placement: {zones: 3}
        components:
          users: {kind: client}
          lb:    {kind: load_balancer, tech: alb}
          api:   {kind: service, replicas: 3}
          db:    {kind: database, tech: postgresql, replicas: 3, replication: quorum}
        connections:
          - users -> lb
          - lb -> api
          - api -> db
    """

    code = "SD108"
    name = "single-zone-copies"
    severity = Severity.WARNING
    Options = NoOptions

    def check(self, graph: AnalysisGraph, options: NoOptions) -> Iterator[Issue]:
        components = graph.components
        zones = max([graph.blueprint.placement.zones, *(c.zones for c in components.values())])
        if zones < 2:
            return
        for cid, component in components.items():
            if (component.replicas < 2 or component.managed or component.zones >= 2
                    or component.kind in NOT_JUDGED or cid not in graph.connected):
                continue
            yield Issue(
                message=(f"'{cid}' ({component.kind}, replicas: {component.replicas}) runs all its copies in one "
                         f"zone, in a design that uses {zones}: a zone outage takes every copy down"),
                span=component.span,
                components=(cid,),
                fix=f"spread its copies over zones (`zones: {min(zones, component.replicas)}`)",
            )
