"""The estimate: arithmetic checked against figures computed by hand for two bundled designs,
the readers of the new keys, the reports and the command line."""

from __future__ import annotations

import json

import pytest
from pytest import approx

import sdiagram
from sdiagram.estimation import defaults
from sdiagram.estimation.paths import majority, parallel

from conftest import BLUEPRINTS, run_cli

# -- url-shortener, by hand ---------------------------------------------------------------
# dau 100M, 10 requests/user/day, reads:writes 100:1, peak ×3
AVERAGE = 100e6 * 10 / 86_400  # 11,574.07/s
PEAK = AVERAGE * 3  # 34,722.2/s
READS = PEAK * 100 / 101  # 34,378.4/s
WRITES = PEAK / 101  # 343.78/s


@pytest.fixture(scope="module")
def shortener():
    return sdiagram.estimate(sdiagram.load(BLUEPRINTS / "url-shortener.yaml"))


def test_shortener_traffic(shortener):
    traffic = shortener.traffic
    assert traffic.average_qps == approx(11_574.074, rel=1e-6)
    assert traffic.peak_qps == approx(34_722.222, rel=1e-6)
    assert traffic.peak_reads == approx(READS)
    assert traffic.peak_writes == approx(WRITES)
    assert traffic.bandwidth_in == approx(PEAK * 500)  # request_size 500 B
    writes_per_day = 100e6 * 10 / 101  # 9.9M new links a day
    assert traffic.storage_per_day == approx(writes_per_day * 100)  # record_size 100 B: 990 MB/day
    assert traffic.storage_retained == approx(writes_per_day * 100 * 3650)  # 10 years: 3.6 TB


def test_shortener_load_and_utilization(shortener):
    api = shortener.component("api")  # every request; 12 replicas of 5k/s
    assert (api.reads, api.writes) == (approx(READS), approx(WRITES))
    assert api.utilization == approx(PEAK / (5_000 * 12))  # 57.9%
    cache = shortener.component("cache")  # all the reads (op: read on the GET), 3 copies of 100k/s
    assert cache.reads == approx(READS)
    assert cache.utilization == approx(READS / (100_000 * 3))
    db = shortener.component("db")  # cache-aside: 10% misses; writes from the POST
    assert db.reads == approx(READS * 0.1)
    assert db.writes == approx(WRITES)
    # Cassandra 10k/s per node; reads on 3 copies × 4 shards, writes on the 4 shards
    assert db.utilization == approx(READS * 0.1 / (10_000 * 12) + WRITES / (10_000 * 4))
    clicks = shortener.component("clicks")  # an event per request (op: read_write, per_request: 1)
    assert clicks.writes == approx(PEAK)
    stats = shortener.component("stats")  # one row per 100 events; 3k writes/s per shard, 3 shards
    assert stats.writes == approx(PEAK * 0.01)
    assert stats.utilization == approx(PEAK * 0.01 / (3_000 * 3))
    assert shortener.component("clicks_dlq").writes == approx(PEAK * 0.001)


def test_shortener_path(shortener):
    (path,) = shortener.paths
    assert path.name == "client -> lb"
    two = 1 - 0.005 ** 2  # lb, id_gen: two self-run nodes of 99.5%
    quorum = 0.995 ** 3 + 3 * 0.995 ** 2 * 0.005  # db: replication quorum, two of its three copies up
    assert path.availability == approx(two * two * quorum * (1 - 0.005 ** 12), rel=1e-12)
    assert set(path.components) == {"lb", "api", "id_gen", "db"}  # the cache-aside cache is soft
    # 50 (client) + 0.5 (lb) + 0.5 + 5 (api) + 0.5 + 5 (id_gen, the slowest branch)
    assert path.latency_ms == approx(61.5)
    assert sum(hop.total_ms for hop in path.critical_path) == approx(path.latency_ms)


# -- chat, by hand -------------------------------------------------------------------------
# dau 50M, 40 messages/user/day, 1:1, peak ×3: 69,444/s, half reads, half writes


@pytest.fixture(scope="module")
def chat():
    return sdiagram.estimate(sdiagram.load(BLUEPRINTS / "chat.yaml"))


