"""Blueprint -> a Mermaid flowchart (GitHub renders these in Markdown and PR comments).

Needs no layout: groups become (nested) subgraphs, components nodes with their
label, connections edges with their label; asynchronous connections are dashed
and `a <-> b` has two arrow heads. Pure and deterministic.

Mermaid ids are built from the blueprint ids (`n_`/`g_` plus an injective
spelling of `-` and `_`), so no id can be a Mermaid keyword such as `end`.
Every label is written as a quoted string in which every character that means
something to Mermaid (quotes, brackets, pipes, `#`, `<`, `&`, ...) is an
entity code `#NNN;`, so no text can add nodes, edges or markup.
"""

from __future__ import annotations

import json

from ..model import Blueprint, Component, Connection
from .dot import nesting

_DIRECTIONS = {"LR": "LR", "RL": "RL", "TB": "TB", "BT": "BT"}
_PLAIN = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 .,:/()-_+*'")


def _id(prefix: str, name: str) -> str:
    return prefix + name.replace("_", "_0").replace("-", "_1")


def text(value: str) -> str:
    """A quoted Mermaid string showing `value` literally; line breaks become <br>."""
    lines = value.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    escaped = ["".join(ch if ch in _PLAIN else f"#{ord(ch)};" for ch in line) for line in lines]
    return '"' + "<br>".join(escaped) + '"'


def _url(link: str) -> str:
    """An http(s) link (the compiler checked it) with the characters that could end
    a Mermaid string or start markup percent-encoded."""
    from urllib.parse import quote

    return quote(link, safe=":/?#[]@!$&'()*+,;=%~-._")


def _node(component: Component) -> str:
    label = component.label
    if component.replicas >= 2:
        label += f"\n\u00d7{component.replicas}"
    return f"{_id('n_', component.id)}[{text(label)}]"


def _endpoint(name: str, is_group: bool) -> str:
    return _id("g_", name) if is_group else _id("n_", name)


def _edge(connection: Connection) -> str:
    label = connection.label or ""
    if connection.protocol:
        label = f"{label}\n[{connection.protocol}]" if label else f"[{connection.protocol}]"
    if connection.is_async:
        arrow = "<-.->" if connection.bidirectional else "-.->"
    else:
        arrow = "<-->" if connection.bidirectional else "-->"
    middle = f"{arrow}|{text(label)}|" if label else arrow
    source = _endpoint(connection.source, connection.source_is_group)
    target = _endpoint(connection.target, connection.target_is_group)
    return f"{source} {middle} {target}"


def to_mermaid(blueprint: Blueprint) -> str:
    lines = [
        "---",
        f"title: {json.dumps(blueprint.title)}",  # YAML front matter; JSON is valid YAML
        "---",
        f"flowchart {_DIRECTIONS[blueprint.direction]}",
    ]
    children, members = nesting(blueprint)

    def emit(group_id: str | None, indent: str) -> None:
        for component in members.get(group_id, []):
            lines.append(indent + _node(component))
        for child in children.get(group_id, []):
            lines.append(f"{indent}subgraph {_id('g_', child.id)}[{text(child.label)}]")
            emit(child.id, indent + "  ")
            lines.append(f"{indent}end")

    emit(None, "  ")
    lines += ["  " + _edge(connection) for connection in blueprint.connections]
    lines += [
        f'  click {_id("n_", c.id)} href "{_url(c.link)}" _blank' for c in blueprint.components.values() if c.link
    ]
    return "\n".join(lines) + "\n"
