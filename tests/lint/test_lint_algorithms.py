"""The graph algorithms against brute force on random graphs."""

from __future__ import annotations

import random

import pytest

from sdiagram.lint.algorithms import (
    dominator_tree,
    first_dominated,
    immediate_dominators,
    reachable,
    shortest_cycle_through,
    strongly_connected_components,
)


def random_graph(seed: int, nodes: int = 12, edges: int = 22) -> dict[str, list[str]]:
    rng = random.Random(seed)
    names = [f"n{i}" for i in range(nodes)]
    graph: dict[str, list[str]] = {n: [] for n in names}
    for _ in range(edges):
        a, b = rng.sample(names, 2)
        if b not in graph[a]:
            graph[a].append(b)
    return graph


def brute_dominators(root: str, graph: dict[str, list[str]]) -> dict[str, set[str]]:
    """node -> set of nodes that strictly dominate it (removing them cuts node off)."""
    reach = reachable([root], graph)
    result: dict[str, set[str]] = {n: set() for n in reach}
    for cut in reach - {root}:
        pruned = {n: [m for m in succ if m != cut] for n, succ in graph.items() if n != cut}
        still = reachable([root], pruned)
        for node in reach - still - {cut}:
            result[node].add(cut)
    for node in reach - {root}:
        result[node].add(root)
    return result


@pytest.mark.parametrize("seed", range(40))
def test_dominators_match_brute_force(seed: int) -> None:
    graph = random_graph(seed)
    idom = immediate_dominators("n0", graph)
    assert set(idom) == reachable(["n0"], graph)
    expected = brute_dominators("n0", graph)
    for node in idom:
        chain = set()
        current = node
        while idom[current] != current:
            current = idom[current]
            chain.add(current)
        assert chain == expected[node], (seed, node)
    children, dominated = dominator_tree(idom)
    for node in idom:
        below = {n for n in idom if node in expected[n]}
        assert dominated[node] == len(below), (seed, node)
        assert set(first_dominated(node, children, 100)) == below


def brute_sccs(graph: dict[str, list[str]]) -> set[frozenset[str]]:
    reach = {n: reachable([n], graph) for n in graph}
    return {frozenset(m for m in graph if m in reach[n] and n in reach[m]) for n in graph}


@pytest.mark.parametrize("seed", range(40))
def test_sccs_match_brute_force_and_come_out_in_reverse_topological_order(seed: int) -> None:
    graph = random_graph(seed, edges=18)
    sccs = strongly_connected_components(list(graph), graph)
    assert {frozenset(c) for c in sccs} == brute_sccs(graph)
    position = {n: i for i, c in enumerate(sccs) for n in c}
    for node, successors in graph.items():
        for nxt in successors:
            assert position[nxt] <= position[node]


def test_deep_chain_does_not_recurse() -> None:
    n = 50_000
    graph = {f"n{i}": [f"n{i + 1}"] for i in range(n)}
    graph[f"n{n}"] = ["n0"]
    sccs = strongly_connected_components(list(graph), graph)
    assert len(sccs) == 1
    idom = immediate_dominators("n0", {k: v for k, v in graph.items() if k != f"n{n}"} | {f"n{n}": []})
    assert idom[f"n{n}"] == f"n{n - 1}"


def test_shortest_cycle() -> None:
    graph = {"a": ["b", "c"], "b": ["d"], "c": ["a"], "d": ["a"]}
    assert shortest_cycle_through("a", set(graph), graph) == ["a", "c", "a"]
