"""The estimate as text, Markdown or JSON (`sdiagram estimate --format ...`).

Text and Markdown show the formulas with the numbers put in, so a reader can
follow the arithmetic; the Markdown is ready to paste into a design doc.
"""

from __future__ import annotations

import json
import math
from typing import Any, Iterable

from . import numbers as n
from .result import ComponentEstimate, Estimate, PathEstimate, TrafficEstimate, downtime_hours_per_year, nines
from . import paths as path_analysis

UTILIZATION_FORMULA = "utilization = reads ÷ (read capacity × read nodes) + writes ÷ (write capacity × write nodes)"
AVAILABILITY_FORMULA = ("availability = ∏ of the path's hard dependencies (in series); "
                        "behind a cache or CDN: × (hit + miss × what is behind it)")
LATENCY_FORMULA = "latency = client round trip + each hop's round trip and own time along the slowest branch"


def columns(estimate: Estimate) -> tuple[str, ...]:
    return ("component", "kind", "reads/s", "writes/s", "capacity/replica", "nodes", "utilization",
            f"needed ≤{n.percent(estimate.headroom)}", "availability")


# -- the figures, shared by text and Markdown ----------------------------------------

def traffic_lines(traffic: TrafficEstimate) -> list[tuple[str, str]]:
    """(name, formula = numbers = result) rows."""
    rows = [
        ("average QPS", f"DAU × requests per user ÷ 86,400 = {n.count(traffic.dau)} × {n.count(traffic.requests_per_user)}"
                        f" ÷ 86,400 = {n.rate(traffic.average_qps)}"),
        ("peak QPS", f"average × peak_factor = {n.rate(traffic.average_qps)} × {traffic.peak_factor:g}"
                     f" = {n.rate(traffic.peak_qps)}"),
        ("reads", f"peak × {n.share(traffic.reads_share)} = {n.rate(traffic.peak_reads)}"
                  f" (average {n.rate(traffic.average_reads)})"),
        ("writes", f"peak × {n.share(1 - traffic.reads_share)} = {n.rate(traffic.peak_writes)}"
                   f" (average {n.rate(traffic.average_writes)})"),
    ]
    if traffic.request_size is not None and traffic.bandwidth_in is not None:
        rows.append(("bandwidth in", f"peak QPS × request_size = {n.rate(traffic.peak_qps)} × {n.size(traffic.request_size)}"
                                     f" = {n.size(traffic.bandwidth_in)}/s"))
    if traffic.response_size is not None and traffic.bandwidth_out is not None:
        rows.append(("bandwidth out", f"peak QPS × response_size = {n.rate(traffic.peak_qps)} × "
                                      f"{n.size(traffic.response_size)} = {n.size(traffic.bandwidth_out)}/s"))
    if traffic.record_size is not None and traffic.storage_per_day is not None and traffic.storage_per_year is not None:
        rows.append(("storage", f"writes per day × record_size = {n.count(traffic.writes_per_day)} × "
                                f"{n.size(traffic.record_size)} = {n.size(traffic.storage_per_day)}/day; "
                                f"× 365 = {n.size(traffic.storage_per_year)}/year"))
        if traffic.retention_days is not None and traffic.storage_retained is not None:
            rows.append(("retained", f"per day × retention = {n.size(traffic.storage_per_day)} × "
                                     f"{n.count(traffic.retention_days)} days = {n.size(traffic.storage_retained)}"))
    return rows


def component_row(component: ComponentEstimate) -> tuple[str, ...]:
    if component.read_capacity is None or component.write_capacity is None:
        capacity = "—"
    elif component.read_capacity == component.write_capacity:
        capacity = n.short(component.read_capacity)
    else:
        capacity = f"{n.short(component.read_capacity)} r / {n.short(component.write_capacity)} w"
    if component.read_nodes == component.write_nodes:
        node_count = f"{component.read_nodes:,}"
    else:
        node_count = f"{component.read_nodes:,} r / {component.write_nodes:,} w"
    return (
        component.id,
        component.kind,
        n.count(component.reads),
        n.count(component.writes),
        capacity,
        node_count,
        n.percent(component.utilization) if component.utilization is not None else "—",
        needed(component),
        n.availability(component.availability) if component.availability is not None else "—",
    )


