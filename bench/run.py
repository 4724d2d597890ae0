"""Render benchmark: sdiagram against mingrammer diagrams and against bare Graphviz.

    python bench/run.py               # or: make bench
    python bench/run.py --repeat 9    # more rounds
    python bench/run.py --help

What is timed (wall clock, each a fresh process, six bundled blueprints, SVG + PNG):

  peer      bench/peers/<name>.py, mingrammer diagrams scripts drawing the same
            thing, each its own Python process, one after another (system `dot`)
  floor     `dot -Tsvg -Tpng` on the DOT sdiagram emits, one after another: the
            cost of Graphviz alone (system `dot`; the DOT comes from
            `sdiagram render -f dot`, made once, untimed)
  lib       the same DOT laid out and drawn by the Graphviz that sdiagram uses
            (libgraphviz bundled in pygraphviz, in-process), the time inside
            one Python process; shows how much of floor vs sdiagram is the
            Graphviz version
  sdiagram  `sdiagram render blueprints/ -f svg,png --force` as one process
  cached    the same without --force, right after a full render (nothing to do)
  one       `sdiagram render <one>.yaml -f svg,png --force -j1`, per blueprint

Runs are interleaved (peer floor lib sdiagram cached one peer floor ...), after
one untimed warm-up round; medians are reported. Results also go to
bench/results/run-<time>.json (and run-latest.json).

The `dot` binary is needed for peer and floor: when it is missing and this runs
as root, the Debian `graphviz` package is installed with apt-get; otherwise
those parts are skipped with a note.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from common import (  # noqa: E402
    run_main,
    HERE, ROOT, BenchError, check_sdiagram, ensure_dot, graphviz_versions, machine, median,
    run, sdiagram_command, table, tail, venv_python, write_json,
)

TARGET_PEER_RATIO = 0.5
TARGET_FLOOR_RATIO = 1.2
TARGET_CACHED_SECONDS = 0.150

# Lays out each DOT file given on the command line with the bundled libgraphviz and
# draws SVG and PNG from that one layout; prints name and seconds per file.
LIB_SCRIPT = r"""
import os, sys, time, pygraphviz
roots = sys.argv[1]
for path in sys.argv[2:]:
    started = time.perf_counter()
    graph = pygraphviz.AGraph(filename=path)
    graph.graph_attr["imagepath"] = roots
    graph.layout(prog="dot")
    svg = graph.draw(format="svg")
    png = graph.draw(format="png")
    assert svg and png
    print(os.path.basename(path)[:-4], time.perf_counter() - started, flush=True)
"""

# Blueprint name -> file, image roots and sizes, from sdiagram itself.
INFO_SCRIPT = r"""
import json, os, sys
import sdiagram
from sdiagram.renderer import image_roots
info = {}
for path in sys.argv[1:]:
    b = sdiagram.load(path)
    info[b.name] = {"path": path, "roots": os.pathsep.join(image_roots(b)),
                    "components": len(b.components), "groups": len(b.groups), "connections": len(b.connections)}
