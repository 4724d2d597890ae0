"""Layout quality: metrics, candidate layouts, labels, bundled font, DOT for plain `dot`."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

import sdiagram
from sdiagram.renderer import candidate_jobs, choose_layout, dot_options, image_roots, render_formats, to_dot
from sdiagram.renderer.batch import LayoutJob, run_layouts
from sdiagram.renderer.candidates import CANDIDATES, KEEP_MARGIN, Scored, choose, score, variants_for
from sdiagram.renderer.dot import LayoutVariant, dead_letter_edges, group_band_edges, leaf_stores, shared_group_calls
from sdiagram.renderer.engine import layout_and_render
from sdiagram.renderer.fonts import config_text
from sdiagram.renderer.metrics import DOCS_WIDTH_PX, NODE_UNIT_PT2, LayoutMetrics, describe, measure, xdot_ops

from conftest import BLUEPRINTS, REPO, run_cli

FIXTURES = Path(__file__).parent / "fixtures"

TIERS = """
name: tiers
direction: LR
groups:
  front: {label: Front}
  back: {label: Back}
components:
  users: {kind: client}
  lb: {kind: load_balancer, replicas: 2, group: front}
  api: {kind: service, replicas: 2, group: front}
  worker: {kind: worker, replicas: 2, group: back}
  jobs: {kind: queue, tech: kafka, replicas: 3, group: back, dead_letter: dlq}
  dlq: {kind: queue, tech: sqs, group: back}
  db: {kind: database, tech: postgresql, replicas: 2, group: back}
connections:
  - users -> lb: HTTPS
  - lb -> api
  - api -> jobs: {label: enqueue, async: true}
  - jobs -> worker: {label: consume, async: true}
  - worker -> db: write
