"""Graphviz layout (its `json0` output) -> a diagrams.net / draw.io file (mxGraph XML).

Built from the same layout as the SVG: every component is an image cell at
its Graphviz position with the icon embedded as a data URI and the label
below; groups are containers (their members are their children, so moving a
group in draw.io moves what is inside); connections are edges between the
cells, with their label, dashed when asynchronous, and the Graphviz route as
waypoints. Everything stays editable in draw.io.

Pure: bytes in, bytes out. ElementTree escapes every attribute, and labels are
plain text (`html=0`), so no user text can become markup.
"""

from __future__ import annotations

import html
import json
import re
import xml.etree.ElementTree as ET
from typing import Any

from .engine import image_data_uri
from .dot import HTML_LABEL, NODE_WIDTH

MARGIN = 20.0
ICON_SIZE = NODE_WIDTH * 72  # points: the icon fills the node's width, as in the SVG


def _unescape_dot(text: str) -> str:
    """A DOT string as Graphviz's JSON gives it (`\\n` line breaks, `\\\\`) -> plain text."""
    out: list[str] = []
    index = 0
    while index < len(text):
        char = text[index]
        if char == "\\" and index + 1 < len(text):
            following = text[index + 1]
            out.append("\n" if following in "nlr" else following)
            index += 2
            continue
        out.append(char)
        index += 1
    return "".join(out)


def _html_label_text(label: str) -> str:
    """The graph's HTML-like title label as plain lines."""
    text = re.sub(r"<br[^>]*>|</tr>", "\n", label)
    text = re.sub(r"<[^>]+>", "", text)
    return "\n".join(line.strip() for line in html.unescape(text).split("\n") if line.strip())


# A tiled node label (`dot._tiled_label`): the tile's colour and the icon's name.
_TILE = re.compile(r'<table [^>]*\bbgcolor="([^"]*)"[^>]*>.*?<img src="([^"]*)"[^>]*>')


def _html_node_text(label: str) -> str:
    """The text of an HTML-like node label (`dot.html_text` lines) as plain lines."""
    text = re.sub(r"<br[^>]*>", "\n", label)
    return html.unescape(re.sub(r"<[^>]+>", "", text)).replace("\\\\", "\\")


def _node_label(node: dict[str, Any], tiled: tuple[str, str, str] | None) -> str:
    if tiled:
        return tiled[2]
    if node.get("sdiagram") == HTML_LABEL:
        return _html_node_text(str(node.get("label", "")))
    return _unescape_dot(str(node.get("label", node["name"])))


def _tiled_node(node: dict[str, Any]) -> tuple[str, str, str] | None:
    """(icon name, tile colour, label text) of a node drawn on a tile (it has no
    `image`: its label is the HTML-like one sdiagram wrote), or None."""
    label = str(node.get("label", ""))
    found = None if node.get("image") else _TILE.search(label)
    if found is None:
        return None
    return html.unescape(found[2]), found[1], _html_node_text(label[found.end():])


def _floats(text: str) -> list[float]:
    return [float(v) for v in text.split(",")]


def _style(**items: Any) -> str:
    return "".join(f"{key}={value};" for key, value in items.items())


class _Page:
    """Graphviz coordinates (points, y up) -> draw.io coordinates (y down), relative to a parent."""

    def __init__(self, bounding_box: list[float]):
        self.left, self.bottom, self.right, self.top = bounding_box

    def x(self, x: float) -> float:
        return round(x - self.left + MARGIN, 2)

    def y(self, y: float) -> float:
        return round(self.top - y + MARGIN, 2)


def _geometry(cell: ET.Element, x: float, y: float, width: float, height: float) -> None:
    ET.SubElement(cell, "mxGeometry", {
        "x": f"{x:g}", "y": f"{y:g}", "width": f"{width:g}", "height": f"{height:g}", "as": "geometry",
    })


