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

import os
import re
import textwrap
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Mapping

from .. import icons
from ..model import Blueprint, Component, Connection, Group
from .large import DEFERRED, SPACER, connection_ends, plan_large_layout
from .theme import LIGHT, Palette

if TYPE_CHECKING:
    from .estimate_overlay import Note, Overlay

FONT = "Sans-Serif"
SEVERITY_COLORS = {"error": "#D62728", "warning": "#E8A317", "info": "#1F77B4"}
LABEL_WIDTH = 13  # characters per line under an icon: the node is 1.4 in (~100 pt) wide
NODE_HEIGHT = 1.9
LINE_HEIGHT = 0.25


@dataclass(frozen=True)
class Highlight:
    """A lint finding to list in the diagram's legend."""

    severity: str
    code: str
    rule: str
    message: str


@dataclass(frozen=True)
class DotOptions:
    highlights: tuple[Highlight, ...] = ()
    # component id -> severity of its outline (lint.component_severities)
    outlines: Mapping[str, str] = field(default_factory=dict)
    # Settings for very large graphs (see renderer.LARGE_GRAPH_COMPONENTS).
    large: bool = False
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
    graph = {
        "label": _graph_label(blueprint, options.highlights, colors, options.label_rows),
        "labelloc": "t",
        "fontname": quote(FONT),
        "fontsize": "15",
        "fontcolor": quote(colors.text),
        "rankdir": blueprint.direction,
        "pad": "0.5",
        "nodesep": "0.6",
        "ranksep": "0.9",
        "splines": "spline",
        "compound": "true",
        "bgcolor": quote(colors.background),
        # Required, not cosmetic: with the classic ranking, the Graphviz 14 in
        # the pygraphviz wheels aborts (mincross.c fixLabelOrder assertion) on
        # clustered graphs of ~100+ nodes with edge labels.
        "newrank": "true",
    }
    if options.large:
        # Crossing minimisation and network simplex dominate on large graphs;
        # one mincross pass and short simplex runs keep the time near-linear.
        graph.update({"splines": "line", "nslimit": "0.2", "nslimit1": "0.2", "mclimit": "0.05", "remincross": "false"})
    lines.append(f"  graph [{_attributes(graph)}];")
    node = {
        "shape": "none",
        "fixedsize": "true",
        "width": "1.4",
        "height": str(NODE_HEIGHT),
        "labelloc": "b",
        "imagescale": "true",
        "imagepos": "tc",
        "fontname": quote(FONT),
        "fontsize": "13",
        "fontcolor": quote(colors.text),
    }
    lines.append(f"  node [{_attributes(node)}];")
    edge = {"color": quote(colors.edge), "fontname": quote(FONT), "fontsize": "11", "fontcolor": quote(colors.text)}
    lines.append(f"  edge [{_attributes(edge)}];")

    children, members = nesting(blueprint)

    def emit_group(group: Group | None, depth: int, indent: str) -> None:
        for component in members.get(group.id if group else None, []):
            node = _node(component, base_dir, outline.get(component.id), options.styles.get(f"node:{component.id}", {}),
                         node_notes.get(component.id))
            lines.append(f"{indent}{node}")
        for child in children.get(group.id if group else None, []):
            cluster = {
                "label": quote(child.label),
                "style": quote("rounded,filled"),
                "fillcolor": quote(colors.cluster_fills[depth % len(colors.cluster_fills)]),
                "pencolor": quote(colors.cluster_pen),
                "labeljust": "l",
                "fontsize": "12",
                "margin": "16",
            }
            _restyle(cluster, options.styles.get(f"cluster:{child.id}", {}))
            lines.append(f"{indent}subgraph {quote('cluster_' + child.id)} {{")
            lines.append(f"{indent}  graph [{_attributes(cluster)}];")
            emit_group(child, depth + 1, indent + "  ")
            lines.append(f"{indent}}}")

    emit_group(None, 0, "  ")
    plan = plan_large_layout(blueprint) if options.large else None
    for index, (connection, ends) in enumerate(zip(blueprint.connections, connection_ends(blueprint))):
        deferred = plan is not None and index in plan.deferred
        lines.append("  " + _edge(connection, ends, options.large, options.styles.get(f"edge:{index}", {}), deferred,
                                  edge_notes.get(connection)))
    for tail, head, minlen in plan.spacers if plan else ():
        lines.append(f"  {quote(tail)} -> {quote(head)} [style=invis, minlen={minlen}, sdiagram={SPACER}];")
    lines.append("}")
    return "\n".join(lines) + "\n"


