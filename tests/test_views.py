"""`views:`: named subsets of one model, each rendered to `<name>.<view>.<format>`."""

from __future__ import annotations

import sdiagram
from sdiagram.views import every_view, selected, view_blueprint

from conftest import run_cli

SHOP = """
name: shop
title: Shop
components:
  web: {kind: client}
  lb: {kind: load_balancer, replicas: 2}
  api: {kind: service, replicas: 2, group: app, tags: [checkout]}
  pay: {kind: service, replicas: 2, group: app, tags: [checkout, pii]}
  db: {kind: database, tech: postgresql, replicas: 2, group: data, tags: [pii]}
  cache: {kind: cache, tech: redis, replicas: 2, group: inner}
  audit: {kind: database, group: data}
groups:
  app: {label: App}
  data: {label: Data}
  inner: {label: Inner, parent: data}
connections:
  - web -> lb
  - lb -> api
  - api -> pay
  - api -> cache
  - pay -> db
  - pay -> data
views:
  storage: {groups: [data]}
  pii: {tags: [pii], title: Personal data}
  around-api: {around: api, depth: 1}
  two-hops: {around: web, depth: 2, components: [audit]}
"""


def test_selection_by_groups_tags_components_and_depth(write_blueprint):
    blueprint = sdiagram.load(write_blueprint(SHOP))
    views = blueprint.views
    assert selected(blueprint, views["storage"]) == {"db", "cache", "audit"}  # nested group too
    assert selected(blueprint, views["pii"]) == {"pay", "db"}
    assert selected(blueprint, views["around-api"]) == {"api", "lb", "pay", "cache"}
    assert selected(blueprint, views["two-hops"]) == {"web", "lb", "api", "audit"}


def test_a_view_keeps_its_groups_and_the_connections_inside_it(write_blueprint):
    blueprint = sdiagram.load(write_blueprint(SHOP))
    storage = view_blueprint(blueprint, blueprint.views["storage"])
    assert storage.name == "shop.storage" and storage.title == "Shop: storage"
    assert set(storage.groups) == {"data", "inner"} and storage.connections == ()
    pii = view_blueprint(blueprint, blueprint.views["pii"])
    assert pii.title == "Personal data"
    assert set(pii.groups) == {"app", "data"}
    assert [(c.source, c.target) for c in pii.connections] == [("pay", "db"), ("pay", "data")]
    assert [b.name for b in every_view(blueprint)] == ["shop", "shop.storage", "shop.pii", "shop.around-api", "shop.two-hops"]


def test_each_view_renders_to_its_own_files_and_is_cached(write_blueprint, tmp_path):
    path = write_blueprint(SHOP)
    out = tmp_path / "out"
    result = run_cli("render", path, "-o", str(out), "-f", "svg,mermaid")
    assert result.exit_code == 0, result.output
    names = sorted(p.name for p in out.iterdir() if p.is_file())
    assert names == sorted(f"shop{v}.{ext}" for v in ("", ".storage", ".pii", ".around-api", ".two-hops")
                           for ext in ("svg", "mmd"))
    assert "Personal data" in (out / "shop.pii.svg").read_text()
    assert "audit" not in (out / "shop.pii.mmd").read_text()
    again = run_cli("render", path, "-o", str(out), "-f", "svg,mermaid")
    assert again.output.strip() == f"{path}: up to date"
    (out / "shop.pii.svg").unlink()
    rerun = run_cli("render", path, "-o", str(out), "-f", "svg,mermaid", "--check")
    assert rerun.exit_code == 1 and f"missing: {out / 'shop.pii.svg'}" in rerun.output
    fixed = run_cli("render", path, "-o", str(out), "-f", "svg,mermaid")
    assert "wrote" in fixed.output and "shop.pii.svg" in fixed.output and "shop.storage" not in fixed.output


def test_lint_runs_on_the_whole_model(write_blueprint, tmp_path):
    # `audit` (a database with one replica) is in no view but the storage one;
    # lint still reports it, and `render --lint` outlines it where it is drawn.
    path = write_blueprint(SHOP)
    lint = run_cli("lint", path)
    assert "'audit'" in lint.output
    out = tmp_path / "out"
    assert run_cli("render", path, "-o", str(out), "-f", "dot", "--lint").exit_code == 0
    assert '"audit" [' in (out / "shop.storage.dot").read_text()
    assert "penwidth=3" in (out / "shop.storage.dot").read_text()
    pii = (out / "shop.pii.dot").read_text()
    assert '"audit" [' not in pii and "Lint findings" in pii  # the legend lists the whole model's findings


def test_view_mistakes_have_positions(write_blueprint):
    path = write_blueprint(
        "components:\n  api: {kind: service, tags: [checkout]}\n"
        "views:\n  a: {groups: [nope], tags: [checkot]}\n  b: {depth: 2}\n  c: {around: apx}\n  d: {components: api}\n"
    )
    result = run_cli("validate", path)
    assert result.exit_code == 2
    assert ":4:16: error: view 'a': unknown group 'nope'" in result.output
    assert ":4:30: error: view 'a': unknown tag 'checkot' (did you mean 'checkout'?)" in result.output
    assert ":5:3: error: view 'b' selects nothing" in result.output
    assert ":6:15: error: view 'c': unknown component 'apx' (did you mean 'api'?)" in result.output
    assert "view 'd'" not in result.output  # one id without a list is fine
