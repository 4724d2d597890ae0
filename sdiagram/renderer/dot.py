"""Blueprint -> DOT text. Pure and deterministic: same blueprint, same bytes.

The look follows the conventions of mingrammer `diagrams`: icon nodes with the
label below, clusters as rounded pastel boxes (colour by nesting depth), grey
edges. Two deliberate differences: splines are curved, not orthogonal, because
Graphviz cannot place edge labels on orthogonal edges (they drift away from
their edge); and icons are named relative to an image path set at layout time,
so the DOT holds no path of the machine that made it.

Every user string goes through `quote` or `html_text`, so a label can never add
nodes or attributes to the graph.
"""

from __future__ import annotations

import html
import os
import re
import textwrap
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Callable, Iterable, Mapping

from .. import icons
from ..model import Blueprint, Component, Connection, Group
from .large import DEFERRED, SPACER, connection_ends, plan_large_layout
from .packing import PACKED
from .theme import LIGHT, Palette

if TYPE_CHECKING:
    from .estimate_overlay import Note, Overlay

FONT = "Sans-Serif"
SEVERITY_COLORS = {"error": "#D62728", "warning": "#E8A317", "info": "#1F77B4"}
LABEL_WIDTH = 13  # characters per line under an icon: the node is 1.2 in (~86 pt) wide
NODE_WIDTH = 1.2
NODE_HEIGHT = 1.6
# Text sizes in points. The smallest must stay readable when a whole diagram
# is scaled into a 1000 px docs column (renderer.metrics.min_text_px >= 6).
NODE_FONT_SIZE = 13
EDGE_FONT_SIZE = 13
CLUSTER_FONT_SIZE = 13
LINE_HEIGHT = 0.25
# The tile an icon is drawn on in a theme that has one (`Palette.icon_tile`):
# as wide as the node, so edges end at its sides; the icon is inset by the padding.
ICON_TILE_PT = 86
ICON_TILE_PADDING_PT = 9
ICON_TILE_GAP_PT = 4  # between the tile and the text under it
# A `dead_letter:` relation: dashed, in a muted red, labelled.
DEAD_LETTER_EDGE = {"style": "dashed", "label": '"dead letters"', "color": '"#B5534A"', "fontcolor": '"#B5534A"'}
TITLE_SIZE = 22
# Names the variant drawn, in the DOT and (as an XML comment) in the SVG; the
# next render keeps it (`candidates.recorded_variant`, `candidates.choose`).
LAYOUT_MARK = "sdiagram layout: "
# Marks a node whose label is HTML-like (an estimate note, an icon tile): Graphviz's
# json gives such a label without its <...>, so the draw.io export could not tell it
# from a plain label that happens to contain markup.
HTML_LABEL = "html_label"
STORE_KINDS = frozenset({"cache", "database", "object_storage", "search_index", "vector_db"})


@dataclass(frozen=True)
class Highlight:
    """A lint finding to list in the diagram's legend."""

    severity: str
    code: str
    rule: str
    message: str


@dataclass(frozen=True)
class LayoutVariant:
    """The layout settings one candidate layout tries (see `renderer.candidates`)."""

    name: str = "base"
    # Graphviz's newer ranking: ranks across clusters, needed by `rank=same`
    # between components of different groups.
    newrank: bool = True
    ranksep: float = 0.3
    nodesep: float = 0.2
    splines: str = "spline"
    # Edges between different groups: "" as written; "weight" gets them
    # `weight=0` (they no longer pull their ends into line); "constraint"
    # gets them `constraint=false` (they no longer order the ranks either),
    # so clusters may sit side by side instead of in a staircase.
    cross_group: str = ""
    # Characters per line of an edge label.
    edge_label_width: int = 12
    # A leaf data store and its only caller share a rank (side by side).
    leaf_stores_beside: bool = False
    # A group that calls another ends before the other begins (invisible
    # edges): consecutive groups then never share a rank, which is what makes
    # Graphviz stack them into a diagonal staircase. (Banding before every
    # member of the called group was tried too: never the best, and slower.)
    group_bands: bool = False
    # A group that three or more others call (a shared service) may share
    # ranks with its deepest caller (`minlen=0` on those calls, their text
    # as an `xlabel`; see `shared_group_calls`) instead of coming after it:
    # it sits beside the group that calls it last rather than one more step
    # down a chain of groups.
    shared_beside: bool = False
    # After dot, the top-level blocks are packed into the empty corners
    # (`renderer.packing`; the engine does it when the graph carries `sdiagram=packed`).
    packed: bool = False


