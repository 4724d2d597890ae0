from __future__ import annotations

from typing import Iterator, NamedTuple

from ..findings import Severity
from ..graph import CALLER_KINDS, MAX_PATH_SHOWN, AnalysisGraph
from ..rule import Issue, OptionDoc, Rule
from ._util import chain


class DeepSyncChainOptions(NamedTuple):
    max_services: int = 4


class DeepSyncChain(Rule):
    """A request passes through too many services synchronously.

    What it does
    ------------
    Follows synchronous calls from each entry point and flags the call that
    makes a chain pass through more than `max_services` services (service,
    worker, function and scheduler components; 4 by default). The message
    names the chain. Responses (`reply: true`) are not calls. Asynchronous
    connections (`async: true`) and delivery out of a queue, stream or pub/sub
    topic end a chain: consumers behind a queue start their own
    work. Calls inside a synchronous cycle are left to sync-cycle.

    Why it matters
    --------------
    Latencies add up and availabilities multiply: five services at 99.9 %
    each give 99.5 % for the chain, and one slow service holds threads in
    every caller above it until the whole chain fails (cascading failure).

    Example
    -------
        components:
          users: {kind: client}
          gw: {kind: api_gateway, tech: kong, replicas: 2}
          a: {kind: service, replicas: 2}
          b: {kind: service, replicas: 2}
          c: {kind: service, replicas: 2}
          d: {kind: service, replicas: 2}
          e: {kind: service, replicas: 2}
        connections:
          - users -> gw
          - gw -> a
          - a -> b
          - b -> c
          - c -> d
          - d -> e

    Fix
    ---
    Make a hop asynchronous (publish an event, `async: true`), merge services
    that always call each other, or call independent services in parallel
    from one orchestrator. Add timeouts, retries with backoff and circuit
    breakers on the hops that remain.

    Use instead:
        components:
          users: {kind: client}
          gw: {kind: api_gateway, tech: kong, replicas: 2}
          a: {kind: service, replicas: 2}
          b: {kind: service, replicas: 2}
          c: {kind: service, replicas: 2}
          d: {kind: service, replicas: 2}
          e: {kind: service, replicas: 2}
        connections:
          - users -> gw
          - gw -> a
          - a -> b
          - b -> c
          - c -> d
          - d -> e: {label: publish event, async: true}
    """

    code = "SD104"
    name = "deep-sync-chain"
    severity = Severity.WARNING
    Options = DeepSyncChainOptions
    option_docs = {
        "max_services": OptionDoc("the most services a synchronous path may pass through", min=1),
    }

    def check(self, graph: AnalysisGraph, options: DeepSyncChainOptions) -> Iterator[Issue]:
        limit = options.max_services
        calls = graph.call_successors
        components = list(graph.components)
        # Calls inside a strongly connected component are cycles (sync-cycle);
        # without them the call graph is acyclic and the longest chain is a
        # single pass in topological order.
        scc_of: dict[str, int] = {}
        sccs = graph.call_sccs()
        for number, members in enumerate(sccs):
            for member in members:
                scc_of[member] = number
        # best[node] = (services on the deepest chain ending at node, previous node)
        best: dict[str, tuple[int, str | None]] = {}
        length: dict[str, int] = {}  # components on that chain
        for entry in graph.entry_points:
            weight = 1 if graph.kind(entry) in CALLER_KINDS else 0
            if best.get(entry, (-1, None))[0] < weight:
                best[entry] = (weight, None)
                length[entry] = 1
        crossing: list[str] = []
        for members in reversed(sccs):  # topological order
            for node in sorted(members, key=graph.order.__getitem__):
                if node not in best:
                    continue
                depth = best[node][0]
                for child in calls[node]:
                    if scc_of[child] == scc_of[node]:
                        continue
                    value = depth + (1 if graph.kind(child) in CALLER_KINDS else 0)
                    if value > best.get(child, (-1, None))[0]:
                        best[child] = (value, node)
                        length[child] = length[node] + 1
        for node in components:
            if node in best and best[node][0] > limit and graph.kind(node) in CALLER_KINDS:
                previous = best[node][1]
                if previous is None or best[previous][0] <= limit:
                    crossing.append(node)
        for node in crossing:
            # the chain's last MAX_PATH_SHOWN components: paths of proxies and caches
            # (which are not services) can be as long as the blueprint
            path = [node]
            before = best[node][1]
            while before is not None and len(path) < MAX_PATH_SHOWN:
                path.append(before)
                before = best[before][1]
            left_out = length[node] - len(path)
            path.reverse()
            previous = path[-2]
            edge = graph.call_edge(previous, node)
            services = best[node][0]
            yield Issue(
                message=(f"synchronous chain through {services} services (more than {limit}): "
                         f"{chain(path, left_out)}"),
                span=edge.span,
                components=(node, *path[:-1]),
                connection=edge.ids,
                fix=f"make a hop asynchronous (`async: true`) or flatten the chain before '{node}'",
            )
