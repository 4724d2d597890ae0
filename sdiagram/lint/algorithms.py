"""Graph algorithms the rules need, in plain Python over adjacency mappings.

Blueprints are small (tens to a few thousand components), so these run in
well under the time it takes to import networkx (~100 ms); all are iterative,
so deep graphs cannot hit the recursion limit.
"""

from __future__ import annotations

from typing import Iterable, Mapping, Sequence

Adjacency = Mapping[str, Sequence[str]]


def reachable(roots: Iterable[str], successors: Adjacency) -> set[str]:
    """Every node reachable from `roots` (roots included)."""
    seen = set(roots)
    stack = list(seen)
    while stack:
        node = stack.pop()
        for nxt in successors.get(node, ()):
            if nxt not in seen:
                seen.add(nxt)
                stack.append(nxt)
    return seen


def reverse_postorder(root: str, successors: Adjacency) -> list[str]:
    """Nodes reachable from `root` in reverse postorder of a depth-first search."""
    postorder: list[str] = []
    seen = {root}
    stack = [(root, iter(successors.get(root, ())))]
    while stack:
        node, children = stack[-1]
        for child in children:
            if child not in seen:
                seen.add(child)
                stack.append((child, iter(successors.get(child, ()))))
                break
        else:
            stack.pop()
            postorder.append(node)
    postorder.reverse()
    return postorder


def immediate_dominators(root: str, successors: Adjacency) -> dict[str, str]:
    """The immediate dominator of every node reachable from `root` (root maps to itself).

    Cooper, Harvey and Kennedy, "A Simple, Fast Dominance Algorithm" (2001):
    iterate `idom(b) = intersect(processed predecessors of b)` in reverse
    postorder until nothing changes; two or three passes on real graphs.
    """
    order = reverse_postorder(root, successors)
    number = {node: i for i, node in enumerate(order)}  # reverse-postorder number
    predecessors: list[list[int]] = [[] for _ in order]
    for node, i in number.items():
        for child in successors.get(node, ()):
            j = number.get(child)
            if j is not None and j != i:
                predecessors[j].append(i)
    undefined = -1
    idom = [undefined] * len(order)
    idom[0] = 0
    changed = True
    while changed:
        changed = False
        for b in range(1, len(order)):
            new = undefined
            for p in predecessors[b]:
                if idom[p] == undefined:
                    continue
                if new == undefined:
                    new = p
                    continue
                # intersect(p, new): walk up the tree; larger RPO number = deeper
                a, c = p, new
                while a != c:
                    while a > c:
                        a = idom[a]
                    while c > a:
                        c = idom[c]
                new = a
            if idom[b] != new:
                idom[b] = new
                changed = True
    return {order[i]: order[d] for i, d in enumerate(idom)}


def dominator_tree(idom: Mapping[str, str]) -> tuple[dict[str, list[str]], dict[str, int]]:
    """The dominator tree's children lists and, for every node, how many nodes it
    strictly dominates. `idom` must be in reverse postorder, as
    `immediate_dominators` returns it. Linear in the number of nodes."""
    children: dict[str, list[str]] = {}
    for node, parent in idom.items():
        if parent != node:
            children.setdefault(parent, []).append(node)
    dominated = dict.fromkeys(idom, 0)
    # `idom` lists nodes in reverse postorder, so a dominator comes before the
    # nodes it dominates: walking backwards finishes every count before it is used.
    for node in reversed(list(idom)):
        parent = idom[node]
        if parent != node:
            dominated[parent] += dominated[node] + 1
    return children, dominated


def first_dominated(node: str, children: Mapping[str, list[str]], limit: int) -> list[str]:
    """Up to `limit` nodes that `node` strictly dominates, nearest first."""
    found: list[str] = []
    queue = list(children.get(node, ()))
    for current in queue:
        found.append(current)
        if len(found) >= limit:
            break
        queue.extend(children.get(current, ()))
    return found


def strongly_connected_components(nodes: Iterable[str], successors: Adjacency) -> list[tuple[str, ...]]:
    """Tarjan's algorithm, iterative. Components come out in reverse topological order
    (a component is listed before every component that reaches it)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    result: list[tuple[str, ...]] = []
    counter = 0
    for start in nodes:
        if start in index:
            continue
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        work = [(start, iter(successors.get(start, ())))]
        while work:
            node, children = work[-1]
            descended = False
            for child in children:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(successors.get(child, ()))))
                    descended = True
                    break
                if child in on_stack and index[child] < low[node]:
                    low[node] = index[child]
            if descended:
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                if low[node] < low[parent]:
                    low[parent] = low[node]
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                result.append(tuple(component))
    return result


def shortest_cycle_through(start: str, members: set[str], successors: Adjacency) -> list[str]:
    """A shortest cycle start -> ... -> start inside `members` (breadth first)."""
    parent: dict[str, str] = {}
    queue = [start]
    seen = {start}
    for node in queue:
        for child in successors.get(node, ()):
            if child == start:
                path = [node]
                while path[-1] != start:
                    path.append(parent[path[-1]])
                return list(reversed(path)) + [start]
            if child in members and child not in seen:
                seen.add(child)
                parent[child] = node
                queue.append(child)
    return [start]
