from __future__ import annotations

from typing import Iterator

from ..findings import Severity
from ..graph import CLIENT_KINDS, AnalysisGraph, Edge
from ..rule import Issue, NoOptions, Rule
from ._util import chain

PASS_THROUGH = frozenset({"load_balancer", "api_gateway", "dns"})


class StaticContentWithoutCdn(Rule):
    """Clients read object storage with no CDN in between.

    What it does
    ------------
    Flags a client that reaches object storage directly, or only through load
    balancers and API gateways, without passing a CDN. Connections whose
    label says they only write (`upload`, `put`, ...) are not reads.

    Why it matters
    --------------
    Images, video, CSS and JS are read far more often than written and are
    the same for everybody: a CDN serves them from an edge near the user at
    1M+ requests per second, instead of every read crossing the world to the
    bucket and paying its egress price.

    Example
    -------
        components:
          users: {kind: client}
          media: {kind: object_storage, tech: s3}
        connections:
          - users -> media: GET image

    Fix
    ---
    Serve the bucket through a CDN: `users -> cdn`, `cdn -> media`, with
    `cdn: {kind: cdn, tech: cloudfront}`.

    Use instead:
        components:
          users: {kind: client}
          cdn:   {kind: cdn, tech: cloudfront}
          media: {kind: object_storage, tech: s3}
        connections:
          - users -> cdn: GET image
          - cdn -> media: origin fetch
    """

    code = "SD203"
    name = "static-content-without-cdn"
    severity = Severity.WARNING
    Options = NoOptions

    def check(self, graph: AnalysisGraph, options: NoOptions) -> Iterator[Issue]:
        reported: set[tuple[str, str]] = set()
        for client, component in graph.components.items():
            if component.kind not in CLIENT_KINDS:
                continue
            # breadth first over forward edges, passing only through proxies
            paths: dict[str, list[Edge]] = {client: []}
            queue = [client]
            for node in queue:
                for edge in graph.out_edges[node]:
                    if edge.reverse or edge.dead_letter or not edge.reads or edge.target in paths:
                        continue
                    kind = graph.kind(edge.target)
                    path = paths[node] + [edge]
                    if kind == "object_storage":
                        if (client, edge.target) not in reported:
                            reported.add((client, edge.target))
                            ids = [client] + [e.target for e in path]
                            first = path[0]
                            yield Issue(
                                message=(f"client '{client}' reads object storage '{edge.target}' with no CDN "
                                         f"in between: {chain(ids)}"),
                                span=first.span,
                                components=(edge.target, client, *ids[1:-1]),
                                connection=first.ids,
                                fix=f"serve '{edge.target}' through a CDN: {client} -> cdn -> {edge.target}",
                            )
                    elif kind in PASS_THROUGH:
                        paths[edge.target] = path
                        queue.append(edge.target)
