"""Format 1.1 keys (issue 7): components, placement, connections, chains, and their errors."""

from __future__ import annotations

import dataclasses

import pytest

from sdiagram import BlueprintError, load
from sdiagram.catalog import KINDS, TECH_ALIASES, TECHS
from sdiagram.compiler.components import COMPONENT_FIELDS, GROUP_FIELDS
from sdiagram.compiler.connections import CONNECTION_FIELDS
from sdiagram.compiler.document import TOP_LEVEL_FIELDS
from sdiagram.compiler.settings import LINT_FIELDS, PLACEMENT_FIELDS, TRAFFIC_FIELDS
from sdiagram.model import Blueprint, Component, Connection, Group, LintSettings, Placement, Traffic, record_defaults

from test_compiler import errors

FORMAT_11 = """
sdiagram: 1
placement: {zones: 3}
components:
  users: {kind: client}
  edge:  {kind: proxy, tech: Caddy}
  api:   {kind: service, replicas: 3, link: "https://example.com/api", description: The public API}
  db:    {kind: database, tech: postgres, replicas: 3, shards: 8, replication: primary-replica,
          failover: automatic, owner: api, regions: 2}
  cron:  {kind: scheduler}
  bus:   {kind: pubsub, tech: sns}
  idp:   {kind: identity, tech: cognito}
  logs:  {kind: observability, tech: loki, zones: 1}
  dw:    {kind: warehouse, tech: snowflake}
connections:
  - users -> edge -> api: HTTPS
  - api -> db: {op: write, label: orders}
  - api -> users: {reply: true}
  - cron -> api -> [bus, bus, logs]
  - "[api, api] -> dw"
"""


def test_new_keys_reach_the_model(write_blueprint):
    blueprint = load(write_blueprint(FORMAT_11))
    assert blueprint.placement.zones == 3 and blueprint.placement.regions == 1
    db = blueprint.components["db"]
    assert (db.tech, db.replicas, db.shards, db.replication, db.failover, db.owner) == (
        "postgresql", 3, 8, "primary-replica", "automatic", "api")
    assert (db.zones, db.regions) == (3, 2)  # zones from placement, regions its own
    assert blueprint.components["logs"].zones == 1
    api = blueprint.components["api"]
    assert (api.link, api.description) == ("https://example.com/api", "The public API")
    assert blueprint.components["edge"].tech == "caddy"
    assert blueprint.components["bus"].managed is True
    pairs = [(c.source, c.target, c.label, c.op, c.reply) for c in blueprint.connections]
    assert pairs == [
        ("users", "edge", "HTTPS", None, False),
        ("edge", "api", "HTTPS", None, False),
        ("api", "db", "orders", "write", False),
        ("api", "users", None, None, True),
        ("cron", "api", None, None, False),
        ("api", "bus", None, None, False),
        ("api", "logs", None, None, False),
        ("api", "dw", None, None, False),
    ]


