"""`--theme light|dark|auto`: background, text, edges and clusters change; icons keep their
colours (on a light tile in `dark`)."""

from __future__ import annotations

import dataclasses
import re
import subprocess
import sys

import pytest

import sdiagram
from sdiagram.cli.render_cache import icon_files
from sdiagram.icons import resolve_class_path
from sdiagram.renderer import dot_options, image_roots, render, render_formats
from sdiagram.renderer.dot import icon_names, to_dot
from sdiagram.renderer.engine import layout_and_render
from sdiagram.renderer.theme import DARK, LIGHT, svg_css

from conftest import BLUEPRINTS, run_cli

BLUEPRINT = """
name: themed
title: Themed
summary: Two tiers.
components:
  users: {kind: client}
  api: {kind: service, replicas: 2, group: app}
  db: {kind: database, tech: postgresql, replicas: 2, group: data}
groups:
  app: {label: App}
  data: {label: Data, parent: app}
connections:
  - users -> api: HTTPS
  - api -> db: {label: write, async: true}
"""


def _icons(svg: bytes) -> list[bytes]:
    return re.findall(rb'xlink:href="(data:image/[^"]+)"', svg)


def test_dark_changes_background_text_edges_and_clusters_but_not_icons(write_blueprint):
    blueprint = sdiagram.load(write_blueprint(BLUEPRINT))
    light = render(blueprint, "svg")
    dark = render(blueprint, "svg", theme="dark")
    text = dark.decode()
    assert f'fill="{DARK.background.lower()}"' in text
    assert f'fill="{DARK.text.lower()}"' in text and f'fill="{LIGHT.text.lower()}"' not in text
    assert f'stroke="{DARK.edge.lower()}"' in text and f'stroke="{LIGHT.edge.lower()}"' not in text
    assert f'fill="{DARK.cluster_fills[0].lower()}"' in text and f'fill="{DARK.cluster_fills[1].lower()}"' in text
    assert f'fill="{DARK.muted_text.lower()}"' in text
    assert _icons(dark) == _icons(light) and _icons(light)
    # every icon on a light tile (drawn by Graphviz, so PNG and PDF have it too); no CSS
    assert text.count(f'fill="{DARK.icon_tile.lower()}"') == len(blueprint.components) == text.count("<use ")
    assert "<style>" not in text
    assert render(blueprint, "svg", theme="dark") == dark
    assert render(blueprint, "png", theme="dark") != render(blueprint, "png")


def test_auto_is_the_light_drawing_plus_css_that_matches_it(write_blueprint):
    blueprint = sdiagram.load(write_blueprint(BLUEPRINT))
    light = render(blueprint, "svg")
    auto = render(blueprint, "svg", theme="auto")
    assert auto.replace(b"\n<style>\n" + svg_css("auto").encode() + b"</style>", b"") == light
    css = svg_css("auto")
    assert css.startswith("@media (prefers-color-scheme: dark)")
    # every colour the CSS looks for is one the light SVG really uses, and every
    # light colour of the palette is covered (so nothing stays light in dark mode)
    looked_for = set(re.findall(r"\[(?:fill|stroke)='([^']+)'\]", css))
    used = set(re.findall(r'(?:fill|stroke)="([^"]+)"', light.decode()))
    assert looked_for - {c.lower() for c in LIGHT.cluster_fills[2:]} <= used  # this blueprint nests 2 deep
    palette = {LIGHT.background, LIGHT.text, LIGHT.muted_text, LIGHT.edge, LIGHT.cluster_pen, LIGHT.cluster_fills[0], LIGHT.cluster_fills[1]}
    assert {c.lower() for c in palette} <= looked_for
    image_rules = re.findall(r"^\s*image \{([^}]*)\}", css, re.M)
    assert image_rules == [" filter: drop-shadow(0 0 1.5px rgba(255, 255, 255, 0.85)); "]  # icons only get a halo


def test_theme_is_part_of_the_cache_key(write_blueprint, tmp_path):
    path = write_blueprint(BLUEPRINT)
    out = tmp_path / "out"
    assert "wrote" in run_cli("render", path, "-o", str(out), "-f", "svg").output
    dark = run_cli("render", path, "-o", str(out), "-f", "svg", "--theme", "dark")
    assert "wrote" in dark.output and f'fill="{DARK.background.lower()}"' in (out / "themed.svg").read_text()
    assert "up to date" in run_cli("render", path, "-o", str(out), "-f", "svg", "--theme", "dark").output
    assert run_cli("render", path, "-o", str(out), "-f", "svg", "--check").exit_code == 1
    bad = run_cli("render", path, "--theme", "sepia")
    assert bad.exit_code == 2 and "sepia" in bad.output


def test_dark_dot_draws_each_icon_on_a_tile_and_light_dot_has_none(write_blueprint):
    blueprint = sdiagram.load(write_blueprint(BLUEPRINT))
    light = to_dot(blueprint, dot_options(blueprint))
    dark = to_dot(blueprint, dot_options(blueprint, theme="dark"))
    tiles = re.findall(r'<table border="0" cellspacing="0" bgcolor="([^"]+)" style="rounded"><tr><td [^>]*>'
                       r'<img src="([^"]+)" scale="true"/></td>', dark)
    assert len(tiles) == len(blueprint.components) and {colour for colour, _ in tiles} == {DARK.icon_tile}
    assert "image=" not in dark and " image=" in light
    assert "<img" not in light and LIGHT.icon_tile is None
    # the same icons, found the same way by everything that looks for them
    assert icon_names(dark) == icon_names(light) == sorted({name for _, name in tiles})
    roots = image_roots(blueprint)
    assert icon_files(dark, roots) == icon_files(light, roots) and len(icon_files(light, roots)) == 3