def from_layout(layout_json: bytes, image_roots: tuple[str, ...]) -> bytes:
    """The draw.io XML of a laid-out sdiagram graph (Graphviz `-Tjson0` output)."""
    graph = json.loads(layout_json)
    page = _Page(_floats(graph["bb"]))
    objects = graph.get("objects", [])
    # Clusters have a box; a `rank=same` subgraph (a layout hint) has none.
    clusters = [o for o in objects if "bb" in o and ("nodes" in o or "subgraphs" in o or str(o.get("name", "")).startswith("cluster_"))]
    nodes = [o for o in objects if "pos" in o]

    # The innermost cluster holding each node and each cluster, by _gvid.
    node_parent: dict[int, dict] = {}
    cluster_parent: dict[int, dict] = {}
    for cluster in clusters:  # Graphviz lists a cluster before the clusters inside it
        for node_id in cluster.get("nodes", []):
            node_parent[node_id] = cluster
        for sub_id in cluster.get("subgraphs", []):
            cluster_parent[sub_id] = cluster

    def cell_id(obj: dict) -> str:
        name = str(obj["name"])
        return "g-" + name.removeprefix("cluster_") if name.startswith("cluster_") else "n-" + name

    def origin(parent: dict | None) -> tuple[float, float]:
        if parent is None:
            return 0.0, 0.0
        x0, _, _, y1 = _floats(parent["bb"])
        return page.x(x0), page.y(y1)

    background = str(graph.get("bgcolor", "white"))
    width = page.right - page.left + 2 * MARGIN
    height = page.top - page.bottom + 2 * MARGIN
    mxfile = ET.Element("mxfile", {"host": "sdiagram", "type": "device"})
    diagram = ET.SubElement(mxfile, "diagram", {"id": str(graph.get("name", "diagram")), "name": str(graph.get("name", "diagram"))})
    model = ET.SubElement(diagram, "mxGraphModel", {
        "grid": "0", "gridSize": "10", "guides": "1", "tooltips": "1", "connect": "1", "arrows": "1",
        "fold": "1", "page": "0", "pageScale": "1", "pageWidth": f"{width:g}", "pageHeight": f"{height:g}",
        "background": "#FFFFFF" if background == "white" else background, "math": "0", "shadow": "0",
    })
    root = ET.SubElement(model, "root")
    ET.SubElement(root, "mxCell", {"id": "0"})
    ET.SubElement(root, "mxCell", {"id": "1", "parent": "0"})

    title = _html_label_text(str(graph.get("label", "")))
    if title and "lp" in graph:
        lx, ly = _floats(graph["lp"])
        title_width = float(graph.get("lwidth", 4)) * 72
        title_height = float(graph.get("lheight", 0.5)) * 72
        cell = ET.SubElement(root, "mxCell", {
            "id": "title", "value": title, "vertex": "1", "parent": "1",
            "style": "text;" + _style(html=0, fillColor="none", strokeColor="none", align="center", verticalAlign="middle", whiteSpace="wrap",
                            fontSize=13, fontColor=graph.get("fontcolor", "#2D3436")),
        })
        _geometry(cell, page.x(lx) - title_width / 2, page.y(ly) - title_height / 2, title_width, title_height)

    boxes: dict[str, tuple[float, float, float, float]] = {}  # cell id -> absolute x, y, width, height
    for cluster in clusters:
        x0, y0, x1, y1 = _floats(cluster["bb"])
        parent = cluster_parent.get(cluster["_gvid"])
        px, py = origin(parent)
        cell = ET.SubElement(root, "mxCell", {
            "id": cell_id(cluster), "value": _unescape_dot(str(cluster.get("label", ""))), "vertex": "1",
            "parent": cell_id(parent) if parent else "1",
            "style": _style(rounded=1, arcSize=4, whiteSpace="wrap", html=0, container=1, collapsible=0,
                            fillColor=cluster.get("fillcolor", "#E5F5FD"), strokeColor=cluster.get("pencolor", "#AEB6BE"),
                            fontColor=cluster.get("fontcolor", "#2D3436"), fontSize=cluster.get("fontsize", 12),
                            verticalAlign="top", align="left", spacingLeft=8),
        })
        _geometry(cell, page.x(x0) - px, page.y(y1) - py, x1 - x0, y1 - y0)
        boxes[cell_id(cluster)] = (page.x(x0), page.y(y1), x1 - x0, y1 - y0)

    for node in nodes:
        cx, cy = _floats(node["pos"])
        node_height = float(node.get("height", 1.9)) * 72
        parent = node_parent.get(node["_gvid"])
        px, py = origin(parent)
        style = {
            "shape": "image", "html": 0, "verticalLabelPosition": "bottom", "verticalAlign": "top",
            "labelPosition": "center", "align": "center", "whiteSpace": "wrap", "imageAspect": 1, "aspect": "fixed",
            "fontColor": node.get("fontcolor", "#2D3436"), "fontSize": node.get("fontsize", 13),
        }
        tiled = _tiled_node(node)
        icon = tiled[0] if tiled else node.get("image")
        if icon:
            # draw.io separates style entries with ';', so its data URIs drop ';base64'.
            style["image"] = image_data_uri(str(icon), image_roots).replace(";base64,", ",", 1)
        if tiled:
            style["imageBackground"] = tiled[1]
        if "bold" in str(node.get("style", "")) and node.get("color"):
            style.update({"imageBorder": node["color"], "strokeWidth": 3})
        attributes = {"id": cell_id(node), "label": _node_label(node, tiled)}
        if node.get("tooltip"):
            attributes["tooltip"] = _unescape_dot(str(node["tooltip"]))
        if node.get("URL"):
            attributes["link"] = str(node["URL"])
        wrapper = ET.SubElement(root, "UserObject", attributes)
        cell = ET.SubElement(wrapper, "mxCell", {
            "style": _style(**style), "vertex": "1", "parent": cell_id(parent) if parent else "1",
        })
        _geometry(cell, page.x(cx) - ICON_SIZE / 2 - px, page.y(cy) - node_height / 2 - py, ICON_SIZE, ICON_SIZE)
        boxes[cell_id(node)] = (page.x(cx) - ICON_SIZE / 2, page.y(cy) - node_height / 2, ICON_SIZE, ICON_SIZE)

    by_gvid = {o["_gvid"]: o for o in nodes}
    cluster_by_name = {str(c["name"]): c for c in clusters}
    for index, edge in enumerate(graph.get("edges", [])):
        if "invis" in str(edge.get("style", "")):
            continue  # a layout constraint (renderer.candidates), not a connection
        source = cluster_by_name.get(str(edge.get("ltail")), by_gvid[edge["tail"]])
        target = cluster_by_name.get(str(edge.get("lhead")), by_gvid[edge["head"]])
        if edge.get("dir") == "back":  # a reply, laid out as its request: it points back
            source, target = target, source
        style = {
            "html": 0, "rounded": 1, "curved": 1, "endArrow": "classic", "endFill": 1,
            "strokeColor": edge.get("color", "#7B8894"), "fontColor": edge.get("fontcolor", "#2D3436"),
            "fontSize": edge.get("fontsize", 11), "labelBackgroundColor": "none",
        }
        if "dashed" in str(edge.get("style", "")) or "dotted" in str(edge.get("style", "")):
            style["dashed"] = 1
        if edge.get("dir") == "both":
            style.update({"startArrow": "classic", "startFill": 1})
        label = edge.get("label") or edge.get("xlabel") or ""
        cell = ET.SubElement(root, "mxCell", {
            "id": f"e-{index}", "value": _unescape_dot(str(label)), "edge": "1", "parent": "1",
            "source": cell_id(source), "target": cell_id(target), "style": _style(**style),
        })
        geometry = ET.SubElement(cell, "mxGeometry", {"relative": "1", "as": "geometry"})
        route = [(page.x(x), page.y(y)) for x, y in _route(edge)]
        if route:
            points = ET.SubElement(geometry, "Array", {"as": "points"})
            for x, y in route:
                ET.SubElement(points, "mxPoint", {"x": f"{x:g}", "y": f"{y:g}"})
        if label and ("lp" in edge or "xlp" in edge):
            # draw.io puts a label halfway along the edge; move it to where Graphviz placed it
            lx, ly = _floats(str(edge.get("lp") or edge.get("xlp")))
            mx, my = _halfway(boxes[cell_id(source)], route, boxes[cell_id(target)])
            ET.SubElement(geometry, "mxPoint", {"x": f"{round(page.x(lx) - mx, 2):g}",
                                                "y": f"{round(page.y(ly) - my, 2):g}", "as": "offset"})

    ET.indent(mxfile, space="  ")
    return ET.tostring(mxfile, encoding="utf-8", xml_declaration=True) + b"\n"