def test_defaults_without_new_keys(write_blueprint):
    blueprint = load(write_blueprint("components:\n  a: {kind: database}\n"))
    a = blueprint.components["a"]
    assert (a.shards, a.replication, a.failover, a.zones, a.regions, a.owner, a.description, a.link) == (
        1, None, None, 1, 1, None, None, None)
    assert blueprint.placement == Placement()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("components:\n  a: {kind: service, replication: quorum}\n",
         "bp.yaml:2:35: error: replication is for components that keep data (cache, database, object_storage, "
         "queue, stream, pubsub, search_index, vector_db, warehouse), not a service"),
        ("components:\n  a: {kind: database, failover: manual}\n",
         "bp.yaml:2:33: error: failover needs copies to fail over between: set replicas to 2 or more"),
        ("components:\n  a: {kind: database, replicas: 2, replication: leader}\n",
         "bp.yaml:2:49: error: replication must be one of primary-replica, multi-primary, quorum, not 'leader'"),
        ("components:\n  a: {kind: database, owner: b}\n  b: {kind: service}\n  c: {kind: database, owner: a}\n"
         "  d: {kind: database, owner: ghost}\n",
         ["bp.yaml:4:30: error: owner 'a' is a database; an owner runs code (service, worker, function, "
          "scheduler, api_gateway)",
          "bp.yaml:5:30: error: unknown owner component 'ghost'"]),
        ("components:\n  a: {kind: service, link: 'javascript:alert(1)'}\n",
         "bp.yaml:2:28: error: link must be an http:// or https:// URL, not 'javascript:alert(1)'"),
        ("components:\n  a: {kind: service, link: 'https://'}\n",
         "bp.yaml:2:28: error: link must be an http:// or https:// URL, not 'https://'"),
        ("components:\n  a: {kind: service, shards: 0}\n",
         "bp.yaml:2:30: error: shards must be between 1 and 100,000, not 0"),
        ("components:\n  a: {kind: service, replicas: a cluster}\n",
         "bp.yaml:2:32: error: replicas must be a whole number, not 'a cluster': write how many copies run, "
         "e.g. `replicas: 3` for a 3-node cluster (and `shards: N` when the data is partitioned)"),
        ("placement: {zones: 1, regions: 2}\ncomponents:\n  a: {kind: service}\n  b: {kind: database, regions: 3}\n",
         ["bp.yaml:1:12: error: placement: zones (1) must be at least regions (2): every region has a zone of its own",
          "bp.yaml:4:32: error: zones (1) must be at least regions (3): every region has a zone of its own"]),
        ("placement: {zones: 0}\ncomponents:\n  a: {kind: service}\n",
         "bp.yaml:1:20: error: placement.zones must be between 1 and 100, not 0"),
        ("components:\n  a: {kind: service}\n  b: {kind: service}\nconnections:\n  - a -> b: {op: delete}\n",
         "bp.yaml:5:18: error: op must be one of read, write, read_write, not 'delete'"),
        ("components:\n  a: {kind: service}\n  b: {kind: service}\nconnections:\n  - a <-> b: {reply: true}\n",
         "bp.yaml:5:5: error: a reply goes one way: write 'b -> a: {reply: true}', not '<->'"),
        ("components:\n  a: {kind: service}\n  b: {kind: service}\nconnections:\n  - a -> b ->\n",
         "bp.yaml:5:5: error: cannot read connection 'a -> b ->': write 'a -> b', 'a <-> b', 'a -> [b, c]', "
         "'[a, b] -> c' or 'a -> b -> c'"),
        ("components:\n  a: {kind: service, label: Chat (v2, legacy)}\n",
         "bp.yaml:2:39: error: unknown key 'legacy)' in component 'a'; a comma inside {...} ends the value, "
         "so 'label' was cut: quote it, label: \"Chat (v2, legacy)\""),
        ("components:\n  a: {kind: service}\n  b: {kind: service}\nconnections:\n  - [a, b] -> c\n",
         "bp.yaml:5:12: error: YAML syntax error: did not find expected '-' indicator (while parsing a block "
         "collection); a connection that starts with '[' must be quoted: - \"[a, b] -> c\""),
        ("components:\n  a: {kind: service, label: ratio: 3}\n",
         "bp.yaml:2:34: error: YAML syntax error: did not find expected ',' or '}' (while parsing a flow "
         "mapping); a colon followed by a space ends the value: quote it, label: \"ratio: 3\""),
        ("components:\n  a:\n    kind: service\n    label: ratio: 3\n",
         "bp.yaml:4:17: error: YAML syntax error: mapping values are not allowed in this context; a colon "
         "followed by a space ends the value: quote it, label: \"ratio: 3\""),
        ("components:\n  a: {kind: service, tech: postgress}\n",
         "bp.yaml:2:28: error: unknown tech 'postgress' (did you mean 'postgresql'?); `sdiagram kinds` lists them"),
    ],
)
def test_new_key_errors(write_blueprint, text, expected):
    assert errors(write_blueprint, text) == (expected if isinstance(expected, list) else [expected])


def test_a_chain_is_connections_with_the_same_options(write_blueprint):
    blueprint = load(write_blueprint(
        "components:\n  a: {kind: service}\n  b: {kind: service}\n  c: {kind: service}\n"
        "connections:\n  - a -> b <-> c: {label: sync, protocol: grpc, op: read}\n"))
    assert [(c.source, c.target, c.bidirectional, c.label, c.protocol, c.op) for c in blueprint.connections] == [
        ("a", "b", False, "sync", "grpc", "read"), ("b", "c", True, "sync", "grpc", "read")]
    assert blueprint.connections[0].span == blueprint.connections[1].span


def test_every_new_kind_and_tech_alias(write_blueprint):
    for kind in ("proxy", "scheduler", "pubsub", "identity", "observability", "warehouse"):
        assert kind in KINDS and KINDS[kind].description
    for alias, name in TECH_ALIASES.items():
        assert name in TECHS and alias not in TECHS
        blueprint = load(write_blueprint(f"components:\n  a: {{kind: service, tech: {alias.upper()}}}\n"))
        assert blueprint.components["a"].tech == name
    assert len(TECHS) >= 91 + 40


# -- the tables ---------------------------------------------------------------

TABLES = [
    (TOP_LEVEL_FIELDS, Blueprint), (TRAFFIC_FIELDS, Traffic), (PLACEMENT_FIELDS, Placement),
    (COMPONENT_FIELDS, Component), (GROUP_FIELDS, Group), (CONNECTION_FIELDS, Connection),
    (LINT_FIELDS, LintSettings),
]


@pytest.mark.parametrize(("table", "model"), TABLES, ids=[m.__name__ for _, m in TABLES])
def test_every_row_has_a_model_field_with_its_default(table, model):
    # records are named tuples; Blueprint is a dataclass
    fields = model._fields if hasattr(model, "_fields") else tuple(f.name for f in dataclasses.fields(model))
    defaults = record_defaults(model)
    for row in table:
        assert row.help.strip() and row.example.strip(), row.name
        assert row.example.split(":")[0] == row.name, row.name
        assert row.model_attr in fields, f"{model.__name__} has no field {row.model_attr}"
        if row.model_attr not in defaults:
            continue  # required in the model; the compiler computes it
        default = defaults[row.model_attr]
        if row.model_attr in ("traffic", "placement", "lint", "reads") or row.computed_default or row.required:
            continue
        assert row.default == default, f"{model.__name__}.{row.model_attr}: table {row.default!r}, model {default!r}"


def test_kinds_command_lists_new_kinds_and_aliases():
    from conftest import run_cli

    output = run_cli("kinds").output
    assert "observability" in output and "aws.management.Cloudwatch" in output
    assert "(also: postgres, pg)" in output