print(json.dumps(info))
"""


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Time sdiagram against mingrammer diagrams (peer) and bare Graphviz (floor).",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=__doc__.split("\n\n", 2)[2],
    )
    parser.add_argument("--repeat", type=int, default=5, help="timed rounds (default 5)")
    parser.add_argument("--warmup", type=int, default=1, help="untimed rounds first (default 1)")
    parser.add_argument("--blueprints", default=os.path.join(ROOT, "blueprints"), help="folder of blueprints")
    parser.add_argument("--skip", default="", help="comma-separated parts to leave out: peer,floor,lib,one,cached")
    parser.add_argument("--no-install", action="store_true", help="never apt-get install graphviz")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder with every output")
    args = parser.parse_args()
    if args.repeat < 1 or args.warmup < 0:
        parser.error("--repeat must be >= 1 and --warmup >= 0")
    args.skip = {part.strip() for part in args.skip.split(",") if part.strip()}
    unknown = args.skip - {"peer", "floor", "lib", "one", "cached"}
    if unknown:
        parser.error(f"unknown part in --skip: {', '.join(sorted(unknown))}")
    return args


class Bench:
    def __init__(self, args: argparse.Namespace, work: str) -> None:
        self.args = args
        self.work = work
        self.sdiagram = sdiagram_command()
        self.python = venv_python()
        self.blueprint_dir = os.path.abspath(args.blueprints)
        files = sorted(
            os.path.join(self.blueprint_dir, name)
            for name in os.listdir(self.blueprint_dir)
            if name.endswith((".yaml", ".yml"))
        )
        if not files:
            raise BenchError(f"no blueprints in {self.blueprint_dir}")
        result = run([self.python, "-c", INFO_SCRIPT, *files])
        if not result.ok:
            raise BenchError(f"cannot load the blueprints with sdiagram:\n{tail(result.stderr)}")
        self.info: dict[str, dict] = json.loads(result.stdout)
        self.names = sorted(self.info)
        self.samples: dict[str, list[float]] = {}
        self.per_blueprint: dict[str, dict[str, list[float]]] = {}
        self.problems: list[str] = []
        self.dot_dir = os.path.join(work, "dot")

    # -- helpers -----------------------------------------------------------------

    def record(self, part: str, seconds: float, timed: bool) -> None:
        if timed:
            self.samples.setdefault(part, []).append(seconds)

    def record_one(self, part: str, name: str, seconds: float, timed: bool) -> None:
        if timed:
            self.per_blueprint.setdefault(part, {}).setdefault(name, []).append(seconds)

    def problem(self, message: str) -> None:
        if message not in self.problems:
            self.problems.append(message)
            print(f"  ! {message}", flush=True)

    @staticmethod
    def expect_files(files: list[str]) -> list[str]:
        return [f for f in files if not (os.path.isfile(f) and os.path.getsize(f) > 0)]

    @staticmethod
    def remove(files: list[str]) -> None:
        for f in files:
            try:
                os.unlink(f)
            except FileNotFoundError:
                pass

    # -- set-up ------------------------------------------------------------------

    def prepare_dot(self) -> None:
        """The DOT sdiagram emits for each blueprint (untimed): the floor's input."""
        result = run([*self.sdiagram, "render", self.blueprint_dir, "-f", "dot", "--force", "-o", self.dot_dir])
        if not result.ok:
            raise BenchError(f"`sdiagram render -f dot` failed (exit {result.returncode}):\n{tail(result.stderr)}")
        missing = self.expect_files([os.path.join(self.dot_dir, f"{n}.dot") for n in self.names])
        if missing:
            raise BenchError(f"`sdiagram render -f dot` did not write {', '.join(missing)}")

    def peer_scripts(self) -> dict[str, str]:
        scripts = {}
        for name in self.names:
            script = os.path.join(HERE, "peers", f"{name}.py")
            if os.path.isfile(script):
                scripts[name] = script
            else:
                self.problem(f"no peer script bench/peers/{name}.py; the peer total leaves {name} out")
        return scripts

    # -- the parts ---------------------------------------------------------------

    def peer(self, scripts: dict[str, str], timed: bool) -> None:
        folder = os.path.join(self.work, "peer")
        os.makedirs(folder, exist_ok=True)
        total = 0.0
        for name, script in scripts.items():
            outputs = [os.path.join(folder, f"{name}.{fmt}") for fmt in ("svg", "png")]
            self.remove(outputs)
            result = run([self.python, script, folder])
            if not result.ok or self.expect_files(outputs):
                raise BenchError(f"peer {name} failed (exit {result.returncode}):\n{tail(result.stderr)}")
            total += result.seconds
            self.record_one("peer", name, result.seconds, timed)
        self.record("peer", total, timed)

    def floor(self, timed: bool) -> None:
        folder = os.path.join(self.work, "floor")
        os.makedirs(folder, exist_ok=True)
        total = 0.0
        for name in self.names:
            svg, png = (os.path.join(folder, f"{name}.{fmt}") for fmt in ("svg", "png"))
            self.remove([svg, png])
            command = ["dot", f"-Gimagepath={self.info[name]['roots']}", "-Tsvg", f"-o{svg}", "-Tpng", f"-o{png}",
                       os.path.join(self.dot_dir, f"{name}.dot")]
            result = run(command)
            if not result.ok or self.expect_files([svg, png]):
                raise BenchError(f"dot failed on {name}.dot (exit {result.returncode}):\n{tail(result.stderr)}")
            for line in result.stderr.strip().splitlines():
                self.problem(f"floor: dot on {name}.dot: {line.strip()}")
            total += result.seconds
            self.record_one("floor", name, result.seconds, timed)
        self.record("floor", total, timed)

    def lib(self, timed: bool) -> None:
        roots = self.info[self.names[0]]["roots"]
        if any(self.info[n]["roots"] != roots for n in self.names):
            raise BenchError("blueprints with different image roots: the lib part needs one")
        files = [os.path.join(self.dot_dir, f"{n}.dot") for n in self.names]
        result = run([self.python, "-c", LIB_SCRIPT, roots, *files])
        if not result.ok:
            raise BenchError(f"in-process Graphviz failed:\n{tail(result.stderr)}")
        total = 0.0
        for line in result.stdout.split("\n"):
            if line.strip():
                name, seconds = line.split()
                total += float(seconds)
                self.record_one("lib", name, float(seconds), timed)
        self.record("lib", total, timed)

    def sdiagram_all(self, timed: bool) -> None:
        folder = os.path.join(self.work, "sdiagram")
        outputs = [os.path.join(folder, f"{n}.{fmt}") for n in self.names for fmt in ("svg", "png")]
        self.remove(outputs)
        result = run([*self.sdiagram, "render", self.blueprint_dir, "-f", "svg,png", "--force", "-o", folder])
        if not result.ok or self.expect_files(outputs):
            raise BenchError(f"`sdiagram render` failed (exit {result.returncode}):\n{tail(result.stderr)}")
        for line in result.stderr.strip().splitlines():
            self.problem(f"sdiagram: {line.strip()}")
        self.record("sdiagram", result.seconds, timed)

    def cached(self, timed: bool) -> None:
        folder = os.path.join(self.work, "sdiagram")  # just rendered by sdiagram_all
        result = run([*self.sdiagram, "render", self.blueprint_dir, "-f", "svg,png", "-o", folder])
        if not result.ok:
            raise BenchError(f"cached `sdiagram render` failed (exit {result.returncode}):\n{tail(result.stderr)}")
        rendered = [line for line in result.stdout.splitlines() if "up to date" not in line]
        if rendered:
            self.problem("cached: re-rendered although nothing changed: " + "; ".join(rendered))
        self.record("cached", result.seconds, timed)

    def one(self, timed: bool) -> None:
        folder = os.path.join(self.work, "one")
        total = 0.0
        for name in self.names:
            outputs = [os.path.join(folder, f"{name}.{fmt}") for fmt in ("svg", "png")]
            self.remove(outputs)
            result = run([*self.sdiagram, "render", self.info[name]["path"], "-f", "svg,png", "--force", "-j1",
                          "-o", folder])
            if not result.ok or self.expect_files(outputs):
                raise BenchError(f"`sdiagram render {name}` failed (exit {result.returncode}):\n{tail(result.stderr)}")
            total += result.seconds
            self.record_one("one", name, result.seconds, timed)
        self.record("one", total, timed)


