"""`sdiagram diff --image`: NEW drawn with the changes marked."""

from __future__ import annotations

from pathlib import Path

import sdiagram
from sdiagram.diff import diff_blueprints
from sdiagram.renderer import image_roots
from sdiagram.renderer.diff_picture import COLORS, diff_picture, diff_picture_dot
from sdiagram.renderer.dot import to_dot
from sdiagram.renderer.engine import layout_and_render

from conftest import REPO, run_cli

EDITS = REPO / "tests" / "diff" / "edits"
GREEN, AMBER, RED = COLORS["added"], COLORS["changed"], COLORS["removed"]


def picture_dot(old_path: Path, new_path: Path) -> str:
    old, new = sdiagram.load(old_path), sdiagram.load(new_path)
    combined, options = diff_picture(old, new, diff_blueprints(old, new, renames=True))
    return to_dot(combined, options)


def line_of(dot: str, start: str) -> str:
    return next(line for line in dot.splitlines() if line.strip().startswith(start))


def test_marks_added_changed_and_removed_elements() -> None:
    dot = picture_dot(EDITS / "url-shortener-rate-limiter.before.yaml", EDITS / "url-shortener-rate-limiter.after.yaml")
    assert dot == picture_dot(EDITS / "url-shortener-rate-limiter.before.yaml",
                              EDITS / "url-shortener-rate-limiter.after.yaml")
    assert f'color="{GREEN}"' in line_of(dot, '"limiter" [')          # added component
    assert f'color="{AMBER}"' in line_of(dot, '"api" [')              # replicas changed
    assert f'color="{AMBER}"' in line_of(dot, '"url_store" [')        # renamed
    assert "color=" not in line_of(dot, '"cache" [')                  # unchanged
    removed = line_of(dot, '"lb" -> "api"')                            # the ghost of a removed connection
    assert f'color="{RED}"' in removed and "style=dashed" in removed
    assert f'pencolor="{GREEN}"' in dot                               # the added group
    assert "■ added (4)" in dot and "■ removed (1)" in dot


def test_removed_components_are_ghosts_in_their_old_group() -> None:
    dot = picture_dot(EDITS / "news-feed-drop-dlq.before.yaml", EDITS / "news-feed-drop-dlq.after.yaml")
    ghost = line_of(dot, '"fanout_dlq" [')
    assert "image=" not in ghost and "(removed)" in ghost and 'fillcolor="#FDECEA"' in ghost
    cluster = dot[dot.index('subgraph "cluster_push_tier"'):]
    assert cluster.index('"fanout_dlq" [') < cluster.index("}")  # still drawn inside Fan-out on write
    assert f'color="{RED}"' in line_of(dot, '"fanout" -> "fanout_dlq"')


def test_cli_writes_the_image_and_refuses_unknown_suffixes(tmp_path: Path) -> None:
    old, new = str(EDITS / "chat-presence-tier.before.yaml"), str(EDITS / "chat-presence-tier.after.yaml")
    result = run_cli("diff", "--renames", old, new, "--image", str(tmp_path / "chat.svg"))
    assert result.exit_code == 0, result.output
    assert (tmp_path / "chat.svg").read_bytes().startswith(b"<?xml")
    bad = run_cli("diff", old, new, "--image", str(tmp_path / "chat.gif"))
    assert bad.exit_code == 2 and not (tmp_path / "chat.gif").exists()


def test_committed_docs_picture_is_current() -> None:
    old, new = EDITS / "url-shortener-rate-limiter.before.yaml", EDITS / "url-shortener-rate-limiter.after.yaml"
    before, after = sdiagram.load(old), sdiagram.load(new)
    dot = diff_picture_dot(before, after, diff_blueprints(before, after, renames=True))
    rendered = layout_and_render(dot, ("svg", "png"), image_roots(sdiagram.load(new)))
    for fmt in ("svg", "png"):
        committed = REPO / "docs" / f"diff-example.{fmt}"
        assert committed.read_bytes() == rendered.outputs[fmt], f"{committed} is stale: run `make demo`"
