"""The compile stage: the typed model and every validation error with its position."""

from __future__ import annotations

import pytest

from sdiagram import BlueprintError, load
from sdiagram.diagnostics import Span

VALID = """
sdiagram: 1
name: chat
title: Chat System
summary: Real-time messaging.
direction: tb
traffic: {dau: 50M, requests_per_user: 40, read_write_ratio: "10:1", peak_factor: 3}
components:
  users:    {kind: client, label: Mobile & Web}
  lb:       {kind: load_balancer, replicas: 2}
  chat:     {kind: service, label: Chat Server, replicas: 3, group: realtime}
  kafka:    {kind: queue, tech: Kafka, replicas: 3, dead_letter: dlq}
  dlq:      {kind: queue, tech: sqs}
  messages: {kind: database, tech: cassandra, replicas: 3, group: storage,
             ignore: {shared-database: "one writer per partition"}}
  push:     {kind: service}
groups:
  storage:  {label: Storage}
  realtime: {label: Real-time tier, parent: storage}
connections:
  - users -> lb: WebSocket
  - lb -> chat
  - chat -> kafka: {label: publish, async: true, protocol: kafka}
  - kafka -> [messages, push]
  - "[chat, push] -> messages"
  - chat <-> push
  - lb -> storage
lint:
  select: [SD101, missing-cache]
  ignore: {orphan-component: "drawn for context"}
  rules:
    deep-sync-chain: {severity: error, max_services: 6}
"""


def errors(write_blueprint, text: str) -> list[str]:
    path = write_blueprint(text)
    with pytest.raises(BlueprintError) as caught:
        load(path)
    return [str(d).replace(path, "bp.yaml") for d in caught.value.diagnostics]


def test_valid_blueprint_compiles_to_the_model(write_blueprint):
    blueprint = load(write_blueprint(VALID))
    assert blueprint.name == "chat" and blueprint.title == "Chat System"
    assert blueprint.direction == "TB"
    assert blueprint.traffic.dau == 50_000_000 and blueprint.traffic.read_write_ratio == 10
    assert list(blueprint.components) == ["users", "lb", "chat", "kafka", "dlq", "messages", "push"]
    kafka = blueprint.components["kafka"]
    assert (kafka.tech, kafka.replicas, kafka.dead_letter, kafka.managed) == ("kafka", 3, "dlq", False)
    assert blueprint.components["dlq"].managed is True  # sqs is managed by default
    assert blueprint.components["users"].span == Span(blueprint.path, 8, 3)
    assert blueprint.components["messages"].ignore[0].reason == "one writer per partition"
    assert blueprint.groups["realtime"].parent == "storage"
    assert blueprint.members("storage") == ("chat", "messages")
    pairs = [(c.source, c.target) for c in blueprint.connections]
    assert pairs == [
        ("users", "lb"), ("lb", "chat"), ("chat", "kafka"), ("kafka", "messages"), ("kafka", "push"),
        ("chat", "messages"), ("push", "messages"), ("chat", "push"), ("lb", "storage"),
    ]
    publish = blueprint.connections[2]
    assert (publish.label, publish.is_async, publish.protocol) == ("publish", True, "kafka")
    assert blueprint.connections[7].bidirectional
    assert blueprint.connections[8].target_is_group
    assert blueprint.connections[3].span == blueprint.connections[4].span
    assert [s.value for s in blueprint.lint.select] == ["SD101", "missing-cache"]
    assert blueprint.lint.rules[0].options["max_services"].value == 6


def test_name_and_title_default_to_the_file_name(write_blueprint):
    blueprint = load(write_blueprint("components: {a: {kind: service}}\n", name="my-design.yaml"))
    assert (blueprint.name, blueprint.title, blueprint.direction) == ("my-design", "my-design", "LR")


