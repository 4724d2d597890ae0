from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterator

from ..findings import Severity
from ..graph import CALLER_KINDS, AnalysisGraph
from ..rule import Issue, Rule
from ._util import quoted


@dataclass(frozen=True)
class SharedDatabaseOptions:
    min_writers: int = field(default=2, metadata={"min": 2, "help": "how many services writing one database is reported"})


class SharedDatabase(Rule):
    """Several services write to the same database.

    What it does
    ------------
    Flags a database that two or more different services, workers or
    functions write to. A connection is a write unless its label says it only
    reads (`read`, `get`, `query`, `lookup`, ...).

    Why it matters
    --------------
    The schema becomes a contract between teams: nobody can change it
    alone, one service's heavy writes or locks slow down the others, and the
    services can no longer be deployed or scaled independently ("database
    per service").

    Example
    -------
        components:
          orders:  {kind: service, replicas: 2}
          billing: {kind: service, replicas: 2}
          db:      {kind: database, tech: aurora}
        connections:
          - orders -> db
          - billing -> db

    Fix
    ---
    Give each service its own database and share data through an API or
    events. When the sharing is deliberate (a single-writer outbox, a
    migration in progress), suppress it with the reason.

    Use instead:
        components:
          orders:     {kind: service, replicas: 2}
          billing:    {kind: service, replicas: 2}
          orders_db:  {kind: database, tech: aurora}
          billing_db: {kind: database, tech: aurora}
        connections:
          - orders -> orders_db
          - billing -> billing_db
          - billing -> orders: order status
    """

    code = "SD403"
    name = "shared-database"
    severity = Severity.INFO
    Options = SharedDatabaseOptions

    def check(self, graph: AnalysisGraph, options: SharedDatabaseOptions) -> Iterator[Issue]:
        for cid, component in graph.components.items():
            if component.kind != "database":
                continue
            writers = list(dict.fromkeys(
                e.source for e in graph.in_edges[cid]
                if not e.reverse and not e.dead_letter and e.writes and graph.kind(e.source) in CALLER_KINDS
            ))
            if len(writers) < options.min_writers:
                continue
            yield Issue(
                message=f"database '{cid}' is written by {len(writers)} services: {quoted(writers)}",
                span=component.span,
                components=(cid, *writers),
                fix="give each service its own database and share data through an API or events",
            )
