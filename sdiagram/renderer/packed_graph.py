"""The `packed` variant on a graph Graphviz's dot laid out: its geometry read
for `renderer.packing`, and the moves, routes and label spots written back.

The engine (`renderer.engine`) lays the DOT out with dot, attaches the layout
and its draw lists (an xdot render), calls `pack_graph` on a copy and, when
it packed, has Graphviz's `nop2` (which keeps given positions) draw the copy.
"""

from __future__ import annotations

from typing import Any

from . import packing
from .metrics import text_boxes, xdot_ops
from .packing import Box, Point, moved

_DRAW_ATTRIBUTES = ("_draw_", "_ldraw_", "_hdraw_", "_tdraw_", "_hldraw_", "_tldraw_")
_LABEL_POSITIONS = ("lp", "xlp", "head_lp", "tail_lp")


def pack_graph(laid_out: Any) -> bool:
    """Pack `laid_out` (a graph with dot's layout and xdot draw lists attached) in
    place (`packing.arrange`); False, leaving it as it was, when packing does not pay."""
    import pygraphviz.graphviz as gv

    clusters = [sub for sub in laid_out.subgraphs() if str(sub.name).startswith("cluster")]
    block_of: dict[str, int] = {}
    blocks: list[Box] = []
    groups: list[packing.Group] = []
    for index, cluster in enumerate(clusters):
        blocks.append(_box(cluster.graph_attr["bb"]))
        for name in cluster.nodes():
            block_of[str(name)] = index
        for sub in [cluster, *_all_subgraphs(cluster)]:
            if str(sub.name).startswith("cluster"):
                groups.append(packing.Group(str(sub.name), _box(sub.graph_attr["bb"]), index,
                                            _text_box(sub.graph_attr.get("_ldraw_"))))
    nodes = []
    for node in laid_out.nodes():
        if str(node) not in block_of:
            block_of[str(node)] = len(blocks)
            blocks.append(_node_box(node))
        nodes.append(packing.Node(str(node), _node_box(node), block_of[str(node)]))
    edges = [edge for edge in laid_out.edges() if str(edge.attr.get("style") or "") != "invis"]
    drawn = []
    for edge in edges:
        arrows = str(edge.attr.get("dir") or "forward")
        drawn.append(packing.Edge(
            str(edge[0]), str(edge[1]), tuple(_spline_points(str(edge.attr.get("pos") or ""))),
            _text_box(edge.attr.get("_ldraw_")), arrows in ("forward", "both"), arrows in ("back", "both"),
            str(edge.attr.get("ltail") or ""), str(edge.attr.get("lhead") or ""),
        ))
    drawing = packing.Drawing(str(laid_out.graph_attr.get("rankdir") or "TB"), tuple(blocks), tuple(nodes),
                              tuple(groups), tuple(drawn))
    arranged = packing.arrange(drawing)
    if arranged is None:
        return False

    shifts = arranged.shifts
    # Where each label's text sits from the point Graphviz centres it on (lp, or xlp for an xlabel).
    offsets: dict[int, Point] = {}
    for index, edge in enumerate(drawn):
        centre = str(edges[index].attr.get(_label_position(edges[index])) or "")
        if edge.label is not None and centre:
            x, y = (float(v) for v in centre.split(","))
            offsets[index] = ((edge.label[0] + edge.label[2]) / 2 - x, (edge.label[1] + edge.label[3]) / 2 - y)
    _clear_drawing(laid_out)
    for edge in laid_out.edges():  # invisible edges only held dot's ranks
        if str(edge.attr.get("style") or "") == "invis":
            gv.agdeledge(laid_out.handle, edge.handle)
    for node in laid_out.nodes():
        node.attr["pos"] = _moved_points(str(node.attr["pos"]), shifts[block_of[str(node)]])
    for index, cluster in enumerate(clusters):
        for sub in [cluster, *_all_subgraphs(cluster)]:
            if str(sub.name).startswith("cluster"):
                sub.graph_attr["bb"] = ",".join(f"{v:.2f}" for v in moved(_box(sub.graph_attr["bb"]), shifts[index]))
            if sub.graph_attr.get("lp"):
                sub.graph_attr["lp"] = _moved_points(str(sub.graph_attr["lp"]), shifts[index])
    for sub in _all_subgraphs(laid_out):  # a rank=same subgraph would keep the old root box
        if not str(sub.name).startswith("cluster") and sub.graph_attr.get("bb"):
            sub.graph_attr["bb"] = ""
    routes = dict(arranged.routes)
    labels = dict(arranged.labels)
    for index, edge in enumerate(edges):
        if index in routes:
            edge.attr["pos"] = routes[index]
            for name in _LABEL_POSITIONS:
                if edge.attr.get(name):
                    edge.attr[name] = ""
            if index in labels:
                (x, y), (dx, dy) = labels[index], offsets.get(index, (0.0, 0.0))
                edge.attr[_label_position(edge)] = f"{x - dx:.2f},{y - dy:.2f}"
            continue
        for name in ("pos", *_LABEL_POSITIONS):
            if edge.attr.get(name):
                edge.attr[name] = _moved_points(str(edge.attr[name]), shifts[block_of[str(edge[0])]])
    laid_out.graph_attr["bb"] = ""  # nop2 computes the new box and centres the title over it
    laid_out.graph_attr["lp"] = ""
    return True


