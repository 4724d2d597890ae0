"""Layout quality, measured from Graphviz's laid-out geometry (its `json` output).

Pure: `measure(json_bytes)` -> `LayoutMetrics`; `measure_geometry` takes the
same structure already read (the engine reads it from the laid-out graph,
whose draw operations `xdot_ops` parses). The same numbers choose among
candidate layouts (`renderer.candidates`), are printed by
`sdiagram render --stats` and fill `bench/layout_quality.py`.

What each number means (all geometry in points, 72 to the inch):

- `area_per_node`: the drawing's bounding box divided by the number of
  components, in node units (one node unit is a standard icon node,
  1.4 in x 1.9 in with its label). 1.0 would be nodes packed edge to edge.
- `empty_fraction`: the share of the bounding box covered by nothing that
  shows anything: not a cluster (group) box, not a node (icon + label), not
  an edge label or the title. Measured on a 4 pt grid.
- `crossings`: points where two different edges cross (near a node both edges
  touch, meeting is not crossing).
- `edge_length`: the total length of all edges, in node widths (1.4 in).
- `detached_labels`: edge labels further than one letter-height (their font
  size) from their own edge.
- `misattributed_labels`: edge labels nearer another edge than their own.
- `label_overlaps`: an edge label overlapping another edge label, a group
  (cluster) label, a node, or an edge other than its own, and an edge running
  through a group label (each pair counted once; two labels less than 3 pt
  apart count, as they read as one); `labels_over_things` counts only an
  edge label over a node, another edge label or a group label (a label hiding
  a node or another label).
- `staircase`: how much the groups line up along a diagonal: the absolute
  correlation of their centres' x and y (0 with fewer than three groups).
  Near 1 the groups step down (or up) one after another like stairs, leaving
  two empty triangles; a row, a column or a grid of groups is near 0.
- `aspect`: width / height of the image.
- `min_text_px`: the smallest text height, in pixels, when the whole image is
  scaled to 1000 px wide (a docs column). Under about 6 px it can't be read.
"""

from __future__ import annotations

import json
import math
import re
import statistics
from dataclasses import asdict, dataclass
from typing import Any, Iterable, NamedTuple, Sequence

NODE_WIDTH_PT = 1.4 * 72
NODE_HEIGHT_PT = 1.9 * 72
NODE_UNIT_PT2 = NODE_WIDTH_PT * NODE_HEIGHT_PT
GRID_PT = 4.0
LABEL_GAP_PT = 3.0  # edge labels nearer each other than this count as overlapping
DOCS_WIDTH_PX = 1000.0
_TOUCH_MARGIN_PT = 1e-6

Point = tuple[float, float]
Box = tuple[float, float, float, float]  # x0, y0, x1, y1


@dataclass(frozen=True)
class LayoutMetrics:
    nodes: int
    edges: int
    width_pt: float
    height_pt: float
    area_per_node: float
    empty_fraction: float
    crossings: int
    edge_length: float
    detached_labels: int
    misattributed_labels: int
    label_overlaps: int
    labels_over_things: int
    staircase: float
    aspect: float
    min_text_px: float

    @property
    def label_problems(self) -> int:
        return self.detached_labels + self.misattributed_labels + self.label_overlaps

    def as_dict(self) -> dict[str, float | int]:
        values: dict[str, float | int] = asdict(self)
        values["label_problems"] = self.label_problems
        return values


# (name, heading, format) in the order `--stats` and the bench print them.
COLUMNS: tuple[tuple[str, str, str], ...] = (
    ("area_per_node", "area/node", "{:.2f}"),
    ("empty_fraction", "empty", "{:.0%}"),
    ("crossings", "crossings", "{:d}"),
    ("edge_length", "edge len", "{:.1f}"),
    ("detached_labels", "detached", "{:d}"),
    ("misattributed_labels", "nearer other", "{:d}"),
    ("label_overlaps", "overlaps", "{:d}"),
    ("staircase", "staircase", "{:.2f}"),
    ("aspect", "aspect", "{:.2f}"),
    ("min_text_px", "text px@1000", "{:.1f}"),
)


