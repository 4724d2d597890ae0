"""Colour themes: `light` (the default), `dark`, and `auto`.

A theme changes the background, text, edges and clusters; icons and the lint
outlines keep their colours. `dark` draws each icon on a light rounded tile
(`Palette.icon_tile`): many icons are black or dark grey and would vanish on
the dark background. `auto` is the light drawing plus a CSS block that
switches an SVG to the dark colours when the reader's system asks for
`prefers-color-scheme: dark` (browsers, GitHub, MkDocs Material). Formats
without CSS (PNG, PDF) are drawn light for `auto`.
"""

from __future__ import annotations

from dataclasses import dataclass

THEMES = ("light", "dark", "auto")


@dataclass(frozen=True)
class Palette:
    background: str
    text: str
    muted_text: str  # the summary under the title
    edge: str
    cluster_pen: str
    cluster_fills: tuple[str, ...]  # by nesting depth
    # The card each icon is drawn on (`dot._tiled_label`), or None: the icon
    # alone, with the label below it.
    icon_tile: str | None = None


LIGHT = Palette(
    background="white",
    text="#2D3436",
    muted_text="#5A6368",
    edge="#7B8894",
    cluster_pen="#AEB6BE",
    cluster_fills=("#E5F5FD", "#EBF3E7", "#ECE8F6", "#FDF7E3"),
)
DARK = Palette(
    background="#161B22",
    text="#E6EDF3",
    muted_text="#9DA7B3",
    edge="#8B98A5",
    cluster_pen="#4A5561",
    cluster_fills=("#1C2B36", "#1F2A22", "#262236", "#2E2A1C"),
    icon_tile="#E3E8EE",
)


def palette(theme: str) -> Palette:
    """The colours drawn into the DOT: dark for `dark`, light otherwise (`auto` switches by CSS)."""
    return DARK if theme == "dark" else LIGHT


# `auto` repaints a light drawing, whose icons have no tile: dark and black
# icons (servers, Kafka) would vanish on the dark background; a soft light
# halo keeps them readable without changing their colours.
_ICON_HALO = "image { filter: drop-shadow(0 0 1.5px rgba(255, 255, 255, 0.85)); }"


def _dark_rules() -> list[str]:
    """CSS that repaints a light SVG in the dark palette.

    Graphviz writes colours as lowercase presentation attributes; CSS rules
    win over those, so each light colour is matched by attribute and replaced.
    """
    rules = [
        f".graph > polygon[fill='{LIGHT.background.lower()}'] {{ fill: {DARK.background}; }}",
        f"text[fill='{LIGHT.text.lower()}'] {{ fill: {DARK.text}; }}",
        f"text[fill='{LIGHT.muted_text.lower()}'] {{ fill: {DARK.muted_text}; }}",
        f".edge path[stroke='{LIGHT.edge.lower()}'], .edge polygon[stroke='{LIGHT.edge.lower()}'] {{ stroke: {DARK.edge}; }}",
        f".edge polygon[fill='{LIGHT.edge.lower()}'] {{ fill: {DARK.edge}; }}",
        f".cluster [stroke='{LIGHT.cluster_pen.lower()}'] {{ stroke: {DARK.cluster_pen}; }}",
    ]
    rules += [
        f".cluster [fill='{light.lower()}'] {{ fill: {dark}; }}"
        for light, dark in zip(LIGHT.cluster_fills, DARK.cluster_fills)
    ]
    return rules + [_ICON_HALO]


def svg_css(theme: str) -> str | None:
    """The CSS an SVG of this theme carries: `auto` switches to dark under
    prefers-color-scheme: dark; `light` and `dark` need none (`dark` draws its
    icons on tiles, in every format)."""
    if theme == "auto":
        body = "\n".join("  " + rule for rule in _dark_rules())
        return f"@media (prefers-color-scheme: dark) {{\n{body}\n}}\n"
    return None


def style_svg(svg: bytes, theme: str) -> bytes:
    """Insert the theme's CSS as the first child of the SVG root element."""
    css = svg_css(theme)
    start = svg.find(b"<svg")
    end = svg.find(b">", start)
    if css is None or start < 0 or end < 0:
        return svg
    return svg[: end + 1] + b"\n<style>\n" + css.encode("ascii") + b"</style>" + svg[end + 1 :]
