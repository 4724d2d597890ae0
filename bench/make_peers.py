"""Write bench/peers/<name>.py: a mingrammer `diagrams` script per bundled blueprint.

The peers are ordinary, readable `diagrams` scripts, committed as source; this
helper only saves typing them by hand and keeps them in step with the
blueprints. Each peer draws what sdiagram draws for the same blueprint:

- the same icons (the `diagrams` class sdiagram picks: `icon`, else the tech's,
  else the kind's; see sdiagram/catalog.py),
- the same labels, wrapped the way sdiagram wraps them, with the `×N` replica
  line sdiagram adds,
- the same groups as (nested) `Cluster`s,
- the same connections as `Edge`s with their labels (protocol on a second
  line), `style="dashed"` for async ones, both arrowheads for `a <-> b`,
- the same direction and the title as the diagram's name;
  `show=False, outformat=["svg", "png"]`, written into the folder given on the
  command line.

Everything else is left at the `diagrams` defaults, as its users leave it.

    .venv/bin/python bench/make_peers.py           # rewrite bench/peers/*.py
    .venv/bin/python bench/make_peers.py --check   # exit 1 when a peer is stale
"""

from __future__ import annotations

import argparse
import json
import keyword
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
PEERS = os.path.join(HERE, "peers")
BLUEPRINTS = os.path.join(ROOT, "blueprints")


def _import_sdiagram():
    try:
        import sdiagram
        from sdiagram.catalog import KINDS, TECHS
        from sdiagram.renderer.dot import LABEL_WIDTH, wrap
    except ImportError as error:
        sys.exit(f"make_peers: cannot import sdiagram ({error}); run it with the dev venv's python")
    return sdiagram, KINDS, TECHS, LABEL_WIDTH, wrap


def _literal(text: str) -> str:
    """A double-quoted Python string literal (JSON's escapes are valid Python)."""
    return json.dumps(text, ensure_ascii=False)


def _identifier(component_id: str, taken: set[str]) -> str:
    name = component_id.replace("-", "_")
    if keyword.iskeyword(name) or name in taken:
        name += "_"
    return name


