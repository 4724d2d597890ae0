from __future__ import annotations

from typing import Iterator

from ..findings import Severity
from ..graph import AnalysisGraph
from ..rule import Issue, NoOptions, Rule


class LatencyOverBudget(Rule):
    """A client entry path takes longer than the blueprint's `slo.latency_ms`.

    What it does
    ------------
    Runs the estimate (`sdiagram estimate`) and checks each client entry
    path's typical (p50-style) latency against `slo: {latency_ms: ...}`. A
    path's latency is the client's round trip to its first hop plus, along the
    slowest synchronous branch, each hop's round trip and each component's own
    time: its `latency_ms:` or the documented figure by kind and tech
    (docs/estimate.md). A cache waits for the store behind it only on a miss,
    so that branch counts × (1 − hit_ratio); async hops do not count. The
    message names the slowest hops. Fires only when the blueprint has an
    `slo` with `latency_ms`.

    Why it matters
    --------------
    Latency on a synchronous path adds up: a gateway, a service, a second
    service and a database each take their milliseconds, and an LLM or a
    third-party API takes hundreds. A budget that the design exceeds on paper
    is exceeded at p50, and p99 is several times worse.

    Example
    -------
        slo: {latency_ms: 300}
        components:
          users: {kind: client}
          gw:    {kind: api_gateway, tech: aws-api-gateway}
          agent: {kind: service, replicas: 3}
          model: {kind: llm, tech: bedrock}     # ~1 s per call
        connections:
          - users -> gw
          - gw -> agent
          - agent -> model

    `users -> gw` takes ~1,059 ms; `model` is the slowest hop.

    Fix
    ---
    Take the slow hop off the synchronous path (answer first, then call it
    through a queue; stream the response), cache its results, call branches
    in parallel, or move the component nearer. If the figure is wrong for
    your component, give its `latency_ms:`.

    Use instead:
        slo: {latency_ms: 300}
        components:
          users:  {kind: client}
          gw:     {kind: api_gateway, tech: aws-api-gateway}
          agent:  {kind: service, replicas: 3}
          runs:   {kind: queue, tech: sqs}
          worker: {kind: worker, replicas: 3}
          model:  {kind: llm, tech: bedrock}
        connections:
          - users -> gw
          - gw -> agent
          - agent -> runs: {label: enqueue, async: true}
          - runs -> worker
          - worker -> model
    """

    code = "SD503"
    name = "latency-over-budget"
    severity = Severity.WARNING
    Options = NoOptions

    def check(self, graph: AnalysisGraph, options: NoOptions) -> Iterator[Issue]:
        slo = graph.blueprint.slo
        if slo is None or slo.latency_ms is None:
            return
        from ...estimation import estimate_of, numbers

        estimate = estimate_of(graph)
        budget = slo.latency_ms
        for path in estimate.over_latency_slo:
            slowest = sorted(path.critical_path, key=lambda hop: -hop.total_ms)[:3]
            hops = ", ".join(f"'{hop.component}' {numbers.milliseconds(hop.total_ms)}" for hop in slowest)
            yield Issue(
                message=(f"path '{path.name}' takes about {numbers.milliseconds(path.latency_ms)}, over the SLO "
                         f"budget of {numbers.milliseconds(budget)}; slowest hops: {hops}"),
                span=path.span,
                components=(slowest[0].component, path.client) if slowest else (path.client,),
                fix=(f"take '{slowest[0].component}' off the synchronous path (queue it, cache it, stream the "
                     f"answer) or call branches in parallel" if slowest else None),
            )
