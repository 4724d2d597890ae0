from __future__ import annotations

from typing import Iterator

from ..algorithms import shortest_cycle_through
from ..findings import Severity
from ..graph import AnalysisGraph
from ..rule import Issue, NoOptions, Rule
from ._util import chain


class SyncCycle(Rule):
    """Components call each other synchronously in a loop.

    What it does
    ------------
    Finds every set of components that reach each other over synchronous
    calls (strongly connected components of the call graph) and reports one
    cycle in each, named in the message. Asynchronous connections, delivery
    out of queues, responses (`reply: true`) and the reply half of a duplex
    connection (`users <-> chat`) are not calls; `a <-> b` between two
    services is a call both ways.

    A cycle through an external system is reported too, at the connection
    that comes back from it, with a hint: registering a webhook (or creating
    a payment) and the later callback are usually separate interactions, but
    only the blueprint can say so. Mark the callback `async: true` (a later,
    separate interaction) or `reply: true` (the response to the call).
    Breaking such cycles silently was declined: a synchronous callback
    during the call (an authorisation hook) really is a cycle.

    Why it matters
    --------------
    A synchronous cycle can deadlock when thread pools fill up, turns one slow
    service into an outage of every service in the loop, and makes it
    impossible to deploy or scale the services independently.

    Example
    -------
        components:
          orders:  {kind: service, replicas: 2}
          billing: {kind: service, replicas: 2}
        connections:
          - orders -> billing: charge
          - billing -> orders: order status

    Fix
    ---
    Break the loop with an event (`billing -> events: {async: true}`), move
    the shared logic into one service, or pass the data the callee needs in
    the request. A connection that only carries the response is
    `reply: true`; a callback that comes later is `async: true`.

    Use instead:
        components:
          orders:  {kind: service, replicas: 2}
          billing: {kind: service, replicas: 2}
        connections:
          - orders -> billing: charge
          - billing -> orders: {label: order status, async: true}
    """

    code = "SD103"
    name = "sync-cycle"
    severity = Severity.ERROR
    Options = NoOptions
    identity = "members"  # one finding per set of components calling each other in a loop

    def check(self, graph: AnalysisGraph, options: NoOptions) -> Iterator[Issue]:
        calls = graph.call_successors
        cycles = []
        for members in graph.call_sccs():
            if len(members) < 2:
                continue
            start = min(members, key=graph.order.__getitem__)
            cycle = shortest_cycle_through(start, set(members), calls)
            # the cycle's members, then the rest of the tangle: the finding is
            # about all of them (its fingerprint is their set, see `identity`)
            rest = sorted(set(members) - set(cycle), key=graph.order.__getitem__)
            cycles.append((cycle, rest))
        cycles.sort(key=lambda found: graph.order[found[0][0]])
        for cycle, rest in cycles:
            external = next((i for i, c in enumerate(cycle[:-1]) if graph.kind(c) == "external"), None)
            at = external if external is not None else 0
            edge = graph.call_edge(cycle[at], cycle[at + 1])
            message = f"synchronous cycle: {chain(cycle)}"
            fix = "make one hop asynchronous (`async: true`) or merge the responsibilities"
            if external is not None:
                into = f"{cycle[at - 1] if at else cycle[-2]} -> {cycle[at]}"
                out = f"{edge.source} -> {edge.target}"
                message += (f"; it passes through external system '{cycle[at]}': if {into} or {out} happens later "
                            f"as a separate interaction (a webhook), mark it `async: true`, or `reply: true` if it "
                            f"is the response")
                fix = f"mark the later hop ({into} or {out}) `async: true`, or the response `reply: true`"
            yield Issue(
                message=message,
                span=edge.span,
                components=(*cycle[:-1], *rest),
                connection=edge.ids,
                fix=fix,
            )
