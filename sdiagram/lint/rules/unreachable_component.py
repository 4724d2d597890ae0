from __future__ import annotations

from typing import Iterator

from ..algorithms import reachable
from ..findings import Severity
from ..graph import SELF_STARTING_KINDS, AnalysisGraph
from ..rule import Issue, NoOptions, Rule


class UnreachableComponent(Rule):
    """A connected component that no traffic ever reaches.

    What it does
    ------------
    Follows every connection (synchronous, asynchronous and both halves of
    `a <-> b`, but not responses: `reply: true`) from the entry points and
    flags connected components that are never reached. Components that start work on their own when nothing
    connects to them -- external systems and scheduled services, workers or
    functions -- count as starting points too, so a cron job or a CDC feed
    is not reported; a load balancer, cache or database nothing sends to is.

    Why it matters
    --------------
    An unreachable part of the design is either dead (cost without use) or
    drawn with a connection in the wrong direction or missing, which hides
    the real request path from every other rule.

    Example
    -------
        components:
          users: {kind: client}
          api:   {kind: service, replicas: 2}
          lb2:   {kind: load_balancer, replicas: 2}
          db:    {kind: database, tech: rds}
        connections:
          - users -> api
          - lb2 -> db

    Fix
    ---
    Add the missing connection (or turn a reversed one around), or remove the
    dead components.

    Use instead:
        components:
          users: {kind: client}
          api:   {kind: service, replicas: 2}
          db:    {kind: database, tech: rds}
        connections:
          - users -> api
          - api -> db
    """

    code = "SD402"
    name = "unreachable-component"
    severity = Severity.WARNING
    Options = NoOptions

    def check(self, graph: AnalysisGraph, options: NoOptions) -> Iterator[Issue]:
        roots = set(graph.entry_points)
        roots.update(cid for cid, c in graph.components.items()
                     if c.kind in SELF_STARTING_KINDS and not graph.has_senders(cid))
        seen = reachable(roots, graph.successors)
        for cid, component in graph.components.items():
            if cid in graph.connected and cid not in seen:
                yield Issue(
                    message=f"{component.kind} '{cid}' is connected but no entry point reaches it",
                    span=component.span,
                    components=(cid,),
                    fix=f"connect '{cid}' to the flow that uses it, check the direction of its connections, or remove it",
                )
