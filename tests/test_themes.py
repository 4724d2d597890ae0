"""`--theme light|dark|auto`: background, text, edges and clusters change; icons keep their colours."""

from __future__ import annotations

import re

import sdiagram
from sdiagram.renderer import render
from sdiagram.renderer.theme import DARK, LIGHT, svg_css

from conftest import run_cli

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
    assert "<style>" in text and "drop-shadow" in text  # a halo keeps black icons readable
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
