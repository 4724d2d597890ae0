"""`link:` makes a node clickable in the SVG and `description:` becomes its tooltip; both escaped; http(s) only."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import sdiagram
from sdiagram.renderer import render

from conftest import run_cli

LINKED = """
components:
  api:
    kind: service
    description: "Orders <b>API</b> & \\"friends\\"\\nsecond line"
    link: "https://example.com/run?a=1&b=<x>\\"y"
  db: {kind: database, link: "http://wiki.example/db"}
  plain: {kind: cache}
connections:
  - api -> db
  - api -> plain
"""

XLINK = "{http://www.w3.org/1999/xlink}"


def _anchors(svg: bytes) -> dict[str, ET.Element]:
    root = ET.fromstring(svg)
    found = {}
    for group in root.iter("{http://www.w3.org/2000/svg}g"):
        if group.get("class") == "node":
            title = group.find("{http://www.w3.org/2000/svg}title").text
            found[title] = next(group.iter("{http://www.w3.org/2000/svg}a"))
    return found


def test_link_and_description_in_the_svg(write_blueprint):
    svg = render(sdiagram.load(write_blueprint(LINKED)), "svg")
    anchors = _anchors(svg)  # parses: the escaping kept the SVG well-formed
    assert anchors["api"].get(f"{XLINK}href") == 'https://example.com/run?a=1&b=<x>"y'
    assert anchors["api"].get("target") == "_blank"
    assert anchors["api"].get(f"{XLINK}title") == 'api (service)\nOrders <b>API</b> & "friends"\nsecond line'
    assert anchors["db"].get(f"{XLINK}href") == "http://wiki.example/db"
    assert anchors["plain"].get(f"{XLINK}href") is None and anchors["plain"].get(f"{XLINK}title") == "plain (cache)"
    assert b"<b>API" not in svg and b"&lt;b&gt;API" in svg


def test_only_http_links_are_accepted(write_blueprint):
    for bad in ("javascript:alert(1)", "file:///etc/passwd", "data:text/html,<script>", "//evil.example"):
        path = write_blueprint(f"components:\n  api: {{kind: service, link: '{bad}'}}\n")
        result = run_cli("render", path, "-f", "svg", "--check")
        assert result.exit_code == 2 and ":2:" in result.output and "http://" in result.output, (bad, result.output)


def test_links_carry_into_the_exports(write_blueprint):
    blueprint = sdiagram.load(write_blueprint(LINKED))
    mermaid = render(blueprint, "mermaid").decode()
    assert 'click n_api href "https://example.com/run?a=1&b=%3Cx%3E%22y" _blank' in mermaid
    drawio = ET.fromstring(render(blueprint, "drawio"))
    objects = {o.get("id"): o for o in drawio.iter("UserObject")}
    assert objects["n-api"].get("link") == 'https://example.com/run?a=1&b=<x>"y'
    assert objects["n-api"].get("tooltip").endswith('Orders <b>API</b> & "friends"\nsecond line')
    assert objects["n-plain"].get("link") is None
