"""The large-graph layout: groups packed in a grid, connections between groups added afterwards."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ElementTree

import pytest

import sdiagram
from sdiagram.renderer import render_formats
from sdiagram.renderer.large import plan_large_layout


def blueprint_text(groups: int = 6, per_group: int = 5) -> str:
    lines = ["name: big", "components:", "  users: {kind: client}"]
    for g in range(groups):
        for i in range(per_group):
            lines.append(f"  c{g}_{i}: {{kind: service, group: g{g}}}")
    lines += ["groups:"] + [f"  g{g}: {{label: Group {g}, parent: zone{g // 3}}}" for g in range(groups)]
    lines += [f"  zone{z}: {{label: Zone {z}}}" for z in range((groups + 2) // 3)]
    lines += ["connections:", "  - users -> c0_0: HTTPS"]
    for g in range(groups):
        lines += [f"  - c{g}_0 -> c{g}_{i}: call" for i in range(1, per_group)]  # a tree inside each group
        lines.append(f"  - c{g}_1 -> c{(g * 7 + 3) % groups}_2: far")  # and calls between groups
    lines.append("  - c0_1 -> g3: to a group")
    return "\n".join(lines) + "\n"


@pytest.fixture
def big(write_blueprint, monkeypatch):
    import sdiagram.renderer

    monkeypatch.setattr(sdiagram.renderer, "LARGE_GRAPH_COMPONENTS", 10)
    return sdiagram.load(write_blueprint(blueprint_text()))


def test_the_plan_defers_exactly_the_connections_between_groups(big):
    plan = plan_large_layout(big)
    between = {
        i for i, c in enumerate(big.connections)
        if c.source_is_group or c.target_is_group
        or big.components[c.source].group is None
        or big.components[c.source].group != big.components[c.target].group
    }
    assert plan.deferred == frozenset(between)
    assert len(between) == 8  # users -> c0_0, six calls between groups, c0_1 -> g3
    # every group's first node is held in the grid by a spacer, the first one excepted
    heads = {head for _, head, _ in plan.spacers}
    assert {f"c{g}_0" for g in range(6)} - heads <= {"c0_0"}
    assert all(minlen >= 0 for _, _, minlen in plan.spacers)


def test_a_large_blueprint_draws_every_connection(big):
    rendered = render_formats(big, ("svg", "dot"))
    dot_text = rendered.outputs["dot"].decode()
    assert dot_text.count("sdiagram=deferred") == 8
    assert "style=invis, minlen=" in dot_text
    root = ElementTree.fromstring(rendered.outputs["svg"])
    edges = [g for g in root.iter("{http://www.w3.org/2000/svg}g") if g.get("class") == "edge"]
    drawn = [e for e in edges if e.find("{http://www.w3.org/2000/svg}path") is not None]
    visible = [e for e in drawn if 'stroke="transparent"' not in ElementTree.tostring(e, encoding="unicode")]
    assert len(visible) == len(big.connections), len(visible)
    assert rendered.outputs["svg"].count(b">far</text>") == 6


def test_the_large_layout_is_deterministic(big):
    first = render_formats(big, ("svg",)).outputs["svg"]
    second = render_formats(big, ("svg",)).outputs["svg"]
    assert first == second


@pytest.mark.parametrize("direction", ["LR", "TB"])
def test_groups_are_packed_into_a_grid_not_one_column(write_blueprint, monkeypatch, direction):
    """24 groups of 5 in one zone-less diagram: without packing they line up in one tall column."""
    import sdiagram.renderer

    monkeypatch.setattr(sdiagram.renderer, "LARGE_GRAPH_COMPONENTS", 10)
    text = blueprint_text(groups=24).replace(", parent: zone", ", x: zone").split("  zone0:")[0]
    text = re.sub(r", x: zone\d+", "", text)
    text += "connections:\n" + blueprint_text(groups=24).split("connections:\n", 1)[1]
    text = text.replace("name: big", f"name: big\ndirection: {direction}")
    blueprint = sdiagram.load(write_blueprint(text))
    svg = render_formats(blueprint, ("svg",)).outputs["svg"].decode()
    width, height = (float(v) for v in re.search(r'viewBox="0.00 0.00 ([\d.]+) ([\d.]+)"', svg).groups())
    assert 0.25 < width / height < 4, (width, height)


@pytest.mark.skipif(__import__("shutil").which("dot") is None, reason="needs Graphviz's dot binary")
def test_the_dot_binary_fallback_lays_a_large_graph_out_in_two_passes(big, monkeypatch):
    from sdiagram.renderer import engine

    dot_text = render_formats(big, ("dot",)).outputs["dot"].decode()
    first_pass, deferred = engine.split_deferred_edges(dot_text)
    assert len(deferred) == 8 and "sdiagram=deferred" not in first_pass
    calls: list[list[str]] = []
    real_run = engine._run_dot

    def recording_run(command, text, stderr):
        calls.append(command)
        return real_run(command, text, stderr)

    monkeypatch.setattr(engine, "engine_name", lambda: "dot")  # as when pygraphviz cannot load
    monkeypatch.setattr(engine, "_run_dot", recording_run)
    rendered = engine.layout_and_render(dot_text, ("svg",), ())
    assert len(calls) == 2 and "-Tdot" in calls[0] and "-Knop2" in calls[1]
    root = ElementTree.fromstring(rendered.outputs["svg"])
    edges = [g for g in root.iter("{http://www.w3.org/2000/svg}g") if g.get("class") == "edge"]
    drawn = [e for e in edges if e.find("{http://www.w3.org/2000/svg}path") is not None]
    visible = [e for e in drawn if 'stroke="transparent"' not in ElementTree.tostring(e, encoding="unicode")]
    assert len(visible) == len(big.connections)
    assert rendered.outputs["svg"].count(b">far</text>") == 6
    # a small graph has nothing deferred: one run of dot, as before
    calls.clear()
    small = sdiagram.load(str(__import__("conftest").BLUEPRINTS / "url-shortener.yaml"))
    engine.layout_and_render(render_formats(small, ("dot",)).outputs["dot"].decode(), ("svg",), ())
    assert len(calls) == 1 and "-Knop2" not in calls[0]