def nesting(blueprint: Blueprint) -> tuple[dict[str | None, list[Group]], dict[str | None, list[Component]]]:
    """The groups inside each group and the components directly in each (None: the top level), in source order."""
    children: dict[str | None, list[Group]] = {}
    for group in blueprint.groups.values():
        children.setdefault(group.parent, []).append(group)
    members: dict[str | None, list[Component]] = {}
    for component in blueprint.components.values():
        members.setdefault(component.group, []).append(component)
    return children, members


def _restyle(attributes: dict[str, str], extra: Mapping[str, str | None]) -> None:
    for key, value in extra.items():
        if value is None:
            attributes.pop(key, None)
        else:
            attributes[key] = value


def _node(component: Component, base_dir: str, severity: str | None, extra: Mapping[str, str | None] = {},
          note: "Note | None" = None) -> str:
    label_lines = wrap(component.label, LABEL_WIDTH)
    counts = [f"\u00d7{component.replicas}"] if component.replicas >= 2 else []
    if component.shards >= 2:
        counts.append(f"{component.shards} shards")
    if counts:
        label_lines.append(" \u00b7 ".join(counts))
    attributes = {
        "label": quote("\n".join(label_lines)),
        "image": quote(_icon_name(component, base_dir)),
        "height": f"{NODE_HEIGHT + LINE_HEIGHT * (len(label_lines) - (-0.4 if note else 1)):.2f}",
        "tooltip": quote_tooltip(_tooltip(component)),
    }
    if note is not None:
        attributes["label"] = ("<" + "<br/>".join(html_text(line) for line in label_lines)
                               + f'<br/><font color="{note.color}"><b>{html_text(note.text)}</b></font>>')
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


def _tooltip(component: Component) -> str:
    """What a reader sees on hover: the component's `description`, after its id and kind."""
    heading = f"{component.id} ({component.kind}{', ' + component.tech if component.tech else ''})"
    return f"{heading}\n{component.description}" if component.description else heading


def _edge(connection: Connection, ends: tuple[str, str], large: bool = False,
          extra: Mapping[str, str | None] = {}, deferred: bool = False, note: "Note | None" = None) -> str:
    attributes: dict[str, str] = {"sdiagram": DEFERRED} if deferred else {}
    text = connection.label or ""
    if connection.protocol:
        text = f"{text}\n[{connection.protocol}]" if text else f"[{connection.protocol}]"
    if note is not None:
        text = f"{text}\n{note.text}" if text else note.text
        attributes["penwidth"] = f"{note.width:g}"
    if text:
        # A `label` becomes a node of its own in the layout (a large graph pays
        # for it twice); an `xlabel` is placed beside the edge afterwards.
        attributes["xlabel" if large else "label"] = quote("\n".join(wrap(text, 28)))
    if connection.is_async:
        attributes["style"] = "dashed"
    if connection.reply:
        # a response path: dotted, open arrowhead, and it does not pull the layout
        attributes.update({"style": "dotted", "arrowhead": "vee", "constraint": "false"})
    if connection.bidirectional:
        attributes["dir"] = "both"
    if connection.source_is_group:
        attributes["ltail"] = quote("cluster_" + connection.source)
    if connection.target_is_group:
        attributes["lhead"] = quote("cluster_" + connection.target)
    _restyle(attributes, extra)
    source, target = ends
    suffix = f" [{_attributes(attributes)}]" if attributes else ""
    return f"{quote(source)} -> {quote(target)}{suffix};"


def _graph_label(blueprint: Blueprint, highlights: tuple[Highlight, ...], colors: Palette,
                 extra_rows: tuple[str, ...] = ()) -> str:
    rows = [f'<tr><td><font point-size="22"><b>{html_text(blueprint.title)}</b></font></td></tr>']
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
