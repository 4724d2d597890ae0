"""Properties of the estimate that hold for any design (hypothesis generates the designs):
more replicas never lower availability, more capacity never raises utilization, a cache
never raises the load on the store behind it, an async hop never adds latency."""

from __future__ import annotations

import copy
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pytest import approx

from sdiagram.compiler import compile_blueprint
from sdiagram.estimation import Estimate, estimate
from sdiagram.yamlsource import parse_yaml

KINDS = ("service", "worker", "function", "cache", "database", "queue", "stream", "search_index",
         "object_storage", "external", "llm", "load_balancer", "api_gateway", "cdn")
STATEFUL = ("cache", "database", "queue", "stream", "search_index", "object_storage")
TECHS = {"database": ("postgresql", "cassandra", "dynamodb", None), "cache": ("redis", "memcached", None),
         "stream": ("kafka", None), "queue": ("sqs", "rabbitmq", None), "object_storage": ("s3", None)}
OPS = (None, "read", "write", "read_write")
LABELS = (None, "lookup", "store", "publish", "consume")
PROPERTY_SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])

Design = dict[str, Any]


@st.composite
def traffic(draw: st.DrawFn) -> dict[str, Any]:
    return {
        "dau": draw(st.integers(1_000, 100_000_000)),
        "requests_per_user": draw(st.integers(1, 100)),
        "read_write_ratio": f"{draw(st.integers(0, 100))}:{draw(st.integers(1, 10))}",
        "peak_factor": draw(st.sampled_from([1, 2, 3])),
    }


@st.composite
def component(draw: st.DrawFn) -> dict[str, Any]:
    kind = draw(st.sampled_from(KINDS))
    spec: dict[str, Any] = {"kind": kind, "replicas": draw(st.integers(1, 4))}
    tech = draw(st.sampled_from(TECHS.get(kind, (None,))))
    if tech:
        spec["tech"] = tech
    if kind in STATEFUL and spec["replicas"] >= 2 and draw(st.booleans()):
        spec["replication"] = draw(st.sampled_from(["primary-replica", "multi-primary", "quorum"]))
        spec["failover"] = draw(st.sampled_from(["automatic", "manual"]))
    if kind in ("cache", "cdn") and draw(st.booleans()):
        spec["hit_ratio"] = draw(st.floats(0, 1))
    if draw(st.booleans()):
        spec["capacity"] = draw(st.integers(1, 200_000))
    return spec


@st.composite
def connection_options(draw: st.DrawFn) -> dict[str, Any]:
    options: dict[str, Any] = {}
    for key, strategy in (("label", st.sampled_from(LABELS)), ("op", st.sampled_from(OPS))):
        value = draw(strategy)
        if value:
            options[key] = value
    if draw(st.integers(0, 4)) == 0:
        options["async"] = True
    if draw(st.integers(0, 3)) == 0:
        options["share"] = draw(st.floats(0, 1))
    if draw(st.integers(0, 3)) == 0:
        options["per_request"] = draw(st.floats(0, 5))
    if draw(st.integers(0, 5)) == 0:
        options["latency_ms"] = draw(st.floats(0, 200))
    return options


@st.composite
def designs(draw: st.DrawFn) -> Design:
    """A client, then 2-8 components; each is connected from the client or an earlier one."""
    count = draw(st.integers(2, 8))
    components = {"users": {"kind": "client"}}
    components.update({f"c{i}": draw(component()) for i in range(count)})
    ids = list(components)
    connections = []
    for position in range(1, len(ids)):
        sources = [draw(st.sampled_from(ids[:position]))]
        if position > 1 and draw(st.booleans()):
            sources.append(draw(st.sampled_from(ids[1:position])))
        for source in dict.fromkeys(sources):
            connections.append({f"{source} -> {ids[position]}": draw(connection_options())})
    design: Design = {"components": components, "connections": connections, "traffic": draw(traffic())}
    return design


def run(design: Design) -> Estimate:
    text = yaml.safe_dump(design, sort_keys=False)
    document, problems = parse_yaml(text, "generated.yaml")
    assert not problems, problems
    return estimate(compile_blueprint(document, "generated.yaml"))


