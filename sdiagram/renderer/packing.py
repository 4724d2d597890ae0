"""Packing a dot layout: its top-level blocks moved into the empty corners.

Graphviz's dot puts every component on a rank (a column in LR, a row in TB);
a tall column (two groups stacked, say) leaves empty corners beside the short
ones, and no dot setting removes them (measured on the bundled designs:
ranksep/nodesep, TB/LR, minlen=0, rank=same and classic ranking all left
40-65% of the canvas empty). The `packed` candidate (`renderer.candidates`)
lays the DOT out with dot, then moves whole blocks (the top-level groups with
all they hold, and the components outside any group) by gravity, a few rounds
of each (`pack`):

- across the flow (up in LR, left in TB; or, when that leaves a smaller
  picture, the other way) as far as they go without coming within `GAP_PT`
  of another block;
- along the flow (left in LR, up in TB), but never so far that an arrow from
  another block into it would point backwards.

No move makes a connection between blocks more than `STRETCH` times (or
`STRETCH_PT` points) longer than dot drew it. Blocks joined by two or more
connections between the same two components move as one (drawn again, those
would lie on top of each other; dot's drawing of them is kept). The moves are
kept only if they shrink the picture's area by `MIN_GAIN` or more.

A connection whose two blocks moved by different amounts (or whose old path
now runs through another block) is drawn again: `route` finds the shortest
path around the other blocks (down the middle of the gaps between them), the
nodes and the labels in its way, `spline_pos` turns it into Graphviz's edge
`pos` (clipped at its ends, room for the arrowheads), and `place_label` puts
its label beside the new path, clear of nodes, group labels and other labels,
and off the groups' outlines. A route never runs along a group's outline: in
the groups it leaves and enters, a node near the outline reaches out past it
(`walled`), so the route leaves between the nodes; its way along the outline
just outside those groups counts `OUTLINE_COST` times (across it, once), so it
keeps off them outside; its length inside the group it leaves counts
`INSIDE_COST` times, so it leaves the short way and travels between the
groups, not through its own.
The rest keep dot's drawing, moved with their block.

Pure: laid-out geometry in, moves, paths and label spots out.
`renderer.packed_graph` reads the geometry from Graphviz's graph and applies
them; the engine has Graphviz's `nop2` (which keeps given positions) draw the result.
"""

from __future__ import annotations

import heapq
import math
from dataclasses import dataclass
from typing import Callable, Sequence

Point = tuple[float, float]
Box = tuple[float, float, float, float]  # x0, y0, x1, y1 (Graphviz points, y up)

# The value of the graph attribute `sdiagram` that asks the engine for a packed layout.
PACKED = "packed"
# The gap kept between two blocks moved next to each other.
GAP_PT = 24.0
# Rounds of (across, along) moves; more moved nothing further on the bundled designs.
ROUNDS = 4
# The moves are kept when they shrink the bounding box's area by this fraction or more.
MIN_GAIN = 0.03
# A connection between blocks that moved apart may get at most this much longer
# (as a factor, or in points, whichever allows more): packing a block far from
# what it talks to makes a long line across the picture.
STRETCH = 1.3
STRETCH_PT = 72.0
# Directions packing knows: the flow runs left to right or top to bottom.
DIRECTIONS = ("LR", "TB")
# How far (points) a label may be from its edge and still count as next to it
# (the metrics' `detached` bound is the font size; this leaves a margin).
LABEL_CLEARANCE_PT = 2.0
# Room kept around a label that found no free spot, when its two blocks are packed again (points, each side).
LABEL_ROOM_PT = 8.0
# Times the blocks are packed again with room for the labels that found no free spot.
ROOM_TRIES = 3
# Two labels nearer than this read as one (the metrics count under 3 pt as overlapping).
LABEL_GAP_PT = 3.5

# How far a routed connection keeps from a node it goes around (points).
NODE_CLEARANCE_PT = 6.0
# How far apart connections between the same two components are routed (points).
PARALLEL_PT = 14.0
# A routed connection's length inside the group it leaves counts this many times
# (on notification: 1 -> 15 crossings, 2 -> 10; the head's group too: 26).
INSIDE_COST = 2.0
# Its way along the outline of a group it leaves or enters, just outside it
# (within GAP_PT/2 - 1), counts this many times (across the outline: once).
OUTLINE_COST = 2.0
# A route is first searched for among the boxes this near the straight line (points).
ROUTE_REACH_PT = 150.0
# Graphviz's arrowhead length at arrowsize 1 (points).
ARROW_PT = 10.0


@dataclass(frozen=True)
class Link:
    """A visible connection between two blocks (indexes into the blocks), with
    dot's drawing of it: its label's box (None: no label) and its spline's
    control points."""

    tail: int
    head: int
    label: Box | None = None
    path: tuple[Point, ...] = ()
    # The components it joins (any names that tell node pairs apart).
    ends: tuple[str, str] = ("", "")