"""


# -- metrics on hand-made geometry ------------------------------------------------


def node(gvid: int, x: float, y: float, label: str = "") -> dict:
    return {"_gvid": gvid, "name": f"n{gvid}", "pos": f"{x},{y}", "width": "1.4", "height": "1.9", "_ldraw_": []}


def edge(tail: int, head: int, points: list[list[float]], label: tuple[float, float, str] | None = None) -> dict:
    drawn = {"tail": tail, "head": head, "_draw_": [{"op": "b", "points": points}]}
    if label:
        x, y, text = label
        drawn["_ldraw_"] = [{"op": "F", "size": 10.0, "face": "x"}, {"op": "T", "pt": [x, y], "align": "c", "width": 40.0, "text": text}]
    return drawn


def straight(a: tuple[float, float], b: tuple[float, float]) -> list[list[float]]:
    (x0, y0), (x1, y1) = a, b
    return [[x0, y0], [x0 + (x1 - x0) / 3, y0 + (y1 - y0) / 3], [x0 + 2 * (x1 - x0) / 3, y0 + 2 * (y1 - y0) / 3], [x1, y1]]


def geometry(edges: list[dict], width: float = 1000.0, height: float = 1000.0) -> bytes:
    nodes = [node(0, 100, 100), node(1, 900, 900), node(2, 100, 900), node(3, 900, 100)]
    return json.dumps({"bb": f"0,0,{width},{height}", "objects": nodes, "edges": edges}).encode()


def test_two_diagonals_cross_once_and_lengths_add_up():
    metrics = measure(geometry([edge(0, 1, straight((150, 170), (850, 830))), edge(2, 3, straight((150, 830), (850, 170)))]), pad_pt=0)
    assert metrics.crossings == 1
    assert metrics.nodes == 4 and metrics.edges == 2
    assert metrics.area_per_node == pytest.approx(1000 * 1000 / 4 / NODE_UNIT_PT2, rel=1e-3)
    assert metrics.edge_length == pytest.approx(2 * ((700**2 + 660**2) ** 0.5) / 100.8, rel=1e-2)


def test_edges_meeting_at_a_shared_node_do_not_cross():
    metrics = measure(geometry([edge(0, 1, straight((150, 170), (850, 830))), edge(0, 3, straight((150, 170), (850, 170)))]))
    assert metrics.crossings == 0


def test_crossings_do_not_depend_on_the_order_edges_are_listed_in():
    # Graphviz's json lists edges in the order they were made; the laid-out graph
    # the candidates are measured from lists them by tail node.
    edges = [
        edge(0, 1, straight((150, 170), (850, 830))),
        edge(2, 3, straight((150, 830), (850, 170))),
        edge(2, 1, straight((150, 500), (850, 500))),
        edge(0, 3, [[150, 300], [400, 300], [500, 300], [850, 300]]),
    ]
    forward = measure(geometry(edges))
    assert forward.crossings == 5
    assert measure(geometry(edges[::-1])) == forward
    assert measure(geometry(edges[2:] + edges[:2])) == forward


def test_xdot_operations_read_like_graphviz_json():
    text = ("S 5 -solid c 7 -#7b8894 B 4 1 2 3.5 4 5 6 7 8.25 F 13 10 -Sans-Serif t 1 "
            "T 169.9 1178.6 -1 79.5 12 -1) send over T 5 6 1 9 6 -Zoë b P 3 1 2 3 4 5 6 E 1 2 3 4 p 2 0 0 1 1")
    ops = xdot_ops(text)
    assert [op["op"] for op in ops] == ["S", "c", "B", "F", "t", "T", "T", "P", "E", "p"]
    assert ops[2]["points"] == [[1.0, 2.0], [3.5, 4.0], [5.0, 6.0], [7.0, 8.25]]
    assert ops[3] == {"op": "F", "size": 13.0, "face": "Sans-Serif"}
    # The length counts bytes, and the text may hold spaces.
    assert ops[5] == {"op": "T", "pt": [169.9, 1178.6], "align": "l", "width": 79.5, "text": "1) send over"}
    assert ops[6]["text"] == "Zoë b" and ops[6]["align"] == "r"
    assert ops[9]["points"] == [[0.0, 0.0], [1.0, 1.0]]
    with pytest.raises(ValueError):
        xdot_ops("Q 1 2")


@pytest.mark.parametrize("name", ["chat", "news-feed", "ai-agent-platform"])
def test_candidates_measured_in_process_score_as_from_graphviz_json(name):
    # Candidates are measured from the laid-out graph (engine._layout_geometry);
    # the numbers must be those of Graphviz's own json output of the same layout.
    from sdiagram.renderer.engine import LAYOUT_FORMAT

    blueprint = sdiagram.load(str(BLUEPRINTS / f"{name}.yaml"))
    jobs = candidate_jobs(name, blueprint, dot_options(blueprint))
    assert len(jobs) > 1
    for job in jobs:
        rendered = layout_and_render(job.dot_text, (LAYOUT_FORMAT,), job.image_roots, measure=True)
        assert rendered.metrics == measure(rendered.outputs[LAYOUT_FORMAT]), job.key


def test_label_on_its_edge_is_attached_and_a_far_one_is_detached_and_misattributed():
    on_edge = measure(geometry([edge(0, 3, straight((150, 100), (850, 100)), label=(500, 104, "near"))]))
    assert (on_edge.detached_labels, on_edge.misattributed_labels, on_edge.label_overlaps) == (0, 0, 0)
    far = measure(
        geometry([
            edge(0, 3, straight((150, 100), (850, 100)), label=(500, 497, "far")),
            edge(2, 1, straight((150, 500), (850, 500))),
        ])
    )
    assert far.detached_labels == 1
    assert far.misattributed_labels == 1  # nearer the other edge
    assert far.label_overlaps == 1  # and that edge runs through it
    assert far.label_problems == 3


def test_label_over_a_node_or_label_is_an_overlap():
    over_node = measure(geometry([edge(2, 1, straight((150, 900), (850, 900)), label=(110, 905, "x"))]))
    assert over_node.label_overlaps >= 1 and over_node.labels_over_things >= 1
    twice = measure(
        geometry([
            edge(0, 3, straight((150, 300), (850, 300)), label=(500, 304, "a")),
            edge(2, 1, straight((150, 310), (850, 310)), label=(505, 306, "b")),
        ])
    )
    assert twice.label_overlaps >= 1 and twice.labels_over_things >= 1


def group(left: float, bottom: float, right: float, top: float, label: str = "Group") -> dict:
    """A cluster box with its label at the top left (10 pt text, 40 pt wide)."""
    return {"name": f"cluster_{label}", "bb": f"{left},{bottom},{right},{top}",
            "_ldraw_": [{"op": "F", "size": 10.0, "face": "x"},
                        {"op": "T", "pt": [left + 8, top - 14], "align": "l", "width": 40.0, "text": label}]}


def test_group_labels_count_when_an_edge_label_or_an_edge_covers_them():
    def with_group(edges: list[dict]) -> bytes:
        data = json.loads(geometry(edges))
        data["objects"].append(group(400, 400, 700, 700))  # label box about x 408-448, y 683-695
        return json.dumps(data).encode()

    clear = measure(with_group([edge(0, 3, straight((150, 100), (850, 100)), label=(500, 104, "x"))]))
    assert (clear.label_overlaps, clear.labels_over_things) == (0, 0)
    label_over = measure(with_group([edge(0, 3, straight((150, 680), (850, 680)), label=(428, 684, "x"))]))
    assert label_over.label_overlaps >= 1 and label_over.labels_over_things >= 1
    edge_through = measure(with_group([edge(2, 3, straight((420, 900), (420, 100)))]))
    assert edge_through.label_overlaps == 1 and edge_through.labels_over_things == 0


def test_text_size_at_a_docs_column_and_empty_canvas():
    metrics = measure(geometry([edge(0, 3, straight((150, 100), (850, 100)), label=(500, 104, "x"))], width=2000), pad_pt=0)
    assert metrics.min_text_px == pytest.approx(10.0 * DOCS_WIDTH_PX / 2000)
    assert metrics.aspect == pytest.approx(2.0)
    assert 0.5 < metrics.empty_fraction < 1.0
    assert "area/node" in describe(metrics) and "text px@1000" in describe(metrics)


# -- candidates ---------------------------------------------------------------------------


def metrics_with(**values) -> LayoutMetrics:
    base = dict(nodes=5, edges=5, width_pt=800.0, height_pt=600.0, area_per_node=5.0, empty_fraction=0.5, crossings=0,
                edge_length=10.0, detached_labels=0, misattributed_labels=0, label_overlaps=0, labels_over_things=0, staircase=0.0, aspect=1.4, min_text_px=8.0)
    base.update(values)
    return LayoutMetrics(**base)


def test_score_penalises_each_problem():
    good = score(metrics_with())
    for worse in (dict(area_per_node=6.0), dict(empty_fraction=0.6), dict(crossings=1), dict(detached_labels=1),
                  dict(label_overlaps=1), dict(labels_over_things=1), dict(staircase=0.9), dict(min_text_px=5.0), dict(aspect=5.0)):
        assert score(metrics_with(**worse)) > good, worse


def test_choice_keeps_the_earlier_candidate_unless_the_gain_is_large():
    first, second = CANDIDATES[0], CANDIDATES[1]
    close = [Scored(first, metrics_with(), 10.0), Scored(second, metrics_with(), 10.0 / (1 + KEEP_MARGIN / 2))]
    assert choose(close).variant == first
    far = [Scored(first, metrics_with(), 10.0), Scored(second, metrics_with(), 5.0)]
    assert choose(far).variant == second
    failed = [Scored(first, None, float("inf")), Scored(second, metrics_with(), 12.0)]
    assert choose(failed).variant == second


def test_fast_mode_and_tiny_blueprints_lay_out_one_candidate(write_blueprint):
    blueprint = sdiagram.load(write_blueprint(TIERS))
    options = dot_options(blueprint)
    assert variants_for(blueprint, options, "fast") == (CANDIDATES[0],)
    assert len(variants_for(blueprint, options)) > 1
    plain = sdiagram.load(write_blueprint("components: {a: {kind: service}, b: {kind: service}}\nconnections: [a -> b]\n", "p.yaml"))
    assert candidate_jobs("k", plain, dot_options(plain)) == []


def test_choice_is_deterministic(write_blueprint):
    blueprint = sdiagram.load(write_blueprint(TIERS))
    first = choose_layout(blueprint, dot_options(blueprint))
    again = choose_layout(blueprint, dot_options(blueprint))
    assert first.dot_text == again.dot_text
    assert [s.score for s in first.scored] == [s.score for s in again.scored]
    assert all(s.metrics is not None for s in first.scored)


def test_layout_variants_shape_the_dot(write_blueprint):
    blueprint = sdiagram.load(write_blueprint(TIERS))
    options = dot_options(blueprint)
    assert leaf_stores(blueprint) == [("jobs", "dlq"), ("worker", "db")]  # a dead-letter queue is a leaf too
    assert group_band_edges(blueprint) == [("lb", "jobs"), ("api", "jobs")]  # front before what it calls in back
    beside = to_dot(blueprint, replace(options, variant=LayoutVariant(leaf_stores_beside=True)))
    assert '{rank=same; "worker"; "db"}' in beside
    loose = to_dot(blueprint, replace(options, variant=LayoutVariant(cross_group="weight")))
    assert '"api" -> "jobs" [label="enqueue", style=dashed, weight=0]' in loose
    classic = to_dot(blueprint, replace(options, variant=LayoutVariant(newrank=False)))
    assert "newrank" not in classic
    bands = to_dot(blueprint, replace(options, variant=LayoutVariant(group_bands=True)))
    assert '"lb" -> "jobs" [style=invis, weight=0];' in bands


SHARED = """
name: shared
direction: LR
groups:
  edge: {label: Edge}
  write: {label: Write}
  push: {label: Push}
  graph: {label: Graph}