def format_value(name: str, value: float | int) -> str:
    for column, _, template in COLUMNS:
        if column == name:
            return template.format(value)
    return str(value)


def describe(metrics: LayoutMetrics) -> str:
    """One line for `sdiagram render --stats`."""
    values = metrics.as_dict()
    return ", ".join(f"{heading} {format_value(name, values[name])}" for name, heading, _ in COLUMNS)


def measure(layout_json: bytes | str, pad_pt: float = 36.0) -> LayoutMetrics:
    """Metrics of one laid-out graph (Graphviz `-Tjson` output).

    `pad_pt` is the graph's pad on each side: it is part of the image, so it
    counts when the image is scaled to a docs column.
    """
    return measure_geometry(json.loads(layout_json), pad_pt)


def measure_geometry(data: dict[str, Any], pad_pt: float = 36.0) -> LayoutMetrics:
    """`measure` of a layout already read: Graphviz's `json` structure, or the
    part of it `engine` reads from the laid-out graph itself (`bb` and `_ldraw_`
    of the graph; `objects`: each subgraph's `bb` and `_ldraw_`, each node's
    `_gvid`, `pos`, `width`, `height` and `_ldraw_`; `edges`: `tail`, `head`,
    `_draw_`, `_hdraw_` and `_ldraw_`), its draw lists parsed by `xdot_ops`."""
    x0, y0, x1, y1 = _floats(data["bb"])
    canvas: Box = (x0, y0, x1, y1)
    objects = data.get("objects", [])
    nodes = [o for o in objects if "pos" in o and "bb" not in o]
    node_index = {o["_gvid"]: o for o in nodes}
    node_boxes = {o["_gvid"]: _node_box(o) for o in nodes}

    text_boxes: list[Box] = []
    sizes: list[float] = []
    for texts in [_texts(data.get("_ldraw_", []))] + [_texts(o.get("_ldraw_", [])) for o in objects]:
        text_boxes += [box for box, _ in texts]
        sizes += [size for _, size in texts]

    edges = [e for e in data.get("edges", []) if e.get("tail") in node_index and e.get("head") in node_index]
    paths = [_edge_path(e) for e in edges]
    lines = [_Polyline.of(path) for path in paths]
    labels: list[tuple[int, Box, float]] = []  # edge index, box, font size
    for index, edge in enumerate(edges):
        texts = _texts(edge.get("_ldraw_", []))
        if texts:
            labels.append((index, _union(box for box, _ in texts), min(size for _, size in texts)))
            sizes += [size for _, size in texts]

    detached = misattributed = overlaps = over_things = 0
    for index, box, size in labels:
        own = lines[index].distance(box)
        if own > size:
            detached += 1
        # (no distance is under 0: a label on its own edge is nearer no other)
        if own > 1.0 and any(i != index and line.distance(box, own - 1.0) < own - 1.0 for i, line in enumerate(lines)):
            misattributed += 1
        inner = _shrink(box, 1.0)
        over_nodes = sum(1 for node_box in node_boxes.values() if _boxes_overlap(inner, node_box))
        overlaps += over_nodes
        over_things += over_nodes
        overlaps += sum(
            1
            for i, line in enumerate(lines)
            if i != index and line.box is not None and _boxes_overlap(line.box, inner) and line.hits(inner)
        )
    # Group labels: an edge label over one hides it; an edge through one crosses it out.
    group_labels = [_union(box for box, _ in texts) for texts in
                    (_texts(o.get("_ldraw_", [])) for o in objects if "bb" in o) if texts]
    for group_label in group_labels:
        inner = _shrink(group_label, 1.0)
        hidden = sum(1 for _, box, _ in labels if _boxes_overlap(_shrink(box, 1.0), inner))
        overlaps += hidden
        over_things += hidden
        overlaps += sum(
            1 for line in lines if line.box is not None and _boxes_overlap(line.box, inner) and line.hits(inner)
        )
    for a in range(len(labels)):
        for b in range(a + 1, len(labels)):
            # Two labels closer than a few points read as one ("a ba b").
            if _boxes_overlap(_grow(labels[a][1], LABEL_GAP_PT / 2), _grow(labels[b][1], LABEL_GAP_PT / 2)):
                overlaps += 1
                over_things += 1

    clusters: list[Box] = []
    for o in objects:
        if "bb" in o:
            left, bottom, right, top = _floats(o["bb"])
            clusters.append((left, bottom, right, top))
    occupied = clusters + list(node_boxes.values()) + text_boxes + [box for _, box, _ in labels]
    width = x1 - x0
    height = y1 - y0
    image_width = width + 2 * pad_pt
    return LayoutMetrics(
        nodes=len(nodes),
        edges=len(edges),
        width_pt=round(image_width, 1),
        height_pt=round(height + 2 * pad_pt, 1),
        area_per_node=round(width * height / max(1, len(nodes)) / NODE_UNIT_PT2, 4),
        empty_fraction=round(1.0 - _covered_fraction(canvas, occupied), 4),
        crossings=_crossings(edges, lines, node_boxes),
        edge_length=round(sum(_length(path) for path in paths) / NODE_WIDTH_PT, 2),
        detached_labels=detached,
        misattributed_labels=misattributed,
        label_overlaps=overlaps,
        labels_over_things=over_things,
        staircase=round(_staircase(clusters), 3),
        aspect=round(image_width / (height + 2 * pad_pt), 3),
        min_text_px=round(min(sizes, default=0.0) * DOCS_WIDTH_PX / image_width, 2),
    )


