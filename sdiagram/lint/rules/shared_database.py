from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterator

from ..findings import Severity
from ..graph import CALLER_KINDS, MESSAGING_KINDS, AnalysisGraph
from ..rule import Issue, Rule
from ._util import quoted


@dataclass(frozen=True)
class SharedDatabaseOptions:
    min_writers: int = field(default=2, metadata={"min": 2, "help": "how many services writing one database is reported"})


class SharedDatabase(Rule):
    """Several services write to the same database.

    What it does
    ------------
    Flags a database that two or more teams write to: different services,
    workers or functions, where a service's own background tasks are not a
    second team. A connection is a write unless `op: read` says otherwise or,
    without `op`, its label says it only reads (`read`, `get`, `query`,
    `lookup`, ...).

    One team is

    - a service with the workers, functions and schedulers drawn in the same
      group, when the group's writers of this database hold at most one
      service (a group that marks one service, not a tier of several);
    - with `owner: <service>` on the database: the owner and the workers,
      functions and schedulers that only the owner feeds (directly, or
      through queues and topics only the owner publishes to).

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

    def check(self, graph: AnalysisGraph, options: SharedDatabaseOptions) -> Iterator[Issue]:
        for cid, component in graph.components.items():
            if component.kind != "database":
                continue
            writers = list(dict.fromkeys(
                e.source for e in graph.senders(cid)
                if not e.reverse and not e.dead_letter and e.writes and graph.kind(e.source) in CALLER_KINDS
            ))
            if len(writers) < options.min_writers:
                continue
            teams = _teams(graph, writers, component.owner)
            if len(teams) < options.min_writers:
                continue
            yield Issue(
                message=f"database '{cid}' is written by {len(teams)} services: {_describe(teams)}",
                span=component.span,
                components=(cid, *writers),
                fix="give each service its own database and share data through an API or events "
                    "(or say whose it is: `owner:`)",
            )


def _teams(graph: AnalysisGraph, writers: list[str], owner: str | None) -> list[list[str]]:
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
    if owner is not None:
        fed = _fed_only_by(graph, owner)
        for writer in writers:
            if writer in fed and graph.kind(writer) != "service":
                lead[writer] = lead.get(owner, owner)
    teams: dict[str, list[str]] = {}
    for writer in writers:
        teams.setdefault(lead[writer], []).append(writer)
    return [sorted(team, key=lambda w: (w != head, graph.order[w])) for head, team in teams.items()]


def _fed_only_by(graph: AnalysisGraph, owner: str) -> set[str]:
    """Components that only `owner` sends work to, directly or through queues,
    streams and topics that only it (or what it alone feeds) publishes to."""
    fed = {owner}
    changed = True
    while changed:
        changed = False
        for cid in graph.components:
            if cid in fed:
                continue
            senders = [e.source for e in graph.senders(cid) if not e.reverse and not e.consumes]
            pullers = [e.target for e in graph.out_edges[cid] if e.consumes]  # `worker -> queue: poll`
            sources = senders + [q for q in pullers if graph.kind(q) in MESSAGING_KINDS]
            if sources and all(s in fed for s in sources):
                fed.add(cid)
                changed = True
    fed.discard(owner)
    return fed


def _describe(teams: list[list[str]]) -> str:
    parts = []
    for team in teams:
        head, rest = team[0], team[1:]
        parts.append(f"'{head}'" + (f" (with its {quoted(rest)})" if rest else ""))
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
