"""Scale benchmark: how sdiagram's render and lint times grow with the blueprint's size.

    python bench/scale.py                      # 100, 500, 1000, 3000 components
    python bench/scale.py --sizes 100,500      # a quick look
    python bench/scale.py --keep               # keep the generated blueprints

For each size it generates a blueprint (seeded, so every run draws the same one)
with about 1.5 connections per component, groups of about 10 nested two deep,
and a realistic mix of kinds and technologies, then times, each as its own
process:

  validate  `sdiagram validate FILE`          (load + compile: the floor of every command)
  lint      `sdiagram lint FILE`              (skipped with a note when there is no lint command)
  render    `sdiagram render FILE -f svg --force`

with the peak memory of each process (wait4's ru_maxrss), and fits the growth
exponent k of time ~ size^k (least squares on log-log, over all sizes).
Targets: 1,000 components render in under 5 s, 3,000 in under 30 s.

Then two edge paths:

  png ceiling  a blueprint whose PNG would be wider than cairo's 32,767 px:
               sdiagram should warn and scale the PNG down
  timeout      `--timeout 0.5` on the largest blueprint: it should stop with a
               clear message and leave no file behind

Results also go to bench/results/scale-<time>.json (and scale-latest.json).
"""

from __future__ import annotations

import argparse
import math
import os
import random
import shutil
import struct
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from common import (  # noqa: E402
    run_main,
    ROOT, check_sdiagram, machine, median, peak_rss_mb, run, sdiagram_command, table, tail,
    write_json,
)

TARGETS = {1000: 5.0, 3000: 30.0}
PNG_MAX_PIXELS = 32_767

# kind -> (weight, technologies to pick from; None means the kind's own icon)
KIND_MIX = {
    "service": (34, [None, None, None, "nodejs", "go", "java", "python", "kubernetes"]),
    "worker": (11, [None, None, "celery", "spark", "flink", "lambda"]),
    "cache": (11, ["redis", "redis", "memcached", "elasticache", None]),
    "database": (11, ["postgresql", "mysql", "cassandra", "mongodb", "dynamodb", "aurora", None]),
    "queue": (6, ["kafka", "rabbitmq", "sqs", "nats"]),
    "stream": (3, ["kafka", "kinesis", None]),
    "load_balancer": (5, ["nginx", "haproxy", "envoy", "alb", None]),
    "api_gateway": (3, ["kong", "aws-api-gateway", None]),
    "object_storage": (4, ["s3", "gcs", "ceph", None]),
    "search_index": (2, ["elasticsearch", "opensearch", "solr"]),
    "function": (3, ["lambda", None]),
    "external": (4, ["stripe", "twilio", "ses", "auth0", None]),
    "llm": (1, ["bedrock", None]),
    "vector_db": (1, ["qdrant", None]),
}
KIND_NOUN = {
    "service": "Service", "worker": "Worker", "cache": "Cache", "database": "DB", "queue": "Queue",
    "stream": "Events", "load_balancer": "LB", "api_gateway": "Gateway", "object_storage": "Bucket",
    "search_index": "Search", "function": "Function", "external": "Provider", "llm": "Model",
    "vector_db": "Embeddings",
}
DOMAINS = (
    "Orders", "Payments", "Users", "Catalog", "Inventory", "Shipping", "Billing", "Search", "Reviews", "Cart",
    "Pricing", "Accounts", "Identity", "Messaging", "Media", "Analytics", "Fraud", "Ledger", "Loyalty", "Returns",
    "Recommendations", "Notifications", "Support", "Content", "Sessions", "Tenants", "Reports", "Audit",
)
SYNC_LABELS = ("GET", "POST", "read", "write", "lookup", "query", "gRPC call", "validate", "fetch profile",
               "reserve stock", "charge", "cache-aside", "read / write")
ASYNC_LABELS = ("publish", "consume", "events", "enqueue", "fan-out", "retry", "audit log")