@dataclass(frozen=True)
class Slow:
    """Where a route costs more: each point of its length inside `box` (of its
    extent on one axis, `along` "x" or "y") counts 1 + `extra` times."""

    box: Box
    extra: float
    along: str = ""


@dataclass(frozen=True)
class Packing:
    shifts: tuple[Point, ...]  # per block: (dx, dy)

    @property
    def moved(self) -> bool:
        return any(shift != (0.0, 0.0) for shift in self.shifts)


@dataclass(frozen=True)
class Edge:
    """A visible connection as dot drew it."""

    tail: str  # node names
    head: str
    path: tuple[Point, ...]  # its spline's control points
    label: Box | None = None  # its label's text
    arrow_at_head: bool = True
    arrow_at_tail: bool = False
    tail_clip: str = ""  # a group it is drawn to the edge of (`ltail`), else ""
    head_clip: str = ""


@dataclass(frozen=True)
class Node:
    name: str
    box: Box
    block: int


@dataclass(frozen=True)
class Group:
    name: str
    box: Box
    block: int
    label: Box | None = None


@dataclass(frozen=True)
class Drawing:
    """Dot's layout, as much of it as packing reads."""

    direction: str
    blocks: tuple[Box, ...]  # the top-level groups', then the components' outside any group
    nodes: tuple[Node, ...]
    groups: tuple[Group, ...]  # every group, at any depth
    edges: tuple[Edge, ...]


@dataclass(frozen=True)
class Arranged:
    """What packing changes: each block's move; each edge drawn again, its new
    `pos` and the centre of its label's text; the others keep dot's drawing, moved
    with their tail's block."""

    shifts: tuple[Point, ...]
    routes: tuple[tuple[int, str], ...]  # (edge index, pos)
    labels: tuple[tuple[int, Point], ...]  # (edge index, centre of its label's text)


def arrange(drawing: Drawing) -> Arranged | None:
    """The packed drawing (module docstring), or None when packing does not pay.

    A label that finds no free spot beside its new path gets room: the blocks
    are packed again keeping its two blocks that much further apart (up to
    `ROOM_TRIES` times; None if one is still crowded then)."""
    block_of = {node.name: node.block for node in drawing.nodes}
    links = [
        Link(block_of[edge.tail], block_of[edge.head], edge.label, edge.path, (edge.tail, edge.head))
        for edge in drawing.edges
    ]
    between = [i for i, link in enumerate(links) if link.tail != link.head]
    roomy: frozenset[int] = frozenset()
    for _ in range(ROOM_TRIES + 1):
        plan = pack(drawing.blocks, [links[i] for i in between], drawing.direction, roomy=roomy)
        if not plan.moved:
            return None
        arranged, crowded = _draw(drawing, links, plan)
        if not crowded:
            return arranged
        more = roomy | {between.index(i) for i in crowded if i in between}
        if more == roomy:
            break
        roomy = frozenset(more)
    return None  # a label over a node or another label: dot's picture is the better one