def needed(component: ComponentEstimate) -> str:
    if component.suggested_shards is not None:
        return f"{component.suggested_shards} shards"
    if component.suggested_replicas is not None:
        return f"{component.suggested_replicas} replica{'s' if component.suggested_replicas != 1 else ''}"
    return "—"


def utilization_arithmetic(component: ComponentEstimate) -> str | None:
    if component.utilization is None or component.read_capacity is None or component.write_capacity is None:
        return None
    return (f"{n.count(component.reads)} ÷ ({n.short(component.read_capacity)} × {component.read_nodes}) + "
            f"{n.count(component.writes)} ÷ ({n.short(component.write_capacity)} × {component.write_nodes}) = "
            f"{n.percent(component.utilization)}")


def path_availability_arithmetic(estimate: Estimate, path: PathEstimate) -> str:
    """`lb 99.99% × api 99.9999% × cdn 99.9% × (90% + 10% × media 99.9%) = ...`, built without recursion."""
    callees = dict(path.dependencies)
    tokens: list[str] = []
    pending: list[str | tuple[str]] = [path.entry]  # a component, or (text,) to emit as is
    while pending:
        item = pending.pop()
        if isinstance(item, tuple):
            tokens.append(item[0])
            continue
        component = estimate.component(item)
        if tokens and not tokens[-1].endswith("× ("):
            tokens.append(" × ")
        tokens.append(f"{item} {n.availability(component.availability)}" if component.availability is not None
                      else item)
        behind = list(callees.get(item, ()))
        later: list[str | tuple[str]] = []
        if behind and component.hit_ratio is not None:
            hit = component.hit_ratio
            later.append((f" × ({n.percent(hit)} + {n.percent(1 - hit)} × (",))
            later += behind
            later.append(("))",))
        else:
            later += behind
        pending.extend(reversed(later))
    return ("".join(tokens) + f" = {n.availability(path.availability)} "
            f"({n.nines_text(path.availability)}; down {n.downtime(path.availability)})")


def path_latency_arithmetic(path: PathEstimate) -> str:
    parts = []
    for hop in path.critical_path:
        parts.append(f"{hop.component} {_ms(hop.network_ms)} + {_ms(hop.own_ms)}")
    return " → ".join(parts) + f" = {n.milliseconds(path.latency_ms)}"


def _ms(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".")


def slo_lines(estimate: Estimate) -> list[str]:
    if estimate.slo is None:
        return []
    lines = []
    if estimate.slo.availability is not None:
        target = estimate.slo.availability
        short = estimate.below_availability_slo
        verdict = (f"{len(estimate.paths) - len(short)} of {len(estimate.paths)} paths meet it" if short
                   else "every path meets it")
        lines.append(f"availability {n.availability(target)} ({n.nines_text(target)}): {verdict}"
                     + "".join(f"; {p.name} is {n.availability(p.availability)}" for p in short))
    if estimate.slo.latency_ms is not None:
        budget = estimate.slo.latency_ms
        over = estimate.over_latency_slo
        verdict = f"{len(over)} of {len(estimate.paths)} paths exceed it" if over else "every path is within it"
        lines.append(f"latency {n.milliseconds(budget)}: {verdict}"
                     + "".join(f"; {p.name} takes {n.milliseconds(p.latency_ms)}" for p in over))
    return lines


def skipped_line(estimate: Estimate) -> str | None:
    """What the estimate left out (None when it estimated every entry path)."""
    if not estimate.skipped_paths:
        return None
    return (f"{estimate.skipped_paths:,} more entry path{'s' if estimate.skipped_paths != 1 else ''} not estimated: "
            f"the paths above list {path_analysis.MAX_PATH_COMPONENTS:,} components, the most one estimate analyses")


def overall_line(estimate: Estimate) -> str | None:
    if estimate.availability is None or estimate.latency_ms is None:
        return None
    weights = "load-weighted" if estimate.traffic is not None else "paths weighted equally"
    return (f"overall ({weights}): {n.availability(estimate.availability)} ({n.nines_text(estimate.availability)}; "
            f"down {n.downtime(estimate.availability)}), {n.milliseconds(estimate.latency_ms)}")


# -- text ----------------------------------------------------------------------------------

