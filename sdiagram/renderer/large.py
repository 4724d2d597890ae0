"""The large-graph layout plan: which connections Graphviz ranks, and how groups are packed.

Measured on generated blueprints (bench/scale.py --shape mesh): when many
connections run between groups far apart, Graphviz's dot turns each into a
chain of virtual nodes across the ranks it spans; 1,000 components with 30%
of their inter-group calls going anywhere gave 216 ranks and 72,000 virtual
nodes, and crossing minimisation (12 s) and positioning (5 s) took nearly all
of the 18 s. Demoting those edges to `constraint=false` leaves the chains;
only leaving them out of the ranking removes the cost, and then nothing holds
the groups apart: they line up in one column tens of metres long.

So a large blueprint is laid out in two passes:

1. dot lays out the components and the connections inside each group, with
   groups packed into a grid: the children of each group (and of the
   diagram) fill columns of about the square root of their size, in the order
   of their distance from the entry points, held in place by invisible
   "spacer" edges.
2. The connections between groups are added to that layout as straight lines
   (`nop2`, the layout engine that keeps the positions it is given).

What the mode gives up, and says so: connections between groups no longer
shape the layout (their ends are not pulled together, and they may cross
groups), every edge is straight, and the layout's iterations are capped.

Pure: a Blueprint in, a LargePlan out.
"""

from __future__ import annotations

import math
from collections import Counter, deque
from dataclasses import dataclass

from ..model import Blueprint

# Marks on DOT edges, read back by the engine.
DEFERRED = "deferred"  # laid out in pass 2, as a straight line
SPACER = "spacer"  # invisible, only holds the grid in place
# A column of the grid holds about this many times sqrt(size) nodes across, so
# that the picture comes out about 1.2 : 1 (measured on bench/scale.py's
# designs of 1,000 and 3,000 components): a rank is narrower than a row of
# icons with their labels in LR, wider in TB.
ROWS_PER_ROOT_LR = 1.2
ROWS_PER_ROOT_TB = 2.2


@dataclass(frozen=True)
class LargePlan:
    deferred: frozenset[int]  # indexes into blueprint.connections drawn in pass 2
    spacers: tuple[tuple[str, str, int], ...]  # (tail, head, minlen) invisible edges


@dataclass(frozen=True)
class _Unit:
    first: str  # the node at the unit's first rank
    ranks: int  # ranks it spans
    rows: int  # nodes it stacks on its widest rank
    level: int  # distance of its closest member from an entry point


def plan_large_layout(blueprint: Blueprint) -> LargePlan:
    components = blueprint.components
    ends = connection_ends(blueprint)
    deferred = frozenset(
        index for index, (source, target) in enumerate(ends)
        if components[source].group is None or components[source].group != components[target].group
    )
    kept = [ends[i] for i in range(len(ends)) if i not in deferred]
    rows_per_root = ROWS_PER_ROOT_TB if blueprint.direction in ("TB", "BT") else ROWS_PER_ROOT_LR
    levels = _levels(list(components), ends)
    spacers: list[tuple[str, str, int]] = []

    direct: dict[str | None, list[str]] = {}
    for component in components.values():
        direct.setdefault(component.group, []).append(component.id)
    child_groups: dict[str | None, list[str]] = {}
    for group in blueprint.groups.values():
        child_groups.setdefault(group.parent, []).append(group.id)
    successors: dict[str, list[str]] = {}
    for source, target in kept:
        successors.setdefault(source, []).append(target)

    def leaf(members: list[str]) -> _Unit:
        if len(members) == 1:
            return _Unit(members[0], 1, 1, levels[members[0]])
        ranks = _ranks(members, successors)
        widest = max(Counter(ranks.values()).values())
        first = next(member for member in members if ranks[member] == 0)
        return _Unit(first, max(ranks.values()) + 1, widest, min(levels[m] for m in members))

    def pack(units: list[_Unit], size: int) -> _Unit | None:
        """Columns of units, each about sqrt(size) rows tall, chained by spacers."""
        if not units:
            return None
        units = sorted(units, key=lambda u: u.level)  # stable: source order breaks ties
        target = max(max(u.rows for u in units), math.ceil(rows_per_root * math.sqrt(size)))
        columns: list[list[_Unit]] = [[]]
        used = 0
        for unit in units:
            if columns[-1] and used + unit.rows > target:
                columns.append([])
                used = 0
            columns[-1].append(unit)
            used += unit.rows
        first = columns[0][0].first
        spacers.extend((first, unit.first, 0) for unit in columns[0][1:])
        for column, following in zip(columns, columns[1:]):
            span = max(unit.ranks for unit in column)
            spacers.extend((column[0].first, unit.first, span) for unit in following)
        ranks = sum(max(unit.ranks for unit in column) for column in columns)
        rows = max(sum(unit.rows for unit in column) for column in columns)
        return _Unit(first, ranks, rows, units[0].level)

    # Innermost groups first (iteratively: nesting depth is the compiler's to cap, not this walk's).
    depth: dict[str, int] = {}
    for start in blueprint.groups:
        chain: list[str] = []
        parent: str | None = start
        while parent is not None and parent not in depth and parent not in chain:
            chain.append(parent)
            parent = blueprint.groups[parent].parent if parent in blueprint.groups else None
        base = depth.get(parent, -1) if parent is not None else -1
        for offset, name in enumerate(reversed(chain), start=1):
            depth[name] = base + offset
    packed: dict[str | None, tuple[_Unit | None, int]] = {}
    innermost_first = sorted(blueprint.groups, key=lambda g: -depth[g])
    owners: list[str | None] = [*innermost_first, None]
    for owner in owners:
        members = direct.get(owner, [])
        units = [leaf([member]) for member in members] if owner is None else [leaf(members)] if members else []
        size = len(members)
        for child in child_groups.get(owner, []):
            unit, child_size = packed[child]
            if unit is not None:
                units.append(unit)
                size += child_size
        packed[owner] = (pack(units, size), size)
    return LargePlan(deferred, tuple(spacers))