def _draw(drawing: Drawing, links: Sequence[Link], plan: Packing) -> tuple[Arranged, list[int]]:
    """The edges routed again and their labels placed for the moves of `plan`; and the
    edges whose label found no free spot."""
    shifts = plan.shifts
    nodes = {node.name: moved(node.box, shifts[node.block]) for node in drawing.nodes}
    groups = {group.name: moved(group.box, shifts[group.block]) for group in drawing.groups}
    group_labels = [moved(g.label, shifts[g.block]) for g in drawing.groups if g.label is not None]
    blocks = [moved(box, shift) for box, shift in zip(drawing.blocks, shifts)]
    block_of = {node.name: node.block for node in drawing.nodes}
    grouped = {group.block for group in drawing.groups}  # the blocks that are groups (the rest: one component)
    again: list[int] = []
    lines: dict[int, list[Point]] = {}
    kept_labels: list[Box] = []
    for index, (edge, link) in enumerate(zip(drawing.edges, links)):
        shift = shifts[link.tail]
        path = [(x + shift[0], y + shift[1]) for x, y in edge.path]
        if shifts[link.head] != shift or (link.tail != link.head and path_blocked(path, blocks, (link.tail, link.head))):
            again.append(index)
            continue
        lines[index] = bezier_points(path) if len(path) >= 4 else path
        if edge.label is not None:
            kept_labels.append(moved(edge.label, shift))
    # Connections between the same two components, routed side by side.
    parallel: dict[tuple[str, str], list[int]] = {}
    for index in again:
        edge = drawing.edges[index]
        parallel.setdefault((min(edge.tail, edge.head), max(edge.tail, edge.head)), []).append(index)
    routes: list[tuple[int, str]] = []
    for index in again:
        edge, link = drawing.edges[index], links[index]
        siblings = parallel[(min(edge.tail, edge.head), max(edge.tail, edge.head))]
        apart = (siblings.index(index) - (len(siblings) - 1) / 2) * PARALLEL_PT
        # Around the blocks down the middle of the gaps between them; a little off nodes and labels;
        # in its own groups, never between a node and the group's outline.
        others = [name for name in nodes if name not in (edge.tail, edge.head)]
        obstacles = [_grow(box, GAP_PT / 2 - 1) for i, box in enumerate(blocks) if i not in (link.tail, link.head)]
        obstacles += [_grow(box, LABEL_CLEARANCE_PT) for box in group_labels + kept_labels]
        start, end = side_by_side(_centre(nodes[edge.tail]), _centre(nodes[edge.head]), apart)
        own = (link.tail, link.head)
        hemmed = [
            walled(nodes[name], blocks[block_of[name]]) if block_of[name] in own and block_of[name] in grouped
            else _grow(nodes[name], NODE_CLEARANCE_PT)
            for name in others
        ]
        # It leaves its group the short way. (Not the group it enters: going round
        # that one to find a short way in makes long detours.)
        slow = [Slow(blocks[link.tail], INSIDE_COST - 1.0)] if link.tail in grouped else []
        slow += [strip for block in own if block in grouped for strip in _outside(blocks[block], OUTLINE_COST - 1.0)]
        path = route(start, end, hemmed + obstacles, slow)
        if len(path) == 2 and _segment_blocked(start, end, hemmed + obstacles):  # walled in: as close as it gets
            path = route(start, end, [_grow(nodes[name], NODE_CLEARANCE_PT) for name in others] + obstacles, slow)
        pos, drawn = spline_pos(path, groups.get(edge.tail_clip, nodes[edge.tail]), groups.get(edge.head_clip, nodes[edge.head]),
                                edge.arrow_at_head, edge.arrow_at_tail)
        routes.append((index, pos))
        lines[index] = drawn
    placed = list(kept_labels)
    borders = list(groups.values())
    labels: list[tuple[int, Point]] = []
    crowded: list[int] = []
    for index in again:
        label = drawing.edges[index].label
        if label is None:
            continue
        size = (label[2] - label[0], label[3] - label[1])
        other_lines = [line for i, line in sorted(lines.items()) if i != index]
        obstacles = list(nodes.values()) + group_labels + placed
        centre = place_label(size, lines[index], obstacles, borders, other_lines)
        box = (centre[0] - size[0] / 2, centre[1] - size[1] / 2, centre[0] + size[0] / 2, centre[1] + size[1] / 2)
        if any(_overlap(_grow(box, LABEL_GAP_PT), other) for other in obstacles):
            crowded.append(index)
        placed.append(box)
        labels.append((index, centre))
    return Arranged(shifts, tuple(routes), tuple(labels)), crowded


def walled(node: Box, block: Box) -> Box:
    """The obstacle a node is to a connection that leaves or enters its group `block`:
    its box grown by `NODE_CLEARANCE_PT`, each side that is within `GAP_PT` of the
    group's outline carried out past it as far as the other blocks are grown
    (`GAP_PT`/2 - 1). A route then never squeezes between the node and the outline
    (it would run along the outline, reading as a double border); it leaves the group
    between the nodes and keeps off the outline outside."""
    grown, outer = _grow(node, NODE_CLEARANCE_PT), _grow(block, GAP_PT / 2 - 1)
    return (
        outer[0] if node[0] - block[0] <= GAP_PT else grown[0],
        outer[1] if node[1] - block[1] <= GAP_PT else grown[1],
        outer[2] if block[2] - node[2] <= GAP_PT else grown[2],
        outer[3] if block[3] - node[3] <= GAP_PT else grown[3],
    )


def pack(
    blocks: Sequence[Box], links: Sequence[Link], direction: str = "LR", gap: float = GAP_PT,
    roomy: frozenset[int] = frozenset(),
) -> Packing:
    """The moves of each block (module docstring); all zero when they do not pay.
    The labels of the `roomy` links (indexes) get room between their two blocks."""
    still = Packing(tuple((0.0, 0.0) for _ in blocks))
    if direction not in DIRECTIONS or len(blocks) < 2:
        return still
    before = _area(_union(blocks))
    best, best_area = still, before
    for mirrored in (False, True):
        shifts = _compact(blocks, links, direction, gap, mirrored, roomy)
        area = _area(_union([moved(box, shift) for box, shift in zip(blocks, shifts)]))
        if area < best_area - 1e-6:
            best, best_area = Packing(shifts), area
    return best if best_area <= (1.0 - MIN_GAIN) * before else still


