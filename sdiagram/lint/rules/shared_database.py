from __future__ import annotations

from typing import Iterator, NamedTuple

from ..findings import Severity
from ..graph import CALLER_KINDS, AnalysisGraph
from ..rule import Issue, OptionDoc, Rule
from ._util import quoted


class SharedDatabaseOptions(NamedTuple):
    min_writers: int = 2


class SharedDatabase(Rule):
    """Several services write to the same database.

    What it does
    ------------
    Flags a database that two or more teams write to: different services,
    workers or functions, where a service's own background tasks are not a
    second team. A connection is a write when its `op:` is `write` or
    `read_write`; without `op:`, unless its label says it only reads (`read`,
    `get`, `query`, `lookup`, ...). Replies are not writes.

    A service's own background tasks are found two ways:

    - the database names its `owner:`: the owner's background jobs (workers,
      functions, schedulers) write as part of its team, and only another
      *service* writing it is reported;
    - without an owner, a group that marks one service: writers drawn in the
      same group are one team when they include at most one service (a
      service and its workers), not when they are a tier of several services.

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
    events. When a service's own workers write its database, say whose it is
    with `owner:` (or draw them in the service's group). When the sharing is
    deliberate (a single-writer outbox, a migration in progress), suppress it
    with the reason.

    Use instead:
        components:
          orders:     {kind: service, replicas: 2}
          billing:    {kind: service, replicas: 2}
          orders_db:  {kind: database, tech: aurora}
          billing_db: {kind: database, tech: aurora}
          jobs:       {kind: queue, tech: sqs}
          reminders:  {kind: worker, replicas: 2}
          invoices:   {kind: database, tech: aurora, owner: billing}
        connections:
          - orders -> orders_db
          - billing -> billing_db
          - billing -> orders: order status
          - billing -> jobs: {label: schedule reminder, async: true}
          - jobs -> reminders
          - "[billing, reminders] -> invoices"
    """

    code = "SD403"
    name = "shared-database"
    severity = Severity.INFO
    Options = SharedDatabaseOptions
    option_docs = {
        "min_writers": OptionDoc("how many services writing one database is reported", min=2),
    }

    def check(self, graph: AnalysisGraph, options: SharedDatabaseOptions) -> Iterator[Issue]:
        for cid, component in graph.components.items():
            if component.kind != "database":
                continue
            writers = list(dict.fromkeys(
                e.source for e in graph.senders(cid)
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
            teams = _teams(graph, writers)
            if len(teams) < options.min_writers:
                continue
            yield Issue(
                message=f"database '{cid}' is written by {len(teams)} services: {_describe(teams)}",
                span=component.span,
                components=(cid, *writers),
                fix="give each service its own database and share data through an API or events "
                    "(or say whose it is: `owner:`)",
            )


def _teams(graph: AnalysisGraph, writers: list[str]) -> list[list[str]]:
    """The writers grouped into teams, each led by its service (see the docstring)."""
    lead = {w: w for w in writers}
    by_group: dict[str, list[str]] = {}
    for writer in writers:
        group = graph.components[writer].group
        if group is not None:
            by_group.setdefault(group, []).append(writer)
    for members in by_group.values():
        services = [m for m in members if graph.kind(m) == "service"]
        if len(services) <= 1:
            head = services[0] if services else members[0]
            for member in members:
                lead[member] = head
    teams: dict[str, list[str]] = {}
    for writer in writers:
        teams.setdefault(lead[writer], []).append(writer)
    # the lead first, then the others in source order
    return [[head] + [w for w in team if w != head] for head, team in teams.items()]


def _describe(teams: list[list[str]]) -> str:
    parts = []
    for team in teams:
        head, rest = team[0], team[1:]
        parts.append(f"'{head}'" + (f" (with its {quoted(rest)})" if rest else ""))
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
