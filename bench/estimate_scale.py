"""How `sdiagram.estimate` scales: a generated design with traffic, 300 to 10,000 components.

    .venv/bin/python bench/estimate_scale.py                  # 300, 1,000, 3,000, 10,000 components
    .venv/bin/python bench/estimate_scale.py --sizes 3000 --repeat 9

The designs are those of bench/lint_scale.py (clients in front of domains of ten
components: load balancer, four services, cache, database, queue with its
dead-letter queue, worker; 1.5 connections per component; calls between
domains and a few cycles) with `traffic:` and an `slo:`, so every stage of the
estimate has work: load propagation, capacity, availability and latency per
entry path. The time is in-process (the blueprint is compiled once, untimed),
the median of --repeat runs. The growth exponent k in t ~ n^k is the slope of a
least-squares fit of log t on log n over all sizes. Not a test: target (issue
8) under 1 s for 3,000 components, growth close to linear.
"""

from __future__ import annotations

import argparse
import math
import os
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

from common import table, write_json  # noqa: E402
from lint_scale import generate, median_time  # noqa: E402

from sdiagram.compiler import load  # noqa: E402
from sdiagram.estimation import estimate  # noqa: E402

TRAFFIC = ("traffic: {dau: 20M, requests_per_user: 30, read_write_ratio: \"10:1\", peak_factor: 3,\n"
           "          record_size: 1 KB, retention: 1y}\nslo: {availability: 99.9%, latency_ms: 300}\n")


def blueprint_text(size: int) -> str:
    text = generate(size)
    head, rest = text.split("components:\n", 1)
    return head + TRAFFIC + "components:\n" + rest


def fitted_exponent(points: list[tuple[int, float]]) -> float:
    xs = [math.log(n) for n, _ in points]
    ys = [math.log(t) for _, t in points]
    mean_x, mean_y = sum(xs) / len(xs), sum(ys) / len(ys)
    return sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys)) / sum((x - mean_x) ** 2 for x in xs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[300, 1000, 3000, 10000])
    parser.add_argument("--repeat", type=int, default=5, help="runs per size (median)")
    args = parser.parse_args()
    rows, points = [], []
    with tempfile.TemporaryDirectory() as folder:
        for size in args.sizes:
            path = os.path.join(folder, f"generated-{size}.yaml")
            Path(path).write_text(blueprint_text(size), encoding="utf-8")
            blueprint = load(path)
            result = estimate(blueprint)
            seconds = median_time(lambda: estimate(blueprint), args.repeat)
            points.append((len(blueprint.components), seconds))
            busiest = max((c for c in result.components if c.utilization is not None), key=lambda c: c.utilization)
            rows.append([f"{len(blueprint.components):,}", f"{len(blueprint.connections):,}",
                         f"{len(result.paths)}", f"{seconds * 1000:.0f} ms",
                         f"{busiest.id} {busiest.utilization:.0%}"])
    print(table(["components", "connections", "entry paths", "estimate (median)", "busiest"], rows))
    data: dict = {"points": [{"components": n, "seconds": t} for n, t in points]}
    if len(points) >= 2:
        exponent = fitted_exponent(points)
        data["exponent"] = exponent
        print(f"\nfitted growth exponent (t ~ n^k, least squares over {len(points)} sizes): k = {exponent:.2f}")
    print(f"results: {write_json('estimate-scale', data)}")


if __name__ == "__main__":
    main()
