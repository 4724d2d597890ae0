"""The diff stage as a pure function of two blueprints."""

from __future__ import annotations

import json as _json
import textwrap

from sdiagram.compiler import compile_blueprint
from sdiagram.diff import diff_blueprints
from sdiagram.diff.report import json, markdown, text
from sdiagram.yamlsource import parse_yaml

BASE = """\
sdiagram: 1
name: shop
title: Shop
traffic: {dau: 1M, read_write_ratio: "1:1"}
groups:
  app: {label: Application}
components:
  users: {kind: client}
  lb:    {kind: load_balancer, replicas: 2}
  api:   {kind: service, replicas: 2, group: app}
  db:    {kind: database, tech: postgresql, replicas: 2}
connections:
  - users -> lb
  - lb -> api
  - api -> db: orders
"""


def bp(text: str, path: str = "shop.yaml"):
    document, problems = parse_yaml(textwrap.dedent(text), path)
    assert not problems
    return compile_blueprint(document, path)


def summary(change):
    return [(e.element, e.id, e.status, tuple((k.key, k.old, k.new) for k in e.keys)) for e in change.elements]


def test_identical_blueprints_have_no_changes_even_when_reordered_and_commented() -> None:
    reordered = BASE.replace("  users: {kind: client}\n", "") + "# trailing comment\n"
    reordered = reordered.replace("components:\n", "components:\n  # the client\n  users: {kind: client}\n")
    change = diff_blueprints(bp(BASE), bp(reordered))
    assert not change.changed and change.elements == () and change.settings == ()


def test_changed_keys_with_old_and_new_values() -> None:
    edited = BASE.replace("api:   {kind: service, replicas: 2, group: app}", "api:   {kind: service, replicas: 4}")
    edited = edited.replace("- api -> db: orders", "- api -> db: {label: orders, async: true}")
    edited = edited.replace("dau: 1M", "dau: 2M").replace("title: Shop", "title: Shop v2").replace('"1:1"', '"10:1"')
    change = diff_blueprints(bp(BASE), bp(edited))
    assert summary(change) == [
        ("component", "api", "changed", (("replicas", 2, 4), ("group", "app", None))),
        ("connection", "api -> db", "changed", (("async", False, True),)),
    ]
    assert [(k.key, k.old, k.new) for k in change.settings] == [("title", "Shop", "Shop v2"),
                                                                 ("traffic.dau", 1_000_000, 2_000_000),
                                                                 ("traffic.read_write_ratio", "1:1", "10:1")]


def test_a_rename_is_a_removal_and_an_addition_unless_renames_pairs_it() -> None:
    renamed = BASE.replace("db:    {kind: database", "orders_db: {kind: database").replace("api -> db", "api -> orders_db")
    plain = diff_blueprints(bp(BASE), bp(renamed))
    assert [(e.element, e.id, e.status) for e in plain.elements] == [
        ("component", "orders_db", "added"), ("component", "db", "removed"),
        ("connection", "api -> orders_db", "added"), ("connection", "api -> db", "removed")]
    paired = diff_blueprints(bp(BASE), bp(renamed), renames=True)
    assert [(e.element, e.id, e.status, e.old_id) for e in paired.elements] == [
        ("component", "orders_db", "renamed", "db")]
    assert paired.elements[0].similarity is not None and paired.elements[0].similarity >= 0.6


def test_renames_need_the_same_kind_and_enough_similarity() -> None:
    swapped = BASE.replace("db:    {kind: database, tech: postgresql, replicas: 2}", "search: {kind: search_index}")
    swapped = swapped.replace("api -> db", "api -> search")
    change = diff_blueprints(bp(BASE), bp(swapped), renames=True)
    assert {(e.id, e.status) for e in change.of("component")} == {("search", "added"), ("db", "removed")}


def test_findings_introduced_and_resolved_follow_renames() -> None:
    single = BASE.replace("lb:    {kind: load_balancer, replicas: 2}", "lb:    {kind: load_balancer}")
    change = diff_blueprints(bp(BASE), bp(single))
    assert [(f.finding.code, f.finding.components[0]) for f in change.introduced] == [("SD101", "lb")]
    assert change.resolved == ()
    back = diff_blueprints(bp(single), bp(BASE))
    assert [(f.finding.code, f.finding.components[0]) for f in back.resolved] == [("SD101", "lb")]
    # a renamed single point of failure is the same finding with --renames, a new one without
    renamed = single.replace("lb:    {kind: load_balancer}", "edge: {kind: load_balancer}").replace(
        "users -> lb", "users -> edge").replace("lb -> api", "edge -> api")
    assert len(diff_blueprints(bp(single), bp(renamed)).introduced) == 1
    with_renames = diff_blueprints(bp(single), bp(renamed), renames=True)
    assert with_renames.introduced == () and with_renames.resolved == () and with_renames.open_findings == 1