def text(estimates: Iterable[tuple[str, Estimate]]) -> str:
    return "\n".join(_text_one(path, estimate) for path, estimate in estimates)


def _text_one(path: str, estimate: Estimate) -> str:
    out = [f"{path}: estimate of '{estimate.name}' (formulas and defaults: docs/estimate.md)", ""]
    out.append("Traffic")
    if estimate.traffic is None:
        out.append("  no traffic (traffic.dau and traffic.requests_per_user, finite): no load, capacity or utilization")
    else:
        rows = traffic_lines(estimate.traffic)
        width = max(len(name) for name, _ in rows)
        out += [f"  {name:<{width}} = {formula}" for name, formula in rows]
        out += [f"  assumed: {assumption}" for assumption in estimate.traffic.assumptions]
    out += ["", "Components (peak load)", f"  {UTILIZATION_FORMULA}"]
    header = columns(estimate)
    table = [header] + [component_row(c) for c in estimate.components]
    widths = [max(len(row[i]) for row in table) for i in range(len(header))]
    for row in table:
        cells = [cell.ljust(widths[i]) if i < 2 else cell.rjust(widths[i]) for i, cell in enumerate(row)]
        out.append("  " + "  ".join(cells).rstrip())
    arithmetic = [(c.id, utilization_arithmetic(c)) for c in estimate.components]
    if any(line for _, line in arithmetic):
        out.append("")
        id_width = max(len(c.id) for c in estimate.components)
        out += [f"  {cid:<{id_width}}  {line}" for cid, line in arithmetic if line]
    out += ["", "Paths", f"  {AVAILABILITY_FORMULA}", f"  {LATENCY_FORMULA}"]
    if not estimate.paths:
        out.append("  no client makes a synchronous call: no entry paths")
    for path_estimate in estimate.paths:
        load = f" ({n.rate(path_estimate.load)})" if estimate.traffic is not None else ""
        out.append(f"  {path_estimate.name}{load}")
        out.append(f"    availability = {path_availability_arithmetic(estimate, path_estimate)}")
        out.append(f"    latency      = {path_latency_arithmetic(path_estimate)}")
    skipped = skipped_line(estimate)
    if skipped:
        out.append(f"  {skipped}")
    overall = overall_line(estimate)
    if overall:
        out.append(f"  {overall}")
    slo = slo_lines(estimate)
    if slo:
        out += ["", "SLO"] + [f"  {line}" for line in slo]
    return "\n".join(out) + "\n"


# -- Markdown ------------------------------------------------------------------------------

def markdown(estimates: Iterable[tuple[str, Estimate]]) -> str:
    return "\n".join(_markdown_one(estimate) for _, estimate in estimates)


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def _markdown_one(estimate: Estimate) -> str:
    out = [f"## Estimate: {estimate.name}", "",
           "Back-of-envelope figures from `sdiagram estimate`; every formula and default is in docs/estimate.md.", ""]
    out.append("### Traffic")
    out.append("")
    if estimate.traffic is None:
        out.append("No traffic given (`traffic.dau`, `traffic.requests_per_user`): no load or utilization.")
    else:
        out += ["| figure | formula |", "| --- | --- |"]
        out += [f"| {name} | {_cell(formula)} |" for name, formula in traffic_lines(estimate.traffic)]
        if estimate.traffic.assumptions:
            out.append("")
            out += [f"- assumed: {assumption}" for assumption in estimate.traffic.assumptions]
    out += ["", "### Components at peak", "", f"`{UTILIZATION_FORMULA}`", ""]
    header = columns(estimate)
    out.append("| " + " | ".join(header) + " | arithmetic |")
    out.append("| " + " | ".join(["---"] * 2 + ["---:"] * (len(header) - 2)) + " | --- |")
    for component in estimate.components:
        row = component_row(component)
        arithmetic = utilization_arithmetic(component) or ""
        out.append("| " + " | ".join(_cell(cell) for cell in (f"`{row[0]}`",) + row[1:]) + f" | {_cell(arithmetic)} |")
    out += ["", "### Paths", "", f"`{AVAILABILITY_FORMULA}`; `{LATENCY_FORMULA}`", ""]
    if not estimate.paths:
        out.append("No client makes a synchronous call: no entry paths.")
    else:
        out += ["| path | peak load | availability | nines | downtime | latency |",
                "| --- | ---: | ---: | ---: | --- | ---: |"]
        for path in estimate.paths:
            load = n.rate(path.load) if estimate.traffic is not None else "—"
            out.append(f"| `{path.name}` | {load} | {n.availability(path.availability)} | "
                       f"{nines(path.availability):.1f} | {n.downtime(path.availability)} | "
                       f"{n.milliseconds(path.latency_ms)} |")
        out.append("")
        for path in estimate.paths:
            out.append(f"- `{path.name}`: availability = {_cell(path_availability_arithmetic(estimate, path))}; "
                       f"latency = {_cell(path_latency_arithmetic(path))}")
        skipped = skipped_line(estimate)
        if skipped:
            out += ["", skipped[0].upper() + skipped[1:] + "."]
        overall = overall_line(estimate)
        if overall:
            out += ["", overall[0].upper() + overall[1:] + "."]
    slo = slo_lines(estimate)
    if slo:
        out += ["", "### SLO", ""] + [f"- {line}" for line in slo]
    return "\n".join(out) + "\n"


