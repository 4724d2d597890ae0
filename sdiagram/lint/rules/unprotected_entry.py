from __future__ import annotations

from typing import Iterator

from ..findings import Severity
from ..graph import CALLER_KINDS, AnalysisGraph
from ..rule import Issue, NoOptions, Rule
from ._util import client_hops_to


class UnprotectedEntry(Rule):
    """A client's first hop is an application server, not a front door.

    What it does
    ------------
    Flags a connection from a client whose target is a service, worker or
    function rather than a load balancer, API gateway or CDN.

    Why it matters
    --------------
    Without a front door there is no single place for TLS termination, rate
    limiting (token bucket, 429s), authentication, request size limits or
    health checks; each service has to do all of it, and a traffic spike
    lands on the application directly.

    Example
    -------
        components:
          users: {kind: client}
          api:   {kind: service, replicas: 2}
        connections:
          - users -> api

    Fix
    ---
    Put a load balancer or an API gateway between the client and the service:
    `users -> gateway -> api`.

    Use instead:
        components:
          users: {kind: client}
          gw:    {kind: api_gateway, tech: aws-api-gateway}
          api:   {kind: service, replicas: 2}
        connections:
          - users -> gw
          - gw -> api
    """

    code = "SD202"
    name = "unprotected-entry"
    severity = Severity.WARNING
    Options = NoOptions

    def check(self, graph: AnalysisGraph, options: NoOptions) -> Iterator[Issue]:
        for edge, kind in client_hops_to(graph, CALLER_KINDS):
            yield Issue(
                message=(f"client '{edge.source}' reaches {kind} '{edge.target}' directly; there is no load "
                         "balancer, API gateway or CDN for TLS termination, rate limiting and health checks"),
                span=edge.span,
                components=(edge.target, edge.source),
                connection=edge.ids,
                fix=f"put a load balancer or API gateway in front: {edge.source} -> gateway -> {edge.target}",
            )
