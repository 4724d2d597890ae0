"""Centre the title and summary of an SVG on the picture, whatever the viewer's font.

Graphviz writes every line of an HTML-like label as `text-anchor="start"` at
an x it computed with the font it had; a viewer with another font (or none of
DejaVu) draws the title off centre. The title block is centred on the graph,
so each of its lines is rewritten to `text-anchor="middle"` at the centre of
the drawing's background.
"""

from __future__ import annotations

import re

from .dot import TITLE_SIZE
from .theme import DARK, LIGHT

# The summary under the title is drawn in a theme's muted text colour.
_SUMMARY_COLORS = {palette.muted_text.lower().encode() for palette in (LIGHT, DARK)}

_BACKGROUND = re.compile(rb'<polygon fill="[^"]*" stroke="(?:transparent|none)" points="([^"]+)"')
_TEXT = re.compile(rb'<text ([^>]*?)text-anchor="start" x="[-0-9.]+"([^>]*)>')


def centre_title(svg: bytes) -> bytes:
    """`svg` with the lines of its title block anchored at the middle."""
    background = _BACKGROUND.search(svg)
    if background is None:
        return svg
    xs = [float(point.split(b",")[0]) for point in background.group(1).split()]
    centre = f"{(min(xs) + max(xs)) / 2:.2f}".encode()
    # The title block: the graph's own texts, before the first cluster, node or edge.
    start = background.end()
    end = svg.find(b"<g id=", start)
    end = len(svg) if end < 0 else end
    head = svg[start:end]
    lines = _count_title_lines(head)
    if lines == 0:  # re.sub would read 0 as "all"
        return svg
    centred = _TEXT.sub(
        lambda m: b"<text " + m.group(1) + b'text-anchor="middle" x="' + centre + b'"' + m.group(2) + b">",
        head,
        count=lines,
    )
    return svg[:start] + centred + svg[end:]


def _count_title_lines(head: bytes) -> int:
    """How many of the head's texts are title and summary (the legend's are left-aligned)."""
    lines = 0
    for match in re.finditer(rb'<text [^>]*font-size="([0-9.]+)"[^>]*fill="([^"]+)"', head):
        size, colour = float(match.group(1)), match.group(2).lower()
        if size >= TITLE_SIZE or colour in _SUMMARY_COLORS:
            lines += 1
        else:
            break
    return lines
