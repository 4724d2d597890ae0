"""Worst cases for `validate` and `lint` under the 5 MB size limit (issue 13).

    .venv/bin/python bench/compile_limits.py            # every shape, ~5 MB each
    .venv/bin/python bench/compile_limits.py --mb 1 --only entries,unknown

Each shape is a blueprint just under the size limit built to push one part of
the compile and lint stages to its bound: many components, lines that expand
to the per-line cap, thousands of entry points in front of a deep graph,
thousands of near-miss endpoints ("did you mean"), groups nested to the depth
limit, a long group cycle, and endpoint lists full of duplicates. A shape has
at most MAX_COMPONENTS components (the compiler refuses more); when that
leaves room under the size limit, every component gets tags (the most YAML
nodes per byte) until the file is full. `over-cap` is `entries` without the
cap, to show it is refused fast. Both commands run as whole processes; the
table gives wall and CPU seconds and peak memory. Target: every command under
10 s and 1 GB. Not a test.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
from typing import Callable, Iterator

from common import (MAX_COMPONENTS, check_sdiagram, pad_components, peak_rss_mb, run, run_main, sdiagram_command,
                    table, write_json)

LIMIT_BYTES = 5 * 1024 * 1024


def _fill(head: list[str], lines: Iterator[str], budget: int) -> str:
    out = list(head)
    size = sum(len(line) + 1 for line in out)
    for line in lines:
        if size + len(line) + 1 > budget:
            break
        out.append(line)
        size += len(line) + 1
    return "\n".join(out) + "\n"


# The compiler refuses blueprints with more connections than this (connections.py).
MAX_CONNECTIONS = 100_000

def components(budget: int) -> str:
    """As many components as fit (up to the cap), in 50 groups, each calling the next."""
    n = min(budget // 70, MAX_COMPONENTS)
    head = ["groups:"] + [f"  g{i}: {{label: Group {i}}}" for i in range(50)] + ["components:"]
    head += [f"  c{i}: {{kind: service, replicas: 2, group: g{i % 50}}}" for i in range(n)]
    head += ["connections:"]
    return _fill(head, (f"  - c{i} -> c{i + 1}" for i in range(n - 1)), budget)


def fanout(budget: int) -> str:
    """Lines of 31 x 31 endpoints (just under the per-line cap) until the blueprint-wide cap."""
    head = ["components:"] + [f"  c{i}: {{kind: service}}" for i in range(300)] + ["connections:"]

    def lines() -> Iterator[str]:
        k = 0
        while True:
            a, b = k % 200, (k * 7) % 200
            yield f'  - "[{", ".join(f"c{j}" for j in range(a, a + 31))}] -> [{", ".join(f"c{j}" for j in range(b, b + 31))}]"'
            k += 1

    return _fill(head, lines(), budget)


def entries(budget: int, most: int = MAX_COMPONENTS // 2) -> str:
    """Thousands of clients, each in front of a long chain of services (per-entry analysis)."""
    n = min(budget // 60, most)
    head = ["components:"] + [f"  u{i}: {{kind: client}}" for i in range(n)]
    head += [f"  s{i}: {{kind: service}}" for i in range(n)] + ["connections:"]
    return _fill(head, (f"  - u{i} -> s{i}\n  - s{i} -> s{i + 1}" for i in range(n - 1)), budget)


def unknown(budget: int) -> str:
    """Every connection names a near-miss of a real id: one "did you mean" each."""
    n = min(budget // 70, MAX_COMPONENTS)
    head = ["components:"] + [f"  service-{i:06d}: {{kind: service}}" for i in range(n)] + ["connections:"]
    lines = (f"  - service-{i % n:06d} -> servise-{i % n:06d}" for i in range(MAX_CONNECTIONS))
    return _fill(head, lines, budget)


def groups(budget: int) -> str:
    """Many chains of groups nested exactly to the depth limit, a component in each innermost one."""
    chains = budget // 1200
    head = ["components:"] + [f"  c{i}: {{kind: service, group: g{i}-31}}" for i in range(chains)] + ["groups:"]

    def lines() -> Iterator[str]:
        for i in range(chains):
            yield f"  g{i}-0: {{label: G}}"
            for depth in range(1, 32):
                yield f"  g{i}-{depth}: {{parent: g{i}-{depth - 1}}}"

    return _fill(head, lines(), budget)


def cycle(budget: int) -> str:
    """One group cycle as long as the file allows."""
    n = budget // 30
    head = ["components:", "  a: {kind: service}", "groups:"]
    return _fill(head, (f"  g{i}: {{parent: g{(i + 1) % n}}}" for i in range(n)), budget)


def duplicates(budget: int) -> str:
    """Endpoint lists of 999 copies of the same two names."""
    head = ["components:", "  a: {kind: service}", "  b: {kind: service}", "connections:"]
    line = f'  - "[{", ".join(["a"] * 999)}] -> [{", ".join(["b"] * 999)}]"'
    return _fill(head, iter(lambda: line, None), budget)


def estimated(budget: int) -> str:
    """`entries` with traffic and SLOs: one estimated entry path per client, each as deep as the chain."""
    head = ["traffic: {dau: 10M, requests_per_user: 20, read_write_ratio: '1:4'}",
            "slo: {availability: 99.999%, latency_ms: 50}"]
    return "\n".join(head) + "\n" + entries(budget - 200)



def _scaled(make: Callable[[int], str], budget: int, most: int) -> str:
    """make(n) with the largest n up to `most` (found from a small sample) whose text fits the budget."""
    per_unit = len(make(1000)) / 1000
    n = min(most, int(budget / per_unit))
    text = make(n)
    while len(text) > budget:
        n = int(n * 0.99)
        text = make(n)
    return text


def proxies(budget: int) -> str:
    """Thousands of clients in front of a long chain of load balancers, which fans out to object
    storage and to a chain of services (static-content-without-cdn, deep-sync-chain)."""

    def make(n: int) -> str:
        lines = ["components:"] + [f"  u{i}: {{kind: client}}" for i in range(n)]
        lines += [f"  p{i}: {{kind: load_balancer}}" for i in range(n)]
        lines += [f"  s{i}: {{kind: service}}" for i in range(4)]
        lines += [f"  t{i}: {{kind: service}}" for i in range(n)]
        lines += [f"  b{i}: {{kind: object_storage}}" for i in range(n)]
        lines += ["connections:"] + [f"  - u{i} -> p{i}" for i in range(n)]
        lines += [f"  - p{i} -> p{i + 1}" for i in range(n - 1)]
        lines += [f"  - p{n - 1} -> b{i}: read" for i in range(n)]
        lines += [f"  - p{n - 1} -> s0", "  - s0 -> s1", "  - s1 -> s2", "  - s2 -> s3"]
        lines += [f"  - s3 -> t{i}" for i in range(n)]
        return "\n".join(lines) + "\n"

    return _scaled(make, budget, min(MAX_CONNECTIONS // 4 - 2, (MAX_COMPONENTS - 4) // 4))


def chain(budget: int) -> str:
    """One client in front of a chain of services as long as the connection cap allows (request paths)."""

    def make(n: int) -> str:
        lines = ["components:", "  users: {kind: client}"] + [f"  s{i}: {{kind: service}}" for i in range(n)]
        lines += ["connections:", "  - users -> s0"] + [f"  - s{i} -> s{i + 1}" for i in range(n - 1)]
        return "\n".join(lines) + "\n"

    return _scaled(make, budget, min(MAX_CONNECTIONS - 1, MAX_COMPONENTS - 1))


def readers(budget: int) -> str:
    """Every service reads one database and one service reads every database (missing-cache), and every
    component suppresses the rules that report it (the engine's suppression matching)."""
    ignore = "ignore: {single-point-of-failure: accepted, orphan-component: accepted}"

    def make(n: int) -> str:
        lines = ["components:", "  users: {kind: client}", "  hub: {kind: service, replicas: 2}",
                 "  db: {kind: database}"]
        lines += [f"  s{i}: {{kind: service, {ignore}}}" for i in range(n)]
        lines += [f"  d{i}: {{kind: database, {ignore}}}" for i in range(n)]
        lines += ["connections:", "  - users -> hub"] + [f"  - hub -> d{i}: read rows" for i in range(n)]
        lines += [f"  - hub -> s{i}\n  - s{i} -> db: read rows" for i in range(n)]
        return "\n".join(lines) + "\n"

    return _scaled(make, budget, min((MAX_CONNECTIONS - 1) // 3, (MAX_COMPONENTS - 3) // 2))


def over_cap(budget: int) -> str:
    """`entries` with as many components as fit, over the cap: refused before any is compiled."""
    return entries(budget, most=budget)


SHAPES: dict[str, Callable[[int], str]] = {
    "components": components, "fanout": fanout, "entries": entries, "estimated": estimated,
    "proxies": proxies, "chain": chain, "readers": readers, "unknown": unknown, "groups": groups, "cycle": cycle,
    "duplicates": duplicates, "over-cap": over_cap,
}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mb", type=float, default=LIMIT_BYTES / 1024 / 1024 - 0.01, help="blueprint size")
    parser.add_argument("--only", default="", help="comma-separated shapes: " + ", ".join(SHAPES))
    args = parser.parse_args()
    check_sdiagram()
    budget = int(args.mb * 1024 * 1024)
    names = [n for n in args.only.split(",") if n] or list(SHAPES)
    rows, results = [], []
    with tempfile.TemporaryDirectory() as folder:
        for name in names:
            path = os.path.join(folder, f"{name}.yaml")
            with open(path, "w", encoding="utf-8") as handle:
                handle.write(pad_components(SHAPES[name](budget), budget, "tags"))
            for command in (["validate", path], ["lint", "--isolated", path]):
                before = resource.getrusage(resource.RUSAGE_CHILDREN)
                result = run(sdiagram_command() + command, timeout=120)
                after = resource.getrusage(resource.RUSAGE_CHILDREN)
                cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
                traceback = "Traceback" in result.stderr
                rows.append([name, f"{os.path.getsize(path) / 1e6:.2f} MB", command[0], f"{result.seconds:.2f}",
                             f"{cpu:.2f}", f"{peak_rss_mb(result.max_rss_kb):.0f}", str(result.returncode),
                             "TRACEBACK" if traceback else ""])
                results.append({"shape": name, "bytes": os.path.getsize(path), "command": command[0],
                                "wall_s": result.seconds, "cpu_s": cpu, "peak_mb": peak_rss_mb(result.max_rss_kb),
                                "exit": result.returncode, "traceback": traceback})
    print(table(["shape", "size", "command", "wall s", "cpu s", "peak MB", "exit", ""], rows, "lrlrrrrl"))
    print(f"results: {write_json('compile_limits', {'runs': results})}")
    return 0


if __name__ == "__main__":
    run_main(main, "compile_limits")