@dataclass(frozen=True)
class DotOptions:
    highlights: tuple[Highlight, ...] = ()
    # component id -> severity of its outline (lint.component_severities)
    outlines: Mapping[str, str] = field(default_factory=dict)
    # Settings for very large graphs (see renderer.LARGE_GRAPH_COMPONENTS).
    large: bool = False
    variant: LayoutVariant = LayoutVariant()
    palette: Palette = LIGHT
    # Extra DOT attributes by element, "node:ID", "cluster:ID" or "edge:INDEX"
    # (index into `Blueprint.connections`), values already quoted; None removes
    # an attribute. Plus HTML rows for the graph label (a legend). The diff
    # picture (`renderer.diff_picture`) draws its marks with these.
    styles: Mapping[str, Mapping[str, str | None]] = field(default_factory=dict)
    label_rows: tuple[str, ...] = ()
    # `render --estimate`: load on edges and utilization on nodes (its box is in `label_rows`)
    overlay: "Overlay | None" = None


# What reaches Graphviz must be text it can hold and SVG can carry: NUL ends a C
# string, and the other C0 controls are not allowed in XML 1.0. They are drawn
# as their Unicode "control pictures" (U+2401 ...), so they stay visible and
# literal; a tab is a space. Lone surrogates and U+FFFE/U+FFFF cannot be
# encoded in UTF-8 or XML and become U+FFFD.
_CONTROL_PICTURES = {c: 0x2400 + c for c in range(0x20) if c not in (0x09, 0x0A)} | {0x09: 0x20}
_UNENCODABLE = re.compile("[\ud800-\udfff\ufffe\uffff]")
_NEEDS_CARE = re.compile("[\x00-\x09\x0b-\x1f\ud800-\udfff\ufffe\uffff]")


def printable(text: str) -> str:
    """`text` with line breaks as `\\n` and every character Graphviz and XML can carry."""
    if _NEEDS_CARE.search(text) is None:  # the common case, and the fast one
        return text
    text = text.replace("\r\n", "\n").replace("\r", "\n").translate(_CONTROL_PICTURES)
    return _UNENCODABLE.sub("\ufffd", text)


def quote(text: str) -> str:
    """A DOT double-quoted string whose content is shown literally.

    Backslashes are doubled (so `\\N`, `\\G` and `\\l` stay text), quotes are
    escaped, and newlines become DOT's centred line break. A label whose first
    line is empty gets a space on it: the Graphviz 14 in the pygraphviz wheels
    corrupts its heap on such a label (a node, edge or cluster label starting
    with a line break) and crashes when it frees the layout.
    """
    text = printable(text)
    if text.startswith("\n"):
        text = " " + text
    if "\\" in text or '"' in text or "\n" in text:
        text = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{text}"'


def quote_tooltip(text: str) -> str:
    """A DOT string for `tooltip`: Graphviz expands its escapes twice, so backslashes are doubled twice."""
    return quote(text.replace("\\", "\\\\"))


def html_text(text: str) -> str:
    """Text for a DOT HTML-like label, shown literally (Graphviz expands `\\G` and the like there too)."""
    escaped = (
        printable(text).replace("\\", "\\\\")
        .replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    )
    return escaped.replace("\n", "<br/>")


def wrap(text: str, width: int) -> list[str]:
    """Lines of at most `width` characters; a longer word stays whole unless it is
    much longer (a split "Elasticsearch" reads worse than a slightly wide line)."""
    if len(text) <= width and text.isprintable() and text == text.strip():
        return [text]  # most labels: what textwrap would return, at a tenth of the cost
    hard_limit = width + width // 2
    lines: list[str] = []
    for paragraph in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        for line in textwrap.wrap(paragraph, width, break_long_words=False, break_on_hyphens=False) or [""]:
            lines += [line[i : i + hard_limit] for i in range(0, len(line), hard_limit)] or [""]
    return lines