def _compact(
    blocks: Sequence[Box], links: Sequence[Link], direction: str, gap: float, mirrored: bool,
    roomy: frozenset[int] = frozenset(),
) -> tuple[Point, ...]:
    """Gravity compaction (module docstring), across the flow towards its start
    (up in LR), or towards its end when `mirrored`."""

    def frame(box: Box) -> list[float]:
        x0, y0, x1, y1 = _to_lr(box, direction)
        return [x0, -y1, x1, -y0] if mirrored else [x0, y0, x1, y1]

    def flow_at(point: Point) -> float:
        return _frame_point(frame, point)[0]

    bodies = _bodies(len(blocks), links)
    body_of = {member: index for index, body in enumerate(bodies) for member in body}
    # What each body holds: its blocks, and the labels and paths of the links inside it.
    shapes = [frame(box) for box in blocks]
    start = [list(box) for box in shapes]
    owner = [body_of[m] for m in range(len(blocks))]
    # Per body, the links into it from another body: (head block, its end's place
    # along the flow, tail block, its end's place). A head never moves before its tail.
    calls: list[list[tuple[int, float, int, float]]] = [[] for _ in bodies]
    for link in links:
        tail, head = body_of[link.tail], body_of[link.head]
        if tail != head and link.path:
            calls[head].append((link.head, flow_at(link.path[-1]), link.tail, flow_at(link.path[0])))
        elif tail == head and link.tail != link.head:
            line = bezier_points(link.path) if len(link.path) >= 4 else list(link.path)
            pieces = [_union([a, b]) for a, b in zip(_as_boxes(line), _as_boxes(line[1:]))]
            for piece in pieces + ([link.label] if link.label else []):
                shapes.append(frame(piece))
                owner.append(tail)
    members: list[list[int]] = [[] for _ in bodies]
    for index, body in enumerate(owner):
        members[body].append(index)
    # Between two bodies, the gap across and along the flow: wider where a label needs room.
    room: dict[tuple[int, int], tuple[float, float]] = {}
    for index in sorted(roomy):
        link = links[index]
        tail, head = body_of[link.tail], body_of[link.head]
        if tail != head and link.label is not None:
            x0, y0, x1, y1 = frame(link.label)
            need = (y1 - y0 + 2 * LABEL_ROOM_PT, x1 - x0 + 2 * LABEL_ROOM_PT)
            for key in ((tail, head), (head, tail)):
                have = room.get(key, (gap, gap))
                room[key] = (max(have[0], need[0]), max(have[1], need[1]))
    # Links between bodies, which are routed again: (tail block, its end, head block, its end, longest allowed).
    stretch = [
        (link.tail, _frame_point(frame, link.path[0]), link.head, _frame_point(frame, link.path[-1]),
         max(STRETCH * math.dist(link.path[0], link.path[-1]), math.dist(link.path[0], link.path[-1]) + STRETCH_PT))
        for link in links if link.path and body_of[link.tail] != body_of[link.head]
    ]

    def allowed(i: int, dx: float, dy: float) -> float:
        """The largest fraction of the move (dx, dy) of body i that stretches no link past its limit."""
        involved = [entry for entry in stretch if (body_of[entry[0]] == i) != (body_of[entry[2]] == i)]

        def fits(t: float) -> bool:
            for tail, tail_at, head, head_at, longest in involved:
                ends = []
                for block, at in ((tail, tail_at), (head, head_at)):
                    moved_x = shapes[block][0] - start[block][0] + (t * dx if body_of[block] == i else 0.0)
                    moved_y = shapes[block][1] - start[block][1] + (t * dy if body_of[block] == i else 0.0)
                    ends.append((at[0] + moved_x, at[1] + moved_y))
                now = math.dist(ends[0], ends[1])
                if now > longest + 1e-6:
                    return False
            return True

        if fits(1.0):
            return 1.0
        low, high = 0.0, 1.0
        for _ in range(20):
            middle = (low + high) / 2
            low, high = (middle, high) if fits(middle) else (low, middle)
        return low
    outline = _union([tuple(box) for box in shapes[: len(blocks)]])  # type: ignore[misc]
    top, left = outline[3], outline[0]
    for _ in range(ROUNDS):
        # Across the flow: up, as far as everything the body holds can go.
        for i in sorted(range(len(bodies)), key=lambda i: (-max(shapes[m][3] for m in members[i]), i)):
            rise = min(top - shapes[m][3] for m in members[i])
            for m in members[i]:
                box = shapes[m]
                for j, other in enumerate(shapes):
                    if owner[j] != i and other[1] >= box[3] - 1e-6 and _spans_overlap(box[0], box[2], other[0], other[2], gap):
                        rise = min(rise, other[1] - room.get((i, owner[j]), (gap, gap))[0] - box[3])
            rise *= allowed(i, 0.0, rise) if rise > 1e-6 else 1.0
            if rise > 1e-6:
                for m in members[i]:
                    shapes[m][1] += rise
                    shapes[m][3] += rise
        # Along the flow: left, never so far that an arrow into the body points backwards.
        for i in sorted(range(len(bodies)), key=lambda i: (min(shapes[m][0] for m in bodies[i]), i)):
            slide = min([min(shapes[m][0] for m in bodies[i]) - left] + [
                (head_at + shapes[head][0] - start[head][0]) - (tail_at + shapes[tail][0] - start[tail][0])
                for head, head_at, tail, tail_at in calls[i]
            ])
            for m in members[i]:
                box = shapes[m]
                for j, other in enumerate(shapes):
                    if owner[j] != i and other[2] <= box[0] + 1e-6 and _spans_overlap(box[1], box[3], other[1], other[3], gap):
                        slide = min(slide, box[0] - other[2] - room.get((i, owner[j]), (gap, gap))[1])
            slide *= allowed(i, -slide, 0.0) if slide > 1e-6 else 1.0
            if slide > 1e-6:
                for m in members[i]:
                    shapes[m][0] -= slide
                    shapes[m][2] -= slide
    shifts = []
    for moved, original in zip(shapes, start):
        dx, dy = moved[0] - original[0], moved[1] - original[1]
        shift = (round(dx, 2), round(-dy if mirrored else dy, 2))
        shifts.append(_shift_from_lr(shift, direction))
    return tuple(shifts)