def peer_source(path: str) -> str:
    sdiagram, KINDS, TECHS, LABEL_WIDTH, wrap = _import_sdiagram()
    blueprint = sdiagram.load(path)

    # Icons: class path -> the name the script uses (aliased when two modules share a class name).
    class_paths: list[str] = []
    for component in blueprint.components.values():
        spec = component.icon or (TECHS[component.tech].icon if component.tech else KINDS[component.kind].icon)
        if not spec.count(".") == 2:
            raise SystemExit(f"make_peers: {path}: custom icon files are not supported here ({spec})")
        class_paths.append(spec)
    by_name: dict[str, set[str]] = {}
    for spec in class_paths:
        by_name.setdefault(spec.rsplit(".", 1)[1], set()).add(spec)
    local_name: dict[str, str] = {}
    for spec in class_paths:
        provider, _, cls = spec.split(".")
        local_name[spec] = cls if len(by_name[cls]) == 1 else provider.capitalize() + cls
    imports: dict[str, list[str]] = {}
    for spec, name in sorted(set(local_name.items())):
        module, cls = spec.rsplit(".", 1)
        imports.setdefault(module, []).append(cls if name == cls else f"{cls} as {name}")

    taken = set(local_name.values()) | {"Cluster", "Diagram", "Edge", "os", "sys", "out_dir"}
    variables: dict[str, str] = {}
    for component_id in blueprint.components:
        variables[component_id] = _identifier(component_id, taken)
        taken.add(variables[component_id])

    def node_line(component) -> str:
        lines = wrap(component.label, LABEL_WIDTH)
        if component.replicas >= 2:
            lines.append(f"\u00d7{component.replicas}")
        spec = component.icon or (TECHS[component.tech].icon if component.tech else KINDS[component.kind].icon)
        label = "\n".join(lines)
        return f"{variables[component.id]} = {local_name[spec]}({_literal(label)})"

    out: list[str] = []
    rel = os.path.relpath(path, ROOT)
    out.append(f'"""{blueprint.title}, drawn with mingrammer diagrams: the peer of {rel}.')
    out.append("")
    out.append(f"Usage: python {os.path.join('bench', 'peers', blueprint.name + '.py')} OUTPUT_DIR")
    out.append(f"writes OUTPUT_DIR/{blueprint.name}.svg and OUTPUT_DIR/{blueprint.name}.png.")
    out.append('"""')
    out.append("")
    out.append("import os")
    out.append("import sys")
    out.append("")
    out.append("from diagrams import Cluster, Diagram, Edge")
    for module in sorted(imports):
        out.append(f"from diagrams.{module} import {', '.join(sorted(imports[module]))}")
    out.append("")
    out.append('out_dir = sys.argv[1] if len(sys.argv) > 1 else "."')
    out.append("")
    out.append("with Diagram(")
    out.append(f"    {_literal(blueprint.title)},")
    out.append(f"    filename=os.path.join(out_dir, {_literal(blueprint.name)}),")
    out.append(f"    direction={_literal(blueprint.direction)},")
    out.append("    show=False,")
    out.append('    outformat=["svg", "png"],')
    out.append("):")

    members: dict[str | None, list] = {}
    for component in blueprint.components.values():
        members.setdefault(component.group, []).append(component)
    children: dict[str | None, list] = {}
    for group in blueprint.groups.values():
        children.setdefault(group.parent, []).append(group)

    def emit(group_id: str | None, indent: str) -> None:
        for component in members.get(group_id, []):
            out.append(indent + node_line(component))
        for child in children.get(group_id, []):
            if not out[-1].endswith(":"):
                out.append("")
            out.append(f"{indent}with Cluster({_literal(child.label)}):")
            before = len(out)
            emit(child.id, indent + "    ")
            if len(out) == before:
                out.append(indent + "    pass")

    emit(None, "    ")
    out.append("")

    def endpoint(name: str, is_group: bool) -> str:
        # diagrams connects nodes, not clusters: an edge to a group goes to its first member.
        return variables[blueprint.members(name)[0] if is_group else name]

    def edge(connection) -> str:
        text = connection.label or ""
        if connection.protocol:
            text = f"{text}\n[{connection.protocol}]" if text else f"[{connection.protocol}]"
        arguments = []
        if text:
            label = "\n".join(wrap(text, 28))
            arguments.append(f"label={_literal(label)}")
        if connection.is_async:
            arguments.append('style="dashed"')
        if connection.bidirectional:
            arguments.append("reverse=True")
        return f"Edge({', '.join(arguments)})" if arguments else ""

    # Consecutive connections that share a source (or a target) and an edge style
    # become the fan-out `a >> [b, c]` (or fan-in `[a, b] >> c`) a user writes.
    rows = [
        (endpoint(c.source, c.source_is_group), endpoint(c.target, c.target_is_group), edge(c))
        for c in blueprint.connections
    ]
    merged: list[tuple[list[str], list[str], str]] = []
    for source, target, style in rows:
        if merged and merged[-1][2] == style:
            sources, targets, _ = merged[-1]
            if sources == [source] and target not in targets:
                targets.append(target)  # fan-out
                continue
            if targets == [target] and source not in sources:
                sources.append(source)  # fan-in
                continue
        merged.append(([source], [target], style))

    def side(names: list[str]) -> str:
        return names[0] if len(names) == 1 else f"[{', '.join(names)}]"

    for sources, targets, style in merged:
        if len(sources) > 1 and len(targets) > 1:  # cannot happen, kept for safety
            raise AssertionError(sources, targets)
        middle = f" >> {style} >> " if style else " >> "
        out.append(f"    {side(sources)}{middle}{side(targets)}")
    return "\n".join(out) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="only say whether bench/peers/ matches the blueprints")
    args = parser.parse_args()
    stale = []
    os.makedirs(PEERS, exist_ok=True)
    for name in sorted(os.listdir(BLUEPRINTS)):
        if not name.endswith((".yaml", ".yml")):
            continue
        path = os.path.join(BLUEPRINTS, name)
        try:
            source = peer_source(path)
        except Exception as error:  # a blueprint being edited may not compile right now
            print(f"make_peers: {os.path.relpath(path, ROOT)}: cannot load: {error}", file=sys.stderr)
            stale.append(name)
            continue
        target = os.path.join(PEERS, os.path.splitext(name)[0] + ".py")
        try:
            with open(target, encoding="utf-8") as handle:
                current = handle.read()
        except OSError:
            current = None
        if current != source:
            stale.append(name)
            if not args.check:
                with open(target, "w", encoding="utf-8") as handle:
                    handle.write(source)
                print(f"wrote {os.path.relpath(target, ROOT)}")
    if args.check:
        if stale:
            print("peers out of date for: " + ", ".join(stale) + " (run: .venv/bin/python bench/make_peers.py)")
            return 1
        print("peers match the blueprints")
    return 0


if __name__ == "__main__":
    sys.exit(main())