def _attributes(attributes: Mapping[str, str]) -> str:
    return ", ".join(f"{key}={value}" for key, value in attributes.items())


def _icon_name(component: Component, base_dir: str) -> str:
    return icons.component_icon(component, base_dir).name


def to_dot(blueprint: Blueprint, options: DotOptions = DotOptions()) -> str:
    base_dir = os.path.dirname(os.path.abspath(blueprint.path))
    outline = options.outlines
    colors = options.palette
    node_notes = options.overlay.nodes if options.overlay else {}
    edge_notes = options.overlay.edges if options.overlay else {}
    lines = [f"digraph {quote(blueprint.name)} {{"]
    variant = options.variant
    graph = {
        "comment": quote(LAYOUT_MARK + variant.name),
        "label": _graph_label(blueprint, options.highlights, colors, options.label_rows),
        "labelloc": "t",
        "fontname": quote(FONT),
        "fontsize": "15",
        "fontcolor": quote(colors.text),
        "rankdir": blueprint.direction,
        "pad": "0.5",
        "nodesep": f"{variant.nodesep:g}",
        "ranksep": f"{variant.ranksep:g}",
        "splines": variant.splines,
        "compound": "true",
        "bgcolor": quote(colors.background),
    }
    if variant.newrank:
        graph["newrank"] = "true"
    if variant.packed and packs(blueprint):
        graph["sdiagram"] = PACKED
    if options.large:
        # Crossing minimisation and network simplex dominate on large graphs;
        # one mincross pass and short simplex runs keep the time near-linear.
        graph.update({"splines": "line", "nslimit": "0.2", "nslimit1": "0.2", "mclimit": "0.05", "remincross": "false"})
    lines.append(f"  graph [{_attributes(graph)}];")
    node = {
        "shape": "none",
        "fixedsize": "true",
        "width": f"{NODE_WIDTH:g}",
        "height": str(NODE_HEIGHT),
        "labelloc": "b",
        "imagescale": "true",
        "imagepos": "tc",
        "fontname": quote(FONT),
        "fontsize": str(NODE_FONT_SIZE),
        "fontcolor": quote(colors.text),
    }
    lines.append(f"  node [{_attributes(node)}];")
    edge = {"color": quote(colors.edge), "fontname": quote(FONT), "fontsize": str(EDGE_FONT_SIZE), "fontcolor": quote(colors.text)}
    lines.append(f"  edge [{_attributes(edge)}];")

    children, members = nesting(blueprint)

    def emit_group(group: Group | None, depth: int, indent: str) -> None:
        for component in members.get(group.id if group else None, []):
            node = _node(component, base_dir, outline.get(component.id), options.styles.get(f"node:{component.id}", {}),
                         node_notes.get(component.id), colors.icon_tile)
            lines.append(f"{indent}{node}")
        for child in children.get(group.id if group else None, []):
            cluster = {
                "label": quote(child.label),
                "style": quote("rounded,filled"),
                "fillcolor": quote(colors.cluster_fills[depth % len(colors.cluster_fills)]),
                "pencolor": quote(colors.cluster_pen),
                "labeljust": "l",
                "fontsize": str(CLUSTER_FONT_SIZE),
                "margin": "12",
            }
            _restyle(cluster, options.styles.get(f"cluster:{child.id}", {}))
            lines.append(f"{indent}subgraph {quote('cluster_' + child.id)} {{")
            lines.append(f"{indent}  graph [{_attributes(cluster)}];")
            emit_group(child, depth + 1, indent + "  ")
            lines.append(f"{indent}}}")

    emit_group(None, 0, "  ")
    plan = plan_large_layout(blueprint) if options.large else None
    unlabelled = repeated_fan_labels(blueprint.connections)
    shared = frozenset(call for calls in shared_group_calls(blueprint).values() for call in calls) \
        if variant.shared_beside else frozenset()
    for index, (connection, ends) in enumerate(zip(blueprint.connections, connection_ends(blueprint))):
        deferred = plan is not None and index in plan.deferred
        lines.append("  " + _edge(blueprint, connection, ends, options, index not in unlabelled,
                                  options.styles.get(f"edge:{index}", {}), deferred, edge_notes.get(connection),
                                  shared))
    for tail, head, minlen in plan.spacers if plan else ():
        lines.append(f"  {quote(tail)} -> {quote(head)} [style=invis, minlen={minlen}, sdiagram={SPACER}];")
    for source, target in dead_letter_edges(blueprint):
        lines.append(f"  {quote(source)} -> {quote(target)} [{_attributes(DEAD_LETTER_EDGE)}];")
    if variant.group_bands:
        for source, target in group_band_edges(blueprint):
            lines.append(f"  {quote(source)} -> {quote(target)} [style=invis, weight=0];")
    if variant.leaf_stores_beside and variant.newrank:
        for caller, store in leaf_stores(blueprint):
            lines.append(f"  {{rank=same; {quote(caller)}; {quote(store)}}}")
    lines += _hint_lines(blueprint)
    lines.append("}")
    return "\n".join(lines) + "\n"


