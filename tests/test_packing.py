"""The `packed` layout: blocks moved into dot's empty corners (renderer/packing.py), end to end."""

from __future__ import annotations

import math
from dataclasses import replace

import pytest

import sdiagram
from sdiagram.renderer import choose_layout, dot_options, image_roots, render_formats, to_dot
from sdiagram.renderer import candidates, packing
from sdiagram.renderer.candidates import CANDIDATES, variants_for
from sdiagram.renderer.engine import layout_and_render
from sdiagram.renderer.packing import GAP_PT, Link, pack, place_label, route, spline_pos

from conftest import BLUEPRINTS

Box = packing.Box

# Graphviz coordinates (y up). Flow left to right: A calls B (beside it) and C (above
# B, in B's column). A sits at the bottom, leaving the top-left corner empty.
A, B, C = (0.0, 0.0, 100.0, 100.0), (200.0, 0.0, 300.0, 100.0), (200.0, 200.0, 300.0, 300.0)
A_TO_B = Link(0, 1, path=((100.0, 50.0), (200.0, 50.0)), ends=("a", "b"))
A_TO_C = Link(0, 2, path=((100.0, 80.0), (200.0, 250.0)), ends=("a", "c"))


def area(boxes: list[Box]) -> float:
    return (max(b[2] for b in boxes) - min(b[0] for b in boxes)) * (max(b[3] for b in boxes) - min(b[1] for b in boxes))


def moved(boxes: list[Box], plan: packing.Packing) -> list[Box]:
    return [(b[0] + dx, b[1] + dy, b[2] + dx, b[3] + dy) for b, (dx, dy) in zip(boxes, plan.shifts)]


def apart(a: Box, b: Box) -> float:
    """The gap between two boxes (0 when they overlap)."""
    return math.hypot(max(0.0, b[0] - a[2], a[0] - b[2]), max(0.0, b[1] - a[3], a[1] - b[3]))


def test_a_block_moves_into_the_empty_corner_and_keeps_its_distance():
    plan = pack([A, B, C], [A_TO_B, A_TO_C])
    assert plan.moved
    after = moved([A, B, C], plan)
    assert area(after) < 0.8 * area([A, B, C])
    for i in range(3):
        for j in range(i + 1, 3):
            assert apart(after[i], after[j]) >= GAP_PT - 1e-6
    assert pack([A, B, C], [A_TO_B, A_TO_C]) == plan  # deterministic


def test_arrows_between_blocks_never_turn_backwards():
    # C is called from B: packing may not slide C left of B (against the flow).
    late = (450.0, 200.0, 550.0, 300.0)
    b_to_c = Link(1, 2, path=((300.0, 80.0), (450.0, 250.0)), ends=("b", "c"))
    plan = pack([A, B, late], [A_TO_B, b_to_c])
    after = moved([A, B, late], plan)
    tail_x = b_to_c.path[0][0] + plan.shifts[1][0]
    head_x = b_to_c.path[-1][0] + plan.shifts[2][0]
    assert head_x >= tail_x - 1e-6
    assert after[2][0] >= after[1][0]


def test_blocks_joined_twice_by_the_same_two_components_move_as_one():
    twice = Link(0, 2, path=((100.0, 20.0), (200.0, 220.0)), ends=("a", "c"))
    plan = pack([A, B, C], [A_TO_B, A_TO_C, twice])
    assert plan.shifts[0] == plan.shifts[2]


def test_nothing_moves_when_the_picture_would_barely_shrink():
    tight = [(0.0, 0.0, 100.0, 100.0), (124.0, 0.0, 224.0, 100.0)]
    plan = pack(tight, [Link(0, 1, path=((100.0, 50.0), (124.0, 50.0)), ends=("a", "b"))])
    assert not plan.moved and plan.shifts == ((0.0, 0.0), (0.0, 0.0))
    assert not pack([A, B, C], [A_TO_B, A_TO_C], direction="RL").moved  # a direction packing does not know


