"""The render stage: DOT generation, Graphviz output, self-contained deterministic SVG."""

from __future__ import annotations

import os
import re
import struct

import pygraphviz
import pytest

import sdiagram
from sdiagram.renderer import Highlight, image_roots, render_formats, to_dot
from sdiagram.renderer.dot import DotOptions, quote
from sdiagram.renderer.engine import PNG_MAX_PIXELS, _png_scale

SMALL = """
name: small
title: Small
summary: A small design.
direction: TB
components:
  users: {kind: client}
  lb: {kind: load_balancer, replicas: 2}
  api: {kind: service, replicas: 2, group: app}
  db: {kind: database, tech: postgresql, replicas: 2, group: data}
  q: {kind: queue, tech: kafka, group: data}
groups:
  app: {label: App tier}
  data: {label: Data, parent: app}
connections:
  - users -> lb: HTTPS
  - lb -> app
  - api -> db: {label: read, protocol: sql}
  - api -> q: {label: publish, async: true}
  - api <-> users
"""


def parsed(dot_text: str) -> pygraphviz.AGraph:
    return pygraphviz.AGraph(string=dot_text)


def shown(value: str) -> str:
    """What Graphviz draws for an attribute value: `\\n` is a line break, `\\x` is x."""
    return re.sub(r"\\(.)", lambda m: "\n" if m.group(1) == "n" else m.group(1), value)


def test_dot_structure(write_blueprint):
    blueprint = sdiagram.load(write_blueprint(SMALL))
    graph = parsed(to_dot(blueprint))
    assert sorted(graph.nodes()) == ["api", "db", "lb", "q", "users"]
    assert graph.graph_attr["rankdir"] == "TB"
    assert graph.graph_attr["splines"] == "spline"  # never ortho: labels must stay on their edges
    app = graph.get_subgraph("cluster_app")
    assert app.graph_attr["label"] == "App tier"
    data = app.get_subgraph("cluster_data")  # nested groups nest
    assert sorted(data.nodes()) == ["db", "q"]
    assert app.graph_attr["fillcolor"] != data.graph_attr["fillcolor"]
    assert graph.get_edge("api", "q").attr["style"] == "dashed"
    assert shown(graph.get_edge("api", "db").attr["label"]) == "read\n[sql]"
    assert graph.get_edge("api", "users").attr["dir"] == "both"
    group_edge = graph.get_edge("lb", "api")
    assert group_edge.attr["lhead"] == "cluster_app"
    assert graph.graph_attr["compound"] == "true"
    assert graph.get_node("lb").attr["image"] == "resources/aws/network/elastic-load-balancing.png"
    assert graph.get_node("db").attr["image"] == "resources/onprem/database/postgresql.png"
    assert shown(graph.get_node("lb").attr["label"]) == "lb\n\u00d72"


def test_dot_holds_no_machine_path(write_blueprint):
    blueprint = sdiagram.load(write_blueprint(SMALL))
    dot_text = to_dot(blueprint)
    assert os.path.dirname(blueprint.path) not in dot_text
    assert "site-packages" not in dot_text and "/" + "resources" not in dot_text


HOSTILE = [
    'quote " inside',
    "back\\slash \\N \\G \\l \\\\",
    "<b>tags</b> & <script>alert(1)</script>",
    "two\nlines",
    "emoji \U0001F680\U0001F525",
    "CJK \u4e2d\u6587\u6807\u7b7e",
    "RTL \u05e2\u05d1\u05e8\u05d9\u05ea \u0627\u0644\u0639\u0631\u0628\u064a\u0629",
    'x"]; evil [label="pwned"]; y -> z; a [label="',
    "} digraph g { injected",
]


@pytest.mark.parametrize("label", HOSTILE)
def test_labels_render_literally_and_cannot_inject(write_blueprint, label):
    text = "components:\n  a: {kind: service, label: LABEL}\n  b: {kind: service}\nconnections:\n  - a -> b: LABEL\n"
    import json

    blueprint = sdiagram.load(write_blueprint(text.replace("LABEL", json.dumps(label, ensure_ascii=False))))
    assert blueprint.components["a"].label == label
    graph = parsed(to_dot(blueprint))
    assert sorted(graph.nodes()) == ["a", "b"]
    assert len(graph.edges()) == 1
    # Graphviz reads back exactly the text we meant (wrapped onto lines).
    node_label = graph.get_node("a").attr["label"]
    edge_label = graph.get_edge("a", "b").attr["label"]
    def squeeze(text: str) -> str:
        return "".join(text.split())

    for value in (node_label, edge_label):
        assert squeeze(shown(value)) == squeeze(label)


def test_hostile_label_is_escaped_in_svg(write_blueprint):
    blueprint = sdiagram.load(write_blueprint(
        'title: "<script>alert(1)</script> & co"\ncomponents:\n  a: {kind: service, label: "<script>x</script>"}\n'
    ))
    svg = sdiagram.render(blueprint, "svg").decode()
    assert "<script>" not in svg
    assert "&lt;script&gt;" in svg