def packs(blueprint: Blueprint) -> bool:
    """Does the `packed` variant pack this blueprint's layout? Not when it has layout
    hints: moving its groups afterwards would undo the ranks and order they ask for."""
    hints = blueprint.layout
    return not (hints.same_rank or hints.order or hints.group_order)


# Where a DOT names an icon: a node's `image` attribute (a DOT string), or the
# `<img>` of a tiled label (`_tiled_label`, an XML attribute). User text can
# match neither: its quotes are escaped (`\\"` in a DOT string, `&quot;` in an
# HTML-like label).
_ICON_REFERENCE = re.compile(r'\bimage="(?P<dot>(?:[^"\\]|\\.)*)"|<img src="(?P<html>[^"]*)"')


def _icon_reference(match: re.Match[str]) -> str:
    if match["dot"] is not None:
        return match["dot"].replace('\\"', '"').replace("\\\\", "\\")
    return html.unescape(match["html"])


def icon_names(dot_text: str) -> list[str]:
    """The icon names a DOT text references (relative to the image roots), each once, sorted."""
    return sorted({_icon_reference(match) for match in _ICON_REFERENCE.finditer(dot_text)})


def rebase_images(dot_text: str, image_roots: Iterable[str], new_path: Callable[[str, str], str]) -> str:
    """The DOT with every icon name replaced by `new_path(file found, name)`.

    For DOT that plain `dot` must render: an icon name is relative to one of
    `image_roots`, which only sdiagram tells Graphviz about.
    """
    roots = tuple(image_roots)

    def replace(match: re.Match[str]) -> str:
        name = _icon_reference(match)
        for root in roots:
            found = os.path.join(root, name)
            if os.path.isfile(found):
                path = new_path(os.path.abspath(found), name)
                return f"image={quote(path)}" if match["dot"] is not None else f'<img src="{html.escape(path)}"'
        return match.group(0)

    return _ICON_REFERENCE.sub(replace, dot_text)


def nesting(blueprint: Blueprint) -> tuple[dict[str | None, list[Group]], dict[str | None, list[Component]]]:
    """The groups inside each group and the components directly in each (None: the top level), in source order.

    A group with no component at any depth is left out: Graphviz draws no empty
    cluster anyway, and a blueprint of many empty groups would cost every
    candidate layout its DOT."""
    members: dict[str | None, list[Component]] = {}
    for component in blueprint.components.values():
        members.setdefault(component.group, []).append(component)
    holding: set[str] = set()
    for group_id in members:
        while group_id is not None and group_id not in holding:
            holding.add(group_id)
            group_id = blueprint.groups[group_id].parent
    children: dict[str | None, list[Group]] = {}
    for group in blueprint.groups.values():
        if group.id in holding:
            children.setdefault(group.parent, []).append(group)
    return children, members