def test_top_to_bottom_is_left_to_right_turned():
    def turn(box: Box) -> Box:  # LR picture -> the TB picture of the same flow
        return (-box[3], -box[2], -box[1], -box[0])

    def turn_link(link: Link) -> Link:
        return replace(link, path=tuple((-y, -x) for x, y in link.path))

    lr = pack([A, B, C], [A_TO_B, A_TO_C])
    tb = pack([turn(A), turn(B), turn(C)], [turn_link(A_TO_B), turn_link(A_TO_C)], direction="TB")
    assert tb.shifts == tuple((-dy + 0.0, -dx + 0.0) for dx, dy in lr.shifts)


def test_a_connection_is_routed_around_what_is_in_its_way():
    wall = (40.0, -20.0, 60.0, 20.0)
    path = route((0.0, 0.0), (100.0, 0.0), [wall])
    assert path[0] == (0.0, 0.0) and path[-1] == (100.0, 0.0) and len(path) > 2
    for a, b in zip(path, path[1:]):
        assert not packing._segment_crosses(a, b, wall)
    assert route((0.0, 0.0), (100.0, 0.0), [(40.0, 10.0, 60.0, 30.0)]) == [(0.0, 0.0), (100.0, 0.0)]
    # a long wall: the way round is far from the straight line, and still found
    long_wall = (40.0, -1000.0, 60.0, 900.0)
    around = route((0.0, 0.0), (100.0, 0.0), [long_wall, (500.0, 500.0, 600.0, 600.0)])
    assert len(around) > 2 and all(not packing._segment_crosses(a, b, long_wall) for a, b in zip(around, around[1:]))
    assert max(y for _, y in around) > 900.0


def test_a_route_becomes_an_edge_position_clipped_at_its_ends():
    tail, head = (-10.0, -10.0, 10.0, 10.0), (90.0, -10.0, 110.0, 10.0)
    pos, drawn = spline_pos([(0.0, 0.0), (100.0, 0.0)], tail, head, arrow_at_head=True, arrow_at_tail=False)
    parts = pos.split()
    assert parts[0] == "e,90.00,0.00"  # the arrow's tip on the head's side
    controls = [tuple(float(v) for v in p.split(",")) for p in parts[1:]]
    assert len(controls) % 3 == 1 and controls[0] == (10.0, 0.0)
    assert controls[-1] == (80.0, 0.0)  # room for the arrowhead
    assert drawn[0] == (10.0, 0.0) and drawn[-1] == (90.0, 0.0)
    both, _ = spline_pos([(0.0, 0.0), (100.0, 0.0)], tail, head, arrow_at_head=True, arrow_at_tail=True)
    assert both.split()[1] == "s,10.00,0.00"


def test_a_label_goes_beside_its_edge_clear_of_nodes_and_labels():
    path = [(0.0, 0.0), (200.0, 0.0)]
    size = (40.0, 12.0)
    node = (80.0, -30.0, 120.0, 30.0)  # over the middle of the edge
    label = (20.0, 1.0, 70.0, 14.0)  # another label beside its left part
    x, y = place_label(size, path, [node, label])
    box = (x - 20.0, y - 6.0, x + 20.0, y + 6.0)
    assert not packing._overlap(box, node) and not packing._overlap(box, label)
    assert abs(y) - 6.0 <= 12.0  # within a letter-height of its edge
    assert place_label(size, path, [node, label]) == (x, y)


