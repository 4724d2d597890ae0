"""The six bundled blueprints: valid, and their committed images in output/ are current."""

from __future__ import annotations

import pytest

import sdiagram
from sdiagram.renderer import render_formats

from conftest import BLUEPRINTS, REPO

NAMES = ["url-shortener", "chat", "news-feed", "notification", "search", "ai-agent-platform"]


def test_the_six_designs_are_bundled():
    assert sorted(p.stem for p in BLUEPRINTS.glob("*.yaml")) == sorted(NAMES)


@pytest.mark.parametrize("name", NAMES)
def test_committed_images_are_current(name):
    blueprint = sdiagram.load(BLUEPRINTS / f"{name}.yaml")
    rendered = render_formats(blueprint, ("svg", "png"))
    for fmt in ("svg", "png"):
        committed = REPO / "output" / f"{name}.{fmt}"
        assert committed.exists(), f"{committed} is missing: run `make demo`"
        assert committed.read_bytes() == rendered.outputs[fmt], f"{committed} is stale: run `make demo`"


@pytest.mark.parametrize("name", NAMES)
def test_committed_estimate_images_are_current(name):
    """`sdiagram render --estimate` output, committed under output/estimate/."""
    blueprint = sdiagram.load(BLUEPRINTS / f"{name}.yaml")
    rendered = render_formats(blueprint, ("svg", "png"), with_estimate=True)
    for fmt in ("svg", "png"):
        committed = REPO / "output" / "estimate" / f"{name}.{fmt}"
        assert committed.exists(), f"{committed} is missing: run `make demo`"
        assert committed.read_bytes() == rendered.outputs[fmt], f"{committed} is stale: run `make demo`"


@pytest.mark.parametrize("name", NAMES)
def test_committed_estimates_are_current(name):
    """`sdiagram estimate` text and Markdown, committed under output/estimate/."""
    from sdiagram.estimation.report import markdown, text

    path = f"blueprints/{name}.yaml"  # as `make demo` names it
    result = sdiagram.estimate(sdiagram.load(REPO / path))
    for suffix, render in ((".txt", text), (".md", markdown)):
        committed = REPO / "output" / "estimate" / f"{name}{suffix}"
        assert committed.exists(), f"{committed} is missing: run `make demo`"
        assert committed.read_text(encoding="utf-8") == render([(path, result)]), f"{committed} is stale: run `make demo`"