def test_chat(chat):
    peak = 50e6 * 40 / 86_400 * 3
    half = peak / 2
    assert chat.traffic.peak_qps == approx(69_444.444, rel=1e-6)
    # Both users read and write: each sends half of each; 5% of user_a's writes are media
    # uploads (api_gw), 5% of user_b's reads are media downloads (cdn).
    ws_lb = chat.component("ws_lb")
    assert ws_lb.reads == approx(half / 2 + half / 2 * 0.95)
    assert ws_lb.writes == approx(half / 2 * 0.95 + half / 2)
    assert chat.component("api_gw").writes == approx(half / 2 * 0.05)
    assert chat.component("cdn").reads == approx(half / 2 * 0.05)
    assert chat.component("media").reads == approx(half / 2 * 0.05 * 0.1)  # CDN misses (hit ratio 90%)
    # Every message is published (per_request: 1) and delivered back to a chat server.
    kafka = chat.component("kafka")
    assert kafka.writes == approx(ws_lb.writes)
    server = chat.component("chat")
    assert server.writes == approx(ws_lb.writes + kafka.writes)
    assert server.utilization == approx((server.reads + server.writes) / (10_000 * 20))
    # 30% of messages go to offline recipients; each push checks presence (op: read, per message).
    push = chat.component("push")
    assert push.writes == approx(kafka.writes * 0.3)
    assert chat.component("fcm").writes == approx(push.writes)
    # Cassandra: 8 shards × 10k writes/s; the writer loses 0.1% to the dead-letter topic.
    messages = chat.component("messages")
    assert messages.writes == approx(kafka.writes * 0.999)
    assert messages.utilization == approx(messages.writes / (10_000 * 8))
    assert chat.component("dlq").writes == approx(kafka.writes * 0.001 + push.writes * 0.001)


def test_chat_paths(chat):
    paths = {p.name: p for p in chat.paths}
    assert set(paths) == {"user_a -> ws_lb", "user_a -> api_gw", "user_b -> ws_lb", "user_b -> cdn"}
    three = 1 - 0.005 ** 3
    assert paths["user_a -> ws_lb"].availability == approx(three * (1 - 0.005 ** 20) * three, rel=1e-12)
    # CloudFront 99.9% × (hit 90% + miss 10% × S3 99.9%)
    assert paths["user_b -> cdn"].availability == approx(0.999 * (0.9 + 0.1 * 0.999))
    # 20 (user to edge) + 5 (edge hit) + 10% × (0.5 + 20) (S3 on a miss)
    assert paths["user_b -> cdn"].latency_ms == approx(20 + 5 + 0.1 * 20.5)
    # 50 + 0.5 (lb) + 0.5 + 5 (chat) + 0.5 + 0.5 (presence)
    assert paths["user_a -> ws_lb"].latency_ms == approx(57.0)


# -- formulas and defaults -----------------------------------------------------------------


def test_availability_formulas():
    assert parallel(0.995, 2) == approx(0.999975)
    assert majority(0.995, 3) == approx(0.995 ** 3 + 3 * 0.995 ** 2 * 0.005)
    assert majority(0.995, 4) == majority(0.995, 3)  # an even count votes like the odd count below it
    assert majority(0.9, 10_001) == approx(1.0)  # large counts stay finite


def test_manual_failover_counts_one_copy_for_writes(write_blueprint):
    path = write_blueprint("""
        components:
          users: {kind: client}
          api:   {kind: service, replicas: 2}
          db:    {kind: database, tech: postgresql, replicas: 3, replication: primary-replica, failover: %s}
        connections:
          - users -> api
          - api -> db: {op: write}
    """ % "manual")
    assert sdiagram.estimate(sdiagram.load(path)).component("db").availability == approx(0.995)
    automatic = write_blueprint(open(path).read().replace("manual", "automatic"), "auto.yaml")
    assert sdiagram.estimate(sdiagram.load(automatic)).component("db").availability == approx(1 - 0.005 ** 3)


def test_every_default_has_a_source():
    tables = [defaults.CAPACITY_BY_KIND, defaults.CAPACITY_BY_TECH, defaults.AVAILABILITY_BY_KIND,
              defaults.AVAILABILITY_BY_TECH, defaults.LATENCY_BY_KIND, defaults.LATENCY_BY_TECH,
              defaults.HIT_RATIOS, defaults.STORAGE_PER_NODE]
    for table in tables:
        for name, row in table.items():
            assert row.source.strip(), name
    for row in list(defaults.CAPACITY_BY_KIND.values()) + list(defaults.CAPACITY_BY_TECH.values()):
        assert row.reads > 0 and row.writes > 0
    for row in list(defaults.AVAILABILITY_BY_KIND.values()) + list(defaults.AVAILABILITY_BY_TECH.values()):
        assert 0 < row.value < 1


def test_no_traffic_means_no_load_but_paths(write_blueprint):
    path = write_blueprint("""
        slo: {availability: 99.9%, latency_ms: 100}
        components:
          users: {kind: client}
          api:   {kind: service, replicas: 2}
        connections:
          - users -> api
    """)
    result = sdiagram.estimate(sdiagram.load(path))
    assert result.traffic is None
    assert all(c.utilization is None and c.load == 0 for c in result.components)
    assert result.paths[0].availability == approx(0.999975)
    assert result.slo.latency_ms == 100