class _Polyline(NamedTuple):
    """An edge's path with the boxes the distance and crossing tests start from,
    computed once per edge (each is asked about every label and every other edge)."""

    points: Sequence[Point]
    box: Box | None  # None: fewer than two points
    segments: tuple[tuple[Point, Point, Box], ...]  # start, end, their box

    @classmethod
    def of(cls, path: Sequence[Point]) -> "_Polyline":
        if len(path) < 2:
            return cls(path, None, ())
        segments = tuple((path[i], path[i + 1], _segment_box(path[i], path[i + 1])) for i in range(len(path) - 1))
        return cls(path, _path_box(path), segments)

    def distance(self, box: Box, beyond: float = math.inf) -> float:
        """Distance from `box` to this polyline; `math.inf` when it is surely `beyond` or more
        (`_box_distance` inlined: it is asked about every segment of every edge for every label)."""
        if self.box is None or _box_distance(box, self.box) >= beyond:
            return math.inf
        left, bottom, right, top = box
        hypot = math.hypot
        best = math.inf
        for a, b, (x0, y0, x1, y1) in self.segments:
            gap_x = left - x1 if left - x1 > 0.0 else (x0 - right if x0 - right > 0.0 else 0.0)
            gap_y = bottom - y1 if bottom - y1 > 0.0 else (y0 - top if y0 - top > 0.0 else 0.0)
            if hypot(gap_x, gap_y) < min(best, beyond):
                best = min(best, _segment_box_distance(a, b, box))
        return best

    def hits(self, box: Box) -> bool:
        """Does this polyline pass through `box`?"""
        return any(_boxes_touch(segment_box, box) and _segment_hits_box(a, b, box) for a, b, segment_box in self.segments)


# xdot drawing operations (https://graphviz.org/docs/outputs/canon/#xdot), one
# match each: the code, its numbers and, for those with a string, its length in
# bytes ("N -bytes" follows); a point list's count (its points follow).
_XDOT_OP = re.compile(
    rb"""\s*(?:
        (?P<points>[PpLBb])\s+(?P<count>\d+)
      | T\s+(?P<x>\S+)\s+(?P<y>\S+)\s+(?P<align>\S+)\s+(?P<width>\S+)\s+(?P<text>\d+)\s-
      | F\s+(?P<size>\S+)\s+(?P<face>\d+)\s-
      | (?P<colour>[Cc])\s+(?P<color>\d+)\s-
      | S\s+(?P<style>\d+)\s-
      | I(?:\s+\S+){4}\s+(?P<name>\d+)\s-
      | (?P<other>[Ee](?:\s+\S+){4}|t\s+\S+)
    )""",
    re.VERBOSE,
)
_XDOT_STRINGS = ("text", "face", "color", "style", "name")  # the field Graphviz's json names each string
_XDOT_ALIGN = {-1: "l", 0: "c", 1: "r"}
_XDOT_COORDINATES: dict[int, re.Pattern[bytes]] = {}  # 2 x points -> the pattern of that many numbers