# -- JSON ----------------------------------------------------------------------------------

def as_dict(estimate: Estimate) -> dict[str, Any]:
    traffic = estimate.traffic
    return {
        "name": estimate.name,
        "headroom": estimate.headroom,
        "traffic": None if traffic is None else {
            "dau": traffic.dau,
            "requests_per_user": traffic.requests_per_user,
            "peak_factor": traffic.peak_factor,
            "reads_share": traffic.reads_share,
            "average_qps": traffic.average_qps,
            "peak_qps": traffic.peak_qps,
            "peak_reads": traffic.peak_reads,
            "peak_writes": traffic.peak_writes,
            "bandwidth_in": traffic.bandwidth_in,
            "bandwidth_out": traffic.bandwidth_out,
            "storage_per_day": traffic.storage_per_day,
            "storage_per_year": traffic.storage_per_year,
            "storage_retained": traffic.storage_retained,
            "assumptions": list(traffic.assumptions),
        },
        "components": [
            {
                "id": c.id, "kind": c.kind, "line": c.span.line, "reads": c.reads, "writes": c.writes,
                "replicas": c.replicas, "shards": c.shards,
                "read_capacity": c.read_capacity, "write_capacity": c.write_capacity,
                "capacity_source": c.capacity_source, "read_nodes": c.read_nodes, "write_nodes": c.write_nodes,
                "utilization": c.utilization, "suggested_replicas": c.suggested_replicas,
                "suggested_shards": c.suggested_shards, "availability": c.availability,
                "availability_source": c.availability_source,
                "latency_ms": c.latency_ms, "latency_source": c.latency_source,
            }
            for c in estimate.components
        ],
        "connections": [
            {"source": c.source, "target": c.target, "line": c.span.line, "reads": c.reads, "writes": c.writes}
            for c in estimate.connections
        ],
        "paths": [
            {
                "client": p.client, "entry": p.entry, "load": p.load, "components": list(p.components),
                "availability": p.availability, "nines": nines(p.availability),
                "downtime_hours_per_year": downtime_hours_per_year(p.availability),
                "latency_ms": p.latency_ms,
                "critical_path": [{"component": h.component, "network_ms": h.network_ms, "own_ms": h.own_ms}
                                  for h in p.critical_path],
            }
            for p in estimate.paths
        ],
        "skipped_paths": estimate.skipped_paths,
        "overall": {"availability": estimate.availability, "latency_ms": estimate.latency_ms},
        "slo": None if estimate.slo is None else {
            "availability": estimate.slo.availability, "latency_ms": estimate.slo.latency_ms,
        },
    }


def json_text(estimates: Iterable[tuple[str, Estimate]]) -> str:
    data = [_finite(dict(path=path, **as_dict(e))) for path, e in estimates]
    return json.dumps(data, indent=2, ensure_ascii=False, allow_nan=False) + "\n"


def _finite(value: Any) -> Any:
    """JSON has no infinity: a figure that overflowed (absurd traffic) becomes null."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {key: _finite(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_finite(item) for item in value]
    return value


RENDERERS = {"text": text, "markdown": markdown, "json": json_text}
