"""Candidate layouts: a small fixed set of layout variants, scored, best kept.

No single set of Graphviz settings suits every design (measured on the six
bundled ones: classic ranking halves the area of one, `weight=0` between
groups a third of another's, and both make others worse). So a blueprint is
laid out with each variant of `CANDIDATES` (in parallel, in a pool of worker
processes: `renderer.batch.LayoutPool`), each layout is measured (`renderer.metrics`) and
scored by `score`, and the best is drawn.

The score (lower is better), over the metrics of one layout:

    area_per_node                         the size of the picture per component
  + 10 x empty_fraction                   white space (0..1)
  + 1.5 x crossings
  + 1.0 x (detached + misattributed labels + label overlaps)
  + 5.0 x labels over a node or another label (never wanted)
  + 20 x max(0, staircase - 0.5)          groups stepping along a diagonal
  + 3.0 x max(0, 7 - min_text_px)         text too small in a 1000 px column
  + 10 x max(0, 6 - min_text_px)          ... and under 6 px it can't be read
  + 6.0 x max(0, |log2(aspect / 1.4)| - 1) far from a docs-friendly landscape
                                          (under 0.7: a long scroll; over 2.8: tiny text)

The choice is deterministic and stable: candidates are tried in a fixed order
and the first one whose score is within `KEEP_MARGIN` of the best wins. The
default variant is first, so a small edit that moves scores a little keeps the
picture it had; another variant is only chosen for a large gain.

The variant drawn is recorded in the output (`dot.LAYOUT_MARK`: a graph
`comment`, so it is in the DOT and, as an XML comment, in the SVG). When the
previous render left it in the output folder, that variant is kept unless the
best candidate now scores more than `STICKY_MARGIN` better: adding a box keeps
the kind of picture it was added to. Same blueprint and same previous output,
same picture; and re-rendering what that render wrote gives it again (a
variant chosen afresh is within KEEP_MARGIN of the best, so inside
STICKY_MARGIN), which keeps `render --check` consistent with `render`.

Variants never used: `constraint=false` on labelled edges between clusters
makes Graphviz abort (mincross.c fixLabelOrder assertion, with or without
`newrank`; tests/fixtures/abort-constraint-false-labels.dot), so edges between
groups are only ever given `weight=0`. The same assertion fires without
`newrank` for a labelled edge whose ends share a rank in different clusters
(found with `minlen=0`: generated 150 components, "mesh" shape, seed 2), so
the calls `classic-bands` lets share a rank (`dot.shared_group_calls`) carry
their text as an `xlabel`. Classic ranking otherwise never aborted on the
bundled designs nor on generated ones of 20 to 300 components (every
candidate tried; 383 layouts of 20-150 components, tiered, mesh and chained
shapes, after `classic-bands` was added) with this Graphviz (14.1.5 in the
pygraphviz wheels); every candidate still runs in a worker process, so an
abort costs that candidate (the pool starts a fresh worker), never the run.

`packed` is dot's layout of `group-bands` with its top-level blocks then
moved into the empty corners that dot's rank columns leave
(`renderer.packing`; the engine does it when the DOT's graph carries
`sdiagram=packed`): connections between blocks that moved apart are routed
again and their labels placed beside the new path, clear of nodes and other
labels. On the bundled designs it is drawn for chat (empty canvas 54% ->
39%) and notification (55% -> 41%); elsewhere dot's own picture scores better.
It needs the in-process engine: with the `dot` binary the candidate is left
out (the binary would draw the DOT unpacked), and a blueprint that pins it
is drawn unpacked there. Layout hints (`same_rank`, `order`, `group_order`)
win: a blueprint with any is never packed. `-f dot` writes dot's input with the mark; plain
Graphviz renders it, unpacked.

Spacing (every variant): ranksep 0.3 in, nodesep 0.2 in, edge labels wrapped
at 12 characters (the first candidates had 0.4/0.25/16): a smaller area per
node for the variant chosen on each of the six bundled designs and on the
generated ones of bench/layout_quality.py.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, replace
from typing import Sequence

from ..model import Blueprint
from .dot import LAYOUT_MARK, DotOptions, LayoutVariant, group_band_edges, group_of, leaf_stores, packs
from .metrics import LayoutMetrics
from .packing import DIRECTIONS as PACKING_DIRECTIONS

# The fixed set, in order of preference. The first is `--layout fast`.
CANDIDATES: tuple[LayoutVariant, ...] = (
    LayoutVariant("base"),
    LayoutVariant("group-bands", group_bands=True),
    LayoutVariant("loose-groups", cross_group="weight"),
    # Before plain classic ranking: the bands (and shared groups beside their
    # deepest caller) are there against staircases, so when the two score
    # alike the banded one is kept. Before stores-beside: that one scored
    # within the margin of it on an edited design (ai-agent-platform with one
    # component more) and would swap the whole picture for a small edit.
    LayoutVariant("classic-bands", newrank=False, group_bands=True, shared_beside=True),
    LayoutVariant("stores-beside", leaf_stores_beside=True),
    LayoutVariant("classic-ranking", newrank=False),
    # Last: it draws a picture dot did not, so it is only kept for a large gain.
    LayoutVariant("packed", group_bands=True, packed=True),
)
# A later candidate must beat an earlier one by more than this fraction.
KEEP_MARGIN = 0.10
# The variant of the previous render is kept unless the best beats it by more than this fraction.
# Measured on one-component edits of each bundled design (bench/README.md): margins of
# 0 / 0.1 / 0.25 / 0.5 move the unchanged components 0.99 / 0.93 / 0.66 / 0.61 node widths
# on average and draw a layout scoring at most 8 / 8 / 18 / 34 % over the best.
STICKY_MARGIN = 0.25
LAYOUT_MODES = ("best", "fast")


@dataclass(frozen=True)
class Scored:
    variant: LayoutVariant
    metrics: LayoutMetrics | None  # None: the layout failed
    score: float


def pinned_variant(blueprint: Blueprint) -> LayoutVariant:
    """The variant the blueprint pins with `layout: {variant: NAME}`, else the first candidate."""
    return next((v for v in CANDIDATES if v.name == blueprint.layout.variant), CANDIDATES[0])


def variants_for(blueprint: Blueprint, options: DotOptions, mode: str = "best") -> tuple[LayoutVariant, ...]:
    """The variants worth laying out for this blueprint (duplicates left out)."""
    if blueprint.layout.variant is not None:
        return tuple(v for v in CANDIDATES if v.name == blueprint.layout.variant)
    if mode == "fast" or options.large:
        return CANDIDATES[:1]
    # Ranks shared across groups need the newer ranking.
    needs_newrank = bool(blueprint.layout.same_rank or blueprint.layout.order)
    chosen = []
    for variant in CANDIDATES:
        if variant.cross_group and not any(
            group_of(blueprint, c, "source") != group_of(blueprint, c, "target") for c in blueprint.connections
        ):
            continue
        if variant.leaf_stores_beside and not leaf_stores(blueprint):
            continue
        if variant.group_bands and not group_band_edges(blueprint):
            continue
        if not variant.newrank and (not blueprint.groups or needs_newrank):
            continue
        if variant.packed and not packing_applies(blueprint):
            continue
        chosen.append(variant)
    return tuple(chosen)


def packing_applies(blueprint: Blueprint) -> bool:
    """Can the `packed` variant differ from dot's layout here? It needs groups (blocks
    to move), a direction packing knows, no layout hints (moving groups would undo
    them; `dot.packs`) and the in-process engine (the `dot` binary draws a packed
    DOT unpacked)."""
    from .engine import in_process

    return bool(blueprint.groups) and blueprint.direction in PACKING_DIRECTIONS and packs(blueprint) and in_process()


def score(metrics: LayoutMetrics) -> float:
    """The documented score (module docstring); lower is better."""
    aspect_penalty = max(0.0, abs(math.log2(max(metrics.aspect, 1e-6) / 1.4)) - 1.0)
    return (
        metrics.area_per_node
        + 10.0 * metrics.empty_fraction
        + 1.5 * metrics.crossings
        + 1.0 * metrics.label_problems
        + 5.0 * metrics.labels_over_things
        + 20.0 * max(0.0, metrics.staircase - 0.5)
        + 3.0 * max(0.0, 7.0 - metrics.min_text_px)
        + 10.0 * max(0.0, 6.0 - metrics.min_text_px)
        + 6.0 * aspect_penalty
    )


def choose(scored: Sequence[Scored], previous: str | None = None) -> Scored:
    """The `previous` variant if it is within STICKY_MARGIN of the best score,
    else the first candidate (in the fixed order) within KEEP_MARGIN of it."""
    working = [s for s in scored if s.metrics is not None]
    if not working:
        return scored[0]
    best = min(s.score for s in working)
    kept = next((s for s in working if s.variant.name == previous), None)
    if kept is not None and kept.score <= best * (1 + STICKY_MARGIN):
        return kept
    return next(s for s in working if s.score <= best * (1 + KEEP_MARGIN))


# Where the mark is: DOT's graph attributes come first, and Graphviz writes
# the comment right after its own at the top of an SVG.
RECORD_HEAD_BYTES = 4096
_RECORDED = re.compile(re.escape(LAYOUT_MARK).encode() + rb"([a-z0-9-]{1,40})")


def recorded_variant(*heads: bytes) -> str | None:
    """The candidate variant named in the first of `heads` (the start of a DOT
    or SVG file sdiagram wrote) that names one, else None."""
    known = {variant.name for variant in CANDIDATES}
    for head in heads:
        # Graphviz writes a hyphen in an SVG comment as a character reference.
        match = _RECORDED.search(head[:RECORD_HEAD_BYTES].replace(b"&#45;", b"-"))
        if match and match.group(1).decode() in known:
            return match.group(1).decode()
    return None


def with_variant(options: DotOptions, variant: LayoutVariant) -> DotOptions:
    return replace(options, variant=variant)