def xdot_ops(text: str) -> list[dict[str, Any]]:
    """An xdot draw attribute (`_draw_`, `_ldraw_`, ...) as the operations
    Graphviz's `json` output lists for it, with the fields `measure` reads
    (`size` of F, `pt`, `align`, `width` and `text` of T, `points` of a point
    list) and each operation's string; ValueError when it is not xdot."""
    data = text.encode("utf-8")  # string lengths count bytes
    ops: list[dict[str, Any]] = []
    position, end = 0, len(data)
    while True:
        found = _XDOT_OP.match(data, position)
        if found is None:
            if data[position:].strip():
                raise ValueError(f"not an xdot operation at byte {position}: {data[position:position + 20]!r}")
            return ops
        position = found.end()
        if found["points"] is not None:
            count = 2 * int(found["count"])
            numbers = _XDOT_COORDINATES.get(count)
            if numbers is None:
                numbers = _XDOT_COORDINATES.setdefault(count, re.compile(rb"(?:\s+\S+){%d}" % count))
            values = numbers.match(data, position)
            if values is None:
                raise ValueError("xdot point list cut short")
            position = values.end()
            coordinates = [float(v) for v in values.group().split()]
            ops.append({"op": found["points"].decode(), "points": [coordinates[i : i + 2] for i in range(0, count, 2)]})
            continue
        op: dict[str, Any]
        if found["text"] is not None:
            op = {"op": "T", "pt": [float(found["x"]), float(found["y"])],
                  "align": _XDOT_ALIGN.get(int(float(found["align"])), "c"), "width": float(found["width"])}
        elif found["face"] is not None:
            op = {"op": "F", "size": float(found["size"])}
        elif found["colour"] is not None:
            op = {"op": found["colour"].decode()}
        elif found["style"] is not None:
            op = {"op": "S"}
        elif found["name"] is not None:
            op = {"op": "I"}
        else:
            ops.append({"op": found["other"][:1].decode()})
            continue
        field = next(name for name in _XDOT_STRINGS if found[name] is not None)
        length = int(found[field])
        if position + length > end:
            raise ValueError("xdot string cut short")
        op[field] = data[position : position + length].decode("utf-8", errors="replace")
        position += length
        ops.append(op)


def _staircase(clusters: Sequence[Sequence[float]]) -> float:
    if len(clusters) < 3:
        return 0.0
    xs = [(box[0] + box[2]) / 2 for box in clusters]
    ys = [(box[1] + box[3]) / 2 for box in clusters]
    try:
        return abs(statistics.correlation(xs, ys))
    except statistics.StatisticsError:  # all in one row or one column
        return 0.0


def _floats(text: str) -> list[float]:
    return [float(v) for v in re.split(r"[ ,]+", text.strip()) if v]


def _node_box(node: dict[str, Any]) -> Box:
    x, y = _floats(node["pos"])[:2]
    half_w = float(node.get("width", 0.75)) * 36.0
    half_h = float(node.get("height", 0.5)) * 36.0
    return (x - half_w, y - half_h, x + half_w, y + half_h)


def text_boxes(operations: Iterable[dict[str, Any]]) -> list[tuple[Box, float]]:
    """Boxes and font sizes of the text lines in an xdot draw list (as `xdot_ops` reads it)."""
    return _texts(operations)


def _texts(operations: Iterable[dict[str, Any]]) -> list[tuple[Box, float]]:
    """Boxes and font sizes of the text lines in an xdot draw list."""
    size = 14.0
    found: list[tuple[Box, float]] = []
    for op in operations:
        if op.get("op") == "F":
            size = float(op["size"])
        elif op.get("op") == "T" and op.get("text", "").strip():
            x, y = op["pt"]
            width = float(op["width"])
            left = {"l": x, "r": x - width}.get(op.get("align", "c"), x - width / 2)
            found.append(((left, y - 0.25 * size, left + width, y + 0.9 * size), size))
    return found


