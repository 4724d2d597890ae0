"""Stable under edits: the layout variant of the previous render is kept, and the output says which it is."""

from __future__ import annotations

import random
import shutil
from pathlib import Path

import pytest

import sdiagram
from sdiagram import preview
from sdiagram.renderer import candidates, choose_layout, dot_options, render_formats, to_dot
from sdiagram.renderer.candidates import (
    CANDIDATES, KEEP_MARGIN, STICKY_MARGIN, Scored, choose, recorded_variant, variants_for, with_variant,
)
from sdiagram.renderer.diff_picture import diff_picture_dot
from sdiagram.renderer.dot import LAYOUT_MARK
from sdiagram.renderer.metrics import LayoutMetrics
from sdiagram.diff import diff_blueprints
from sdiagram.watch import State, score_saved, show_saved

from conftest import run_cli
from test_layout import TIERS

# TIERS with one component more: the edit the variant must survive.
EDITED = TIERS.replace("connections:\n", "  audit: {kind: service, group: back}\nconnections:\n") + "  - worker -> audit\n"


def metrics() -> LayoutMetrics:
    return LayoutMetrics(nodes=5, edges=5, width_pt=800.0, height_pt=600.0, area_per_node=5.0, empty_fraction=0.5,
                         crossings=0, edge_length=10.0, detached_labels=0, misattributed_labels=0, label_overlaps=0,
                         labels_over_things=0, staircase=0.0, aspect=1.4, min_text_px=8.0)


def scored(*scores: float) -> list[Scored]:
    return [Scored(variant, metrics() if s != float("inf") else None, s) for variant, s in zip(CANDIDATES, scores)]


# -- the choice ---------------------------------------------------------------------------


def test_previous_variant_is_kept_unless_the_best_is_much_better():
    first, second, third = (v.name for v in CANDIDATES[:3])
    close = scored(10.0, 10.0 * (1 + STICKY_MARGIN / 2), 10.0)
    assert choose(close).variant.name == first
    assert choose(close, previous=second).variant.name == second  # kept: within STICKY_MARGIN of the best
    far = scored(10.0, 10.0 * (1 + STICKY_MARGIN * 2), 10.0)
    assert choose(far, previous=second).variant.name == first  # the best is much better: chosen afresh
    failed = scored(10.0, float("inf"), 11.0)
    assert choose(failed, previous=second).variant.name == first  # the previous one failed to lay out
    assert choose(close, previous="no-such-variant").variant.name == first
    assert choose(close, previous=None) == choose(close)
    assert third  # three candidates at least, so the previous one can be neither first nor best


def test_choosing_again_with_the_last_choice_as_previous_changes_nothing():
    """What `render` wrote is what `render --check` (reading it back) draws again."""
    assert KEEP_MARGIN <= STICKY_MARGIN
    rng = random.Random(9)
    for _ in range(2000):
        scores = [rng.choice([float("inf"), rng.uniform(5, 50)]) for _ in CANDIDATES]
        if all(s == float("inf") for s in scores):
            continue
        for previous in [None, *(v.name for v in CANDIDATES)]:
            first = choose(scored(*scores), previous)
            assert choose(scored(*scores), first.variant.name) == first


# -- the record in the output -----------------------------------------------------------


def test_dot_and_svg_name_the_variant_drawn(write_blueprint):
    blueprint = sdiagram.load(write_blueprint(TIERS))
    for variant in variants_for(blueprint, dot_options(blueprint)):
        dot = to_dot(blueprint, with_variant(dot_options(blueprint), variant))
        assert f'comment="{LAYOUT_MARK}{variant.name}"' in dot
        assert recorded_variant(dot.encode()) == variant.name
    rendered = render_formats(blueprint, ("svg", "dot"))
    chosen = recorded_variant(rendered.outputs["dot"])
    assert chosen in {v.name for v in CANDIDATES}
    assert f"<!-- {LAYOUT_MARK}{chosen.replace('-', '&#45;')} -->".encode() in rendered.outputs["svg"][:4096]
    assert recorded_variant(rendered.outputs["svg"]) == chosen
    # Every variant's name survives Graphviz's SVG comment (hyphens as &#45;).
    for variant in CANDIDATES:
        svg = render_formats(blueprint._replace(layout=blueprint.layout._replace(variant=variant.name)),
                             ("svg",)).outputs["svg"]
        assert recorded_variant(svg) == variant.name


def test_unknown_or_misplaced_marks_are_ignored():
    assert recorded_variant(f"<!-- {LAYOUT_MARK}made-up -->".encode()) is None
    assert recorded_variant(b" " * 5000 + f"<!-- {LAYOUT_MARK}base -->".encode()) is None  # past the head
    assert recorded_variant(b"", b"not sdiagram's", f"{LAYOUT_MARK}base".encode()) == "base"
    assert recorded_variant() is None


# -- the CLI ---------------------------------------------------------------------------------


def render(path: Path, out: Path, *options: str) -> str:
    result = run_cli("render", str(path), "-o", str(out), "-f", "svg,dot", *options)
    assert result.exit_code == 0, result.output
    return recorded_variant((out / "tiers.dot").read_bytes())


def other_variant(path: Path) -> str:
    """A candidate that is not the one chosen afresh for the blueprint at `path`."""
    blueprint = sdiagram.load(path)
    fresh = choose_layout(blueprint, dot_options(blueprint)).options.variant.name
    return next(v.name for v in variants_for(blueprint, dot_options(blueprint)) if v.name != fresh)