def test_every_problem_is_reported_together(write_blueprint):
    found = errors(
        write_blueprint,
        """
        sdiagram: 2
        nme: x
        direction: up
        components:
          api: {kind: servce, replicas: 0, tech: redsi, group: nope, labl: x}
          db: {kind: database, replicas: "two", managed: maybe}
          q: {kind: queue, dead_letter: missing}
          Bad: {kind: cache}
        groups:
          g1: {parent: g2}
          g2: {parent: g1}
        connections:
          - api -> dbb
          - api -> [db, q]: {label: x, async: true, proto: http}
          - api => db
          - db -> db
        """,
    )
    assert found == [
        "bp.yaml:1:11: error: unsupported format version 2; this sdiagram reads version 1",
        "bp.yaml:2:1: error: unknown key 'nme' in the blueprint (did you mean 'name'?)",
        "bp.yaml:3:12: error: direction must be one of LR, TB, RL, BT, not 'up'",
        "bp.yaml:5:15: error: unknown kind 'servce' (did you mean 'service'?); `sdiagram kinds` lists them",
        "bp.yaml:5:33: error: replicas must be between 1 and 10,000, not 0",
        "bp.yaml:5:42: error: unknown tech 'redsi' (did you mean 'redis'?); `sdiagram kinds` lists them",
        "bp.yaml:5:56: error: unknown group 'nope'",
        "bp.yaml:5:62: error: unknown key 'labl' in component 'api' (did you mean 'label'?)",
        "bp.yaml:6:34: error: replicas must be a whole number, not 'two': write how many copies run, e.g. `replicas: 3` for a 3-node cluster (and `shards: N` when the data is partitioned)",
        "bp.yaml:6:50: error: managed must be true or false, not a string",
        "bp.yaml:7:33: error: unknown dead_letter component 'missing'",
        "bp.yaml:8:3: error: component id 'Bad' is not a valid id (lowercase letter first, then a-z, 0-9, '_' or '-')",
        "bp.yaml:10:16: error: group parents form a cycle: g1 -> g2 -> g1",
        "bp.yaml:13:5: error: unknown component or group 'dbb' (did you mean 'db'?)",
        "bp.yaml:14:45: error: unknown key 'proto' in a connection (did you mean 'protocol'?)",
        "bp.yaml:15:5: error: cannot read connection 'api => db': write 'a -> b', 'a <-> b', 'a -> [b, c]', '[a, b] -> c' or 'a -> b -> c'",
        "bp.yaml:16:5: error: 'db' is connected to itself",
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", "bp.yaml:1:1: error: the file is empty; a blueprint is a mapping with 'components'"),
        ("- a\n- b\n", "bp.yaml:1:1: error: a blueprint must be a mapping, not a list"),
        ("just text\n", "bp.yaml:1:1: error: a blueprint must be a mapping, not a string"),
        ("name: x\n", "bp.yaml:1:1: error: the blueprint has no 'components'"),
        ("components: {}\n", "bp.yaml:1:13: error: 'components' is empty"),
        ("components: [a]\n", "bp.yaml:1:13: error: components must be a mapping, not a list"),
        ("components:\n  a: {label: x}\n", "bp.yaml:2:3: error: component 'a' has no 'kind' (one of: client, cdn, dns, load_balancer, api_gateway, service, worker, function, cache, database, object_storage, queue, stream, search_index, llm, vector_db, external, proxy, scheduler, pubsub, identity, observability, warehouse)"),
        ("components:\n  a: {kind: service, replicas: true}\n", "bp.yaml:2:32: error: replicas must be a whole number, not a boolean"),
        ("components:\n  a: {kind: service, dead_letter: b}\n  b: {kind: queue}\n", "bp.yaml:2:35: error: dead_letter is for queues and streams, not a service"),
        ("components:\n  a: {kind: queue, dead_letter: a}\n", "bp.yaml:2:33: error: 'a' cannot be its own dead-letter target"),
        ("components:\n  a: {kind: service}\ngroups:\n  a: {label: A}\n", "bp.yaml:2:3: error: id 'a' is used by a component and a group"),
        ("components:\n  a: {kind: service, ignore: {orphan-component: ''}}\n", "bp.yaml:2:31: error: suppression of 'orphan-component' needs a reason: `orphan-component: \"why this is acceptable\"`"),
        ("components:\n  a: {kind: service}\nconnections: {a: b}\n", "bp.yaml:3:14: error: connections must be a list, not a mapping"),
        ("components:\n  a: {kind: service}\n  b: {kind: service}\nconnections:\n  - {a -> b: x, b -> a: y}\n", "bp.yaml:5:5: error: a connection is one `a -> b: label` entry per list item"),
        ("components:\n  a: {kind: service}\ntraffic: {read_write_ratio: lots}\n", "bp.yaml:3:29: error: traffic.read_write_ratio must look like \"100:1\", not 'lots'"),
        ("components:\n  a: {kind: service}\ntraffic: {dau: -5}\n", "bp.yaml:3:16: error: traffic.dau must be at least 0, not -5"),
        ("components:\n  a: {kind: service, label: [x]}\n", "bp.yaml:2:29: error: label must be a string, not a list"),
    ],
)
def test_single_problems(write_blueprint, text, expected):
    assert errors(write_blueprint, text) == [expected]


