"""Small helpers shared by the rule modules."""

from __future__ import annotations

from typing import TYPE_CHECKING, Iterator, Sequence

if TYPE_CHECKING:
    from ..graph import AnalysisGraph, Edge


def quoted(ids: Sequence[str], limit: int = 4, total: int | None = None) -> str:
    """'a', 'b' and 'c'  /  'a', 'b', 'c' and 5 more."""
    total = len(ids) if total is None else total
    shown = [f"'{i}'" for i in ids[:limit]]
    rest = total - len(shown)
    if rest > 0:
        return ", ".join(shown) + f" and {rest} more"
    if len(shown) == 1:
        return shown[0]
    return ", ".join(shown[:-1]) + " and " + shown[-1]


def chain(ids: Sequence[str], left_out: int = 0) -> str:
    """'a -> b -> c'; with components left out before them: '(5 more) -> a -> b -> c'."""
    return " -> ".join(([f"({left_out:,} more)"] if left_out else []) + list(ids))


def client_hops_to(graph: "AnalysisGraph", kinds: "frozenset[str] | set[str]") -> "Iterator[tuple[Edge, str]]":
    """Each written connection from a client straight to a component of one of
    `kinds`, once per (client, target) pair, with the target's kind."""
    from ..graph import CLIENT_KINDS

    reported: set[tuple[str, str]] = set()
    for edge in graph.edges:
        if edge.reverse or graph.kind(edge.source) not in CLIENT_KINDS:
            continue
        kind = graph.kind(edge.target)
        if kind in kinds and (edge.source, edge.target) not in reported:
            reported.add((edge.source, edge.target))
            yield edge, kind


def has_traffic(graph: "AnalysisGraph") -> bool:
    """The blueprint gives the figures a load estimate needs (checked before importing the estimate)."""
    traffic = graph.blueprint.traffic
    return traffic is not None and traffic.dau is not None and traffic.requests_per_user is not None