def _restyle(attributes: dict[str, str], extra: Mapping[str, str | None]) -> None:
    for key, value in extra.items():
        if value is None:
            attributes.pop(key, None)
        else:
            attributes[key] = value


def _node(component: Component, base_dir: str, severity: str | None, extra: Mapping[str, str | None] = {},
          note: "Note | None" = None, tile: str | None = None) -> str:
    label_lines = wrap(component.label, LABEL_WIDTH)
    counts = [f"\u00d7{component.replicas}"] if component.replicas >= 2 else []
    if component.shards >= 2:
        counts.append(f"{component.shards} shards")
    if counts:
        label_lines.append(" \u00b7 ".join(counts))
    icon = _icon_name(component, base_dir)
    attributes = {
        "label": quote("\n".join(label_lines)),
        "image": quote(icon),
        "height": f"{NODE_HEIGHT + LINE_HEIGHT * (len(label_lines) - (-0.4 if note else 1)):.2f}",
        "tooltip": quote_tooltip(_tooltip(component)),
    }
    if note is not None or tile is not None:
        text = "<br/>".join(html_text(line) for line in label_lines)
        if note is not None:
            text += f'<br/><font color="{note.color}"><b>{html_text(note.text)}</b></font>'
        attributes["label"] = f"<{text}>"
        attributes["sdiagram"] = HTML_LABEL
        if tile is not None:
            del attributes["image"]
            attributes["label"] = _tiled_label(icon, text, tile)
    if component.link:
        # The compiler accepts only http(s) URLs; Graphviz XML-escapes it in the SVG.
        attributes.update({"URL": quote(component.link), "target": quote("_blank")})
    if severity in ("error", "warning"):
        attributes.update(
            {
                "shape": "box",
                "style": quote("rounded,bold"),
                "color": quote(SEVERITY_COLORS[severity]),
                "penwidth": "3",
            }
        )
    _restyle(attributes, extra)
    return f"{quote(component.id)} [{_attributes(attributes)}];"


def _tiled_label(icon: str, text: str, tile: str) -> str:
    """An HTML-like node label: the icon (its name as `_icon_name` gives it:
    no quote or backslash) on a rounded tile of colour `tile`, and `text`
    (HTML-like label text) below it.

    The tile is a table of its own inside the label's first cell, so a line of
    text wider than the tile widens the label, not the tile. The node keeps
    its size and `labelloc=b`: the text sits where it sits without a tile."""
    return (
        '<<table border="0" cellspacing="0" cellpadding="0">'
        f'<tr><td><table border="0" cellspacing="0" bgcolor="{tile}" style="rounded"><tr>'
        f'<td fixedsize="true" width="{ICON_TILE_PT}" height="{ICON_TILE_PT}" cellpadding="{ICON_TILE_PADDING_PT}">'
        f'<img src="{html.escape(icon)}" scale="true"/></td></tr></table></td></tr>'
        f'<tr><td height="{ICON_TILE_GAP_PT}"></td></tr>'
        f"<tr><td>{text}</td></tr></table>>"
    )


def _tooltip(component: Component) -> str:
    """What a reader sees on hover: the component's `description`, after its id and kind."""
    heading = f"{component.id} ({component.kind}{', ' + component.tech if component.tech else ''})"
    return f"{heading}\n{component.description}" if component.description else heading


def _hint_lines(blueprint: Blueprint) -> list[str]:
    """The blueprint's `layout:` hints as DOT (ids were checked by the compiler)."""
    hints = blueprint.layout
    lines = []
    for row in hints.same_rank:
        lines.append("  {rank=same; " + "; ".join(quote(c) for c in row) + "}")
    for row in hints.order:
        # Invisible edges inside one rank keep their order across it; Graphviz
        # puts the first one at the bottom when ranks run left to right.
        ordered = tuple(reversed(row)) if blueprint.direction in ("LR", "RL") else row
        chain = " -> ".join(quote(c) for c in ordered)
        lines.append(f"  {{rank=same; {chain} [style=invis]}}")
    for row in hints.group_order:
        for before, after in zip(row, row[1:]):
            for x in blueprint.members(before):
                for y in blueprint.members(after):
                    lines.append(f"  {quote(x)} -> {quote(y)} [style=invis, weight=0];")
    return lines


