from __future__ import annotations

from typing import Iterator

from ..findings import Severity
from ..graph import CLIENT_KINDS, DATASTORE_KINDS, FRONT_DOOR_KINDS, AnalysisGraph
from ..rule import Issue, NoOptions, Rule

NOT_JUDGED = FRONT_DOOR_KINDS | DATASTORE_KINDS | CLIENT_KINDS | {"dns", "external"}


class ReplicasWithoutLoadBalancer(Rule):
    """Replicas that clients call directly, with nothing to spread the load.

    What it does
    ------------
    Flags a component with `replicas: 2` or more that receives synchronous
    traffic straight from a client, with no load balancer, API gateway or CDN
    in between. A connection to a group whose front member is a load balancer
    goes through that load balancer. Data stores are left to
    client-reaches-datastore.

    Why it matters
    --------------
    Replicas only add capacity and availability when something spreads the
    requests over them and stops sending to the ones that fail health checks.
    Clients that pick a replica themselves keep hitting a dead one.

    Example
    -------
        components:
          users: {kind: client}
          api:   {kind: service, replicas: 3}
        connections:
          - users -> api

    Fix
    ---
    Put a load balancer (or an API gateway) in front of the replicas:
    `users -> lb`, `lb -> api`, with `lb: {kind: load_balancer, replicas: 2}`.

    Use instead:
        components:
          users: {kind: client}
          lb:    {kind: load_balancer, tech: alb}
          api:   {kind: service, replicas: 3}
        connections:
          - users -> lb
          - lb -> api
    """

    code = "SD102"
    name = "replicas-without-load-balancer"
    severity = Severity.ERROR
    Options = NoOptions

    def check(self, graph: AnalysisGraph, options: NoOptions) -> Iterator[Issue]:
        reported: set[tuple[str, str]] = set()
        for edge in graph.edges:
            if edge.reverse or edge.is_async or edge.dead_letter or graph.kind(edge.source) not in CLIENT_KINDS:
                continue
            target = graph.components[edge.target]
            if target.replicas < 2 or target.kind in NOT_JUDGED or (edge.source, edge.target) in reported:
                continue
            reported.add((edge.source, edge.target))
            yield Issue(
                message=(f"'{target.id}' has {target.replicas} replicas but client '{edge.source}' calls it "
                         f"directly, with no load balancer, API gateway or CDN in between"),
                span=edge.span,
                components=(target.id, edge.source),
                connection=edge.ids,
                fix=f"route '{edge.source}' through a load balancer: {edge.source} -> lb -> {target.id}",
            )