def _union(boxes: Iterable[Box]) -> Box:
    boxes = list(boxes)
    return (
        min(b[0] for b in boxes), min(b[1] for b in boxes),
        max(b[2] for b in boxes), max(b[3] for b in boxes),
    )


def _shrink(box: Box, by: float) -> Box:
    return (box[0] + by, box[1] + by, box[2] - by, box[3] - by)


def _boxes_overlap(a: Box, b: Box) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _boxes_touch(a: Box, b: Box) -> bool:
    """Overlap, or share an edge (a horizontal segment has a flat box)."""
    return a[0] <= b[2] and b[0] <= a[2] and a[1] <= b[3] and b[1] <= a[3]


def _edge_path(edge: dict[str, Any]) -> list[Point]:
    """The edge as a polyline: its B-spline pieces sampled, plus the arrow tip."""
    points: list[Point] = []
    for op in edge.get("_draw_", []):
        if op.get("op") in ("b", "B") and len(op.get("points", [])) >= 4:
            controls = [tuple(p) for p in op["points"]]
            for start in range(0, len(controls) - 3, 3):
                p0, p1, p2, p3 = controls[start : start + 4]
                steps = (0.0, 0.25, 0.5, 0.75) if start + 4 < len(controls) else (0.0, 0.25, 0.5, 0.75, 1.0)
                points += [_bezier(p0, p1, p2, p3, t) for t in steps]
    for op in edge.get("_hdraw_", []):  # the arrowhead's tip is part of the edge
        if op.get("op") in ("P", "p") and points:
            tip = max((tuple(p) for p in op["points"]), key=lambda p: math.dist(p, points[-1]))
            points.append(tip)  # type: ignore[arg-type]
    return points


def _bezier(p0: Sequence[float], p1: Sequence[float], p2: Sequence[float], p3: Sequence[float], t: float) -> Point:
    u = 1 - t
    a, b, c, d = u * u * u, 3 * u * u * t, 3 * u * t * t, t * t * t
    return (a * p0[0] + b * p1[0] + c * p2[0] + d * p3[0], a * p0[1] + b * p1[1] + c * p2[1] + d * p3[1])


def _length(path: Sequence[Point]) -> float:
    return sum(math.dist(path[i], path[i + 1]) for i in range(len(path) - 1))


def _segment_box_distance(a: Point, b: Point, box: Box) -> float:
    """Distance from a segment to an axis-aligned box (0 when they touch)."""
    if _segment_hits_box(a, b, box):
        return 0.0
    corners = ((box[0], box[1]), (box[2], box[1]), (box[2], box[3]), (box[0], box[3]))
    best = min(_point_box_distance(a, box), _point_box_distance(b, box))
    for i in range(4):
        best = min(best, _point_segment_distance(corners[i], a, b))
    return best


def _point_box_distance(p: Point, box: Box) -> float:
    return _box_distance((p[0], p[1], p[0], p[1]), box)


def _segment_box(a: Point, b: Point) -> Box:
    return (min(a[0], b[0]), min(a[1], b[1]), max(a[0], b[0]), max(a[1], b[1]))