@PROPERTY_SETTINGS
@given(designs(), st.data())
def test_adding_a_replica_never_lowers_availability(design: Design, data: st.DataObject) -> None:
    before = run(design)
    target = data.draw(st.sampled_from([c for c in design["components"] if c != "users"]))
    more = copy.deepcopy(design)
    more["components"][target]["replicas"] += 1
    after = run(more)
    for old, new in zip(before.components, after.components):
        if old.availability is not None:
            assert new.availability >= old.availability - 1e-15, old.id
    for old_path, new_path in zip(before.paths, after.paths):
        assert new_path.availability >= old_path.availability - 1e-15, old_path.name


@PROPERTY_SETTINGS
@given(designs(), st.data())
def test_raising_a_capacity_never_raises_utilization(design: Design, data: st.DataObject) -> None:
    target = data.draw(st.sampled_from([c for c in design["components"] if c != "users"]))
    low = data.draw(st.integers(1, 100_000))
    high = data.draw(st.integers(low, 1_000_000))
    design["components"][target]["capacity"] = low
    before = run(design)
    design["components"][target]["capacity"] = high
    after = run(design)
    for old, new in zip(before.components, after.components):
        if old.id == target and old.utilization is not None:
            assert new.utilization <= old.utilization * (1 + 1e-12)
        else:
            assert new.utilization == old.utilization, old.id


@st.composite
def store_designs(draw: st.DrawFn) -> tuple[Design, Design]:
    """A service reading and writing a store; then the same with a cache, aside or in front."""
    op = draw(st.sampled_from(OPS))
    label = draw(st.sampled_from((None, "lookup", "store", "query")))
    options = {key: value for key, value in (("op", op), ("label", label)) if value}
    store_kind = draw(st.sampled_from(("database", "search_index", "object_storage")))
    components = {
        "users": {"kind": "client"},
        "lb": {"kind": "load_balancer", "replicas": 2},
        "api": {"kind": "service", "replicas": draw(st.integers(1, 5))},
        "store": {"kind": store_kind},
        "other": {"kind": "service"},
    }
    connections: list[Any] = ["users -> lb", "lb -> api", {"api -> store": options}]
    if draw(st.booleans()):
        connections.append({"api -> other": draw(connection_options())})
    without: Design = {"traffic": draw(traffic()), "components": components, "connections": connections}
    with_cache = copy.deepcopy(without)
    cache: dict[str, Any] = {"kind": "cache"}
    if draw(st.booleans()):
        cache["hit_ratio"] = draw(st.floats(0, 1))
    with_cache["components"]["cache"] = cache
    if draw(st.booleans()):  # cache-aside: the service reads the cache first
        with_cache["connections"].append({"api -> cache": {"label": "lookup"}})
    else:  # read-through: the cache stands in front of the store
        with_cache["connections"][2] = {"api -> cache": options}
        with_cache["connections"].append("cache -> store")
    return without, with_cache


@PROPERTY_SETTINGS
@given(store_designs())
def test_a_cache_never_raises_the_load_on_the_store_behind_it(pair: tuple[Design, Design]) -> None:
    without, with_cache = pair
    before = run(without).component("store")
    after = run(with_cache).component("store")
    assert after.reads <= before.reads * (1 + 1e-12) + 1e-9
    assert after.writes <= before.writes * (1 + 1e-12) + 1e-9


@PROPERTY_SETTINGS
@given(designs(), st.data())
def test_an_async_hop_never_adds_latency(design: Design, data: st.DataObject) -> None:
    before = run(design)
    source = data.draw(st.sampled_from(list(design["components"])))
    target = data.draw(st.sampled_from([c for c in design["components"] if c != source] + ["new_worker"]))
    if target == "new_worker":
        design["components"][target] = {"kind": "worker"}
    options = data.draw(connection_options())
    options["async"] = True
    design["connections"].append({f"{source} -> {target}": options})
    after = {p.name: p.latency_ms for p in run(design).paths}
    for path in before.paths:
        assert after[path.name] == approx(path.latency_ms), path.name
