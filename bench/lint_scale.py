"""How `sdiagram lint` scales, and how long one lint takes as a whole process.

    .venv/bin/python bench/lint_scale.py             # 300, 3,000 and 10,000 components
    .venv/bin/python bench/lint_scale.py --sizes 3000 --repeat 5

Generated blueprints are layered like real designs: clients in front of
domains of ten components (load balancer, four services, cache, database,
queue with its dead-letter queue, worker) with 1.5 connections per component,
synchronous calls between domains, some non-redundant components and a few
cross-domain call cycles, so every rule has work to do. Not a test: prints
timings (medians) and the growth from one size to the next.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from sdiagram.compiler import load  # noqa: E402
from sdiagram.lint import lint_blueprint  # noqa: E402
from sdiagram.lint.config import resolve_config  # noqa: E402
from sdiagram.lint.graph import AnalysisGraph  # noqa: E402
from sdiagram.lint.rules import ALL_RULES  # noqa: E402

CLIENTS = 5


def generate(components: int, seed: int = 1) -> str:
    """A blueprint with about `components` components and 1.5 connections per component."""
    rng = random.Random(seed)
    domains = max(1, (components - CLIENTS) // 10)
    lines = ["sdiagram: 1", f"name: generated-{components}", "components:"]
    connections: list[str] = []
    for c in range(CLIENTS):
        lines.append(f"  client{c}: {{kind: client}}")
    for d in range(domains):
        r = lambda: rng.choice((1, 2, 2, 3))  # noqa: E731 - some components are single points of failure
        lines += [
            f"  lb{d}: {{kind: load_balancer, replicas: {r()}}}",
            *(f"  svc{d}_{i}: {{kind: service, replicas: {r()}}}" for i in range(4)),
            f"  cache{d}: {{kind: cache, tech: redis, replicas: {r()}}}",
            f"  db{d}: {{kind: database, tech: postgresql, replicas: {r()}}}",
            f"  queue{d}: {{kind: queue, tech: rabbitmq, replicas: 3, dead_letter: dlq{d}}}",
            f"  dlq{d}: {{kind: queue, tech: rabbitmq, replicas: 3}}",
            f"  worker{d}: {{kind: worker, replicas: {r()}}}",
        ]
        connections += [
            f"lb{d} -> svc{d}_0", f"svc{d}_0 -> svc{d}_1", f"svc{d}_0 -> svc{d}_2", f"svc{d}_1 -> svc{d}_3",
            f"svc{d}_1 -> cache{d}", f"svc{d}_1 -> db{d}: miss", f"svc{d}_2 -> cache{d}", f"svc{d}_3 -> db{d}",
            f"svc{d}_2 -> queue{d}: {{async: true}}", f"queue{d} -> worker{d}: {{async: true}}",
            f"worker{d} -> db{d}: write", f"worker{d} -> dlq{d}: {{async: true}}",
            f"svc{d}_3 -> cache{d}",
        ]
        if d:
            # two calls into earlier domains (a DAG), now and then one into a later domain (a cycle)
            for _ in range(2):
                target = rng.randrange(d) if rng.random() > 0.02 else rng.randrange(domains)
                connections.append(f"svc{d}_{rng.randrange(4)} -> lb{target}")
    # clients call the front domains (the last ones); calls go to earlier domains,
    # so nearly everything is reachable, as in a real design
    for k in range(min(domains, 20)):
        connections.append(f"client{k % CLIENTS} -> lb{domains - 1 - k}")
    lines.append("connections:")
    lines += [f"  - {c}" if ":" not in c else f"  - {c.split(':', 1)[0]}:{c.split(':', 1)[1]}" for c in connections]
    return "\n".join(lines) + "\n"


def median_time(action, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def scale(sizes: list[int], repeat: int) -> None:
    print(f"{'components':>10} {'connections':>11} {'load+compile':>13} {'lint':>8} {'total':>8}  slowest rules")
    previous = None
    with tempfile.TemporaryDirectory() as folder:
        for size in sizes:
            path = os.path.join(folder, f"generated-{size}.yaml")
            Path(path).write_text(generate(size), encoding="utf-8")
            blueprint = load(path)
            n_components, n_connections = len(blueprint.components), len(blueprint.connections)
            t_load = median_time(lambda: load(path), repeat)
            t_lint = median_time(lambda: lint_blueprint(blueprint), repeat)
            findings = lint_blueprint(blueprint)
            graph = AnalysisGraph(blueprint)
            config, _ = resolve_config(blueprint)
            per_rule = []
            for rule in ALL_RULES:
                if rule.meta:
                    continue
                options = config.options[rule.code]
                per_rule.append((median_time(lambda: list(rule().check(graph, options)), max(1, repeat // 2)), rule.name))
            per_rule.sort(reverse=True)
            slowest = ", ".join(f"{name} {t * 1000:.0f} ms" for t, name in per_rule[:3])
            total = t_load + t_lint
            print(f"{n_components:>10,} {n_connections:>11,} {t_load * 1000:>10.0f} ms {t_lint * 1000:>5.0f} ms "
                  f"{total * 1000:>5.0f} ms  {slowest}  ({len(findings)} findings)")
            if previous:
                p_size, p_lint, p_total = previous
                print(f"{'':>10} growth x{n_components / p_size:.1f} components: lint x{t_lint / p_lint:.1f}, "
                      f"load+lint x{total / p_total:.1f}")
            previous = (n_components, t_lint, total)


def process_timing(runs: int) -> None:
    blueprint = sorted((REPO / "blueprints").glob("*.yaml"))
    if not blueprint:
        print("no bundled blueprints to time")
        return
    target = str(blueprint[0])
    executable = str(Path(sys.executable).with_name("sdiagram"))
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # time a normal installation, with .pyc files
    env.pop("GITHUB_ACTIONS", None)
    commands = {
        "python -c pass": [sys.executable, "-c", "pass"],
        "sdiagram --help": [executable, "--help"],
        f"sdiagram lint {os.path.relpath(target, REPO)}": [executable, "lint", target],
    }
    print(f"\nwhole process, median of {runs} runs (after a warm-up run that writes .pyc files):")
    for label, command in commands.items():
        subprocess.run(command, env=env, capture_output=True, cwd=REPO)
        times = []
        for _ in range(runs):
            start = time.perf_counter()
            completed = subprocess.run(command, env=env, capture_output=True, cwd=REPO)
            times.append(time.perf_counter() - start)
        status = f"exit {completed.returncode}"
        print(f"  {label:<40} median {statistics.median(times) * 1000:6.1f} ms   "
              f"min {min(times) * 1000:6.1f} ms   max {max(times) * 1000:6.1f} ms   ({status})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[300, 3000, 10000])
    parser.add_argument("--repeat", type=int, default=5, help="repetitions per size (median)")
    parser.add_argument("--runs", type=int, default=21, help="whole-process runs (median)")
    args = parser.parse_args()
    scale(args.sizes, args.repeat)
    process_timing(args.runs)


if __name__ == "__main__":
    main()
