from __future__ import annotations

from typing import Iterator

from ..findings import Severity
from ..graph import CLIENT_KINDS, MAX_PATH_SHOWN, AnalysisGraph, Edge
from ..rule import Issue, NoOptions, Rule
from ._util import chain

PASS_THROUGH = frozenset({"load_balancer", "api_gateway", "dns"})
# The search runs from every client; thousands of clients in front of one long
# chain of load balancers would make it quadratic. Past this many edges looked
# at (and components named in findings), the remaining clients are judged on
# their own connections only.
MAX_VISITS = 200_000


class StaticContentWithoutCdn(Rule):
    """Clients read object storage with no CDN in between.

    What it does
    ------------
    Flags a client that reaches object storage directly, or only through load
    balancers and API gateways, without passing a CDN. Connections whose
    label says they only write (`upload`, `put`, ...) are not reads. On very
    large blueprints (hundreds of thousands of connections looked at from the
    clients) the search through load balancers covers the first clients only,
    so the run stays bounded; every client's own connections still count.

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
        budget = MAX_VISITS
        for client, component in graph.components.items():
            if component.kind not in CLIENT_KINDS:
                continue
            # breadth first over forward edges, passing only through proxies: for each
            # node reached, the edge that reached it, the client's first edge and the depth
            reached: dict[str, tuple[Edge | None, Edge | None, int]] = {client: (None, None, 1)}
            queue = [client]
            for node in queue:
                for edge in graph.out_edges[node]:
                    budget -= 1
                    if edge.reverse or edge.dead_letter or not edge.reads or edge.target in reached:
                        continue
                    kind = graph.kind(edge.target)
                    first = reached[node][1] or edge
                    if kind == "object_storage":
                        if (client, edge.target) not in reported:
                            reported.add((client, edge.target))
                            ids, left_out = _path(reached, node, edge.target)
                            budget -= len(ids)
                            yield Issue(
                                message=(f"client '{client}' reads object storage '{edge.target}' with no CDN "
                                         f"in between: {chain(ids, left_out)}"),
                                span=first.span,
                                components=(edge.target, *dict.fromkeys((client, *ids[:-1]))),
                                connection=first.ids,
                                fix=f"serve '{edge.target}' through a CDN: {client} -> cdn -> {edge.target}",
                            )
                    elif kind in PASS_THROUGH and budget > 0:
                        reached[edge.target] = (edge, first, reached[node][2] + 1)
                        queue.append(edge.target)


def _path(reached: dict[str, tuple[Edge | None, Edge | None, int]], node: str, target: str) -> tuple[list[str], int]:
    """The last MAX_PATH_SHOWN components of the path client -> ... -> node -> target, and
    how many components before them are left out."""
    ids = [target, node]
    edge = reached[node][0]
    while edge is not None and len(ids) < MAX_PATH_SHOWN:
        ids.append(edge.source)
        edge = reached[edge.source][0]
    ids.reverse()
    return ids, reached[node][2] + 1 - len(ids)