def test_dark_render_of_a_bundled_design_to_every_format(tmp_path):
    out = tmp_path / "out"
    path = str(BLUEPRINTS / "url-shortener.yaml")
    result = run_cli("render", path, "-o", str(out), "-f", "svg,png,pdf,drawio", "--theme", "dark", "--stats")
    assert result.exit_code == 0, result.output
    assert "warning" not in result.output.lower()
    assert (out / "url-shortener.png").read_bytes().startswith(b"\x89PNG")
    assert (out / "url-shortener.pdf").read_bytes().startswith(b"%PDF")
    svg = (out / "url-shortener.svg").read_text()
    assert svg.count(f'fill="{DARK.icon_tile.lower()}"') == 10 and svg.count("<use ") == 10
    drawio = (out / "url-shortener.drawio").read_text()
    assert drawio.count(f"imageBackground={DARK.icon_tile}") == 10 and "&lt;table" not in drawio
    # the layout and its numbers are the light drawing's: the tile sits inside the node
    light = run_cli("render", path, "-o", str(tmp_path / "light"), "-f", "svg", "--stats")
    stats = [line.split(": layout ")[1] for line in (result.output + light.output).splitlines() if ": layout " in line]
    assert len(stats) == 2 and stats[0] == stats[1], stats


@pytest.mark.parametrize("name", ["url-shortener", "news-feed"])
def test_the_tiles_reach_the_png_and_pdf(name):
    blueprint = sdiagram.load(BLUEPRINTS / f"{name}.yaml")
    roots = image_roots(blueprint)
    options = dot_options(blueprint, theme="dark")
    tiled = to_dot(blueprint, options)
    bare = to_dot(blueprint, dataclasses.replace(options, palette=dataclasses.replace(DARK, icon_tile=None)))
    with_tiles = layout_and_render(tiled, ("png", "pdf"), roots)
    without = layout_and_render(bare, ("png", "pdf"), roots)
    assert not with_tiles.warnings
    assert with_tiles.outputs["png"] != without.outputs["png"]
    assert len(with_tiles.outputs["pdf"]) > len(without.outputs["pdf"])  # a path more per component
    light = render_formats(blueprint, (), measure=True).metrics
    dark = render_formats(blueprint, (), theme="dark", measure=True).metrics
    assert dark is not None and light is not None
    assert dataclasses.replace(dark, empty_fraction=0) == dataclasses.replace(light, empty_fraction=0)
    assert abs(dark.empty_fraction - light.empty_fraction) < 0.01


UNTRUSTED = r"""
name: untrusted
title: Untrusted
components:
  a: {kind: service, icon: "icons/a&b's <x>.png", label: "x < y & \"z\" > 'w'\n</td></tr></table>> \\N \\G"}
  b: {kind: database, label: "<img src=\"../../etc/passwd\"/> &amp;"}
connections:
  - a -> b
"""


@pytest.mark.parametrize("mode", ["absolute", "copy"])
def test_untrusted_labels_and_icon_names_in_a_tiled_label(write_blueprint, tmp_path, mode):
    path = write_blueprint(UNTRUSTED)
    (tmp_path / "icons").mkdir(exist_ok=True)
    with open(resolve_class_path("onprem.queue.Kafka").file, "rb") as icon:
        (tmp_path / "icons" / "a&b's <x>.png").write_bytes(icon.read())
    blueprint = sdiagram.load(path)
    assert blueprint.components["a"].label.count("\n") == 1
    rendered = render_formats(blueprint, ("svg", "dot", "drawio"), theme="dark")
    dot_text = rendered.outputs["dot"].decode()
    assert icon_names(dot_text) == sorted(["icons/a&b's <x>.png", "resources/generic/database/sql.png"])
    svg = rendered.outputs["svg"].decode()
    texts = re.findall(r"<text [^>]*>([^<]*)</text>", svg)
    assert "x &lt; y &amp; &quot;z&quot; &gt;" in texts and "&#39;w&#39;" in texts
    assert "&lt;/td&gt;&lt;/tr&gt;&lt;/table&gt;&gt;" in texts and "\\N \\G" in texts
    assert texts[-4:] == ["&lt;img", "src=&quot;../../etc/pass", "wd&quot;/&gt;", "&amp;amp;"]  # wrapped
    assert svg.count("<g id=\"node") == 2 and svg.count("<use ") == 2 and svg.count("<image ") == 2
    drawio = rendered.outputs["drawio"].decode()
    assert "x &lt; y &amp; &quot;z&quot; &gt;&#10;'w'&#10;&lt;/td&gt;" in drawio
    assert 'label="&lt;img&#10;src=&quot;../../etc/pass&#10;wd&quot;/&gt;&#10;&amp;amp;"' in drawio
    # --dot-icons: the DOT plain Graphviz renders finds the icon with its escaped name
    out = tmp_path / "out"
    result = run_cli("render", str(path), "-o", str(out), "-f", "dot", "--theme", "dark", "--dot-icons", mode)
    assert result.exit_code == 0, result.output
    written = (out / "untrusted.dot").read_text()
    prefix = "untrusted.icons/" if mode == "copy" else str(tmp_path) + "/"
    assert f'<img src="{prefix}icons/a&amp;b&#x27;s &lt;x&gt;.png"' in written
    script = ("import pygraphviz,sys; g=pygraphviz.AGraph('untrusted.dot'); g.layout('dot'); "
              "sys.stdout.buffer.write(g.draw(format='svg'))")
    drawn = subprocess.run([sys.executable, "-c", script], cwd=out, capture_output=True, check=True)
    assert drawn.stdout.count(b"<image") == 2
    assert b"No such file" not in drawn.stderr and b"not found" not in drawn.stderr