def _frame_point(frame: "Callable[[Box], list[float]]", point: Point) -> Point:
    x0, y0, _, _ = frame((point[0], point[1], point[0], point[1]))
    return (x0, y0)


def moved(box: Box, shift: Point) -> Box:
    """`box` moved by `shift`."""
    return (box[0] + shift[0], box[1] + shift[1], box[2] + shift[0], box[3] + shift[1])


def place_label(
    size: Point, path: Sequence[Point], obstacles: Sequence[Box], avoid: Sequence[Box] = (),
    lines: Sequence[Sequence[Point]] = (),
) -> Point:
    """The centre for a label of `size` (width, height) next to `path` (its edge,
    a polyline): the spot along the path, beside it or on it, that overlaps as few
    of `obstacles` (nodes, group labels, labels already placed) as can be (none,
    when there is room), then straddles (or comes within `LABEL_GAP_PT` of) as few
    of the `avoid` boxes' outlines (groups) and crosses as few other edges (`lines`) as can be, nearest the
    middle of the path."""
    width, height = size
    samples = _resample(path, 6.0)
    if not samples:
        return (0.0, 0.0)
    middle = (len(samples) - 1) / 2.0
    line_boxes = [(_union(_as_boxes(line)) if line else None) for line in lines]
    # From the middle outwards, so the first good spot found bounds the rest.
    order = sorted(range(len(samples)), key=lambda i: (abs(i - middle), i))
    best: tuple[float, Point] | None = None
    for index in order:
        x, y = samples[index]
        along = abs(index - middle) / max(1.0, middle)
        if best is not None and along >= best[0]:
            break
        for rank, (cx, cy) in enumerate(_spots(x, y, width, height)):
            box = (cx - width / 2, cy - height / 2, cx + width / 2, cy + height / 2)
            cost = along + 0.01 * rank
            if best is not None and cost >= best[0]:
                continue
            clear = (box[0] - LABEL_GAP_PT, box[1] - LABEL_GAP_PT, box[2] + LABEL_GAP_PT, box[3] + LABEL_GAP_PT)
            cost += 100.0 * sum(1 for other in obstacles if _overlap(clear, other))
            if best is not None and cost >= best[0]:
                continue
            # Within LABEL_GAP_PT of a group's outline, a label reads as sitting on it.
            cost += 3.0 * sum(1 for border in avoid if _crosses_border(clear, border))
            if best is not None and cost >= best[0]:
                continue
            for line, line_box in zip(lines, line_boxes):
                if line_box is not None and _overlap_or_touch(box, line_box) and _line_hits(line, box):
                    cost += 2.0
                    if best is not None and cost >= best[0]:
                        break
            if best is None or cost < best[0]:
                best = (cost, (round(cx, 2), round(cy, 2)))
    assert best is not None
    return best[1]


def _overlap_or_touch(a: Box, b: Box) -> bool:
    return a[0] <= b[2] and b[0] <= a[2] and a[1] <= b[3] and b[1] <= a[3]


def path_blocked(path: Sequence[Point], boxes: Sequence[Box], ends: tuple[int, int]) -> bool:
    """Does the polyline of a Graphviz spline's control points run through a block other than `ends`?"""
    line = bezier_points(path) if len(path) >= 4 else list(path)
    return any(_line_hits(line, _inset(box, 2.0)) for i, box in enumerate(boxes) if i not in ends)


def _inset(box: Box, by: float) -> Box:
    return (box[0] + by, box[1] + by, box[2] - by, box[3] - by)


def bezier_points(controls: Sequence[Point], steps: int = 8) -> list[Point]:
    """A Graphviz B-spline (1 + 3n control points) as a polyline."""
    points: list[Point] = []
    for start in range(0, len(controls) - 3, 3):
        p0, p1, p2, p3 = controls[start : start + 4]
        for step in range(steps + (1 if start + 4 >= len(controls) else 0)):
            t = step / steps
            u = 1 - t
            a, b, c, d = u * u * u, 3 * u * u * t, 3 * u * t * t, t * t * t
            points.append((a * p0[0] + b * p1[0] + c * p2[0] + d * p3[0], a * p0[1] + b * p1[1] + c * p2[1] + d * p3[1]))
    return points


