from __future__ import annotations

from typing import Iterator

from ..findings import Severity
from ..graph import MESSAGING_KINDS, AnalysisGraph
from ..rule import Issue, NoOptions, Rule
from ._util import quoted


def consumers(graph: AnalysisGraph, queue: str) -> list[str]:
    """Who takes messages off a queue: its successors (delivery) and the
    components whose connection to it says they consume (`worker -> q: poll`)."""
    found = [e.target for e in graph.out_edges[queue] if not e.dead_letter and not e.reverse]
    found += [e.source for e in graph.in_edges[queue] if e.consumes or e.reverse]
    return list(dict.fromkeys(found))


class QueueWithoutDeadLetter(Rule):
    """A queue or stream with consumers but nowhere to put messages that keep failing.

    What it does
    ------------
    Flags a queue or stream that has consumers (components it delivers to, or
    that say they `consume` / `poll` / `subscribe` to it) but no
    `dead_letter:` target. A queue that is itself a dead-letter target is
    not judged.

    Why it matters
    --------------
    Delivery is at least once: a message a consumer cannot process (a poison
    message) is retried forever, blocks its partition or is silently dropped.
    A dead-letter queue parks it for inspection and replay.

    Example
    -------
        components:
          jobs:   {kind: queue, tech: rabbitmq, replicas: 3}
          worker: {kind: worker, replicas: 2}
        connections:
          - jobs -> worker

    Fix
    ---
    Add a dead-letter queue and name it: `jobs: {kind: queue, ..., dead_letter: jobs_dlq}`.

    Use instead:
        components:
          jobs:     {kind: queue, tech: rabbitmq, replicas: 3, dead_letter: jobs_dlq}
          jobs_dlq: {kind: queue, tech: rabbitmq, replicas: 3}
          worker:   {kind: worker, replicas: 2}
        connections:
          - jobs -> worker
    """

    code = "SD105"
    name = "queue-without-dead-letter"
    severity = Severity.WARNING
    Options = NoOptions

    def check(self, graph: AnalysisGraph, options: NoOptions) -> Iterator[Issue]:
        dead_letter_targets = graph.dead_letter_targets()
        for cid, component in graph.components.items():
            if component.kind not in MESSAGING_KINDS or component.dead_letter or cid in dead_letter_targets:
                continue
            found = consumers(graph, cid)
            if not found:
                continue
            yield Issue(
                message=f"{component.kind} '{cid}' has consumers ({quoted(found)}) but no dead_letter target",
                span=component.span,
                components=(cid, *found),
                fix=f"add a dead-letter queue and set `dead_letter: {cid}_dlq` on '{cid}'",
            )
