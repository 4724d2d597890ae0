from __future__ import annotations

from typing import Iterator

from ..findings import Severity
from ..graph import DATASTORE_KINDS, AnalysisGraph
from ..rule import Issue, NoOptions, Rule
from ._util import client_hops_to


class ClientReachesDatastore(Rule):
    """A client connects straight to a data store.

    What it does
    ------------
    Flags a connection from a client to a database, cache, queue, stream,
    search index or vector db.

    Why it matters
    --------------
    The store's credentials end up on user devices, every client depends on
    the schema, and there is no place for authorisation, validation, rate
    limiting or caching. A single bad client can overload or corrupt the
    store.

    Example
    -------
        components:
          app: {kind: client}
          db:  {kind: database, tech: dynamodb}
        connections:
          - app -> db

    Fix
    ---
    Put a service (behind a load balancer or API gateway) between the client
    and the store, and let only that service talk to the store.

    Use instead:
        components:
          app: {kind: client}
          gw:  {kind: api_gateway, tech: aws-api-gateway}
          api: {kind: function, tech: lambda}
          db:  {kind: database, tech: dynamodb}
        connections:
          - app -> gw
          - gw -> api
          - api -> db
    """

    code = "SD201"
    name = "client-reaches-datastore"
    severity = Severity.ERROR
    Options = NoOptions

    def check(self, graph: AnalysisGraph, options: NoOptions) -> Iterator[Issue]:
        for edge, kind in client_hops_to(graph, DATASTORE_KINDS):
            yield Issue(
                message=f"client '{edge.source}' connects directly to {kind.replace('_', ' ')} '{edge.target}'",
                span=edge.span,
                components=(edge.target, edge.source),
                connection=edge.ids,
                fix=f"let a service own '{edge.target}': {edge.source} -> api_gateway -> service -> {edge.target}",
            )