def _point_segment_distance(p: Point, a: Point, b: Point) -> float:
    dx, dy = b[0] - a[0], b[1] - a[1]
    length2 = dx * dx + dy * dy
    t = 0.0 if length2 == 0 else max(0.0, min(1.0, ((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / length2))
    return math.dist(p, (a[0] + t * dx, a[1] + t * dy))


def _box_distance(a: Box, b: Box) -> float:
    dx = max(a[0] - b[2], 0.0, b[0] - a[2])
    dy = max(a[1] - b[3], 0.0, b[1] - a[3])
    return math.hypot(dx, dy)


def _segment_hits_box(a: Point, b: Point, box: Box) -> bool:
    """Liang-Barsky clipping: does segment a-b pass through the box?"""
    t0, t1 = 0.0, 1.0
    dx, dy = b[0] - a[0], b[1] - a[1]
    for p, q in ((-dx, a[0] - box[0]), (dx, box[2] - a[0]), (-dy, a[1] - box[1]), (dy, box[3] - a[1])):
        if p == 0:
            if q < 0:
                return False
        else:
            r = q / p
            if p < 0:
                t0 = max(t0, r)
            else:
                t1 = min(t1, r)
            if t0 > t1:
                return False
    return True


def _path_box(path: Sequence[Point]) -> Box:
    xs = [p[0] for p in path]
    ys = [p[1] for p in path]
    return (min(xs), min(ys), max(xs), max(ys))


def _intersection(a: Point, b: Point, c: Point, d: Point) -> Point | None:
    """The point where segments a-b and c-d cross, if they do."""
    r = (b[0] - a[0], b[1] - a[1])
    s = (d[0] - c[0], d[1] - c[1])
    denominator = r[0] * s[1] - r[1] * s[0]
    if denominator == 0:
        return None
    t = ((c[0] - a[0]) * s[1] - (c[1] - a[1]) * s[0]) / denominator
    u = ((c[0] - a[0]) * r[1] - (c[1] - a[1]) * r[0]) / denominator
    if 0 <= t < 1 and 0 <= u < 1:  # half-open: a crossing at a joint counts once
        return (a[0] + t * r[0], a[1] + t * r[1])
    return None


def _crossings(edges: list[dict[str, Any]], lines: list[_Polyline], node_boxes: dict[int, Box]) -> int:
    """Crossings between different edges. The count does not depend on the order
    the edges are listed in (Graphviz's json lists them in the order they were
    made, the laid-out graph by tail node): each pair of segments is tested in
    one fixed orientation, and a segment is only skipped when its box is apart
    from the other's by more than `_TOUCH_MARGIN_PT` (which covers rounding)."""
    count = 0
    for i in range(len(lines)):
        box_i = lines[i].box
        if box_i is None:
            continue
        for j in range(i + 1, len(lines)):
            box_j = lines[j].box
            if box_j is None or not _boxes_overlap(box_i, box_j):
                continue
            shared = [
                node_boxes[n]
                for n in {edges[i]["tail"], edges[i]["head"]} & {edges[j]["tail"], edges[j]["head"]}
            ]
            near_j = _grow(box_j, _TOUCH_MARGIN_PT)
            others = lines[j].segments
            for p, q, box_pq in lines[i].segments:
                if not _boxes_touch(box_pq, near_j):
                    continue
                left, bottom, right, top = _grow(box_pq, _TOUCH_MARGIN_PT)
                for c, d, box_cd in others:
                    if box_cd[0] > right or box_cd[2] < left or box_cd[1] > top or box_cd[3] < bottom:
                        continue
                    point = _intersection(p, q, c, d) if (p, q) <= (c, d) else _intersection(c, d, p, q)
                    if point is not None and not any(_point_box_distance(point, _grow(s, 8.0)) == 0 for s in shared):
                        count += 1
    return count


def _grow(box: Box, by: float) -> Box:
    return (box[0] - by, box[1] - by, box[2] + by, box[3] + by)


def _covered_fraction(canvas: Box, boxes: Iterable[Box]) -> float:
    """The share of `canvas` inside at least one of `boxes`, on a GRID_PT grid."""
    x0, y0, x1, y1 = canvas
    columns = max(1, math.ceil((x1 - x0) / GRID_PT))
    rows = max(1, math.ceil((y1 - y0) / GRID_PT))
    covered = [0] * rows  # one bit mask of covered columns per row
    for box in boxes:
        c0 = max(0, math.floor((box[0] - x0) / GRID_PT + 0.5))
        c1 = min(columns, math.floor((box[2] - x0) / GRID_PT + 0.5))
        r0 = max(0, math.floor((box[1] - y0) / GRID_PT + 0.5))
        r1 = min(rows, math.floor((box[3] - y0) / GRID_PT + 0.5))
        if c1 <= c0 or r1 <= r0:
            continue
        mask = ((1 << (c1 - c0)) - 1) << c0
        for r in range(r0, r1):
            covered[r] |= mask
    return sum(bin(row).count("1") for row in covered) / (columns * rows)
