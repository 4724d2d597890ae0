from __future__ import annotations

from typing import Iterator

from ..findings import Severity
from ..graph import MESSAGING_KINDS, AnalysisGraph
from ..rule import Issue, NoOptions, Rule
from ._util import quoted
from .queue_without_dead_letter import consumers


class QueueWithoutConsumer(Rule):
    """Messages go into a queue or stream that nothing reads.

    What it does
    ------------
    Flags a queue or stream that receives messages (something connects to it)
    but has no consumer: it delivers to nothing, and no connection to it says
    `consume`, `poll`, `subscribe` or `pull`. Dead-letter queues are not
    judged: they are drained by hand.

    Why it matters
    --------------
    Either the consumer is missing from the design, or the queue fills up
    until the broker runs out of disk and starts refusing the producers. Both
    are worth a look in review.

    Example
    -------
        components:
          api:    {kind: service, replicas: 2}
          events: {kind: stream, tech: kinesis}
        connections:
          - api -> events: {label: publish, async: true}

    Fix
    ---
    Draw the consumer (`events -> worker`, or `worker -> events: poll`), or
    remove the queue.

    Use instead:
        components:
          api:    {kind: service, replicas: 2}
          events: {kind: stream, tech: kinesis}
          worker: {kind: worker, replicas: 2}
        connections:
          - api -> events: {label: publish, async: true}
          - worker -> events: poll
    """

    code = "SD106"
    name = "queue-without-consumer"
    severity = Severity.WARNING
    Options = NoOptions

    def check(self, graph: AnalysisGraph, options: NoOptions) -> Iterator[Issue]:
        dead_letter_targets = graph.dead_letter_targets()
        for cid, component in graph.components.items():
            if component.kind not in MESSAGING_KINDS or cid in dead_letter_targets:
                continue
            producers = [e.source for e in graph.in_edges[cid] if not e.consumes and not e.reverse]
            if not producers or consumers(graph, cid):
                continue
            producers = list(dict.fromkeys(producers))
            yield Issue(
                message=f"{component.kind} '{cid}' receives messages from {quoted(producers)} but has no consumer",
                span=component.span,
                components=(cid, *producers),
                fix=f"connect the consumer ({cid} -> worker) or remove '{cid}'",
            )