def test_icon_class_path_and_file_checks(write_blueprint, tmp_path):
    (tmp_path / "logo.png").write_bytes(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x10\0\0\0\x10" + b"\0" * 32)
    (tmp_path / "fake.png").write_text("not an image")
    (tmp_path / "secret.txt").write_text("secret")
    outside = tmp_path.parent / "outside.png"
    outside.write_bytes(b"\x89PNG\r\n\x1a\n")
    found = errors(
        write_blueprint,
        """
        components:
          ok1: {kind: service, icon: aws.database.RDS}
          ok2: {kind: service, icon: logo.png}
          a: {kind: service, icon: aws.database.RDSS}
          b: {kind: service, icon: nope.compute.X}
          c: {kind: service, icon: ../outside.png}
          d: {kind: service, icon: /etc/passwd}
          e: {kind: service, icon: ~/.ssh/id_rsa}
          f: {kind: service, icon: secret.txt}
          g: {kind: service, icon: fake.png}
          h: {kind: service, icon: missing.png}
          i: {kind: service, icon: "aws database"}
        """,
    )
    assert found == [
        "bp.yaml:4:28: error: icon 'aws.database.RDSS': diagrams.aws.database has no class 'RDSS' (did you mean 'RDS'?)",
        "bp.yaml:5:28: error: icon 'nope.compute.X': diagrams has no module 'diagrams.nope.compute'",
        "bp.yaml:6:28: error: icon '../outside.png' is outside the blueprint's folder",
        "bp.yaml:7:28: error: icon '/etc/passwd' must be a path relative to the blueprint's folder",
        "bp.yaml:8:28: error: icon '~/.ssh/id_rsa' must be a path relative to the blueprint's folder",
        "bp.yaml:9:28: error: icon 'secret.txt' must be a diagrams class path like 'aws.database.RDS' or a .png/.jpg file",
        "bp.yaml:10:28: error: icon file 'fake.png' is not a PNG or JPEG image",
        "bp.yaml:11:28: error: icon file 'missing.png' does not exist",
        "bp.yaml:12:28: error: icon 'aws database' must be a diagrams class path like 'aws.database.RDS' or a .png/.jpg file",
    ]


def test_symlink_icon_escaping_the_folder_is_refused(write_blueprint, tmp_path):
    (tmp_path / "evil.png").symlink_to("/etc/passwd")
    found = errors(write_blueprint, "components:\n  a: {kind: service, icon: evil.png}\n")
    assert found == ["bp.yaml:2:28: error: icon 'evil.png' is outside the blueprint's folder"]


def test_group_endpoint_without_components_is_an_error(write_blueprint):
    found = errors(
        write_blueprint,
        "components:\n  a: {kind: service}\ngroups:\n  empty: {label: E}\nconnections:\n  - a -> empty\n",
    )
    assert found == ["bp.yaml:6:5: error: group 'empty' has no components to connect to"]