def test_a_label_without_room_gets_it_when_the_blocks_are_packed_again():
    a, b = (0.0, 0.0, 100.0, 100.0), (300.0, 0.0, 400.0, 100.0)
    label = (160.0, 52.0, 240.0, 66.0)  # 80 points wide, dot put it between the two
    link = Link(0, 1, label=label, path=((100.0, 50.0), (300.0, 50.0)), ends=("a", "b"))
    tight = moved([a, b], pack([a, b], [link]))
    roomy = moved([a, b], pack([a, b], [link], roomy=frozenset({0})))
    assert tight[1][0] - tight[0][2] == pytest.approx(GAP_PT)
    assert roomy[1][0] - roomy[0][2] >= 80.0 + 2 * packing.LABEL_ROOM_PT - 1e-6

    drawing = packing.Drawing(
        "LR", (a, b),
        (packing.Node("a", a, 0), packing.Node("b", (310.0, 10.0, 390.0, 90.0), 1)),
        (packing.Group("cluster_b", b, 1, (305.0, 92.0, 340.0, 99.0)),),
        (packing.Edge("a", "b", ((100.0, 50.0), (150.0, 50.0), (250.0, 50.0), (310.0, 50.0)), label),),
    )
    arranged = packing.arrange(drawing)
    assert arranged is not None and arranged.shifts[0] != arranged.shifts[1]
    # packed again with room: the label did not fit in the gap of the first packing
    assert arranged.shifts[1][0] == pytest.approx(-(200.0 - 80.0 - 2 * packing.LABEL_ROOM_PT))
    (index, pos), = arranged.routes
    assert index == 0 and pos.startswith("e,")
    (_, (x, y)), = arranged.labels
    box = (x - 40.0, y - 7.0, x + 40.0, y + 7.0)
    for node, block in ((a, 0), ((310.0, 10.0, 390.0, 90.0), 1)):
        dx, dy = arranged.shifts[block]
        assert not packing._overlap(box, (node[0] + dx, node[1] + dy, node[2] + dx, node[3] + dy))
    assert packing.arrange(drawing) == arranged



def along_outline(line: list[tuple[float, float]], outline: Box, near: float) -> float:
    """The longest stretch (points) of a polyline running parallel to a side of
    `outline` (within 15 degrees) no further than `near` from it."""
    points = packing._resample(line, 1.0)
    longest = run = 0.0
    x0, y0, x1, y1 = outline
    for a, b in zip(points, points[1:]):
        dx, dy = abs(b[0] - a[0]), abs(b[1] - a[1])
        mx, my = (a[0] + b[0]) / 2, (a[1] + b[1]) / 2
        beside_side = dy > 3.7 * dx and y0 - near <= my <= y1 + near and min(abs(mx - x0), abs(mx - x1)) <= near
        beside_top = dx > 3.7 * dy and x0 - near <= mx <= x1 + near and min(abs(my - y0), abs(my - y1)) <= near
        run = run + math.hypot(dx, dy) if beside_side or beside_top else 0.0
        longest = max(longest, run)
    return longest


def drawn_line(pos: str) -> list[tuple[float, float]]:
    controls = [tuple(float(v) for v in part.split(",")) for part in pos.split() if not part.startswith(("e,", "s,"))]
    return packing.bezier_points(controls)


def test_a_route_leaves_its_group_between_the_nodes_never_along_the_outline():
    # A tall group of three nodes; the middle one calls a node above the group's right
    # side. The way round the top node is 15 points wide on the right: squeezed in
    # there, the route would run up the group's outline like a second border.
    left = (0.0, 0.0, 100.0, 320.0)
    nodes = (packing.Node("top", (20.0, 200.0, 85.0, 300.0), 0), packing.Node("mid", (20.0, 130.0, 80.0, 190.0), 0),
             packing.Node("low", (20.0, 20.0, 80.0, 80.0), 0), packing.Node("far", (60.0, 420.0, 120.0, 480.0), 1))
    above = (40.0, 400.0, 240.0, 500.0)
    groups = (packing.Group("cluster_left", left, 0), packing.Group("cluster_above", above, 1))
    label = (0.0, 0.0, 60.0, 14.0)
    edge = packing.Edge("mid", "far", ((80.0, 160.0), (90.0, 300.0), (90.0, 380.0), (90.0, 420.0)), label)
    drawing = packing.Drawing("LR", (left, above), nodes, groups, (edge,))
    links = [Link(0, 1, label, edge.path, ("mid", "far"))]
    arranged, crowded = packing._draw(drawing, links, packing.Packing(((0.0, 0.0), (0.0, 1.0))))
    (index, pos), = arranged.routes
    line = drawn_line(pos)
    outlines = [left, packing.moved(above, (0.0, 1.0))]
    for outline in outlines:
        assert along_outline(line, outline, GAP_PT / 2 - 2) <= 20.0
    for node in (nodes[0], nodes[2]):  # it goes round the other nodes, not through them
        assert not packing._line_hits(line, node.box)
    (_, (x, y)), = arranged.labels
    box = (x - 30.0, y - 7.0, x + 30.0, y + 7.0)
    assert not crowded
    for outline in outlines:  # its label is not on an outline
        assert not packing._crosses_border(packing._grow(box, 2.0), outline)
    assert packing._draw(drawing, links, packing.Packing(((0.0, 0.0), (0.0, 1.0))))[0] == arranged