def test_quote_escapes_everything_dot_interprets():
    assert quote('a"b') == '"a\\"b"'
    assert quote("a\\Nb") == '"a\\\\Nb"'
    assert quote("a\nb") == '"a\\nb"'


def test_svg_is_self_contained(write_blueprint, tmp_path):
    (tmp_path / "logo.png").write_bytes(
        open(os.path.join(image_roots(sdiagram.load(write_blueprint(SMALL)))[0], "resources/onprem/client/users.png"), "rb").read()
    )
    blueprint = sdiagram.load(write_blueprint(SMALL.replace("{kind: client}", "{kind: client, icon: logo.png}")))
    svg = sdiagram.render(blueprint, "svg").decode()
    hrefs = re.findall(r'xlink:href="([^"]*)"', svg)
    uses = re.findall(r'<use xlink:href="#(icon-[0-9a-f]{16})" x="[-\d.]+" y="[-\d.]+"/>', svg)
    defined = dict(re.findall(r'<image id="(icon-[0-9a-f]{16})" xlink:href="([^"]*)"', svg))
    assert len(uses) == 5 and set(uses) == set(defined)  # five icons drawn, each distinct one defined once
    assert len(defined) == 5 and all(uri.startswith("data:image/png;base64,") for uri in defined.values())
    assert len(hrefs) == len(uses) + len(defined)
    assert str(tmp_path) not in svg and "site-packages" not in svg and "resources/" not in svg
    header = re.search(r"<svg [^>]*>", svg).group(0)
    assert re.search(r'width="\d+pt"', header) and re.search(r'height="\d+pt"', header)
    assert 'viewBox="0.00 0.00 ' in header


def test_output_is_deterministic(write_blueprint):
    path = write_blueprint(SMALL)
    first = render_formats(sdiagram.load(path), ("svg", "dot"))
    second = render_formats(sdiagram.load(path), ("dot", "svg"))
    assert first.outputs["svg"] == second.outputs["svg"]
    assert first.outputs["dot"] == second.outputs["dot"]


def test_one_layout_serves_every_format(write_blueprint):
    rendered = render_formats(sdiagram.load(write_blueprint(SMALL)), ("svg", "png", "pdf", "dot"))
    assert rendered.outputs["png"].startswith(b"\x89PNG\r\n\x1a\n")
    assert rendered.outputs["pdf"].startswith(b"%PDF")
    assert rendered.outputs["svg"].lstrip().startswith(b"<?xml")
    assert rendered.outputs["dot"].startswith(b'digraph "small"')
    width, height = struct.unpack(">II", rendered.outputs["png"][16:24])
    svg_width = float(re.search(rb'<svg width="(\d+)pt"', rendered.outputs["svg"]).group(1))
    assert abs(width - svg_width * 96 / 72) < 3  # same layout, 96 dpi


def test_python_api_and_jupyter(write_blueprint):
    blueprint = sdiagram.load(write_blueprint(SMALL))
    assert isinstance(sdiagram.render(blueprint, "png"), bytes)
    assert blueprint._repr_svg_().lstrip().startswith("<?xml")
    with pytest.raises(sdiagram.renderer.RenderError, match="unknown format 'gif'"):
        sdiagram.render(blueprint, "gif")


def test_lint_highlights_outline_components_and_add_a_legend(write_blueprint):
    blueprint = sdiagram.load(write_blueprint(SMALL))
    highlights = (
        Highlight("error", "SD101", "single-point-of-failure", "q is a single point of failure"),
        Highlight("warning", "SD105", "missing-cache", "api reads db with no cache"),
    )
    outlines = {"q": "error", "api": "warning"}
    graph = parsed(to_dot(blueprint, DotOptions(highlights=highlights, outlines=outlines)))
    assert graph.get_node("q").attr["color"] == "#D62728"
    assert graph.get_node("api").attr["color"] == "#E8A317"
    assert graph.get_node("users").attr["color"] in (None, "")
    assert "Lint findings" in graph.graph_attr["label"]
    assert "q is a single point of failure" in graph.graph_attr["label"]


def test_png_scale_keeps_under_cairo_limit():
    assert _png_scale(1000, 1000) is None
    scale = _png_scale(40_000, 1000)
    assert scale is not None and 40_000 * 96 / 72 * scale <= PNG_MAX_PIXELS


def test_huge_png_is_scaled_down_with_a_warning(write_blueprint):
    components = "\n".join(f"  c{i}: {{kind: service}}" for i in range(260))
    chain = "\n".join(f"  - c{i} -> c{i + 1}" for i in range(259))
    blueprint = sdiagram.load(write_blueprint(f"components:\n{components}\nconnections:\n{chain}\n"))
    rendered = render_formats(blueprint, ("png",))
    width, height = struct.unpack(">II", rendered.outputs["png"][16:24])
    assert max(width, height) <= PNG_MAX_PIXELS
    assert any("over cairo's limit" in warning for warning in rendered.warnings)