def ratio(a: float, b: float) -> float:
    return a / b if b else float("nan")


def verdict(value: float, target: float, unit: str = "") -> str:
    if value != value:  # nan
        return "n/a"
    if value <= target:
        return f"met (by {(target - value) / target:.0%} margin)"
    return f"NOT MET (over by {(value - target) / target:.0%})"


def main() -> int:
    args = parse_args()
    check_sdiagram()
    want = {p for p in ("peer", "floor", "lib", "cached", "one") if p not in args.skip}
    if want & {"peer", "floor"}:
        if not ensure_dot(install=not args.no_install):
            for part in ("peer", "floor"):
                if part in want:
                    print(f"note: skipping {part}: it needs Graphviz's `dot` binary")
            want -= {"peer", "floor"}
    check = run([venv_python(), os.path.join(HERE, "make_peers.py"), "--check"])
    if check.returncode != 0 and "peer" in want:
        print("warning: " + (check.stdout.strip() or check.stderr.strip()))

    before = machine()
    versions = graphviz_versions()
    work = tempfile.mkdtemp(prefix="sdiagram-bench-")
    try:
        bench = Bench(args, work)
        bench.prepare_dot()
        scripts = bench.peer_scripts() if "peer" in want else {}
        print(
            f"{len(bench.names)} blueprints, SVG + PNG; {args.warmup} warm-up + {args.repeat} timed rounds; "
            f"{before['cores']} cores ({before['cores_usable']} usable); load average {before['load_average']}",
            flush=True,
        )
        started = time.perf_counter()
        for index in range(args.warmup + args.repeat):
            timed = index >= args.warmup
            label = f"round {index - args.warmup + 1}/{args.repeat}" if timed else f"warm-up {index + 1}/{args.warmup}"
            print(f"  {label} ...", end="", flush=True)
            if "peer" in want:
                bench.peer(scripts, timed)
            if "floor" in want:
                bench.floor(timed)
            if "lib" in want:
                bench.lib(timed)
            bench.sdiagram_all(timed)
            if "cached" in want:
                bench.cached(timed)
            if "one" in want:
                bench.one(timed)
            done = [f"{p} {bench.samples[p][-1]:.2f}s" for p in ("peer", "floor", "lib", "sdiagram", "cached", "one")
                    if timed and p in bench.samples]
            print(" " + ", ".join(done) if done else " done", flush=True)
        elapsed = time.perf_counter() - started
        after = machine()
        report(bench, want, before, after, versions, elapsed, args)
    finally:
        if args.keep:
            print(f"outputs kept in {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    return 0


def report(bench: Bench, want: set[str], before: dict, after: dict, versions: dict, elapsed: float, args) -> None:
    med = {part: median(values) for part, values in bench.samples.items()}
    workers = before["cores_usable"]
    descriptions = {
        "peer": f"peer: {len(bench.per_blueprint.get('peer', {}))} diagrams scripts, one process each, in turn",
        "floor": "floor: dot -Tsvg -Tpng on sdiagram's DOT, in turn",
        "lib": "lib: same DOT, bundled libgraphviz in-process, in turn",
        "sdiagram": f"sdiagram render blueprints/ --force (-j{workers})",
        "cached": "sdiagram render blueprints/ (cached, nothing to do)",
        "one": "sdiagram render <one>.yaml --force -j1, summed",
    }
    print()
    print(f"sdiagram render benchmark: {len(bench.names)} blueprints, SVG + PNG, "
          f"{args.repeat} interleaved rounds after {args.warmup} warm-up; wall time in seconds")
    print(f"machine: {before['cores']} cores ({workers} usable), load average before {before['load_average']}, "
          f"after {after['load_average']}; {before['platform']}")
    print(f"Graphviz: system dot {versions['dot'] or '-'} (peer, floor); bundled in pygraphviz "
          f"{versions['pygraphviz']}: {versions['bundled'] or '?'} (lib, sdiagram); diagrams {versions['diagrams']}")
    print()
    rows = []
    for part in ("peer", "floor", "lib", "sdiagram", "cached", "one"):
        if part in bench.samples:
            values = bench.samples[part]
            rows.append([descriptions[part], f"{med[part]:.3f}", f"{min(values):.3f}", f"{max(values):.3f}"])
    print(table(["", "median", "min", "max"], rows))

    print()
    sd = med.get("sdiagram", float("nan"))
    targets = []
    results: dict[str, dict] = {}
    if "peer" in med:
        r = ratio(sd, med["peer"])
        results["sdiagram_over_peer"] = {"value": r, "target": TARGET_PEER_RATIO, "met": r <= TARGET_PEER_RATIO}
        targets.append(["sdiagram / peer", f"{r:.2f}", f"<= {TARGET_PEER_RATIO}", verdict(r, TARGET_PEER_RATIO)])
    if "floor" in med:
        r = ratio(sd, med["floor"])
        results["sdiagram_over_floor"] = {"value": r, "target": TARGET_FLOOR_RATIO, "met": r <= TARGET_FLOOR_RATIO}
        targets.append(["sdiagram / floor", f"{r:.2f}", f"<= {TARGET_FLOOR_RATIO}", verdict(r, TARGET_FLOOR_RATIO)])
    if "cached" in med:
        c = med["cached"]
        results["cached_seconds"] = {"value": c, "target": TARGET_CACHED_SECONDS, "met": c < TARGET_CACHED_SECONDS}
        targets.append(["cached re-render", f"{c * 1000:.0f} ms", f"< {TARGET_CACHED_SECONDS * 1000:.0f} ms",
                        verdict(c, TARGET_CACHED_SECONDS)])
    if "lib" in med:
        targets.append(["(info) sdiagram / lib", f"{ratio(sd, med['lib']):.2f}", "", ""])
    if "one" in med:
        targets.append(["(info) parallel speed-up: one-by-one / all", f"{ratio(med['one'], sd):.2f}", "", ""])
    if targets:
        print(table(["target", "measured", "target", "verdict"], targets, "lrrl"))

    print()
    rows = []
    parts = [p for p in ("peer", "floor", "lib", "one") if p in bench.per_blueprint]
    for name in bench.names:
        info = bench.info[name]
        row = [name, str(info["components"]), str(info["connections"])]
        values = {p: median(bench.per_blueprint[p].get(name, [])) for p in parts}
        row += [f"{values[p]:.3f}" for p in parts]
        if "one" in values and "floor" in values:
            row.append(f"{ratio(values['one'], values['floor']):.2f}")
        if "one" in values and "peer" in values:
            row.append(f"{ratio(values['one'], values['peer']):.2f}")
        rows.append(row)
    titles = {"peer": "peer", "floor": "floor (dot)", "lib": "lib", "one": "sdiagram -j1"}
    headers = ["blueprint", "comp.", "conn."] + [titles[p] for p in parts]
    if "one" in parts and "floor" in parts:
        headers.append("sd/floor")
    if "one" in parts and "peer" in parts:
        headers.append("sd/peer")
    if parts:
        print("per blueprint (median seconds; each its own process except lib, which is time inside one process)")
        print(table(headers, rows))
    if bench.problems:
        print()
        print("observations:")
        for message in bench.problems:
            print(f"  - {message}")

    data = {
        "benchmark": "render",
        "when": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "settings": {"repeat": args.repeat, "warmup": args.warmup, "parts": sorted(want | {"sdiagram"})},
        "machine_before": before,
        "machine_after": after,
        "versions": versions,
        "blueprints": bench.info,
        "medians": med,
        "samples": bench.samples,
        "per_blueprint_samples": bench.per_blueprint,
        "per_blueprint_medians": {p: {n: median(v) for n, v in d.items()} for p, d in bench.per_blueprint.items()},
        "targets": results,
        "observations": bench.problems,
        "elapsed_seconds": elapsed,
    }
    path = write_json("run", data)
    print()
    print(f"results: {os.path.relpath(path, ROOT)} (total {elapsed:.0f} s)")


if __name__ == "__main__":
    run_main(main, "bench")
