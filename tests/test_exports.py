"""`-f mermaid` and `-f drawio`: structure, escaping, and Mermaid's own parser where node is present."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET

import pytest

import sdiagram
from sdiagram.renderer.dot import dead_letter_edges
from sdiagram.renderer import render, render_formats
from sdiagram.renderer.mermaid import text as mermaid_text

from conftest import BLUEPRINTS, REPO, run_cli

RICH = """
name: rich
title: Rich "export" <test>
direction: TB
components:
  users: {kind: client, label: Mobile & Web}
  end: {kind: service, label: "end", group: inner}
  api: {kind: service, label: "API ]] --> x[boom] | #1", replicas: 3, group: inner}
  kafka: {kind: queue, tech: kafka, group: outer}
  db: {kind: database, group: outer}
groups:
  outer: {label: Outer tier}
  inner: {label: "Inner <b>tier</b>", parent: outer}
connections:
  - users -> api: "GET /x?a=1&b=2"
  - api -> kafka: {label: publish, async: true, protocol: kafka}
  - api <-> db
  - users -> inner
  - kafka -> end
"""

NAMES = sorted(p.stem for p in BLUEPRINTS.glob("*.yaml"))


def _rich(write_blueprint):
    return sdiagram.load(write_blueprint(RICH))


# -- Mermaid -------------------------------------------------------------------


def test_mermaid_flowchart_structure(write_blueprint):
    text = render(_rich(write_blueprint), "mermaid").decode()
    lines = [line.strip() for line in text.splitlines()]
    assert lines[:4] == ["---", 'title: "Rich \\"export\\" <test>"', "---", "flowchart TB"]
    assert 'subgraph g_outer["Outer tier"]' in lines
    assert 'subgraph g_inner["Inner #60;b#62;tier#60;/b#62;"]' in lines
    # nesting: inner opens inside outer, and every subgraph is closed
    assert lines.index('subgraph g_inner["Inner #60;b#62;tier#60;/b#62;"]') > lines.index('subgraph g_outer["Outer tier"]')
    assert lines.count("end") == 2
    assert 'n_end["end"]' in lines  # a component called `end` cannot close a subgraph
    assert 'n_api -.->|"publish<br>#91;kafka#93;"| n_kafka' in lines
    assert "n_api <--> n_db" in lines
    assert "n_users --> g_inner" in lines
    assert 'n_users -->|"GET /x#63;a#61;1#38;b#61;2"| n_api' in lines


def test_mermaid_text_cannot_break_out():
    escaped = mermaid_text('a"] --> b[x|y]#;<script>`\nnext')
    assert escaped.startswith('"') and escaped.endswith('"')
    assert not re.search(r'[\[\]|<>`"]', escaped[1:-1].replace("<br>", ""))
    assert "<br>" in escaped


def test_mermaid_ids_are_distinct():
    from sdiagram.renderer.mermaid import _id

    ids = ["a-b", "a_b", "a_1b", "a__b", "a-_b"]
    assert len({_id("n_", i) for i in ids}) == len(ids)


def _js_modules(package: str) -> str | None:
    """The node_modules folder holding `package` and jsdom (`make js-check` installs them), if any."""
    candidates = [os.environ.get("SDIAGRAM_JS_MODULES", ""), str(REPO / ".cache" / "js" / "node_modules")]
    for folder in candidates:
        if folder and os.path.isfile(os.path.join(folder, package, "package.json")) and os.path.isdir(os.path.join(folder, "jsdom")):
            return folder
    return None


NO_NODE = pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")


@NO_NODE
@pytest.mark.skipif(_js_modules("mermaid") is None, reason="mermaid + jsdom npm packages absent: `make js-check` installs them")
def test_mermaid_parser_accepts_every_export(write_blueprint, tmp_path):
    files = []
    for name in NAMES:
        path = tmp_path / f"{name}.mmd"
        path.write_bytes(render(sdiagram.load(BLUEPRINTS / f"{name}.yaml"), "mermaid"))
        files.append(str(path))
    rich = tmp_path / "rich.mmd"
    rich.write_bytes(render(_rich(write_blueprint), "mermaid"))
    broken = tmp_path / "broken.mmd"
    broken.write_text("flowchart LR\n  a[x] --> |oops\n")  # the parser must be able to fail
    script = REPO / "tests" / "js" / "mermaid_parse.mjs"
    result = subprocess.run(
        ["node", str(script), _js_modules("mermaid"), *files, str(rich), str(broken)],
        capture_output=True, text=True, timeout=120, check=False,
    )
    lines = result.stdout.splitlines()
    assert lines[:-1] == ["ok flowchart-v2"] * (len(files) + 1), result.stdout + result.stderr
    assert lines[-1].startswith("error Parse error")


# -- draw.io -------------------------------------------------------------------


def _cells(xml_bytes: bytes) -> tuple[ET.Element, dict[str, tuple[ET.Element, dict]]]:
    """The mxGraphModel and its cells by id: (mxCell, attributes incl. a UserObject's)."""
    mxfile = ET.fromstring(xml_bytes)
    assert mxfile.tag == "mxfile"
    diagrams = mxfile.findall("diagram")
    assert len(diagrams) == 1
    model = diagrams[0].find("mxGraphModel")
    root = model.find("root")
    cells: dict[str, tuple[ET.Element, dict]] = {}
    for child in root:
        assert child.tag in ("mxCell", "UserObject"), child.tag
        if child.tag == "UserObject":
            inner = child.findall("mxCell")
            assert len(inner) == 1 and "id" not in inner[0].attrib
            attributes = {**inner[0].attrib, **child.attrib}
            cell = inner[0]
        else:
            attributes, cell = dict(child.attrib), child
        assert attributes["id"] not in cells, "duplicate id"
        cells[attributes["id"]] = (cell, attributes)
    return model, cells


def _style(attributes: dict) -> dict[str, str]:
    return dict(item.split("=", 1) if "=" in item else (item, "") for item in attributes["style"].split(";") if item)


def _check_mxgraph(xml_bytes: bytes) -> dict[str, tuple[ET.Element, dict]]:
    """The rules draw.io's mxCodec relies on."""
    _, cells = _cells(xml_bytes)
    assert "parent" not in cells["0"][1] and cells["1"][1]["parent"] == "0"
    for cell_id, (cell, attributes) in cells.items():
        if cell_id in ("0", "1"):
            continue
        assert attributes["parent"] in cells
        geometry = cell.find("mxGeometry")
        assert geometry is not None and geometry.get("as") == "geometry"
        assert (attributes.get("vertex") == "1") != (attributes.get("edge") == "1")
        if attributes.get("vertex") == "1":
            for key in ("x", "y", "width", "height"):
                float(geometry.get(key))
            assert float(geometry.get("width")) > 0 and float(geometry.get("height")) > 0
        else:
            assert attributes["source"] in cells and attributes["target"] in cells
            assert geometry.get("relative") == "1"
            points = geometry.find("Array")
            if points is not None:
                assert points.get("as") == "points"
                assert all(p.tag == "mxPoint" for p in points)
    return cells


@pytest.mark.parametrize("name", NAMES)
def test_drawio_of_each_bundled_design_is_valid_mxgraph(name):
    blueprint = sdiagram.load(BLUEPRINTS / f"{name}.yaml")
    cells = _check_mxgraph(render(blueprint, "drawio"))
    vertices = {i for i, (_, a) in cells.items() if a.get("vertex") == "1"}
    assert {f"n-{c}" for c in blueprint.components} <= vertices
    assert {f"g-{g}" for g in blueprint.groups} <= vertices
    drawn = len(blueprint.connections) + len(dead_letter_edges(blueprint))
    assert sum(1 for _, a in cells.values() if a.get("edge") == "1") == drawn


def test_drawio_uses_the_graphviz_layout_with_groups_as_containers(write_blueprint):
    blueprint = _rich(write_blueprint)
    rendered = render_formats(blueprint, ("drawio", "svg"))
    cells = _check_mxgraph(rendered.outputs["drawio"])
    geometry = {i: {k: float(c.find("mxGeometry").get(k, 0)) for k in ("x", "y", "width", "height")}
                for i, (c, a) in cells.items() if a.get("vertex") == "1"}
    assert cells["g-inner"][1]["parent"] == "g-outer"
    assert cells["n-api"][1]["parent"] == "g-inner" and cells["n-users"][1]["parent"] == "1"
    assert "container=1" in cells["g-outer"][1]["style"]
    # children lie inside their container (coordinates are relative to it)
    for child, parent in (("n-api", "g-inner"), ("n-end", "g-inner"), ("g-inner", "g-outer"), ("n-kafka", "g-outer")):
        c, p = geometry[child], geometry[parent]
        assert 0 <= c["x"] and c["x"] + c["width"] <= p["width"] + 0.01, (child, c, p)
        assert 0 <= c["y"] and c["y"] + c["height"] <= p["height"] + 0.01, (child, c, p)
    # icons embedded the way draw.io styles hold them
    style = _style(cells["n-kafka"][1])
    assert style["shape"] == "image" and style["image"].startswith("data:image/png,iVBOR")
    assert ";base64" not in cells["n-kafka"][1]["style"]
    # labels, tooltips and edges
    assert cells["n-api"][1]["label"] == "API ]] -->\nx[boom] | #1\n×3"  # wrapped as in the SVG
    assert cells["n-users"][1]["label"] == "Mobile & Web"
    edges = {(a["source"], a["target"]): a for _, a in cells.values() if a.get("edge") == "1"}
    assert edges[("n-api", "n-kafka")]["value"] == "publish\n[kafka]"
    assert _style(edges[("n-api", "n-kafka")]).get("dashed") == "1"
    assert _style(edges[("n-api", "n-db")]).get("startArrow") == "classic"
    assert ("n-users", "g-inner") in edges
    assert edges[("n-users", "n-api")]["value"] == "GET\n/x?a=1&b=2"  # wrapped as in the SVG
    # labels sit where Graphviz put them: an offset from draw.io's halfway point
    labelled = [cell for cell, attributes in cells.values() if attributes.get("edge") == "1" and attributes.get("value")]
    offsets = [cell.find("mxGeometry/mxPoint[@as='offset']") for cell in labelled]
    assert all(o is not None and abs(float(o.get("x"))) < 500 and abs(float(o.get("y"))) < 500 for o in offsets)
    # the same layout as the SVG: the icon sits where the SVG draws it (draw.io adds a 20 pt margin)
    svg = rendered.outputs["svg"].decode()
    icon = re.search(r"<title>users</title>.*?<(?:image|use) [^>]*? x=\"([-0-9.e]+)\"", svg, re.S)  # icons: <use>
    assert abs(float(icon.group(1)) - (geometry["n-users"]["x"] - 20)) < 0.05


@NO_NODE
@pytest.mark.skipif(_js_modules("mxgraph") is None, reason="mxgraph + jsdom npm packages absent: `make js-check` installs them")
def test_mxgraph_codec_decodes_every_export(write_blueprint, tmp_path):
    blueprints = [sdiagram.load(BLUEPRINTS / f"{name}.yaml") for name in NAMES] + [_rich(write_blueprint)]
    files = []
    for blueprint in blueprints:
        files.append(tmp_path / f"{blueprint.name}.drawio")
        files[-1].write_bytes(render(blueprint, "drawio"))
    broken = tmp_path / "broken.drawio"  # an edge to a cell that is not there must show
    broken.write_bytes(files[-1].read_bytes().replace(b'target="n-db"', b'target="n-nothing"'))
    script = REPO / "tests" / "js" / "mxgraph_decode.cjs"
    result = subprocess.run(["node", str(script), _js_modules("mxgraph"), *map(str, files), str(broken)],
                            capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stderr
    decoded = [json.loads(line) for line in result.stdout.splitlines()]
    for blueprint, counts in zip(blueprints, decoded):
        assert counts["edges"] == len(blueprint.connections) and counts["dangling"] == 0
        assert counts["vertices"] == len(blueprint.components) + len(blueprint.groups) + 1  # + the title
        assert counts["geometry"] == counts["vertices"] and counts["containers"] == len(blueprint.groups)
        assert counts["inside"] == sum(1 for c in blueprint.components.values() if c.group) + sum(
            1 for g in blueprint.groups.values() if g.parent)
    assert decoded[-1]["dangling"] == 1


def test_drawio_is_deterministic_and_holds_no_machine_path(write_blueprint):
    blueprint = _rich(write_blueprint)
    first = render(blueprint, "drawio")
    assert first == render(blueprint, "drawio")
    assert b"site-packages" not in first and os.fspath(REPO).encode() not in first


def _drawio_labels(drawio: bytes) -> dict[str, str]:
    return {obj.get("id"): obj.get("label") for obj in ET.fromstring(drawio).iter("UserObject")}


def test_drawio_labels_are_plain_text_with_the_estimate_and_markup_in_a_label_stays_literal(write_blueprint):
    blueprint = sdiagram.load(write_blueprint("""
name: est
traffic: {dau: 1M, requests_per_user: 10}
components:
  users: {kind: client}
  api: {kind: service, replicas: 2, label: "<i>a</i> & b"}
connections:
  - users -> api
"""))
    estimated = _drawio_labels(render_formats(blueprint, ("drawio",), with_estimate=True).outputs["drawio"])
    assert re.fullmatch(r"<i>a</i> & b\n\u00d72\n\d+% busy", estimated["n-api"]), estimated["n-api"]
    plain = _drawio_labels(render(blueprint, "drawio"))
    assert plain["n-api"] == "<i>a</i> & b\n\u00d72"


def test_render_command_writes_mmd_and_drawio(write_blueprint, tmp_path):
    path = write_blueprint(RICH)
    out = tmp_path / "out"
    result = run_cli("render", path, "-o", str(out), "-f", "mermaid,drawio")
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir() if p.is_file()) == ["rich.drawio", "rich.mmd"]
    assert "up to date" in run_cli("render", path, "-o", str(out), "-f", "mermaid,drawio").output
    assert run_cli("render", path, "-o", str(out), "-f", "mermaid,drawio", "--check").exit_code == 0