# -- the new keys --------------------------------------------------------------------------


def test_keys_are_read(write_blueprint):
    path = write_blueprint("""
        traffic: {dau: 1M, requests_per_user: 5, request_size: 2 KB, response_size: 1.5MB, record_size: 512,
                  retention: 6 months}
        slo: {availability: 99.95, latency_ms: 250}
        components:
          users: {kind: client}
          cache: {kind: cache, hit_ratio: 95%, capacity: 20k, availability: 0.999, latency_ms: 2}
        connections:
          - users -> cache: {share: 0.5, per_request: 2, latency_ms: 30}
    """)
    blueprint = sdiagram.load(path)
    traffic = blueprint.traffic
    assert (traffic.request_size, traffic.response_size, traffic.record_size, traffic.retention_days) == (
        2_000, 1_500_000, 512, 180)
    assert (blueprint.slo.availability, blueprint.slo.latency_ms) == (approx(0.9995), 250)
    cache = blueprint.components["cache"]
    assert (cache.hit_ratio, cache.capacity, cache.availability, cache.latency_ms) == (0.95, 20_000, 0.999, 2)
    connection = blueprint.connections[0]
    assert (connection.share, connection.per_request, connection.latency_ms) == (0.5, 2, 30)


@pytest.mark.parametrize("spec, message", [
    ("cache: {kind: cache, hit_ratio: 1.5}", "hit_ratio must be between 0 and 100%"),
    ("cache: {kind: cache, hit_ratio: lots}", "hit_ratio must be a fraction or a percentage like 0.8 or 80%"),
    ("cache: {kind: cache, capacity: 0}", "capacity must be more than 0"),
    ("cache: {kind: cache, availability: 0%}", "availability must be above 0 and at most 100%"),
    ("cache: {kind: cache, latency_ms: fast}", "latency_ms must be a number"),
])
def test_bad_component_figures(write_blueprint, spec, message):
    path = write_blueprint(f"components:\n  users: {{kind: client}}\n  {spec}\n")
    result = run_cli("validate", path)
    assert result.exit_code == 2
    assert f"{path}:3:" in result.output and message in result.output, result.output


@pytest.mark.parametrize("traffic, message", [
    ("{retention: 5 parsecs}", "unknown unit 'parsecs' in traffic.retention"),
    ("{record_size: big}", "traffic.record_size must be a size like"),
    ("{request_size: -1}", "traffic.request_size must be a size like"),
])
def test_bad_traffic_figures(write_blueprint, traffic, message):
    path = write_blueprint(f"traffic: {traffic}\ncomponents:\n  users: {{kind: client}}\n")
    result = run_cli("validate", path)
    assert result.exit_code == 2 and f"{path}:1:" in result.output and message in result.output, result.output


def test_bad_slo_and_connection_keys(write_blueprint):
    path = write_blueprint("""
        slo: {availability: 99.9%, latncy_ms: 100}
        components:
          users: {kind: client}
          api:   {kind: service}
        connections:
          - users -> api: {share: 120%}
    """)
    result = run_cli("validate", path)
    assert result.exit_code == 2
    assert "unknown key 'latncy_ms' in slo (did you mean 'latency_ms'?)" in result.output, result.output
    assert "share must be between 0 and 100%" in result.output


# -- the command line ----------------------------------------------------------------------


def test_estimate_text_shows_the_formulas():
    result = run_cli("estimate", str(BLUEPRINTS / "url-shortener.yaml"))
    assert result.exit_code == 0, result.output
    assert "average QPS   = DAU × requests per user ÷ 86,400 = 100,000,000 × 10 ÷ 86,400 = 11,574/s" in result.output
    assert "peak QPS      = average × peak_factor = 11,574/s × 3 = 34,722/s" in result.output
    assert "api         34,378 ÷ (5k × 12) + 344 ÷ (5k × 12) = 58%" in result.output
    assert "availability 99.9% (3.0 nines): every path meets it" in result.output


