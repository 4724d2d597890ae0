"""Traffic arithmetic: DAU and requests per user -> average and peak QPS,
reads and writes, bandwidth and storage."""

from __future__ import annotations

import math

from ..model import Traffic
from .defaults import DEFAULT_PEAK_FACTOR
from .result import SECONDS_PER_DAY, TrafficEstimate


def traffic_estimate(traffic: Traffic | None) -> TrafficEstimate | None:
    """None unless the blueprint gives `traffic.dau` and `traffic.requests_per_user` (with
    products that stay finite).

    average QPS = DAU × requests per user / 86,400; peak = average × peak_factor;
    reads = peak × reads / (reads + writes).
    """
    if traffic is None or traffic.dau is None or traffic.requests_per_user is None:
        return None
    assumptions = []
    peak_factor = traffic.peak_factor
    if peak_factor is None:
        peak_factor = DEFAULT_PEAK_FACTOR.value
        assumptions.append(f"peak_factor not given: {peak_factor:g} ({DEFAULT_PEAK_FACTOR.source})")
    if traffic.reads is None or traffic.writes is None:
        reads_share = 0.5
        assumptions.append("read_write_ratio not given: 1:1")
    else:
        total = traffic.reads + traffic.writes
        reads_share = traffic.reads / total if total > 0 else 0.5
    average = traffic.dau * traffic.requests_per_user / SECONDS_PER_DAY
    if not math.isfinite(average * peak_factor * max(1.0, traffic.record_size or 1.0)):
        return None  # figures past 1e308 mean nothing: treated as no traffic
    return TrafficEstimate(
        dau=float(traffic.dau),
        requests_per_user=traffic.requests_per_user,
        peak_factor=peak_factor,
        reads_share=reads_share,
        average_qps=average,
        peak_qps=average * peak_factor,
        request_size=traffic.request_size,
        response_size=traffic.response_size,
        record_size=traffic.record_size,
        retention_days=traffic.retention_days,
        assumptions=tuple(assumptions),
    )