def test_an_edit_keeps_the_variant_of_the_image_in_the_output_folder(tmp_path, monkeypatch):
    path = tmp_path / "tiers.yaml"
    path.write_text(TIERS)
    out = tmp_path / "out"
    render(path, out)
    previous = other_variant(path)
    # As if it had been drawn with another variant (an older sdiagram, or scores since changed),
    # and any gain counts as small: the edited design keeps it.
    monkeypatch.setattr(candidates, "STICKY_MARGIN", 1e9)
    for fmt in ("dot", "svg"):
        text = (out / f"tiers.{fmt}").read_text()
        (out / f"tiers.{fmt}").write_text(text.replace(LAYOUT_MARK + recorded_variant(text.encode()),
                                                       LAYOUT_MARK + previous))
    path.write_text(EDITED)
    copy = tmp_path / "copy"
    shutil.copytree(out, copy)
    assert render(path, out) == previous
    result = run_cli("render", str(path), "-o", str(out), "-f", "svg,dot", "--stats")
    assert f"layout {previous} (as in the previous render)" in result.output
    # Same blueprint, same previous output: same bytes.
    assert render(path, copy, "--force") == previous
    for fmt in ("dot", "svg"):
        assert (copy / f"tiers.{fmt}").read_bytes() == (out / f"tiers.{fmt}").read_bytes()
    # --layout fresh ignores the image there.
    blueprint = sdiagram.load(path)
    assert render(path, out, "--layout", "fresh") == choose_layout(blueprint, dot_options(blueprint)).options.variant.name


def test_render_then_check_agree_after_an_edit(tmp_path):
    path = tmp_path / "tiers.yaml"
    path.write_text(TIERS)
    out = tmp_path / "out"
    render(path, out)
    path.write_text(EDITED)
    render(path, out)
    check = run_cli("render", str(path), "-o", str(out), "-f", "svg,dot", "--check", "--force")
    assert check.exit_code == 0, check.output


# -- the live preview and the diff picture ----------------------------------------------------


def test_preview_draws_the_picture_render_draws_and_keeps_the_previous_variant(tmp_path):
    path = tmp_path / "tiers.yaml"
    path.write_text(TIERS)
    blueprint = sdiagram.load(path)
    shown = preview.build(str(path), TIERS.encode())
    assert shown.variant == choose_layout(blueprint, dot_options(blueprint)).options.variant.name
    assert shown.svg == preview.inline_svg(render_formats(blueprint, ("svg",)).outputs["svg"])
    other = other_variant(path)
    quick = preview.build(str(path), TIERS.encode(), previous=other, candidates=False)
    assert quick.variant == other


def test_watch_state_remembers_the_variant_through_a_broken_save():
    state = State()
    state.update("a.yaml", preview.Preview(None, "<svg/>", variant="group-bands"))
    state.update("a.yaml", preview.Preview(None, errors=()))  # a save that does not compile
    assert state.variants["a.yaml"] == "group-bands"
    state.update("a.yaml", None)  # deleted
    assert "a.yaml" not in state.variants


def test_watch_shows_a_save_with_its_variant_then_redraws_what_render_draws(tmp_path, monkeypatch):
    path = tmp_path / "tiers.yaml"
    path.write_text(TIERS)
    state, unscored, changes = State(), {}, []
    show_saved(state, "tiers.yaml", str(path), unscored, lambda key, shown: changes.append(shown))
    best = choose_layout(sdiagram.load(path), dot_options(sdiagram.load(path))).options.variant.name
    assert state.variants["tiers.yaml"] == best and unscored == {}  # first seen: scored at once
    path.write_text(EDITED)
    edited = sdiagram.load(path)
    scored = choose_layout(edited, dot_options(edited)).scored
    other = max(scored, key=lambda s: s.score).variant.name  # not the best for the edited design
    state.variants["tiers.yaml"] = other  # as if the last picture had been drawn with it
    show_saved(state, "tiers.yaml", str(path), unscored, lambda key, shown: changes.append(shown))
    assert state.previews["tiers.yaml"].variant == other and unscored == {"tiers.yaml": str(path)}
    monkeypatch.setattr(candidates, "STICKY_MARGIN", 0.0)  # only the best is kept
    score_saved(state, unscored, lambda key, shown: changes.append(shown))
    render_draws = choose_layout(edited, dot_options(edited), previous=other).options.variant.name
    assert render_draws != other and state.previews["tiers.yaml"].variant == render_draws
    assert state.previews["tiers.yaml"].svg == preview.inline_svg(
        render_formats(edited, ("svg",), previous=other).outputs["svg"])
    assert unscored == {} and len(changes) == 3
    score_saved(state, unscored, lambda key, shown: changes.append(shown))  # nothing saved since: nothing redrawn
    assert len(changes) == 3


@pytest.mark.parametrize("margin", [0.0, 1e9])
def test_diff_picture_is_laid_out_as_render_lays_out_new_after_old(write_blueprint, monkeypatch, margin):
    monkeypatch.setattr(candidates, "STICKY_MARGIN", margin)
    old, new = sdiagram.load(write_blueprint(TIERS)), sdiagram.load(write_blueprint(EDITED, "new.yaml"))
    dot = diff_picture_dot(old, new, diff_blueprints(old, new))
    drawn_old = choose_layout(old, dot_options(old)).options.variant.name
    expected = choose_layout(new, dot_options(new), previous=drawn_old).options.variant.name
    assert recorded_variant(dot.encode()) == expected
    if margin:
        assert expected == drawn_old