def _spots(x: float, y: float, width: float, height: float) -> list[Point]:
    """Label centres touching the point (x, y) of a path: beside it on each side, and on it."""
    gap = LABEL_CLEARANCE_PT
    return [
        (x + width / 2 + gap, y), (x - width / 2 - gap, y),
        (x, y + height / 2 + gap), (x, y - height / 2 - gap),
        (x + width / 2 + gap, y + height / 2 + gap), (x - width / 2 - gap, y + height / 2 + gap),
        (x + width / 2 + gap, y - height / 2 - gap), (x - width / 2 - gap, y - height / 2 - gap),
    ]


def _as_boxes(points: Sequence[Point]) -> list[Box]:
    return [(x, y, x, y) for x, y in points]


def _bodies(count: int, links: Sequence[Link]) -> list[list[int]]:
    """Blocks that move together: joined by two or more links between the same two
    components (in either direction). Routed again, such links would be drawn
    on top of each other; dot spreads them apart."""
    by_ends: dict[tuple[str, str], int] = {}
    parallel: dict[tuple[int, int], int] = {}  # pair of blocks -> most links between two of their components
    for link in links:
        if link.tail != link.head:
            ends = (min(link.ends), max(link.ends))
            by_ends[ends] = by_ends.get(ends, 0) + 1
            key = (min(link.tail, link.head), max(link.tail, link.head))
            parallel[key] = max(parallel.get(key, 0), by_ends[ends])
    parent = list(range(count))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for (a, b), links_between in sorted(parallel.items()):
        if links_between >= 2:
            ra, rb = root(a), root(b)
            if ra != rb:
                parent[max(ra, rb)] = min(ra, rb)
    grouped: dict[int, list[int]] = {}
    for i in range(count):
        grouped.setdefault(root(i), []).append(i)
    return [grouped[key] for key in sorted(grouped)]


def _to_lr(box: Box, direction: str) -> Box:
    """A box in coordinates where the flow runs left to right (TB: (x, y) -> (-y, -x))."""
    if direction == "LR":
        return box
    x0, y0, x1, y1 = box
    return (-y1, -x1, -y0, -x0)


def _shift_from_lr(shift: Point, direction: str) -> Point:
    if direction == "LR":
        return shift
    dx, dy = shift
    return (-dy + 0.0, -dx + 0.0)


def _spans_overlap(a0: float, a1: float, b0: float, b1: float, gap: float) -> bool:
    return a0 < b1 + gap and b0 < a1 + gap


def _union(boxes: Sequence[Box]) -> Box:
    return (
        min(b[0] for b in boxes), min(b[1] for b in boxes),
        max(b[2] for b in boxes), max(b[3] for b in boxes),
    )


def _area(box: Box) -> float:
    return max(0.0, box[2] - box[0]) * max(0.0, box[3] - box[1])


def _overlap(a: Box, b: Box) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _crosses_border(box: Box, border: Box) -> bool:
    """Does `box` straddle the outline of `border` (partly in, partly out)?"""
    inside = border[0] <= box[0] and box[2] <= border[2] and border[1] <= box[1] and box[3] <= border[3]
    return _overlap(box, border) and not inside


def _resample(path: Sequence[Point], step: float) -> list[Point]:
    """Points every `step` points along a polyline."""
    if len(path) < 2:
        return list(path)
    out = [path[0]]
    since = 0.0  # distance from the last point taken
    for (x0, y0), (x1, y1) in zip(path, path[1:]):
        length = math.hypot(x1 - x0, y1 - y0)
        position = step - since
        while position <= length:
            t = position / length
            out.append((x0 + t * (x1 - x0), y0 + t * (y1 - y0)))
            position += step
        since = length - (position - step)
    return out


def _line_hits(line: Sequence[Point], box: Box) -> bool:
    """Does the polyline run through (or touch) `box`?"""
    for a, b in zip(line, line[1:]):
        if max(a[0], b[0]) < box[0] or min(a[0], b[0]) > box[2] or max(a[1], b[1]) < box[1] or min(a[1], b[1]) > box[3]:
            continue
        if _inside_closed(a, box) or _inside_closed(b, box) or _segment_crosses(a, b, box):
            return True
    return False


def _inside_closed(point: Point, box: Box) -> bool:
    return box[0] <= point[0] <= box[2] and box[1] <= point[1] <= box[3]



def route(start: Point, end: Point, obstacles: Sequence[Box], slow: Sequence[Slow] = ()) -> list[Point]:
    """The shortest polyline from `start` to `end` that passes through none of
    `obstacles` (a visibility graph over their corners and those of the `slow`
    boxes, searched with A*); the straight line when there is none. Its length
    within a `slow` box costs more (`Slow`).

    The search first looks near the straight line (the obstacles within
    `ROUTE_REACH_PT` of the box around it, then three times that), then
    everywhere: on a large diagram most boxes are far from any one connection."""
    if not _segment_blocked(start, end, obstacles):
        return [start, end]
    span = _union([(start[0], start[1], start[0], start[1]), (end[0], end[1], end[0], end[1])])
    for reach in (ROUTE_REACH_PT, 3 * ROUTE_REACH_PT, math.inf):
        near = [box for box in obstacles if _box_gap(box, span) <= reach]
        path = _shortest(start, end, near, slow)
        if path is not None and (reach == math.inf or not any(
            _segment_blocked(a, b, obstacles) for a, b in zip(path, path[1:])
        )):
            return path
    return [start, end]


