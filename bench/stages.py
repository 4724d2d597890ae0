"""Worst case of each stage of `sdiagram render`, on blueprints at the size limit.

    python bench/stages.py                 # the default 5 MB limit
    python bench/stages.py --megabytes 1   # a quicker look

Graphviz's layout is bounded by `--timeout` (and a CPU-time limit in the
child). Every other stage must stay under 10 s and 1 GB on any blueprint
under the size limit; this measures each one, each in a fresh process (wall
seconds and the process's peak RSS, so the figures include the interpreter,
about 20-40 MB; CPU seconds too: on a busy machine, wall time is mostly waiting), on
the shapes that are worst for it, each with at most as many components as the
compiler accepts (MAX_COMPONENTS) and a description on every component to
fill the size limit:

  many-components   as many components as fit, no connections
  many-connections  a chain: as many connections as fit, each with a label
  many-groups       every component in its own group, nested 8 deep
  group-edges       connections between groups (each resolved to a member)

Stages timed (the layout is not run; the stages after it get the SVG
Graphviz would write for that many nodes, built here):

  compile    load + compile (the bounded reader, YAML, the model)
  dot        the DOT text, including the large-graph plan
  icons      the custom-icon budget check and the cache key (icon bytes hashed)
  embed      icons embedded into the SVG (one <defs> entry per distinct icon)
  write      the outputs and the cache record written atomically
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from typing import Callable

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from common import MAX_COMPONENTS, ROOT, pad_components, peak_rss_mb, run, run_main, table, tail, venv_python, write_json  # noqa: E402

LIMIT_SECONDS = 10.0
LIMIT_MB = 1024.0


def many_components(n: int) -> str:
    return "name: many\ncomponents:\n" + "".join(f"  c{i}: {{kind: service}}\n" for i in range(n))


def many_connections(n: int) -> str:
    chain = "".join(f'  - c{i} -> c{i + 1}: "call {i}"\n' for i in range(n - 1))
    return many_components(n).replace("name: many", "name: chain") + "connections:\n" + chain


def many_groups(n: int) -> str:
    components = "".join(f"  c{i}: {{kind: service, group: g{i}}}\n" for i in range(n))
    groups = "".join(f"  g{i}: {{label: G{i}{f', parent: g{i - 1}' if i % 8 else ''}}}\n" for i in range(n))
    return f"name: groups\ncomponents:\n{components}groups:\n{groups}"


def group_edges(n: int, groups: int = 200) -> str:
    components = "".join(f"  c{i}: {{kind: service, group: g{i % groups}}}\n" for i in range(n))
    labels = "".join(f"  g{g}: {{label: G{g}}}\n" for g in range(groups))
    edges = "".join(f"  - g{i % groups} -> g{(i * 7 + 1) % groups}\n" for i in range(n))
    return f"name: gedges\ncomponents:\n{components}groups:\n{labels}connections:\n{edges}"


def fit(shape: Callable[[int], str], budget: int) -> str:
    """The blueprint of that shape with as many components as fit in `budget` bytes, up to the
    compiler's cap; the room left is filled with a description on every component."""
    n = min(MAX_COMPONENTS, max(2, budget * 1000 // len(shape(1000))))
    text = shape(n)
    while len(text) > budget:  # ids grow longer with n
        n = n * budget // len(text) - 1
        text = shape(n)
    return pad_components(text, budget, "description")


STAGES = ("compile", "dot", "icons", "embed", "write")
SHAPES = {"many-components": many_components, "many-connections": many_connections,
          "many-groups": many_groups, "group-edges": group_edges}

# One stage, in a fresh process: prints {"seconds": ...}; the parent reads the peak RSS.
STAGE = r'''
import json, os, sys, time
stage, path, out = sys.argv[1:4]
import sdiagram
from sdiagram import renderer
from sdiagram.cli import render_cache as cache
from sdiagram.cli.output import write_atomic
from sdiagram.renderer import engine

def svg_for(blueprint):
    """What Graphviz 14 writes for this blueprint's nodes: one <image> each."""
    roots = renderer.image_roots(blueprint)
    from sdiagram import icons
    base = os.path.dirname(os.path.abspath(blueprint.path))
    rows = []
    for i, component in enumerate(blueprint.components.values()):
        name = icons.component_icon(component, base).name
        rows.append(f'<g id="node{i}" class="node"><title>{component.id}</title>'
                    f'<image xlink:href="{roots[0] if name.startswith("resources/") else base}/{name}" '
                    f'width="100.8px" height="100.8px" preserveAspectRatio="xMinYMin meet" x="{i}" y="-{i}"/>'
                    f'<text x="{i}" y="-{i}">{component.label}</text></g>')
    return ('<?xml version="1.0"?>\n<svg width="10pt" height="10pt" viewBox="0 0 10 10" '
            'xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">\n'
            + "\n".join(rows) + "\n</svg>\n").encode()

def now():
    return time.perf_counter(), time.process_time()

started = now()
blueprint = sdiagram.load(path)  # every stage needs it; "compile" is this alone
if stage != "compile":
    started = now()
if stage == "dot":
    renderer.to_dot(blueprint, renderer.dot_options(blueprint))
elif stage == "icons":
    renderer.check_custom_icons(blueprint)
    dot_text = renderer.to_dot(blueprint, renderer.dot_options(blueprint))
    started = now()
    files = cache.icon_files(dot_text, renderer.image_roots(blueprint))
    cache.content_key(open(path, "rb").read(), ("svg",), files)
elif stage == "embed":
    svg = svg_for(blueprint)
    started = now()
    engine.embed_icons(svg, renderer.image_roots(blueprint))
elif stage == "write":
    svg = svg_for(blueprint)
    started = now()
    write_atomic(os.path.join(out, "x.svg"), svg)
    record = cache.new_record(path, "x", "0" * 64, (), {"svg": svg})
    write_atomic(cache.record_path(out, path), cache.record_bytes(record))
wall, cpu = now()
print(json.dumps({"seconds": wall - started[0], "cpu_seconds": cpu - started[1]}))
'''


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--megabytes", type=float, default=5.0, help="blueprint size (default 5, the limit)")
    parser.add_argument("--shapes", default=",".join(SHAPES), help=f"comma-separated, of: {', '.join(SHAPES)}")
    parser.add_argument("--stages", default=",".join(STAGES), help=f"comma-separated, of: {', '.join(STAGES)}")
    args = parser.parse_args()
    budget = int(args.megabytes * 1024 * 1024) - 4096
    python = venv_python()
    rows, results = [], {}
    with tempfile.TemporaryDirectory(prefix="sdiagram-stages-") as work:
        for shape in args.shapes.split(","):
            path = os.path.join(work, f"{shape}.yaml")
            with open(path, "w", encoding="utf-8") as handle:
                handle.write(fit(SHAPES[shape], budget))
            size = os.path.getsize(path)
            for stage in args.stages.split(","):
                result = run([python, "-c", STAGE, stage, path, work], timeout=600)
                if not result.ok:
                    results[f"{shape}/{stage}"] = {"error": tail(result.stderr or result.stdout, 3)}
                    rows.append([shape, f"{size / 1e6:.1f}", stage, "failed", "-", "-", tail(result.stderr, 1)[:60]])
                else:
                    timing = json.loads(result.stdout.strip().splitlines()[-1])
                    seconds, cpu = timing["seconds"], timing["cpu_seconds"]
                    peak = peak_rss_mb(result.max_rss_kb)
                    results[f"{shape}/{stage}"] = {**timing, "peak_mb": peak, "process_seconds": result.seconds}
                    verdict = "ok" if seconds < LIMIT_SECONDS and peak < LIMIT_MB else "OVER"
                    rows.append([shape, f"{size / 1e6:.1f}", stage, f"{seconds:.2f}", f"{cpu:.2f}", f"{peak:.0f}", verdict])
                print("  " + " | ".join(rows[-1]), flush=True)
    print()
    print(table(["shape", "MB", "stage", "wall s", "CPU s", "peak MB", f"< {LIMIT_SECONDS:g} s and {LIMIT_MB:g} MB"], rows))
    print(f"\nresults: {os.path.relpath(write_json('stages', {'megabytes': args.megabytes, 'results': results}), ROOT)}")
    return 0


if __name__ == "__main__":
    run_main(main, "stages")
