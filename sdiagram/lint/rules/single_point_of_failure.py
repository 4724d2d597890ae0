from __future__ import annotations

from typing import TYPE_CHECKING, Iterator

from ..algorithms import dominator_tree, first_dominated, immediate_dominators
from ..findings import Severity
from ..graph import OFF_PATH_KINDS, STATEFUL_KINDS, AnalysisGraph
from ..rule import Issue, NoOptions, Rule
from ._util import quoted

if TYPE_CHECKING:
    from ...model import Component

NOT_JUDGED = frozenset({"client", "external"}) | OFF_PATH_KINDS
# The dominator analysis runs once per entry point; a blueprint with thousands
# of entry points in front of a deep graph would make that quadratic. Past this
# many visited nodes the remaining entry points only count for stateful stores.
MAX_DOMINATOR_VISITS = 200_000


class SinglePointOfFailure(Rule):
    """A component without redundancy whose failure takes part of the system down.

    What it does
    ------------
    Flags a component that is not redundant when either

    - its failure cuts an entry point off from components downstream: every
      path from that entry point to them goes through it (dominator analysis
      over the paths from each entry point), or
    - it is a stateful store (database, queue, stream, object storage, search
      index, vector db) on a path from an entry point.

    Not redundant means: `replicas` below 2 and not `managed`; or
    `replication: primary-replica` with `failover: manual` (writes stop until
    someone promotes a replica); or, when the blueprint's `placement` spans
    several zones, copies that all run in one zone (`zones: 1`). Sharded
    components are judged per shard: `shards: 8` of one copy each lose a
    shard with each node.

    Entry points are the clients; without clients, the components nothing
    connects to (`reply: true` paths are not followed). On very large
    blueprints (hundreds of thousands of entry-point-to-component paths) the
    cut-off analysis covers the first entry points only, so the run stays
    bounded; every entry point still counts for stateful stores. Clients, external
    systems and observability sinks (off the request path) are not judged. A cache that
    fronts an origin which stays reachable without it (cache-aside, or a
    read-through cache beside a direct path) is a soft dependency, not a
    single point of failure: it dominates nothing.

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
    """

    code = "SD101"
    name = "single-point-of-failure"
    severity = Severity.ERROR
    Options = NoOptions

    def check(self, graph: AnalysisGraph, options: NoOptions) -> Iterator[Issue]:
        components = graph.components

        multi_zone = graph.blueprint.placement.zones >= 2

        def one_zone(component: Component) -> bool:
            return multi_zone and component.zones == 1 and component.replicas >= 2 and not component.managed

        def judged(cid: str) -> bool:
            component = components[cid]
            return (not component.redundant or one_zone(component)) and component.kind not in NOT_JUDGED

        judged_ids = {cid for cid in components if judged(cid)}
        # component -> (entry points it cuts off, largest loss, names lost for that entry)
        cuts: dict[str, tuple[list[str], int, list[str]]] = {}
        reached_from: dict[str, str] = {}
        budget = MAX_DOMINATOR_VISITS
        skipped: list[str] = []
        for entry in graph.entry_points:
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

        for cid, component in components.items():
            store = component.kind in STATEFUL_KINDS and cid in reached_from and judged(cid)
            if cid not in cuts and not store:
                continue
            what = f"'{cid}' ({component.kind}, {_redundancy(component, one_zone(component), graph)})"
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
                reasons.append(f"it is a stateful {component.kind.replace('_', ' ')} on a path from '{reached_from[cid]}'")
                if not involved:
                    involved = [reached_from[cid]]
            yield Issue(
                message=f"{what} is a single point of failure: " + "; ".join(reasons),
                span=component.span,
                components=(cid, *dict.fromkeys(i for i in involved if i != cid)),
                fix=_fix(component, one_zone(component)),
            )


def _redundancy(component: "Component", one_zone: bool, graph: AnalysisGraph) -> str:
    """Why the component counts as one node, for the message."""
    if component.single_writer:
        return f"replicas: {component.replicas}, primary-replica with manual failover: writes stop with the primary"
    if one_zone:
        return f"replicas: {component.replicas}, all in one zone of the {graph.blueprint.placement.zones}-zone placement"
    shards = f", {component.shards} shards of one copy each" if component.shards >= 2 else ""
    return f"replicas: {component.replicas}{shards}, not managed"


def _fix(component: "Component", one_zone: bool) -> str:
    if component.single_writer:
        return "promote a replica automatically (`failover: automatic`), or write to several copies " \
               "(`replication: multi-primary` or `quorum`)"
    if one_zone:
        return "spread its copies over zones (`zones: 2` or more)"
    return "run it with `replicas: 2` or more and failover, or use a managed service (`managed: true`)"


def _reach(entries: list[str], successors: dict[str, list[str]], reached_from: dict[str, str]) -> None:
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