def test_a_route_keeps_to_its_group_only_to_leave_it():
    # Round a node wall: over it is shorter, but runs through the group the route
    # leaves; under it leaves the group at once.
    group, wall = (0.0, 0.0, 300.0, 200.0), (200.0, -80.0, 250.0, 100.0)
    through = route((50.0, 20.0), (450.0, 20.0), [wall])
    out_first = route((50.0, 20.0), (450.0, 20.0), [wall], [packing.Slow(group, 1.0)])
    assert max(y for _, y in through) == pytest.approx(100.5)
    assert min(y for _, y in out_first) == pytest.approx(-80.5)
    assert route((50.0, 20.0), (450.0, 20.0), [], [packing.Slow(group, 1.0)]) == [(50.0, 20.0), (450.0, 20.0)]  # nothing in the way


def test_a_long_run_into_a_sharp_turn_does_not_loop():
    # Down 1000 points, then 100 to the right: the curve may round the corner, not swing past it.
    tail, head = (-10.0, -10.0, 10.0, 10.0), (90.0, -1010.0, 110.0, -990.0)
    _, drawn = spline_pos([(0.0, 0.0), (0.0, -1000.0), (100.0, -1000.0)], tail, head, arrow_at_head=True, arrow_at_tail=False)
    assert min(y for _, y in drawn) >= -1000.0 - 100.0 / 3 - 1e-6
    assert min(x for x, _ in drawn) >= -100.0 / 3 - 1e-6


def test_a_label_keeps_off_a_group_outline_beside_its_edge():
    # The edge runs 10 points under a group: beside it, the label would touch the outline.
    group = (0.0, 0.0, 200.0, 100.0)
    x, y = place_label((40.0, 14.0), [(0.0, -10.0), (200.0, -10.0)], [], [group])
    box = (x - 20.0, y - 7.0, x + 20.0, y + 7.0)
    assert box[3] <= -packing.LABEL_GAP_PT
    assert abs(y + 10.0) <= 7.0 + 2 * packing.LABEL_CLEARANCE_PT  # beside its edge


TB_CORNER = """
name: corner
direction: LR
groups:
  front: {label: Front}
  app: {label: App}
  data: {label: Data}
  audit: {label: Audit}
components:
  users: {kind: client, label: Users}
  lb: {kind: load_balancer, group: front}
  api: {kind: service, group: app}
  jobs: {kind: queue, group: app}
  db: {kind: database, group: data}
  cache: {kind: cache, group: data}
  replica: {kind: database, group: data}
  log: {kind: queue, group: audit}
  sink: {kind: object_storage, group: audit}
connections:
  - users -> lb: requests
  - lb -> api
  - api -> jobs: enqueue
  - api -> db: writes
  - api -> cache: reads
  - db -> replica: replicates
  - jobs -> log: {label: audit events, async: true}
  - log -> sink: archive
"""


@pytest.fixture(scope="module")
def chat():
    return sdiagram.load(str(BLUEPRINTS / "chat.yaml"))