def dead_letter_edges(blueprint: Blueprint) -> list[tuple[str, str]]:
    """(queue, dead-letter target) for every `dead_letter:` not already drawn as a connection."""
    drawn = {(c.source, c.target) for c in blueprint.connections}
    drawn |= {(c.target, c.source) for c in blueprint.connections if c.bidirectional}
    return [
        (component.id, component.dead_letter)
        for component in blueprint.components.values()
        if component.dead_letter and (component.id, component.dead_letter) not in drawn
    ]


# Past this many invisible edges the bands cost more layout time than they save.
MAX_BAND_EDGES = 600


def group_band_edges(blueprint: Blueprint) -> list[tuple[str, str]]:
    """Invisible edges from every member of a calling group to each component
    it calls in another group, for each pair
    of groups called one way only (neither nested in the other, no path back;
    replies are not calls). The called group then starts after the calling
    one ends instead of sharing its ranks."""
    def chain(group: str | None) -> list[str]:
        found = []
        while group is not None:
            found.append(group)
            group = blueprint.groups[group].parent
        return found

    members: dict[str, list[str]] = {}
    for component in blueprint.components.values():
        if component.group is not None:
            members.setdefault(component.group, []).append(component.id)
    entries: dict[tuple[str, str], set[str]] = {}
    for connection in blueprint.connections:
        if connection.source_is_group or connection.target_is_group or connection.reply:
            continue
        a = blueprint.components[connection.source].group
        b = blueprint.components[connection.target].group
        if a is None or b is None or a in chain(b) or b in chain(a):
            continue
        entries.setdefault((a, b), set()).add(connection.target)
        if connection.bidirectional:
            entries.setdefault((b, a), set()).add(connection.source)
    calls: dict[str, set[str]] = {}
    for a, b in entries:
        calls.setdefault(a, set()).add(b)

    def reaches(start: str, goal: str) -> bool:
        seen, todo = set(), [start]
        while todo:
            group = todo.pop()
            if group == goal:
                return True
            if group not in seen:
                seen.add(group)
                todo += sorted(calls.get(group, ()))
        return False

    edges: list[tuple[str, str]] = []
    for (a, b), targets in sorted(entries.items()):
        if reaches(b, a):
            continue  # a cycle between groups: no order to impose
        edges += [(x, y) for x in members[a] for y in sorted(targets) if x != y]
    return edges if len(edges) <= MAX_BAND_EDGES else []


def shared_group_calls(blueprint: Blueprint) -> dict[tuple[str, str], list[tuple[str, str]]]:
    """(deepest caller group, shared group) -> its calls (source, target), for
    every group that three or more others call (replies are not calls).

    The deepest caller is the one furthest down the chain of groups calling
    groups (longest path; ties by id). Left out: a group whose callers are all
    equally deep, and one that reaches its deepest caller back (a cycle)."""
    calls: dict[str, set[str]] = {}
    edges: list[tuple[str, str, str, str]] = []  # source, target, their groups
    for connection in blueprint.connections:
        if connection.reply or connection.source_is_group or connection.target_is_group:
            continue
        caller = blueprint.components[connection.source].group
        called = blueprint.components[connection.target].group
        if caller is None or called is None or caller in _ancestry(blueprint, called) \
                or called in _ancestry(blueprint, caller):
            continue
        calls.setdefault(caller, set()).add(called)
        edges.append((connection.source, connection.target, caller, called))
    callers: dict[str, set[str]] = {}
    for caller, called_groups in calls.items():
        for called in called_groups:
            callers.setdefault(called, set()).add(caller)
    depths: dict[str, int] = {}

    def depth(group: str, path: frozenset[str] = frozenset()) -> int:
        if group not in depths:
            above = [depth(c, path | {group}) for c in sorted(callers.get(group, ())) if c not in path]
            depths[group] = 1 + max(above) if above else 0
        return depths[group]

    def reach(group: str) -> set[str]:
        seen: set[str] = set()
        todo = [group]
        while todo:
            current = todo.pop()
            if current not in seen:
                seen.add(current)
                todo += sorted(calls.get(current, ()))
        return seen

    found: dict[tuple[str, str], list[tuple[str, str]]] = {}
    for called in sorted(callers):
        if len(callers[called]) < 3:
            continue
        deepest = max(sorted(callers[called]), key=depth)
        if depth(deepest) == min(depth(c) for c in callers[called]) or deepest in reach(called):
            continue
        found[(deepest, called)] = [(s, t) for s, t, a, b in edges if (a, b) == (deepest, called)]
    return found


