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
    functions write to. A connection is a write when its `op:` is `write` or
    `read_write`; without `op:`, unless its label says it only reads (`read`,
    `get`, `query`, `lookup`, ...). Replies are not writes.

    When the database names its `owner:`, the owner's own background jobs
    (workers, functions, schedulers) write as part of its team: only another
    *service* writing it is reported.

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
            owner = component.owner
            if owner is not None:
                # the owner's workers are its own team; another service is not
                others = [w for w in writers if w != owner and graph.kind(w) == "service"]
                if len(others) + 1 < options.min_writers:
                    continue
                yield Issue(
                    message=f"database '{cid}' belongs to '{owner}' but is also written by {quoted(others)}",
                    span=component.span,
                    components=(cid, owner, *others),
                    fix=f"let {quoted(others)} go through '{owner}' (an API or events) instead of its schema",
                )
                continue
            if len(writers) < options.min_writers:
                continue
            yield Issue(
                message=f"database '{cid}' is written by {len(writers)} services: {quoted(writers)}",
                span=component.span,
                components=(cid, *writers),
                fix="give each service its own database and share data through an API or events",
            )