def test_packed_wins_where_dot_leaves_an_empty_corner(chat):
    choice = choose_layout(chat, dot_options(chat))
    assert choice.options.variant.name == "packed"
    scored = {s.variant.name: s for s in choice.scored}
    packed, unpacked = scored["packed"].metrics, scored["group-bands"].metrics  # the same dot settings
    assert packed is not None and unpacked is not None
    assert packed.empty_fraction < unpacked.empty_fraction - 0.05
    assert packed.area_per_node < unpacked.area_per_node
    assert packed.labels_over_things == 0
    assert packed.crossings <= unpacked.crossings
    assert 'sdiagram=packed' in choice.dot_text


def test_packed_pictures_are_the_same_every_time(chat):
    first = render_formats(chat, ("svg", "dot"), layout="best")
    again = render_formats(chat, ("svg", "dot"), layout="best")
    assert first.outputs == again.outputs
    assert b"sdiagram layout: packed" in first.outputs["svg"]


def test_the_metrics_measure_the_packed_picture(chat):
    packed = next(v for v in CANDIDATES if v.packed)
    text = to_dot(chat, replace(dot_options(chat), variant=packed))
    unpacked = text.replace("sdiagram=packed, ", "").replace(", sdiagram=packed", "")
    assert unpacked != text
    roots = image_roots(chat)
    after = layout_and_render(text, ("svg",), roots, measure=True)
    before = layout_and_render(unpacked, ("svg",), roots, measure=True)
    assert after.metrics is not None and before.metrics is not None
    assert after.metrics.width_pt * after.metrics.height_pt < before.metrics.width_pt * before.metrics.height_pt
    assert after.outputs["svg"] != before.outputs["svg"]


def test_plain_graphviz_draws_the_packed_dot_unpacked(chat):
    import pygraphviz

    packed = next(v for v in CANDIDATES if v.packed)
    graph = pygraphviz.AGraph(string=to_dot(chat, replace(dot_options(chat), variant=packed)))
    graph.layout("dot")  # an attribute Graphviz does not know: no error, dot's own layout
    assert graph.graph_attr["sdiagram"] == "packed"


def test_packed_is_only_a_candidate_where_it_can_differ(write_blueprint, monkeypatch, chat):
    assert "packed" in [v.name for v in variants_for(chat, dot_options(chat))]
    flat = sdiagram.load(write_blueprint("components: {a: {kind: service}, b: {kind: service}, c: {kind: database}}\n"
                                         "connections: [a -> b, b -> c]\n", "flat.yaml"))
    assert "packed" not in [v.name for v in variants_for(flat, dot_options(flat))]  # no groups: nothing to move
    from sdiagram.renderer import engine

    monkeypatch.setattr(engine, "in_process", lambda: False)  # the `dot` binary: it cannot pack
    assert "packed" not in [v.name for v in variants_for(chat, dot_options(chat))]
    assert candidates.packing_applies(chat) is False


def test_layout_hints_are_never_packed_away(write_blueprint):
    hinted = sdiagram.load(write_blueprint(TB_CORNER + "layout: {same_rank: [[users, lb]]}\n", "hinted.yaml"))
    assert "packed" not in [v.name for v in variants_for(hinted, dot_options(hinted))]
    pinned = sdiagram.load(write_blueprint(TB_CORNER + "layout: {variant: packed, group_order: [[front, app]]}\n",
                                           "pinned-hinted.yaml"))
    packed = next(v for v in CANDIDATES if v.packed)
    assert "sdiagram=packed" not in to_dot(pinned, replace(dot_options(pinned), variant=packed))


def test_a_pinned_packed_layout_is_drawn(write_blueprint):
    blueprint = sdiagram.load(write_blueprint(TB_CORNER + "layout: {variant: packed}\n", "pinned.yaml"))
    assert [v.name for v in variants_for(blueprint, dot_options(blueprint))] == ["packed"]
    rendered = render_formats(blueprint, ("svg",), measure=True)
    assert b"sdiagram layout: packed" in rendered.outputs["svg"]
    assert rendered.metrics is not None and rendered.metrics.labels_over_things == 0