components:
  gw: {kind: api_gateway, group: edge}
  posts: {kind: service, group: write}
  fanout: {kind: worker, group: push}
  social: {kind: service, group: graph}
  follows: {kind: database, group: graph}
connections:
  - gw -> posts
  - posts -> fanout: {label: post created, async: true}
  - fanout -> social: followers
  - gw -> social: follow
  - posts -> social: authors
  - social -> follows
"""


def test_a_shared_group_sits_beside_its_deepest_caller(write_blueprint):
    blueprint = sdiagram.load(write_blueprint(SHARED))
    # graph is called by edge, write and push; push is the deepest caller
    assert shared_group_calls(blueprint) == {("push", "graph"): [("fanout", "social")]}
    beside = next(v for v in CANDIDATES if v.shared_beside)
    text = to_dot(blueprint, replace(dot_options(blueprint), variant=beside))
    # `minlen=0`, and an xlabel: a label on an edge within one rank between clusters aborts classic ranking
    assert '"fanout" -> "social" [xlabel="followers", minlen=0];' in text
    assert '"gw" -> "social" [label="follow"];' in text
    assert "minlen=0" not in to_dot(blueprint, dot_options(blueprint))
    laid_out = layout_and_render(text, (), image_roots(blueprint), measure=True)
    assert laid_out.metrics is not None and laid_out.metrics.nodes == 5


def test_no_shared_group_in_a_cycle_or_with_fewer_than_three_callers(write_blueprint):
    cycle = sdiagram.load(write_blueprint(SHARED + "  - social -> fanout: notify\n", "cycle.yaml"))
    assert shared_group_calls(cycle) == {}
    two = sdiagram.load(write_blueprint(SHARED.replace("  - gw -> social: follow\n", ""), "two.yaml"))
    assert shared_group_calls(two) == {}


def test_no_candidate_uses_constraint_false():
    assert all(variant.cross_group in ("", "weight") for variant in CANDIDATES)


def test_graphviz_abort_is_contained_to_its_child():
    """constraint=false on labelled edges between clusters aborts Graphviz 14
    (mincross.c fixLabelOrder), with or without newrank; the run survives it."""
    dot_text = (FIXTURES / "abort-constraint-false-labels.dot").read_text()
    jobs = [
        LayoutJob("abort", dot_text, (), (), measure=True),
        LayoutJob("fine", dot_text.replace(", constraint=false", ""), (), (), measure=True),
    ]
    outcomes = {job.key: outcome for job, outcome in run_layouts(jobs, 2, 60)}
    assert outcomes["fine"].rendered is not None and outcomes["fine"].rendered.metrics is not None
    if outcomes["abort"].rendered is not None:
        pytest.skip("this Graphviz no longer aborts on constraint=false with edge labels")
    assert "crashed" in (outcomes["abort"].error or "")


# -- labels and drawing -----------------------------------------------------------------------


def test_dead_letter_relation_is_a_dashed_edge(write_blueprint):
    blueprint = sdiagram.load(write_blueprint(TIERS))
    assert dead_letter_edges(blueprint) == [("jobs", "dlq")]
    assert '"jobs" -> "dlq" [style=dashed, label="dead letters"' in to_dot(blueprint, dot_options(blueprint))


def test_svg_title_is_centred(write_blueprint):
    blueprint = sdiagram.load(write_blueprint("title: A title\nsummary: What it is.\n" + TIERS))
    svg = render_formats(blueprint, ("svg",), layout="fast").outputs["svg"].decode()
    title = next(line for line in svg.splitlines() if ">A title<" in line)
    assert 'text-anchor="middle"' in title
    summary = next(line for line in svg.splitlines() if ">What it is.<" in line)
    assert 'text-anchor="middle"' in summary


@pytest.mark.parametrize("name", sorted(p.stem for p in BLUEPRINTS.glob("*.yaml")))
def test_bundled_designs_are_legible_in_a_docs_column(name):
    blueprint = sdiagram.load(BLUEPRINTS / f"{name}.yaml")
    metrics = render_formats(blueprint, (), measure=True).metrics
    assert metrics is not None
    assert metrics.min_text_px >= 6.0, describe(metrics)
    assert metrics.labels_over_things == 0, describe(metrics)


# -- CLI --------------------------------------------------------------------------------


def test_render_stats_and_fast_layout(write_blueprint, tmp_path):
    path = write_blueprint(TIERS)
    result = run_cli("render", path, "-o", str(tmp_path / "out"), "--stats", "--layout", "fast")
    assert result.exit_code == 0, result.output
    line = next(line for line in result.output.splitlines() if ": layout " in line)
    assert f"layout {CANDIDATES[0].name}:" in line and "area/node" in line and "crossings" in line
    best = run_cli("render", path, "-o", str(tmp_path / "out"), "--stats")
    assert best.exit_code == 0 and ": layout " in best.output
    scores = next(line for line in best.output.splitlines() if ": candidates (score" in line)
    assert all(variant.name in scores for variant in variants_for(sdiagram.load(path), dot_options(sdiagram.load(path))))


@pytest.mark.parametrize("mode", ["absolute", "copy"])
def test_dot_output_renders_with_plain_graphviz(write_blueprint, tmp_path, mode):
    path = write_blueprint(TIERS)
    out = tmp_path / "out"
    result = run_cli("render", path, "-o", str(out), "-f", "dot", "--dot-icons", mode)
    assert result.exit_code == 0, result.output
    dot_text = (out / "tiers.dot").read_text()
    if mode == "copy":
        assert 'image="tiers.icons/' in dot_text and (out / "tiers.icons").is_dir()
    else:
        assert 'image="/' in dot_text
    # No imagepath: Graphviz on its own, run from the output folder, finds every icon.
    script = "import pygraphviz,sys; g=pygraphviz.AGraph('tiers.dot'); g.layout('dot'); sys.stdout.buffer.write(g.draw(format='svg'))"
    drawn = subprocess.run([sys.executable, "-c", script], cwd=out, capture_output=True, check=True)
    assert b"<image" in drawn.stdout
    assert b"No such file" not in drawn.stderr and b"not found" not in drawn.stderr


# -- the bundled font ---------------------------------------------------------------------------


def test_fontconfig_lists_only_the_bundled_fonts():
    text = config_text("/pkg/fonts", "/cache")
    assert "<dir>/pkg/fonts</dir>" in text and text.count("<dir>") == 1
    assert "<include" not in text  # none of the system's configuration


HIDE_FONTS = r"""
set -e
for folder in /usr/share/fonts /usr/local/share/fonts "$HOME/.fonts" "$HOME/.local/share/fonts"; do
  if [ -d "$folder" ]; then mount -t tmpfs none "$folder"; fi