def _ancestry(blueprint: Blueprint, group: str | None) -> list[str]:
    """The group and the groups around it, innermost first."""
    found: list[str] = []
    while group is not None:
        found.append(group)
        group = blueprint.groups[group].parent
    return found


def leaf_stores(blueprint: Blueprint) -> list[tuple[str, str]]:
    """(caller, store) for every data store or dead-letter queue that only one
    component talks to and that talks to nobody: it can sit beside its caller
    instead of a rank further out. One per caller: a second one beside it
    would have its edge jump over the first."""
    neighbours: dict[str, set[str]] = {c: set() for c in blueprint.components}
    sources: set[str] = set()
    for connection in blueprint.connections:
        if connection.source_is_group or connection.target_is_group:
            continue
        neighbours[connection.source].add(connection.target)
        neighbours[connection.target].add(connection.source)
        sources.add(connection.source)
        if connection.bidirectional:
            sources.add(connection.target)
    for queue, dead_letters in dead_letter_edges(blueprint):
        neighbours[queue].add(dead_letters)
        neighbours[dead_letters].add(queue)
        sources.add(queue)
    leaves = {c.id for c in blueprint.components.values() if c.kind in STORE_KINDS}
    leaves |= {c.dead_letter for c in blueprint.components.values() if c.dead_letter}
    pairs = []
    beside: set[str] = set()
    for component in blueprint.components.values():
        near = neighbours[component.id]
        if component.id in leaves and component.id not in sources and len(near) == 1:
            caller = next(iter(near))
            if blueprint.components[caller].group == component.group and caller not in beside:
                beside.add(caller)
                pairs.append((caller, component.id))
    return pairs


