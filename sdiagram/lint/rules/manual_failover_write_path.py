from __future__ import annotations

from typing import Iterator

from ..findings import Severity
from ..graph import CALLER_KINDS, AnalysisGraph
from ..rule import Issue, NoOptions, Rule


class ManualFailoverWritePath(Rule):
    """A primary-replica store with manual failover is written to: writes stop with the primary.

    What it does
    ------------
    Flags a store with `replication: primary-replica` and `failover: manual`
    (and not `managed`) that a service, worker, function or scheduler writes
    to: a connection with `op: write` or `read_write`, or, without `op`, one
    whose label does not say it only reads. The finding points at the first
    such write. A store that is only read (reporting off a replica) is not
    reported: its replicas keep serving reads.

    Why it matters
    --------------
    The replicas protect the data and the reads, not the writes: when the
    primary fails, every write fails until an operator notices and promotes a
    replica, typically minutes to an hour at night. Copies only count as
    redundancy for a write path when one of them takes over on its own.

    Example
    -------
        components:
          users: {kind: client}
          lb:    {kind: load_balancer, tech: alb}
          api:   {kind: service, replicas: 3}
          db:    {kind: database, tech: postgresql, replicas: 3, replication: primary-replica, failover: manual}
        connections:
          - users -> lb
          - lb -> api
          - api -> db: {label: place order, op: write}

    Fix
    ---
    Fail over automatically (Patroni, repmgr with a witness, Orchestrator, a
    managed database), or let several copies take writes
    (`replication: multi-primary` or `quorum`). If writes may stop until
    someone promotes a replica, say so with a suppression and the reason.

    Use instead:
        components:
          users: {kind: client}
          lb:    {kind: load_balancer, tech: alb}
          api:   {kind: service, replicas: 3}
          db:    {kind: database, tech: postgresql, replicas: 3, replication: primary-replica, failover: automatic}
        connections:
          - users -> lb
          - lb -> api
          - api -> db: {label: place order, op: write}
    """

    code = "SD107"
    name = "manual-failover-write-path"
    severity = Severity.ERROR
    Options = NoOptions

    def check(self, graph: AnalysisGraph, options: NoOptions) -> Iterator[Issue]:
        for cid, component in graph.components.items():
            if not component.single_writer:
                continue
            writes = [e for e in graph.senders(cid)
                      if not e.reverse and e.writes and graph.kind(e.source) in CALLER_KINDS]
            if not writes:
                continue
            edge = writes[0]
            writers = list(dict.fromkeys(e.source for e in writes))
            yield Issue(
                message=(f"'{cid}' ({component.kind}, replicas: {component.replicas}, primary-replica with manual "
                         f"failover) takes writes from '{edge.source}': when the primary fails, writes stop until "
                         f"someone promotes a replica"),
                span=edge.span,
                components=(cid, *writers),
                fix="fail over automatically (`failover: automatic`), or let several copies take writes "
                    "(`replication: multi-primary` or `quorum`)",
            )