done
test -z "$(ls -A /usr/share/fonts 2>/dev/null)"
exec "$@"
"""


def test_same_image_without_system_fonts(tmp_path):
    if not shutil.which("unshare") or os.geteuid() != 0:
        pytest.skip("needs root and unshare to hide the system fonts in a mount namespace")
    probe = subprocess.run(["unshare", "-m", "true"], capture_output=True)
    if probe.returncode != 0:
        pytest.skip("mount namespaces are not available here")
    blueprint = BLUEPRINTS / "url-shortener.yaml"
    command = [sys.executable, "-m", "sdiagram", "render", str(blueprint), "-f", "svg,png", "--force", "--layout", "fast"]
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache")}
    subprocess.run([*command, "-o", str(tmp_path / "with")], check=True, capture_output=True, env=env)
    hidden = subprocess.run(
        ["unshare", "-m", "sh", "-c", HIDE_FONTS, "hide", *command, "-o", str(tmp_path / "without")],
        capture_output=True, env=env, cwd=REPO,
    )
    assert hidden.returncode == 0, hidden.stderr.decode()
    for fmt in ("svg", "png"):
        assert (tmp_path / "with" / f"url-shortener.{fmt}").read_bytes() == (tmp_path / "without" / f"url-shortener.{fmt}").read_bytes()


# -- layout hints -----------------------------------------------------------------------------

HINTED = TIERS + """
layout:
  same_rank: [[lb, users]]
  order: [[dlq, db]]