def test_estimate_markdown_and_json(tmp_path):
    markdown = run_cli("estimate", str(BLUEPRINTS / "chat.yaml"), "--format", "markdown")
    assert markdown.exit_code == 0
    assert markdown.output.startswith("## Estimate: chat\n")
    assert "| `chat` | service | 33,854 | 67,708 | 10k | 20 | 51% |" in markdown.output
    data = json.loads(run_cli("estimate", str(BLUEPRINTS), "--format", "json").output)
    assert [d["name"] for d in data] == ["ai-agent-platform", "chat", "news-feed", "notification", "search",
                                         "url-shortener"]
    chat = data[1]
    assert chat["traffic"]["peak_qps"] == approx(69_444.444, rel=1e-6)
    assert {c["id"] for c in chat["components"]} >= {"chat", "kafka", "messages"}
    written = run_cli("estimate", str(BLUEPRINTS / "chat.yaml"), "-o", str(tmp_path), "--format", "json")
    assert written.exit_code == 0 and (tmp_path / "chat.json").exists()


def test_estimate_of_an_invalid_blueprint(write_blueprint):
    path = write_blueprint("components:\n  users: {kind: clinet}\n")
    result = run_cli("estimate", path)
    assert result.exit_code == 2
    assert f"{path}:2:" in result.output and "Traceback" not in result.output


def test_render_estimate_draws_the_numbers(tmp_path):
    result = run_cli("render", str(BLUEPRINTS / "url-shortener.yaml"), "--estimate", "-f", "dot",
                     "-o", str(tmp_path))
    assert result.exit_code == 0, result.output
    dot = (tmp_path / "url-shortener.dot").read_text()
    assert "58% busy" in dot and "penwidth=5" in dot and "35k/s" in dot
    assert "client → lb: 99.9875% (3.9 nines), 61.5 ms" in dot


def test_docs_default_tables_are_fresh():
    from sdiagram.estimation.docs import updated

    from conftest import REPO

    document = (REPO / "docs" / "estimate.md").read_text(encoding="utf-8")
    assert updated(document) == document, "docs/estimate.md is stale: run `make docs`"


def test_render_estimate_draws_the_whole_model_on_a_view(tmp_path):
    source = (BLUEPRINTS / "chat.yaml").read_text(encoding="utf-8")
    path = tmp_path / "chat.yaml"
    path.write_text(source + "views: {store: {groups: [storage]}}\n", encoding="utf-8")
    result = run_cli("render", str(path), "--estimate", "-f", "dot", "-o", str(tmp_path / "out"))
    assert result.exit_code == 0, result.output
    view = (tmp_path / "out" / "chat.store.dot").read_text()
    # the writer's load comes from Kafka, which the view does not show
    assert "56% busy" in view and "42% busy" in view and "34k/s" in view


def test_estimate_reads_standard_input():
    from click.testing import CliRunner

    from sdiagram.cli import main

    text = (BLUEPRINTS / "url-shortener.yaml").read_text(encoding="utf-8")
    result = CliRunner().invoke(main, ["estimate", "-"], input=text)
    assert result.exit_code == 0, result.output
    assert result.output.startswith("<stdin>: estimate of 'url-shortener'")


def test_entry_paths_past_the_analysis_budget_are_counted_not_estimated(write_blueprint, monkeypatch):
    from sdiagram.estimation import paths

    lines = ["traffic: {dau: 1M, requests_per_user: 10}", "slo: {availability: 99.999%}", "components:"]
    lines += [f"  u{i}: {{kind: client}}" for i in range(4)] + [f"  s{i}: {{kind: service}}" for i in range(4)]
    lines += ["connections:"] + [f"  - u{i} -> s{i}" for i in range(4)] + [f"  - s{i} -> s{i + 1}" for i in range(3)]
    path = write_blueprint("\n".join(lines) + "\n")
    full = sdiagram.estimate(sdiagram.load(path))
    assert [p.name for p in full.paths] == ["u0 -> s0", "u1 -> s1", "u2 -> s2", "u3 -> s3"]
    assert full.skipped_paths == 0 and full.component("s2").id == "s2"
    # u0's path lists s0..s3 and its critical path the same four: 8 components
    monkeypatch.setattr(paths, "MAX_PATH_COMPONENTS", 8)
    bounded = sdiagram.estimate(sdiagram.load(path))
    assert [p.name for p in bounded.paths] == ["u0 -> s0"] and bounded.skipped_paths == 3
    assert bounded.paths[0] == full.paths[0]
    text = run_cli("estimate", path).output
    assert "3 more entry paths not estimated: the paths above list 8 components" in text
    data = json.loads(run_cli("estimate", path, "--format", "json").output)
    assert data[0]["skipped_paths"] == 3 and len(data[0]["paths"]) == 1
    markdown = run_cli("estimate", path, "--format", "markdown").output
    assert "3 more entry paths not estimated" in markdown
    # lint judges the estimated paths only
    from sdiagram.lint import lint_blueprint

    assert [f.components[1] for f in lint_blueprint(sdiagram.load(path)) if f.code == "SD502"] == ["u0"]