def _label_position(edge: Any) -> str:
    """The attribute that places an edge's label: `xlp` for an `xlabel`, else `lp`."""
    return "xlp" if edge.attr.get("xlabel") else "lp"


def _clear_drawing(graph: Any) -> None:
    """Remove the draw lists an xdot render attached (the next layout writes its own)."""
    for obj in [*graph.nodes(), *graph.edges()]:
        for name in _DRAW_ATTRIBUTES:
            if obj.attr.get(name):
                obj.attr[name] = ""
    for sub in [graph, *_all_subgraphs(graph)]:
        for name in _DRAW_ATTRIBUTES:
            if sub.graph_attr.get(name):
                sub.graph_attr[name] = ""


def _all_subgraphs(graph: Any) -> list[Any]:
    found = []
    pending = list(graph.subgraphs())
    while pending:
        sub = pending.pop(0)
        found.append(sub)
        pending.extend(sub.subgraphs())
    return found


def _box(text: str) -> Box:
    x0, y0, x1, y1 = (float(v) for v in str(text).split(","))
    return (x0, y0, x1, y1)


def _node_box(node: Any) -> Box:
    x, y = (float(v) for v in str(node.attr["pos"]).split(",")[:2])
    half_w, half_h = float(node.attr["width"]) * 36.0, float(node.attr["height"]) * 36.0
    return (x - half_w, y - half_h, x + half_w, y + half_h)


def _text_box(draw: Any) -> Box | None:
    texts = text_boxes(xdot_ops(str(draw))) if draw else []
    if not texts:
        return None
    return (min(b[0] for b, _ in texts), min(b[1] for b, _ in texts),
            max(b[2] for b, _ in texts), max(b[3] for b, _ in texts))


def _moved_points(text: str, shift: Point) -> str:
    """A Graphviz point list ("x,y", "e,x,y s,x,y x,y ...", splines joined by ";") moved by `shift`."""
    splines = []
    for spline in text.split(";"):
        out = []
        for point in spline.split():
            parts = point.split(",")
            head = parts[:-2]
            x, y = float(parts[-2]) + shift[0], float(parts[-1]) + shift[1]
            out.append(",".join([*head, f"{x:.2f}", f"{y:.2f}"]))
        splines.append(" ".join(out))
    return ";".join(splines)


def _spline_points(text: str) -> list[Point]:
    """The control points of an edge's `pos` (its first spline; the arrow ends left out)."""
    points = []
    for point in text.split(";")[0].split():
        parts = point.split(",")
        if parts[0] in ("e", "s"):
            continue
        points.append((float(parts[0]), float(parts[1])))
    return points