def _box_gap(a: Box, b: Box) -> float:
    return max(0.0, b[0] - a[2], a[0] - b[2], b[1] - a[3], a[1] - b[3])


def _shortest(start: Point, end: Point, grown: Sequence[Box], slow: Sequence[Slow] = ()) -> list[Point] | None:
    """A* over the corners of `grown` and `slow` from `start` to `end`; None when there
    is no way. A step's cost is its length, plus what it costs more in each `slow` box."""
    corners: list[Point] = []
    for x0, y0, x1, y1 in [*grown, *(area.box for area in slow)]:
        for corner in ((x0 - 0.5, y0 - 0.5), (x1 + 0.5, y0 - 0.5), (x0 - 0.5, y1 + 0.5), (x1 + 0.5, y1 + 0.5)):
            if not any(_inside(corner, box) for box in grown):
                corners.append(corner)
    points = [start, end, *corners]
    best_cost = {0: 0.0}
    came_from: dict[int, int] = {}
    frontier: list[tuple[float, int]] = [(math.dist(start, end), 0)]
    done: set[int] = set()
    while frontier:
        _, current = heapq.heappop(frontier)
        if current in done:
            continue
        if current == 1:
            path = [points[1]]
            while current != 0:
                current = came_from[current]
                path.append(points[current])
            return path[::-1]
        done.add(current)
        here = points[current]
        for other in range(1, len(points)):
            if other in done:
                continue
            there = points[other]
            known = best_cost.get(other, math.inf)
            cost = best_cost[current] + math.dist(here, there)
            if cost >= known:  # the slow areas only add to it
                continue
            if slow:
                low_x, high_x = (here[0], there[0]) if here[0] <= there[0] else (there[0], here[0])
                low_y, high_y = (here[1], there[1]) if here[1] <= there[1] else (there[1], here[1])
                for area in slow:
                    x0, y0, x1, y1 = area.box
                    if low_x <= x1 and high_x >= x0 and low_y <= y1 and high_y >= y0:  # else none of it is inside
                        cost += area.extra * _length_within(here, there, area.box, area.along)
                if cost >= known:
                    continue
            if _segment_blocked(here, there, grown):
                continue
            best_cost[other] = cost
            came_from[other] = current
            heapq.heappush(frontier, (cost + math.dist(points[other], end), other))
    return None


def _outside(box: Box, extra: float) -> list[Slow]:
    """The band `GAP_PT`/2 - 1 wide just outside the outline of `box`, as four strips
    where a route's way along the outline costs `extra` more (across it, nothing)."""
    x0, y0, x1, y1 = _grow(box, GAP_PT / 2 - 1)
    return [Slow((x0, y0, x1, box[1]), extra, "x"), Slow((x0, box[3], x1, y1), extra, "x"),
            Slow((x0, y0, box[0], y1), extra, "y"), Slow((box[2], y0, x1, y1), extra, "y")]


def _length_within(a: Point, b: Point, box: Box, along: str = "") -> float:
    """The length of the segment a-b inside `box` (Liang-Barsky clipping); with `along`
    "x" or "y", only its extent on that axis."""
    t0, t1 = 0.0, 1.0
    dx, dy = b[0] - a[0], b[1] - a[1]
    for p, q in ((-dx, a[0] - box[0]), (dx, box[2] - a[0]), (-dy, a[1] - box[1]), (dy, box[3] - a[1])):
        if p == 0:
            if q < 0:
                return 0.0
            continue
        r = q / p
        if p < 0:
            t0 = max(t0, r)
        else:
            t1 = min(t1, r)
        if t0 >= t1:
            return 0.0
    return (t1 - t0) * (abs(dx) if along == "x" else abs(dy) if along == "y" else math.hypot(dx, dy))


def side_by_side(start: Point, end: Point, apart: float) -> tuple[Point, Point]:
    """`start` and `end` moved `apart` points sideways (across the line between them)."""
    length = math.dist(start, end) or 1.0
    nx, ny = -(end[1] - start[1]) / length * apart, (end[0] - start[0]) / length * apart
    return (start[0] + nx, start[1] + ny), (end[0] + nx, end[1] + ny)


