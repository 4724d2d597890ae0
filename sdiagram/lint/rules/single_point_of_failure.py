from __future__ import annotations

from typing import Iterator, Mapping

from ..algorithms import dominator_tree, first_dominated, immediate_dominators
from ..findings import Severity
from ..graph import CONSUME_WORDS, OFF_PATH_KINDS, ORIGIN_KINDS, STATEFUL_KINDS, AnalysisGraph
from ..rule import Issue, NoOptions, Rule
from ._util import chain, quoted

NOT_JUDGED = frozenset({"client", "external"}) | OFF_PATH_KINDS
# The dominator analysis runs once per entry point; a blueprint with thousands
# of entry points in front of a deep graph would make that quadratic. Past this
# many visited nodes the remaining entry points only count for stateful stores.
MAX_DOMINATOR_VISITS = 200_000
# What a cache-aside or read-through cache can stand in for.
CACHED_KINDS = ORIGIN_KINDS | {"external", "llm"}


def hard_cache_reason(graph: AnalysisGraph, cache_id: str) -> str | None:
    """Why requests cannot do without a cache-kind component, or None when it is
    a soft dependency (an origin stays reachable without it)."""
    into = [e for e in graph.senders(cache_id) if not e.reverse]
    if any(e.op == "write" for e in into):
        return "it is written with `op: write`: the data lives there"
    if any(e.mentions(CONSUME_WORDS) for e in into):  # not `op: read`: that is how a cache is read
        return "something consumes from it: it holds work, not copies"
    behind = any(graph.kind(t) in CACHED_KINDS for t in graph.successors[cache_id])
    beside = any(graph.kind(t) in CACHED_KINDS for e in into for t in graph.successors[e.source])
    if not behind and not beside:
        return "no origin stands behind it: the data lives only there"
    return None