def test_added_and_deleted_blueprints() -> None:
    added = diff_blueprints(None, bp(BASE))
    assert added.status == "added" and added.count("added") == 4 + 1 + 3
    deleted = diff_blueprints(bp(BASE), None)
    assert deleted.status == "removed" and deleted.count("removed") == 8


def test_connections_between_the_same_pair_and_both_ways() -> None:
    both = BASE.replace("- api -> db: orders", "- api -> db: orders\n  - api -> db: audit\n  - lb <-> api")
    change = diff_blueprints(bp(BASE), bp(both))
    assert [(e.id, e.status) for e in change.of("connection")] == [("api -> db #2", "added"), ("api <-> lb", "added")]
    flipped = both.replace("- lb <-> api", "- api <-> lb")
    assert diff_blueprints(bp(both), bp(flipped)).of("connection") == ()


def test_markdown_escapes_user_text() -> None:
    hostile = BASE.replace("title: Shop", 'title: "x | y <img src=x> [link](http://evil) @team `tick`"')
    rendered = markdown.render([diff_blueprints(bp(BASE), bp(hostile))])
    import re

    outside_code = re.sub(r"(`+)(?!`).*?(?<!`)\1(?!`)", "", rendered)  # code spans show their text literally
    assert "<img" not in outside_code and "@team" not in outside_code and "](http" not in outside_code
    # text outside code: a finding message with the same content
    assert markdown.text("<img> [a](http://x) @team |") == "&lt;img&gt; \\[a\\](http&#58;//x) @&#8203;team \\|"
    row = next(line for line in rendered.splitlines() if "setting `title`" in line)
    assert row.count(" | ") == 2  # the label's pipe is escaped: still three cells
    assert markdown.code("a`b") == "``a`b``"


def test_estimate_changes_when_both_versions_have_traffic() -> None:
    busy = BASE.replace("dau: 1M", "dau: 1M, requests_per_user: 10")  # api at 12%
    more = busy.replace("api:   {kind: service, replicas: 2, group: app}", "api:   {kind: service, replicas: 4, group: app}")
    change = diff_blueprints(bp(busy), bp(more))
    assert change.estimate is not None
    api = next(e for e in change.estimate if (e.element, e.id) == ("component", "api"))
    (utilization,) = [f for f in api.figures if f.figure == "utilization"]
    assert utilization.new == utilization.old / 2  # type: ignore[operator]
    assert all(f.figure != "load" for f in api.figures)  # same load, only more replicas
    assert diff_blueprints(bp(BASE), bp(BASE)).estimate == ()  # traffic, nothing changed
    for renderer in (markdown, text, json):
        assert "utilization" in renderer.render([change])


def test_no_estimate_section_when_either_side_lacks_traffic() -> None:
    without = BASE.replace('traffic: {dau: 1M, read_write_ratio: "1:1"}\n', "").replace("replicas: 2, group", "replicas: 4, group")
    for old, new in ((BASE, without), (without, BASE), (without, without)):
        change = diff_blueprints(bp(old), bp(new))
        assert change.estimate is None
        assert "Estimate" not in markdown.render([change]) and "estimate" not in text.render([change])
        assert "estimate" not in _json.loads(json.render([change]))["blueprints"][0]


def test_estimate_overall_with_more_than_one_path_first_then_components_and_paths() -> None:
    two = BASE.replace("dau: 1M", "dau: 1M, requests_per_user: 10").replace(
        "  users: {kind: client}\n", "  users: {kind: client}\n  admins: {kind: client}\n").replace(
        "  - users -> lb\n", "  - users -> lb\n  - admins -> api\n")
    single = two.replace("lb:    {kind: load_balancer, replicas: 2}", "lb:    {kind: load_balancer}")
    change = diff_blueprints(bp(two), bp(single))
    assert change.estimate is not None
    assert [(e.element, e.id, [f.figure for f in e.figures]) for e in change.estimate] == [
        ("overall", "all paths", ["availability"]),
        ("component", "lb", ["utilization"]),
        ("path", "users -> lb", ["availability"]),  # admins -> api does not pass the load balancer
    ]
    overall = change.estimate[0].figures[0]
    assert overall.new < overall.old  # type: ignore[operator]
    assert "| overall | availability 99.9937% → 99.745% |" in markdown.render([change])