"""

SIDE_BY_SIDE = """
groups:
  left: {label: Left}
  right: {label: Right}
components:
  a: {kind: service, group: left}
  b: {kind: database, group: left}
  c: {kind: service, group: right}
  d: {kind: cache, group: right}
connections:
  - a -> b
  - c -> d
"""


def node_positions(blueprint) -> dict[str, tuple[float, float]]:
    from sdiagram.renderer.engine import LAYOUT_FORMAT

    choice = choose_layout(blueprint, dot_options(blueprint))
    layout = layout_and_render(choice.dot_text, (LAYOUT_FORMAT,), (), measure=True).outputs[LAYOUT_FORMAT]
    return {o["name"]: tuple(float(v) for v in o["pos"].split(",")) for o in json.loads(layout)["objects"] if "pos" in o and "bb" not in o}


def test_layout_hints_are_followed(write_blueprint):
    blueprint = sdiagram.load(write_blueprint(HINTED))
    assert blueprint.layout.same_rank == (("lb", "users"),)
    dot_text = to_dot(blueprint, dot_options(blueprint))
    assert '{rank=same; "lb"; "users"}' in dot_text
    assert '{rank=same; "db" -> "dlq" [style=invis]}' in dot_text
    assert all(v.newrank for v in variants_for(blueprint, dot_options(blueprint)))
    at = node_positions(blueprint)
    assert at["lb"][0] == pytest.approx(at["users"][0])  # LR: one rank is one x
    assert at["dlq"][0] == pytest.approx(at["db"][0])  # one rank


def test_group_order_puts_one_group_before_another(write_blueprint):
    plain = node_positions(sdiagram.load(write_blueprint(SIDE_BY_SIDE)))
    assert plain["a"][0] == pytest.approx(plain["c"][0])  # unhinted: the groups share ranks
    blueprint = sdiagram.load(write_blueprint(SIDE_BY_SIDE + "layout: {group_order: [[right, left]]}\n", "h.yaml"))
    assert '"d" -> "a" [style=invis, weight=0];' in to_dot(blueprint, dot_options(blueprint))
    at = node_positions(blueprint)
    assert max(at["c"][0], at["d"][0]) < min(at["a"][0], at["b"][0])


@pytest.mark.parametrize("first", ["db", "dlq"])
def test_order_runs_top_to_bottom(write_blueprint, first):
    second = "dlq" if first == "db" else "db"
    blueprint = sdiagram.load(write_blueprint(TIERS + f"layout: {{order: [[{first}, {second}]]}}\n"))
    at = node_positions(blueprint)
    assert at[first][0] == pytest.approx(at[second][0]) and at[first][1] > at[second][1]  # y grows upwards


def test_order_runs_top_to_bottom_right_to_left_too(write_blueprint):
    blueprint = sdiagram.load(write_blueprint(TIERS.replace("direction: LR", "direction: RL") + "layout: {order: [[db, dlq]]}\n"))
    at = node_positions(blueprint)
    assert at["db"][1] > at["dlq"][1]


def test_a_pinned_variant_is_the_only_candidate(write_blueprint):
    blueprint = sdiagram.load(write_blueprint(TIERS + "layout: {variant: classic-ranking}\n"))
    assert [v.name for v in variants_for(blueprint, dot_options(blueprint))] == ["classic-ranking"]
    assert "newrank" not in choose_layout(blueprint, dot_options(blueprint)).dot_text


@pytest.mark.parametrize("formats", ["dot", "svg,dot"])
def test_render_draws_the_pinned_variant(write_blueprint, tmp_path, formats):
    # Not the first candidate, and drawn even when an earlier image recorded another variant.
    path = write_blueprint(TIERS)
    out = tmp_path / "out"
    assert run_cli("render", path, "-o", str(out), "-f", formats).exit_code == 0
    Path(path).write_text(TIERS + "layout: {variant: classic-ranking}\n", encoding="utf-8")
    result = run_cli("render", path, "-o", str(out), "-f", formats)
    assert result.exit_code == 0, result.output
    dot_text = (out / "tiers.dot").read_text(encoding="utf-8")
    assert "sdiagram layout: classic-ranking" in dot_text and "newrank" not in dot_text


def test_candidate_names_match_the_format():
    from sdiagram.model import LAYOUT_VARIANTS

    assert tuple(v.name for v in CANDIDATES) == LAYOUT_VARIANTS


@pytest.mark.parametrize(
    ("hints", "message"),
    [
        ("layout: {same_rank: [[lb, usres]]}", "bp.yaml:20:27: error: unknown component 'usres' in layout.same_rank (did you mean 'users'?)"),
        ("layout: {order: [[lb]]}", "bp.yaml:20:18: error: a list in layout.order names at least two components"),
        ("layout: {group_order: [[front, bak]]}", "bp.yaml:20:32: error: unknown group 'bak' in layout.group_order (did you mean 'back'?)"),
        ("layout: {same_rank: lb}", "bp.yaml:20:21: error: layout.same_rank takes a list of lists of component ids, not a string"),
        ("layout: {variant: fancy}", "bp.yaml:20:19: error: "),
        ("layout: {same_rnak: [[lb, api]]}", "did you mean 'same_rank'?"),
    ],
)
def test_bad_layout_hints_are_reported_with_their_position(write_blueprint, hints, message):
    path = write_blueprint(TIERS + hints + "\n")
    result = run_cli("validate", path)
    assert result.exit_code == 2
    assert message in result.output, result.output


def test_dot_alone_is_the_dot_the_images_are_drawn_from(write_blueprint, tmp_path):
    path = write_blueprint(TIERS)
    assert run_cli("render", path, "-o", str(tmp_path / "a"), "-f", "dot").exit_code == 0
    assert run_cli("render", path, "-o", str(tmp_path / "b"), "-f", "svg,dot").exit_code == 0
    assert (tmp_path / "a" / "tiers.dot").read_bytes() == (tmp_path / "b" / "tiers.dot").read_bytes()


def test_a_label_written_once_on_a_fan_is_drawn_once(write_blueprint):
    blueprint = sdiagram.load(write_blueprint(
        "components: {a: {kind: client}, b: {kind: client}, c: {kind: client}, gw: {kind: api_gateway},"
        " x: {kind: service}, y: {kind: service}}\n"
        "connections:\n  - \"[a, b, c] -> gw\": events\n  - gw -> [x, y]: call\n  - a -> x -> y: chained\n"
    ))
    dot_text = to_dot(blueprint, dot_options(blueprint))
    assert dot_text.count('label="events"') == 1 and '"b" -> "gw" [label="events"]' in dot_text
    assert dot_text.count('label="call"') == 1
    assert dot_text.count('label="chained"') == 2  # a chain is not a fan


def test_unreadable_draw_operations_are_a_render_error(monkeypatch):
    # Another Graphviz writing operations this reader does not know: the candidate
    # fails with a message (and is not chosen), nothing crashes.
    from sdiagram.renderer import engine
    from sdiagram.renderer.engine import RenderError

    def unknown(text: str) -> list:
        raise ValueError("not an xdot operation at byte 0: b'Z 1'")

    monkeypatch.setattr(engine, "xdot_ops", unknown)
    with pytest.raises(RenderError, match="could not read Graphviz's layout"):
        layout_and_render("digraph { a -> b [label=x] }", (), (), measure=True)
