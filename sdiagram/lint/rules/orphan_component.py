from __future__ import annotations

from typing import Iterator

from ..findings import Severity
from ..graph import AnalysisGraph
from ..rule import Issue, NoOptions, Rule


class OrphanComponent(Rule):
    """A component with no connections at all.

    What it does
    ------------
    Flags a component that no connection touches, directly or through a
    group it belongs to, and that is nobody's `dead_letter` target.

    Why it matters
    --------------
    Usually a leftover of an edit or a forgotten connection. The diagram
    shows a box that does nothing, and every rule that follows traffic skips
    it, so its problems go unnoticed.

    Example
    -------
        components:
          users:  {kind: client}
          api:    {kind: service, replicas: 2}
          legacy: {kind: service}
        connections:
          - users -> api

    Fix
    ---
    Connect it to what calls it and what it calls, or delete it.

    Use instead:
        components:
          users:  {kind: client}
          api:    {kind: service, replicas: 2}
        connections:
          - users -> api
    """

    code = "SD401"
    name = "orphan-component"
    severity = Severity.WARNING
    Options = NoOptions

    def check(self, graph: AnalysisGraph, options: NoOptions) -> Iterator[Issue]:
        for cid, component in graph.components.items():
            if cid not in graph.connected:
                yield Issue(
                    message=f"{component.kind} '{cid}' has no connections",
                    span=component.span,
                    components=(cid,),
                    fix=f"connect '{cid}' (`- caller -> {cid}`) or remove it",
                )