@pytest.mark.parametrize(
    "message, expected",
    [
        ("libglib-2.0.so.0: cannot open shared object file: No such file or directory",
         "the system library libglib-2.0.so.0 is missing; install it (Debian/Ubuntu: apt-get install libglib2.0-0)"),
        ("libXrender.so.1: cannot open shared object file: No such file or directory",
         "the system library libXrender.so.1 is missing; install it (Debian/Ubuntu: apt-get install libxrender1)"),
        ("dlopen(_graphviz.so): Library not loaded: @rpath/libcairo.2.dylib",
         "pygraphviz is installed but cannot be loaded: dlopen(_graphviz.so): Library not loaded"),
    ],
)
def test_an_installed_pygraphviz_that_cannot_load_names_the_missing_library(monkeypatch, message, expected):
    import builtins
    import shutil

    from sdiagram.renderer import engine

    real_import = builtins.__import__

    def failing_import(name, *args, **kwargs):
        if name == "pygraphviz":
            raise ImportError(message)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", failing_import)
    monkeypatch.setattr(shutil, "which", lambda name: None)
    with pytest.raises(sdiagram.renderer.RenderError) as raised:
        engine.engine_name()
    assert expected in str(raised.value)
    assert "install pygraphviz" not in str(raised.value)


def test_png_scale_bounds_the_area_too():
    from sdiagram.renderer.engine import PNG_MAX_AREA

    scale = _png_scale(17_000, 12_000)  # 22,667 x 16,000 px: under the side limit, 363 M pixels
    assert scale is not None
    width, height = (side * 96 / 72 * scale for side in (17_000, 12_000))
    assert width * height <= PNG_MAX_AREA and width * height > 0.9 * PNG_MAX_AREA


def test_an_icon_used_many_times_is_embedded_once(write_blueprint):
    components = "\n".join(f"  c{i}: {{kind: service}}" for i in range(40))
    svg = sdiagram.render(sdiagram.load(write_blueprint(f"components:\n{components}\n")), "svg").decode()
    assert svg.count("data:image/png;base64,") == 1
    assert svg.count('<use xlink:href="#icon-') == 40
    import xml.etree.ElementTree as ElementTree

    ElementTree.fromstring(svg)


@pytest.mark.parametrize("pad", ["0.5", "0.37", "0.5,0.2"])
@pytest.mark.parametrize("size", [3, 7, 12])
def test_an_opaque_png_is_written_as_rgb(write_blueprint, pad, size):
    """Graphviz rounds the padded size to whole pixels; rounded up, the last column
    or row is half covered and cairo writes RGBA (slower, larger). The PNG's pad
    is nudged so that every pixel is covered: RGB (IHDR colour type 2)."""
    from sdiagram.renderer.engine import layout_and_render

    components = "\n".join(f"  c{i}: {{kind: service, label: '{'x' * (i % 5 + 1)}'}}" for i in range(size))
    chain = "\n".join(f"  - c{i} -> c{i + 1}: {'y' * (i % 3)}" for i in range(size - 1))
    blueprint = sdiagram.load(write_blueprint(f"components:\n{components}\nconnections:\n{chain}\n"))
    dot_text = to_dot(blueprint, DotOptions()).replace("pad=0.5", f'pad="{pad}"')
    assert f'pad="{pad}"' in dot_text
    outputs = layout_and_render(dot_text, ("png", "json0"), image_roots(blueprint)).outputs
    assert outputs["png"][25] == 2
    # the nudge is the PNG's alone: what is drawn after it has the blueprint's pad
    assert outputs["json0"] == layout_and_render(dot_text, ("json0",), image_roots(blueprint)).outputs["json0"]
    assert f'"pad": "{pad}"'.encode() in outputs["json0"]


def test_committed_pngs_are_rgb():
    folder = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "output")
    pngs = [name for name in sorted(os.listdir(folder)) if name.endswith(".png")]
    assert len(pngs) == 6
    for name in pngs:
        with open(os.path.join(folder, name), "rb") as handle:
            assert handle.read(26)[25] == 2, name


def test_groups_without_components_are_left_out_of_the_dot(write_blueprint):
    blueprint = sdiagram.load(write_blueprint("""
name: empty-groups
components:
  api: {kind: service, group: inner}
groups:
  outer: {label: Outer}
  inner: {label: Inner, parent: outer}
  spare: {label: Spare}
  spare_child: {label: Spare child, parent: spare}
connections: []
"""))
    graph = parsed(to_dot(blueprint))
    # Graphviz draws no empty cluster; leaving them out keeps the DOT of many empty groups small.
    assert [sub.name for sub in graph.subgraphs()] == ["cluster_outer"]
    assert graph.get_subgraph("cluster_outer").get_subgraph("cluster_inner").nodes() == ["api"]