def connection_ends(blueprint: Blueprint) -> list[tuple[str, str]]:
    """The nodes each connection attaches to: a component, or the first member of a group.

    One pass over the components (`Blueprint.members` per connection would be
    quadratic on a large blueprint with many edges to groups).
    """
    first: dict[str, str] = {}
    for component in blueprint.components.values():
        group, seen = component.group, set()
        while group is not None and group not in seen:
            seen.add(group)
            first.setdefault(group, component.id)
            group = blueprint.groups[group].parent if group in blueprint.groups else None
    return [
        (first[c.source] if c.source_is_group else c.source, first[c.target] if c.target_is_group else c.target)
        for c in blueprint.connections
    ]


def _levels(nodes: list[str], edges: list[tuple[str, str]]) -> dict[str, int]:
    """Breadth-first distance from the entry points (nodes nothing calls), over every connection."""
    successors: dict[str, list[str]] = {}
    called = set()
    for source, target in edges:
        successors.setdefault(source, []).append(target)
        if source != target:
            called.add(target)
    level: dict[str, int] = {}
    deepest = 0
    queue: deque[str] = deque()
    for start in [n for n in nodes if n not in called] + nodes:  # then whatever a cycle hides, after the rest
        if start in level:
            continue
        level[start] = 0 if start not in called else deepest
        queue.append(start)
        while queue:
            node = queue.popleft()
            for target in successors.get(node, ()):
                if target not in level:
                    level[target] = level[node] + 1
                    deepest = max(deepest, level[target])
                    queue.append(target)
    return level


def _ranks(members: list[str], successors: dict[str, list[str]]) -> dict[str, int]:
    """Longest-path ranks inside one group (edges that close a cycle are ignored)."""
    inside = set(members)
    order: list[str] = []  # reverse topological order of a depth-first search
    state: dict[str, int] = {}
    for root in members:
        if root in state:
            continue
        state[root] = 1
        stack = [(root, iter(successors.get(root, ())))]
        while stack:
            node, pending = stack[-1]
            following = next((t for t in pending if t in inside and t not in state), None)
            if following is None:
                state[node] = 2
                order.append(node)
                stack.pop()
            else:
                state[following] = 1
                stack.append((following, iter(successors.get(following, ()))))
    position = {node: i for i, node in enumerate(order)}
    ranks = {node: 0 for node in members}
    for node in reversed(order):
        for target in successors.get(node, ()):
            if target in inside and position[target] < position[node]:  # a forward edge, not a back edge
                ranks[target] = max(ranks[target], ranks[node] + 1)
    return ranks
