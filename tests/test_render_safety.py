"""What reaches Graphviz is safe: labels that crash it, NUL and control
characters, Graphviz's own escapes; and a crash that still happens cannot take
the caller down."""

from __future__ import annotations

import json
import os
import xml.etree.ElementTree as ElementTree

import pytest

import sdiagram
from sdiagram.renderer import RenderError, to_dot
from sdiagram.renderer.dot import html_text, quote

from conftest import run_cli

ESCAPES = "\\G \\N \\L \\E \\T \\H \\l \\r \\n \\\\"


def blueprint_text(label: str) -> str:
    """Every place a user string reaches Graphviz: title, summary, component, edge and group labels."""
    value = json.dumps(label)
    return (
        f"title: {value}\nsummary: {value}\n"
        f"components:\n  a: {{kind: service, label: {value}, group: g}}\n  b: {{kind: database}}\n"
        f"groups:\n  g: {{label: {value}}}\n"
        f"connections:\n  - a -> b: {value}\n  - b -> g: {{label: {value}, protocol: {value}}}\n"
    )


def svg_texts(svg: bytes) -> list[str]:
    root = ElementTree.fromstring(svg)  # well-formed XML, or this raises
    return ["".join(element.itertext()) for element in root.iter("{http://www.w3.org/2000/svg}text")]


# The shapes that crash the Graphviz 14 of the pygraphviz wheels (SIGSEGV when it
# frees the layout): a plain-text label whose first line is empty.
EMPTY_FIRST_LINE = ["\ny", "\n\ny", "\r\ny", "\ry", "\n y\n"]


@pytest.mark.parametrize("label", EMPTY_FIRST_LINE)
def test_a_label_starting_with_a_line_break_renders(write_blueprint, label):
    blueprint = sdiagram.load(write_blueprint(blueprint_text(label)))
    svg = sdiagram.render(blueprint, "svg")
    assert svg_texts(svg)


def test_quote_keeps_the_first_line_of_a_label_non_empty():
    assert quote("\ny") == '" \\ny"'
    assert quote("x\n\ny") == '"x\\n\\ny"'  # only the first line matters


@pytest.mark.parametrize("character", ["\x00", "\x01", "\x08", "\x0b", "\x1d", "\x1f", "\x7f", "\ufffe"])
def test_control_characters_give_well_formed_svg_and_no_nul_in_dot(write_blueprint, tmp_path, character):
    path = write_blueprint(blueprint_text(f"a{character}b"))
    out = tmp_path / "out"
    result = run_cli("render", path, "-o", str(out), "-f", "dot,svg")
    assert result.exit_code == 0, result.output
    dot_bytes = (out / "bp.dot").read_bytes()
    assert b"\x00" not in dot_bytes
    dot_bytes.decode("utf-8")
    texts = svg_texts((out / "bp.svg").read_bytes())
    assert any(text.startswith("a") and text.endswith("b") and len(text) == 3 for text in texts)


def test_control_characters_are_shown_as_control_pictures():
    assert html_text("a\x00b\x1dc\td") == "a\u2400b\u241dc d"
    assert quote("a\x01b") == '"a\u2401b"'
    assert quote("a\ud800b\uffff") == '"a\ufffdb\ufffd"'  # a model built in Python may hold these


@pytest.mark.parametrize("fmt", ["svg", "png", "pdf"])
def test_a_nul_in_a_label_renders(write_blueprint, fmt):
    blueprint = sdiagram.load(write_blueprint(blueprint_text("before\x00after")))
    assert sdiagram.render(blueprint, fmt)


def test_graphviz_escapes_stay_literal_everywhere(write_blueprint):
    blueprint = sdiagram.load(write_blueprint(blueprint_text(f"Cost {ESCAPES}")))
    svg = sdiagram.render(blueprint, "svg")
    # Long labels are wrapped onto lines (one <text> each): compare without the spaces.
    drawn = "".join("".join(text.split()) for text in svg_texts(svg))
    expected = "".join(f"Cost {ESCAPES}".split())
    # title, summary, component, group, two edges and a protocol
    assert drawn.count(expected) == 7, drawn
    assert drawn.replace(expected, "") == "b[]", drawn  # nothing else drawn, nothing expanded


def test_a_graphviz_crash_in_the_api_raises_instead_of_killing_python(write_blueprint, monkeypatch):
    from sdiagram.renderer import batch

    monkeypatch.setattr(batch, "layout_and_render", lambda *args: os.abort())
    blueprint = sdiagram.load(write_blueprint(blueprint_text("fine")))
    with pytest.raises(RenderError, match=r"Graphviz crashed while laying out this blueprint \(SIGABRT\)"):
        sdiagram.render(blueprint, "svg")
    monkeypatch.undo()
    assert sdiagram.render(blueprint, "svg")  # and the interpreter carries on


def test_dot_of_every_hostile_label_parses(write_blueprint):
    import pygraphviz

    for label in EMPTY_FIRST_LINE + ["a\x00", "a\x1d", ESCAPES, '"]; x -> y; "']:
        dot_text = to_dot(sdiagram.load(write_blueprint(blueprint_text(label))))
        graph = pygraphviz.AGraph(string=dot_text)
        assert sorted(graph.nodes()) == ["a", "b"]


def test_a_description_tooltip_stays_literal_in_the_svg(write_blueprint):
    value = json.dumps(f"first {ESCAPES}\nsecond")
    blueprint = sdiagram.load(write_blueprint(f"components:\n  a: {{kind: service, description: {value}}}\n"))
    svg = sdiagram.render(blueprint, "svg")
    root = ElementTree.fromstring(svg)
    titles = [a.get("{http://www.w3.org/1999/xlink}title") for a in root.iter("{http://www.w3.org/2000/svg}a")]
    assert f"a (service)\nfirst {ESCAPES}\nsecond" in titles, titles