def spline_pos(path: Sequence[Point], tail: Box, head: Box, arrow_at_head: bool, arrow_at_tail: bool) -> tuple[str, list[Point]]:
    """A routed polyline (from inside `tail` to inside `head`) as a Graphviz edge `pos`
    (a B-spline clipped at the two boxes, room left for the arrowheads), and the
    polyline it draws."""
    line = list(path)
    start_index, start = _leaving(line, tail)
    end_index, end = _leaving(line[::-1], head)
    end_index = len(line) - 1 - end_index
    middle = line[start_index + 1 : end_index]
    clipped = [start, *middle, end]
    if len(clipped) == 2 and clipped[0] == clipped[1]:
        clipped[1] = (clipped[1][0] + 0.01, clipped[1][1])
    prefix = []
    if arrow_at_head:
        prefix.append("e,%.2f,%.2f" % end)
        clipped[-1] = _towards(end, clipped[-2], ARROW_PT)
    if arrow_at_tail:
        prefix.append("s,%.2f,%.2f" % start)
        clipped[0] = _towards(start, clipped[1], ARROW_PT)
    controls = _smooth(clipped)
    text = " ".join(prefix + ["%.2f,%.2f" % p for p in controls])
    drawn = [start, *bezier_points(controls), end]
    return text, drawn


def _smooth(points: Sequence[Point]) -> list[Point]:
    """Bezier control points through `points` (Catmull-Rom, softened): 1 + 3n of them."""
    controls = [points[0]]
    count = len(points)
    for i in range(count - 1):
        before = points[i - 1] if i > 0 else points[i]
        here, there = points[i], points[i + 1]
        after = points[i + 2] if i + 2 < count else there
        # Tangents no longer than a third of the piece: a long run into a sharp turn would loop.
        reach = math.dist(here, there) / 3
        c1 = _offset(here, ((there[0] - before[0]) / 8, (there[1] - before[1]) / 8), reach)
        c2 = _offset(there, (-(after[0] - here[0]) / 8, -(after[1] - here[1]) / 8), reach)
        controls += [c1, c2, there]
    return [(round(x, 2), round(y, 2)) for x, y in controls]


def _offset(point: Point, by: Point, longest: float) -> Point:
    """`point` moved by the vector `by`, shortened to `longest` if it is longer."""
    length = math.hypot(by[0], by[1])
    scale = longest / length if length > longest else 1.0
    return (point[0] + by[0] * scale, point[1] + by[1] * scale)


def _leaving(line: Sequence[Point], box: Box) -> tuple[int, Point]:
    """Where the polyline, starting inside `box`, leaves it: the index of the segment and the point."""
    for i in range(len(line) - 1):
        a, b = line[i], line[i + 1]
        if _inside(a, box) and not _inside(b, box):
            return i, _exit_point(a, b, box)
        if not _inside(a, box):
            return max(0, i - 1), a
    return len(line) - 2, line[-1]


def _exit_point(inside: Point, outside: Point, box: Box) -> Point:
    (x0, y0), (x1, y1) = inside, outside
    t = 1.0
    for edge, start, delta in ((box[0], x0, x1 - x0), (box[2], x0, x1 - x0), (box[1], y0, y1 - y0), (box[3], y0, y1 - y0)):
        if delta != 0:
            s = (edge - start) / delta
            if 0 <= s < t:
                t = s
    return (x0 + t * (x1 - x0), y0 + t * (y1 - y0))


def _towards(point: Point, target: Point, distance: float) -> Point:
    length = math.dist(point, target)
    if length <= distance or length == 0:
        return ((point[0] + target[0]) / 2, (point[1] + target[1]) / 2)
    t = distance / length
    return (point[0] + t * (target[0] - point[0]), point[1] + t * (target[1] - point[1]))


def _inside(point: Point, box: Box) -> bool:
    return box[0] < point[0] < box[2] and box[1] < point[1] < box[3]


def _segment_blocked(a: Point, b: Point, boxes: Sequence[Box]) -> bool:
    low_x, high_x = min(a[0], b[0]), max(a[0], b[0])
    low_y, high_y = min(a[1], b[1]), max(a[1], b[1])
    for box in boxes:
        if high_x <= box[0] or low_x >= box[2] or high_y <= box[1] or low_y >= box[3]:
            continue
        if _segment_crosses(a, b, box):
            return True
    return False


def _segment_crosses(a: Point, b: Point, box: Box) -> bool:
    """Does the segment a-b pass through the open box (Liang-Barsky)?"""
    t0, t1 = 0.0, 1.0
    dx, dy = b[0] - a[0], b[1] - a[1]
    for p, q in ((-dx, a[0] - box[0]), (dx, box[2] - a[0]), (-dy, a[1] - box[1]), (dy, box[3] - a[1])):
        if p == 0:
            if q <= 0:
                return False
            continue
        r = q / p
        if p < 0:
            t0 = max(t0, r)
        else:
            t1 = min(t1, r)
        if t0 >= t1:
            return False
    return t1 - t0 > 1e-9


def _grow(box: Box, by: float) -> Box:
    return (box[0] - by, box[1] - by, box[2] + by, box[3] + by)


def _centre(box: Box) -> Point:
    return ((box[0] + box[2]) / 2, (box[1] + box[3]) / 2)