def repeated_fan_labels(connections: tuple[Connection, ...]) -> set[int]:
    """Indexes of connections whose label is drawn on a sibling instead.

    `a -> [b, c, d]: call` (or `"[a, b] -> c": call`) is one label written
    once; drawn on every edge, the copies sit side by side and read as one
    ("callcall"). It is drawn once, on the middle edge of the fan.
    """
    fans: dict[tuple, list[int]] = {}
    for index, connection in enumerate(connections):
        if connection.label:
            line = (connection.span.line, connection.span.column, connection.label)
            fans.setdefault(line + ("from", connection.source), []).append(index)
            fans.setdefault(line + ("to", connection.target), []).append(index)
    repeated: set[int] = set()
    for members in fans.values():
        if len(members) > 1:
            keep = members[len(members) // 2]
            repeated |= {index for index in members if index != keep}
    return repeated


def _edge(blueprint: Blueprint, connection: Connection, ends: tuple[str, str], options: DotOptions,
          labelled: bool = True, extra: Mapping[str, str | None] = {}, deferred: bool = False,
          note: "Note | None" = None, shared: frozenset[tuple[str, str]] = frozenset()) -> str:
    attributes: dict[str, str] = {"sdiagram": DEFERRED} if deferred else {}
    text = (connection.label or "") if labelled else ""
    if connection.protocol:
        text = f"{text}\n[{connection.protocol}]" if text else f"[{connection.protocol}]"
    if note is not None:
        text = f"{text}\n{note.text}" if text else note.text
        attributes["penwidth"] = f"{note.width:g}"
    if text:
        # A `label` becomes a node of its own in the layout (a large graph pays
        # for it twice); an `xlabel` is placed beside the edge afterwards.
        # A call that may share its caller's rank (`shared`) gets an `xlabel`
        # too: a `label` on an edge within one rank, between clusters, makes
        # Graphviz abort (mincross.c fixLabelOrder) without `newrank`.
        beside = (connection.source, connection.target) in shared
        attributes["xlabel" if options.large or beside else "label"] = quote(
            "\n".join(wrap(text, options.variant.edge_label_width))
        )
    if connection.is_async:
        attributes["style"] = "dashed"
    source, target = ends
    tail_group = connection.source if connection.source_is_group else None
    head_group = connection.target if connection.target_is_group else None
    if connection.reply:
        # A response path: dotted with an open arrowhead, and laid out as the
        # request it answers (drawn from target to source with the arrow
        # reversed), so it does not pull the layout. Not `constraint=false`:
        # with a label, between clusters, that makes Graphviz abort (mincross.c
        # fixLabelOrder; tests/fixtures/abort-constraint-false-labels.dot).
        attributes.update({"style": "dotted", "dir": "back", "arrowtail": "vee"})
        source, target, tail_group, head_group = target, source, head_group, tail_group
    if connection.bidirectional:
        attributes["dir"] = "both"
    cross_group = options.variant.cross_group
    if cross_group and group_of(blueprint, connection, "source") != group_of(blueprint, connection, "target"):
        attributes[cross_group] = "0" if cross_group == "weight" else "false"
    if shared and (connection.source, connection.target) in shared and not connection.reply:
        attributes["minlen"] = "0"
    if tail_group:
        attributes["ltail"] = quote("cluster_" + tail_group)
    if head_group:
        attributes["lhead"] = quote("cluster_" + head_group)
    _restyle(attributes, extra)
    suffix = f" [{_attributes(attributes)}]" if attributes else ""
    return f"{quote(source)} -> {quote(target)}{suffix};"


def group_of(blueprint: Blueprint, connection: Connection, end: str) -> str | None:
    """The group an end ("source" or "target") of a connection is drawn in."""
    endpoint = getattr(connection, end)
    if getattr(connection, f"{end}_is_group"):
        return endpoint
    return blueprint.components[endpoint].group


def _graph_label(blueprint: Blueprint, highlights: tuple[Highlight, ...], colors: Palette,
                 extra_rows: tuple[str, ...] = ()) -> str:
    rows = [f'<tr><td><font point-size="{TITLE_SIZE}"><b>{html_text(blueprint.title)}</b></font></td></tr>']
    if blueprint.summary:
        summary = "<br/>".join(html_text(line) for line in wrap(blueprint.summary, 110))
        rows.append(f'<tr><td><font point-size="13" color="{colors.muted_text}">{summary}</font></td></tr>')
    if highlights:
        rows.append(_legend(highlights, colors))
    rows += extra_rows
    return "<<table border=\"0\" cellpadding=\"2\" cellspacing=\"0\">" + "".join(rows) + "</table>>"


def _legend(highlights: tuple[Highlight, ...], colors: Palette) -> str:
    cells = []
    for highlight in highlights:
        color = SEVERITY_COLORS.get(highlight.severity, colors.text)
        lines = wrap(f"{highlight.code} {highlight.rule}: {highlight.message}", 120)
        text = '<br align="left"/>'.join(html_text(line) for line in lines) + '<br align="left"/>'

        cells.append(
            f'<font point-size="12" color="{color}"><b>{highlight.severity}</b></font>'
            f'<font point-size="12"> {text}</font>'
        )
    return framed_box("Lint findings", cells, colors)


def framed_box(title: str, cells: list[str], colors: Palette) -> str:
    """A graph-label row: a framed table with a bold heading, then one row per cell (HTML-like label text)."""
    return (
        f'<tr><td align="left"><table border="1" color="{colors.cluster_pen}" cellborder="0" cellpadding="3" cellspacing="0">'
        + f'<tr><td align="left"><font point-size="13"><b>{html_text(title)}</b></font></td></tr>'
        + "".join(f'<tr><td align="left">{cell}</td></tr>' for cell in cells)
        + "</table></td></tr>"
    )