class SinglePointOfFailure(Rule):
    """A component without redundancy whose failure takes part of the system down.

    What it does
    ------------
    Flags a component that is not redundant (`replicas` below 2 and not
    `managed`; `shards` partition the data, they are not copies) when

    - its failure cuts an entry point off from components downstream: every
      path from that entry point to them goes through it (dominator analysis
      over the paths from each entry point);
    - it is a stateful store (database, queue, stream, pub/sub topic, object
      storage, search index, vector db, warehouse) on a path from an entry
      point; or
    - a client's requests call it synchronously (a service, function, load
      balancer, ... on the request path), even when nothing sits behind it:
      every request that needs it fails with it. Such a leaf cuts nobody off,
      so it is reported one severity lower (a warning by default): its blast
      radius is the requests that need it.

    A component that cuts off only what the clients reach asynchronously (a
    single consumer behind a queue) fails no request, so it is reported one
    severity lower too; stores are always reported at the rule's severity.

    Entry points are the clients (without clients, the components nothing
    connects to), and the workers, functions and schedulers nothing sends to:
    they pull work from a queue or a timetable and start pipelines of their
    own, whose stores are judged too (`reply: true` paths are not followed).
    Clients, external systems and observability sinks (off the request path)
    are not judged. On very large blueprints (hundreds of thousands of
    entry-point-to-component paths) the cut-off analysis covers the first
    entry points only, so the run stays bounded; every entry point still
    counts for stores and for the request paths.

    A cache is a soft dependency when an origin stays reachable without it
    (cache-aside: its caller also reads a database, object storage, search
    index, external system, ...; read-through: it connects to one), and is not
    judged as a store. It is a hard dependency, judged like a store, when
    requests cannot do without it: a connection writes it with `op: write`
    (rate-limit counters, sessions, locks), something consumes from it (a job
    list), or no origin stands behind it. To say a Redis holds data of record,
    make it `kind: database` with `tech: redis`. Label words such as
    `session` or `rate limit` are deliberately not read for this: the same
    words label cache-aside caches of sessions; `op:` and the drawing decide.

    Copies that all fail together are reported by their own rules:
    primary-replica with manual failover on a write path
    (manual-failover-write-path) and copies in one zone of a multi-zone
    design (single-zone-copies).

    Why it matters
    --------------
    One crashed process, one failed disk or one zone outage takes down every
    flow that goes through the component; a stateful store without a replica
    can also lose data. Redundancy with failover is the first rule of high
    availability.

    Example
    -------
        components:
          users: {kind: client}
          lb:    {kind: load_balancer}              # replicas: 1
          api:   {kind: service, replicas: 3}
          db:    {kind: database, tech: postgresql} # replicas: 1
        connections:
          - users -> lb
          - lb -> api
          - api -> db

    Both `lb` (everything behind it is cut off) and `db` (a stateful store)
    are reported.

    Fix
    ---
    Run two or more replicas with failover (`replicas: 2`), or use a
    provider-run service that is redundant by contract (`managed: true`, or a
    managed `tech` such as `rds`, `sqs`, `s3`). If the risk is accepted, say
    so: `ignore: {single-point-of-failure: "cold standby restored from backup"}`.

    Use instead:
        components:
          users: {kind: client}
          lb:    {kind: load_balancer, tech: alb}    # managed: redundant by contract
          api:   {kind: service, replicas: 3}
          db:    {kind: database, tech: postgresql, replicas: 2}
        connections:
          - users -> lb
          - lb -> api
          - api -> db
    """

    code = "SD101"
    name = "single-point-of-failure"
    severity = Severity.ERROR
    Options = NoOptions

    def check(self, graph: AnalysisGraph, options: NoOptions) -> Iterator[Issue]:
        components = graph.components

        def judged(cid: str) -> bool:
            component = components[cid]
            return component.replicas < 2 and not component.managed and component.kind not in NOT_JUDGED

        judged_ids = {cid for cid in components if judged(cid)}
        # component -> (entry points it cuts off, largest loss, names lost for that entry)
        cuts: dict[str, tuple[list[str], int, list[str]]] = {}
        reached_from: dict[str, str] = {}
        budget = MAX_DOMINATOR_VISITS
        skipped: list[str] = []
        for entry in graph.entry_points + graph.pipeline_starts:
            if budget <= 0:
                skipped.append(entry)
                continue
            idom = immediate_dominators(entry, graph.successors)
            budget -= len(idom)
            for node in idom:
                reached_from.setdefault(node, entry)
            children, dominated = dominator_tree(idom)
            for node in children:
                if node == entry or node not in judged_ids:
                    continue
                entries, count, names = cuts.get(node, ([], 0, []))
                entries.append(entry)
                if dominated[node] > count:
                    count, names = dominated[node], first_dominated(node, children, 4)
                cuts[node] = (entries, count, names)
        _reach(skipped, graph.successors, reached_from)
        request_paths = graph.request_paths()

        for cid, component in components.items():
            if cid not in judged_ids or (cid not in cuts and cid not in reached_from):
                continue
            hard_cache = hard_cache_reason(graph, cid) if component.kind == "cache" else None
            store = cid in reached_from and (component.kind in STATEFUL_KINDS or hard_cache is not None)
            leaf = cid in request_paths and (component.kind != "cache" or hard_cache is not None)
            if cid not in cuts and not store and not leaf:
                continue
            shards = f", {component.shards} shards of one copy each" if component.shards >= 2 else ""
            what = f"'{cid}' ({component.kind}, replicas: {component.replicas}{shards}, not managed)"
            reasons = []
            involved: list[str] = []
            if cid in cuts:
                entries, count, names = cuts[cid]
                reasons.append(
                    f"its failure cuts {quoted(entries, 2)} off from {count} component{'s' if count != 1 else ''}"
                    f" ({quoted(names, 4, count)})"
                )
                involved = entries + names
            if store:
                if hard_cache is not None:
                    reasons.append(f"it is a cache requests cannot do without ({hard_cache}), on a path from "
                                   f"'{reached_from[cid]}'")
                else:
                    reasons.append(f"it is a stateful {component.kind.replace('_', ' ')} on a path from "
                                   f"'{reached_from[cid]}'")
                if not involved:
                    involved = [reached_from[cid]]
            elif cid not in cuts:
                path, left_out = graph.request_path(cid)
                reasons.append(f"the requests that need it fail with it (a synchronous call on the path "
                               f"{chain(path, left_out)})")
                involved = path[:-1]
            # Off the clients' synchronous paths, a cut delays work (it waits in a
            # queue) but fails no request: a narrower blast radius, like a leaf's.
            off_request_path = bool(request_paths) and cid not in request_paths
            if cid in cuts and not store and off_request_path:
                reasons.append("no client request waits on it (it is reached asynchronously)")
            yield Issue(
                message=f"{what} is a single point of failure: " + "; ".join(reasons),
                span=component.span,
                components=(cid, *dict.fromkeys(i for i in involved if i != cid)),
                fix="run it with `replicas: 2` or more and failover, or use a managed service (`managed: true`)",
                demoted=not store and (cid not in cuts or off_request_path),
            )


def _reach(entries: list[str], successors: Mapping[str, list[str]], reached_from: dict[str, str]) -> None:
    """Mark what each entry point reaches (first entry wins), in linear time overall:
    a node already reached has all its descendants reached too."""
    for entry in entries:
        if entry in reached_from:
            continue
        reached_from[entry] = entry
        pending = [entry]
        while pending:
            for child in successors[pending.pop()]:
                if child not in reached_from:
                    reached_from[child] = entry
                    pending.append(child)