Point = tuple[float, float]


def _centre(box: tuple[float, float, float, float]) -> Point:
    return box[0] + box[2] / 2, box[1] + box[3] / 2


def _perimeter(box: tuple[float, float, float, float], toward: Point) -> Point:
    """Where the line from a box's centre toward a point leaves the box (mxGraph's rectangle perimeter)."""
    _, _, width, height = box
    cx, cy = _centre(box)
    dx, dy = toward[0] - cx, toward[1] - cy
    if dx == 0 and dy == 0:
        return cx, cy
    scale = min(width / 2 / abs(dx) if dx else float("inf"), height / 2 / abs(dy) if dy else float("inf"))
    return cx + dx * scale, cy + dy * scale


def _halfway(source: tuple[float, float, float, float], route: list[Point],
             target: tuple[float, float, float, float]) -> Point:
    """The point halfway along an edge as draw.io draws it: perimeter, waypoints, perimeter."""
    first = _perimeter(source, route[0] if route else _centre(target))
    last = _perimeter(target, route[-1] if route else _centre(source))
    points = [first, *route, last]
    lengths = [((b[0] - a[0]) ** 2 + (b[1] - a[1]) ** 2) ** 0.5 for a, b in zip(points, points[1:])]
    remaining = sum(lengths) / 2
    for (a, b), length in zip(zip(points, points[1:]), lengths):
        if remaining <= length and length > 0:
            share = remaining / length
            return a[0] + (b[0] - a[0]) * share, a[1] + (b[1] - a[1]) * share
        remaining -= length
    return points[-1]


def _route(edge: dict) -> list[tuple[float, float]]:
    """The on-curve points of the Graphviz spline between its ends (draw.io's waypoints).

    `pos` is "[s,x,y] [e,x,y] p0 p1 p2 p3 ...", a cubic B-spline: p0, p3, p6, ... lie on the curve.
    """
    points = [_floats(part) for part in str(edge.get("pos", "")).split() if not part.startswith(("s,", "e,"))]
    return [(x, y) for x, y in points[3:-1:3]]