def generate(size: int, seed: int = 7, direction: str = "LR", group_size: int = 10, shape: str = "tiered",
             mesh_share: float = 0.3) -> str:
    """A blueprint of `size` components as YAML text (deterministic for a seed).

    Groups of about `group_size` sit in zones of about 5 groups. Inside a group
    calls form a tree from its entry point. Between groups, `shape` decides:

    - "tiered" (a real system): zones form up to 6 tiers (edge, front, domain,
      platform, data, ...); services and workers call groups in the next tier or
      the one after, 10% stay in their tier. The graph stays about 30 ranks deep.
    - "chained" (a stress case): groups call the next few groups, so the graph
      gets about half as many ranks as components (1,444 for 3,000).
    - "mesh" (dense cross-group traffic, the shape of a large estate of
      micro-services): tiered, but `mesh_share` of the calls between groups go
      to any group at all, so they cross zones and clusters far apart in the
      layout (30% is the default; 100% is a worst case).
    """
    rng = random.Random(seed * 1_000_003 + size)
    kinds = list(KIND_MIX)
    weights = [KIND_MIX[k][0] for k in kinds]
    n_groups = max(1, round(size / group_size))
    n_zones = max(1, round(n_groups / 5))
    lines = [
        "sdiagram: 1",
        f"name: scale-{size}",
        f"title: Generated system, {size:,} components",
        f"summary: \"Generated by bench/scale.py (seed {seed}), groups of about {group_size}, "
        f"about 1.5 connections per component.\"",
        f"direction: {direction}",
        "",
        "groups:",
    ]
    for z in range(n_zones):
        lines.append(f"  zone_{z}: {{label: \"Zone {z + 1}\"}}")
    group_names = []
    for g in range(n_groups):
        domain = DOMAINS[g % len(DOMAINS)] + ("" if g < len(DOMAINS) else f" {g // len(DOMAINS) + 1}")
        group_names.append(domain)
        lines.append(f"  g_{g}: {{label: \"{domain}\", parent: zone_{g * n_zones // n_groups}}}")

    lines += ["", "components:"]
    # Two clients outside every group; the rest spread over the groups, ~group_size each.
    members: list[list[tuple[str, str]]] = [[] for _ in range(n_groups)]
    lines.append("  users: {kind: client, label: Web & mobile users}")
    lines.append("  partners: {kind: client, label: Partner systems}")
    placed = 2
    counter = 0
    for g in range(n_groups):
        count = (size - 2) * (g + 1) // n_groups - (size - 2) * g // n_groups
        for position in range(count):
            counter += 1
            if position == 0:
                kind = rng.choice(["api_gateway", "load_balancer", "service"])  # each group has an entry point
            else:
                kind = rng.choices(kinds, weights)[0]
            tech = rng.choice(KIND_MIX[kind][1])
            cid = f"{kind.split('_')[0][:4]}_{counter}"
            replicas = 1 if kind in ("external",) or rng.random() < 0.15 else rng.choice([2, 2, 3, 3, 4])
            fields = [f"kind: {kind}"]
            if tech:
                fields.append(f"tech: {tech}")
            fields.append(f"label: \"{group_names[g]} {KIND_NOUN[kind]} {position + 1}\"")
            if replicas > 1:
                fields.append(f"replicas: {replicas}")
            fields.append(f"group: g_{g}")
            lines.append(f"  {cid}: {{{', '.join(fields)}}}")
            members[g].append((cid, kind))
            placed += 1
    assert placed == size, (placed, size)

    lines += ["", "connections:"]
    target_edges = round(size * 1.5)
    edges: set[tuple[str, str]] = set()
    written: list[str] = []

    def add(source: tuple[str, str], target: tuple[str, str]) -> None:
        if source[0] == target[0] or (source[0], target[0]) in edges:
            return
        edges.add((source[0], target[0]))
        is_async = source[1] in ("queue", "stream") or target[1] in ("queue", "stream")
        roll = rng.random()
        if is_async:
            label = rng.choice(ASYNC_LABELS) if roll < 0.6 else None
            spec = f"{{label: \"{label}\", async: true}}" if label else "{async: true}"
            written.append(f"  - \"{source[0]} -> {target[0]}\": {spec}")
        elif roll < 0.4:
            written.append(f"  - \"{source[0]} -> {target[0]}\": \"{rng.choice(SYNC_LABELS)}\"")
        else:
            written.append(f"  - {source[0]} -> {target[0]}")

    n_tiers = min(6, n_zones)
    tier_of = [(g * n_zones // n_groups) * n_tiers // n_zones for g in range(n_groups)]
    tiers = [[g for g in range(n_groups) if tier_of[g] == t] for t in range(n_tiers)]
    clients = [("users", "client"), ("partners", "client")]
    # Clients reach the entry points of a few groups (of the first tier, when tiered).
    entries = tiers[0] if shape == "tiered" else list(range(n_groups))
    for g in entries[:: max(1, len(entries) // 8)]:
        add(clients[g % 2], members[g][0])
    # Inside a group: a tree from the entry point down; calls come from the tiers that make them.
    sources = ("api_gateway", "load_balancer", "service", "worker", "function", "queue", "stream")
    for group in members:
        for index in range(1, len(group)):
            earlier = [m for m in group[:index] if m[1] in sources] or group[:1]
            add(rng.choice(earlier), group[index])
    # Between groups: services and workers call into nearby groups, mostly forward.
    callers = [(g, m) for g, group in enumerate(members) for m in group if m[1] in ("service", "worker", "function")]
    attempts = 0
    while len(edges) < target_edges and attempts < target_edges * 20 and n_groups > 1:
        attempts += 1
        g, source = rng.choice(callers)
        if shape == "mesh" and rng.random() < mesh_share:
            other = members[rng.randrange(n_groups)]
        elif shape == "chained":
            step = rng.choice([1, 1, 1, 2, 2, 3, 5]) * (-1 if rng.random() < 0.1 else 1)
            other = members[min(n_groups - 1, max(0, g + step))]
        else:
            roll = rng.random()
            tier = tier_of[g] + (0 if roll < 0.1 else 1 if roll < 0.8 else 2)
            other = members[rng.choice(tiers[min(tier, n_tiers - 1)])]
        if other is members[g]:
            continue
        target = other[0] if rng.random() < 0.5 else rng.choice(other)
        add(source, target)
    lines += written
    return "\n".join(lines) + "\n"


def generate_wide(length: int = 200) -> str:
    """A long chain, left to right: its PNG at 96 dpi is far wider than 32,767 px."""
    lines = [
        "sdiagram: 1",
        f"name: wide-{length}",
        f"title: A chain of {length} services",
        "direction: LR",
        "components:",
    ]
    lines += [f"  s_{i}: {{kind: service, label: \"Step {i + 1}\", replicas: 2}}" for i in range(length)]
    lines.append("connections:")
    lines += [f"  - s_{i} -> s_{i + 1}" for i in range(length - 1)]
    return "\n".join(lines) + "\n"


def png_size(path: str) -> tuple[int, int] | None:
    try:
        with open(path, "rb") as handle:
            head = handle.read(24)
    except OSError:
        return None
    if len(head) < 24 or not head.startswith(b"\x89PNG\r\n\x1a\n"):
        return None
    return struct.unpack(">II", head[16:24])


def fit_exponent(points: list[tuple[int, float]]) -> float:
    """Least-squares slope of log(time) on log(size)."""
    points = [(n, t) for n, t in points if t > 0 and not math.isnan(t)]
    if len(points) < 2:
        return math.nan
    xs = [math.log(n) for n, _ in points]
    ys = [math.log(t) for _, t in points]
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    sxx = sum((x - mx) ** 2 for x in xs)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sxx if sxx else math.nan


def all_files(folder: str) -> list[str]:
    found = []
    for base, _, names in os.walk(folder):
        found += [os.path.relpath(os.path.join(base, n), folder) for n in names]
    return sorted(found)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="How sdiagram's render and lint times grow with blueprint size.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=__doc__.split("\n\n", 2)[2],
    )
    parser.add_argument("--sizes", default="100,500,1000,3000", help="component counts (default 100,500,1000,3000)")
    parser.add_argument("--repeat", type=int, default=None,
                        help="runs per size and command, median reported (default 3 up to 1,000 components, 1 above)")
    parser.add_argument("--limit", type=float, default=300.0,
                        help="seconds after which the benchmark kills one command (default 300)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--shape", choices=("tiered", "chained", "mesh"), default="tiered",
                        help="how groups call each other: tiered (~30 ranks deep, default) or chained "
                             "(a stress case: about n/2 ranks deep) or mesh (groups call any group: dense cross-group edges)")
    parser.add_argument("--skip", default="", help="comma-separated: lint,validate,png,timeout")
    parser.add_argument("--keep", action="store_true", help="keep the generated blueprints and outputs")
    args = parser.parse_args()
    try:
        args.sizes = sorted({int(s.replace("_", "")) for s in args.sizes.split(",") if s.strip()})
    except ValueError:
        parser.error("--sizes takes comma-separated integers")
    if not args.sizes or min(args.sizes) < 3:
        parser.error("--sizes must be integers >= 3")
    if args.repeat is not None and args.repeat < 1:
        parser.error("--repeat must be >= 1")
    args.skip = {s.strip() for s in args.skip.split(",") if s.strip()}
    unknown = args.skip - {"lint", "validate", "png", "timeout"}
    if unknown:
        parser.error(f"unknown part in --skip: {', '.join(sorted(unknown))}")
    return args


def main() -> int:
    args = parse_args()
    check_sdiagram()
    sd = sdiagram_command()
    before = machine()
    notes: list[str] = []

    lint_help = run([*sd, "lint", "--help"])
    has_lint = lint_help.ok and "lint" not in args.skip
    if not lint_help.ok:
        notes.append("lint skipped: this sdiagram has no `lint` command yet")
    lint_extra = ["--isolated"] if "--isolated" in lint_help.stdout else []

    startup = median([run([*sd, "--version"]).seconds for _ in range(3)])
    work = tempfile.mkdtemp(prefix="sdiagram-scale-")
    results: dict[int, dict] = {}
    print(f"sizes {', '.join(f'{s:,}' for s in args.sizes)}; {before['cores']} cores ({before['cores_usable']} usable); "
          f"load average {before['load_average']}", flush=True)
    try:
        for size in args.sizes:
            repeat = args.repeat or (3 if size <= 1000 else 1)
            path = os.path.join(work, f"scale-{size}.yaml")
            text = generate(size, args.seed, shape=args.shape)
            with open(path, "w", encoding="utf-8") as handle:
                handle.write(text)
            connections = sum(1 for line in text.splitlines() if line.startswith("  - "))
            groups = text.count(", parent: zone_")
            entry: dict = {"components": size, "connections": connections, "groups": groups,
                           "yaml_bytes": len(text.encode())}
            commands = []
            if "validate" not in args.skip:
                commands.append(("validate", [*sd, "validate", path], (0,)))
            if has_lint:
                commands.append(("lint", [*sd, "lint", *lint_extra, path], (0, 1)))
            out = os.path.join(work, f"out-{size}")
            commands.append(("render", [*sd, "render", path, "-f", "svg", "--force", "-o", out], (0,)))
            print(f"  {size:,} components, {connections:,} connections, {groups} groups:", end="", flush=True)
            for name, command, accepted in commands:
                times, memory = [], []
                for _ in range(repeat):
                    result = run(command, timeout=args.limit)
                    if result.returncode not in accepted:
                        why = (f"killed after the benchmark's --limit of {args.limit:g} s"
                               if result.seconds >= args.limit else f"exit {result.returncode}")
                        print(f" {name} FAILED ({why})", flush=True)
                        notes.append(f"{size:,}: `{name}` failed ({why}):\n{tail(result.stderr or result.stdout)}")
                        times = []
                        break
                    times.append(result.seconds)
                    memory.append(peak_rss_mb(result.max_rss_kb))
                    if name == "render":
                        for line in result.stderr.strip().splitlines():
                            note = f"{size:,}: render said: {line.strip()}"
                            if note not in notes:
                                notes.append(note)
                if times:
                    entry[name] = {"seconds": median(times), "samples": times, "peak_mb": max(memory)}
                    if name == "render":
                        svg = os.path.join(out, f"scale-{size}.svg")
                        entry[name]["svg_bytes"] = os.path.getsize(svg) if os.path.exists(svg) else None
                    print(f" {name} {median(times):.2f}s/{max(memory):.0f}MB", end="", flush=True)
            print(flush=True)
            results[size] = entry

        checks = {}
        if "png" not in args.skip:
            checks["png_ceiling"] = check_png_ceiling(sd, work)
        if "timeout" not in args.skip:
            checks["timeout"] = check_timeout(sd, work, max(args.sizes), args.seed, args.shape)
        after = machine()
        report(args, results, checks, notes, before, after, startup)
    finally:
        if args.keep:
            print(f"blueprints and outputs kept in {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    return 0


def check_png_ceiling(sd: list[str], work: str) -> dict:
    length = 200
    path = os.path.join(work, f"wide-{length}.yaml")
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(generate_wide(length))
    out = os.path.join(work, "out-wide")
    print(f"  png ceiling: a chain of {length} components, -f png ...", end="", flush=True)
    result = run([*sd, "render", path, "-f", "png", "--force", "-o", out], timeout=300)
    size = png_size(os.path.join(out, f"wide-{length}.png"))
    warned = [line.strip() for line in result.stderr.splitlines() if "warning" in line.lower()]
    ok = result.ok and size is not None and max(size) <= PNG_MAX_PIXELS and bool(warned)
    if not result.ok:
        outcome = f"FAILED: exit {result.returncode}: {tail(result.stderr, 3).strip()}"
    elif size is None:
        outcome = "FAILED: no PNG written"
    elif max(size) > PNG_MAX_PIXELS:
        outcome = f"FAILED: PNG is {size[0]:,} x {size[1]:,} px, over {PNG_MAX_PIXELS:,}"
    elif not warned:
        outcome = f"PNG {size[0]:,} x {size[1]:,} px but NO warning was printed"
    else:
        outcome = f"ok: PNG {size[0]:,} x {size[1]:,} px, warned"
    print(f" {outcome} ({result.seconds:.2f} s)", flush=True)
    return {"ok": ok, "outcome": outcome, "exit": result.returncode, "png_px": size, "seconds": result.seconds,
            "stderr": result.stderr.strip().splitlines()[-5:]}


def check_timeout(sd: list[str], work: str, size: int, seed: int, shape: str) -> dict:
    path = os.path.join(work, f"scale-{size}.yaml")
    if not os.path.exists(path):
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(generate(size, seed, shape=shape))
    out = os.path.join(work, "out-timeout")
    os.makedirs(out, exist_ok=True)
    limit = 0.5
    print(f"  timeout: --timeout {limit} on {size:,} components ...", end="", flush=True)
    result = run([*sd, "render", path, "-f", "svg,png", "--force", "--timeout", str(limit), "-o", out], timeout=300)
    left = all_files(out)
    message = result.stderr.strip()
    clear = "timeout" in message.lower() and "Traceback" not in message
    ok = result.returncode != 0 and not left and clear
    if result.returncode == 0:
        outcome = "FAILED: the render finished inside the timeout (pick a bigger blueprint)"
    elif left:
        outcome = f"FAILED: left files behind: {', '.join(left)}"
    elif not clear:
        outcome = "FAILED: no clear timeout message"
    else:
        outcome = f"ok: exit {result.returncode}, no file left"
    print(f" {outcome} ({result.seconds:.2f} s)", flush=True)
    return {"ok": ok, "outcome": outcome, "exit": result.returncode, "seconds": result.seconds,
            "files_left": left, "message": message.splitlines()[-5:]}


def report(args, results: dict[int, dict], checks: dict, notes: list[str], before: dict, after: dict,
           startup: float) -> None:
    print()
    print(f"sdiagram scale benchmark: generated {args.shape} blueprints, each command its own process; "
          "median wall seconds / peak RSS in MB")
    print(f"machine: {before['cores']} cores ({before['cores_usable']} usable), load average before "
          f"{before['load_average']}, after {after['load_average']}")
    parts = [p for p in ("validate", "lint", "render") if any(p in e for e in results.values())]
    headers = ["components", "connections", "groups"]
    for part in parts:
        headers += [f"{part} s", f"{part} MB"]
    headers += ["render target", "verdict"]
    rows = []
    for size, entry in results.items():
        row = [f"{size:,}", f"{entry['connections']:,}", str(entry["groups"])]
        for part in parts:
            if part in entry:
                row += [f"{entry[part]['seconds']:.2f}", f"{entry[part]['peak_mb']:.0f}"]
            else:
                row += ["failed", "-"]
        target = TARGETS.get(size)
        if target is None:
            row += ["", ""]
        elif "render" not in entry:
            row += [f"< {target:g} s", "NOT MET (failed)"]
        else:
            seconds = entry["render"]["seconds"]
            verdict = (f"met ({seconds / target:.0%} of it)" if seconds < target
                       else f"NOT MET (over by {(seconds - target) / target:.0%})")
            row += [f"< {target:g} s", verdict]
        rows.append(row)
    print(table(headers, rows))

    exponents, net_exponents = {}, {}
    print()
    sizes = sorted(results)
    print(f"process start-up (`sdiagram --version`): {startup:.3f} s; 'net' subtracts it")
    for part in parts:
        points = [(s, results[s][part]["seconds"]) for s in sizes if part in results[s]]
        exponents[part] = fit_exponent(points)
        net_exponents[part] = fit_exponent([(n, t - startup) for n, t in points])
        span = f"{points[0][0]:,} -> {points[-1][0]:,}" if points else "-"
        print(f"growth exponent, {part:<8}: time ~ n^{exponents[part]:.2f}, net of start-up n^{net_exponents[part]:.2f}"
              f"  (log-log least squares, {span})")
    if checks:
        print()
        for name, check in checks.items():
            print(f"{name}: {check['outcome']} in {check['seconds']:.2f} s")
            for line in check.get("stderr", check.get("message", [])):
                print(f"    | {line}")
    if notes:
        print()
        print("notes:")
        for note in notes:
            print(f"  - {note}")
    data = {
        "benchmark": "scale",
        "when": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "settings": {"sizes": args.sizes, "repeat": args.repeat, "seed": args.seed, "shape": args.shape},
        "machine_before": before,
        "machine_after": after,
        "results": {str(k): v for k, v in results.items()},
        "exponents": exponents,
        "exponents_net_of_startup": net_exponents,
        "startup_seconds": startup,
        "targets": {str(k): v for k, v in TARGETS.items()},
        "checks": checks,
        "notes": notes,
    }
    path = write_json("scale", data)
    print()
    print(f"results: {os.path.relpath(path, ROOT)}")


if __name__ == "__main__":
    run_main(main, "scale")
