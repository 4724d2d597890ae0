"""One blueprint -> an SVG to inline in a web page, with its lint findings.

Shared by the live preview (`sdiagram watch`) and the MkDocs plugin. The
picture is the one `sdiagram render` draws: every candidate layout is laid
out and scored and the best kept (`renderer.candidates`), or the variant drawn
before kept unless the best is much better, as `render` keeps the one of the
image in its output folder. (`sdiagram watch` draws a save at once with the
variant of its last picture, one layout, and scores the candidates once saves
pause: `watch.show_saved`, `watch.score_saved`.)
Each layout runs in a child process with a time limit (as `sdiagram render` does),
and SVGs are kept in a content-addressed cache: the key is the render cache's
(blueprint bytes, sdiagram version, icons, theme, drawn findings), so an
unchanged diagram is never laid out twice.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .diagnostics import BlueprintError, Diagnostic
from .model import Blueprint

if TYPE_CHECKING:
    from .renderer.batch import LayoutPool

DEFAULT_TIMEOUT = 60.0
_PROLOG = re.compile(rb"\A(?:\s*<\?xml[^>]*\?>|\s*<!DOCTYPE[^>]*>|\s*<!--.*?-->)*\s*", re.S)


@dataclass(frozen=True)
class Preview:
    """What a page shows for one blueprint: the picture, or why there is none."""

    blueprint: Blueprint | None
    svg: str | None = None  # inline SVG markup (no XML prolog), None when invalid
    errors: tuple[Diagnostic, ...] = ()
    findings: tuple = ()  # unsuppressed lint findings of the whole model
    warnings: tuple[str, ...] = ()
    variant: str | None = None  # the candidate layout drawn (renderer.candidates)


def inline_svg(svg: bytes) -> str:
    """An SVG document as markup for an HTML page: no prolog, scales to its container."""
    body = _PROLOG.sub(b"", svg, count=1).decode("utf-8")
    return body.replace("<svg ", '<svg style="max-width:100%;height:auto" ', 1)


def unsuppressed_findings(blueprint: Blueprint, warnings: list[str]) -> tuple:
    """The whole model's lint findings that are not suppressed, with the project's
    lint config (found from the blueprint's folder; an unusable one is a warning)."""
    from .lint.config import ConfigError, project_config_for
    from .lint.engine import lint_blueprint

    try:  # found as `lint` and `render --lint` find it; a live preview keeps going without it
        _, project = project_config_for(blueprint.path)
    except ConfigError as error:
        project = None
        warnings.append(f"warning: lint config ignored: {error}")
    return tuple(f for f in lint_blueprint(blueprint, project) if f.suppressed is None)


def build(
    path: str,
    source: bytes,
    text_path: str | None = None,
    theme: str = "light",
    cache_dir: str | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    pool: "LayoutPool | None" = None,
    previous: str | None = None,
    candidates: bool = True,
) -> Preview:
    """Compile, lint and draw one blueprint (the findings are listed by the
    page, not drawn on the picture).

    `source` is the blueprint's bytes; `text_path` names it in messages when it
    is not the file `path` (a fenced block inside a Markdown page). Never
    raises for a bad blueprint: the errors come back with their positions.
    The layouts run in child processes: `pool`'s long-lived ones when given.
    `previous` is the candidate layout drawn before, kept unless the best is
    much better (`renderer.candidates.choose`); without `candidates`, only that
    one is laid out (the live preview's quick first picture after a save).
    """
    from . import renderer
    from .cli import render_cache as cache
    from .loading import loads
    from .renderer.batch import LayoutJob, default_workers, run_layouts
    from .renderer.candidates import Scored, choose, score, variants_for, with_variant

    name = text_path or path
    try:
        text = source.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        return Preview(None, errors=(Diagnostic(name, f"not UTF-8 text (byte {error.start})"),))
    try:
        blueprint = loads(text, name)
    except BlueprintError as error:
        return Preview(None, errors=error.diagnostics)
    warnings: list[str] = []
    findings = unsuppressed_findings(blueprint, warnings)
    options = renderer.dot_options(blueprint, (), theme)
    variants = variants_for(blueprint, options)
    if not candidates:
        variants = tuple(v for v in variants if v.name == previous) or variants[:1]
    dot_texts = [renderer.to_dot(blueprint, with_variant(options, variant)) for variant in variants]
    roots = renderer.image_roots(blueprint)
    key = cache.content_key(source, ("svg",), cache.icon_files(dot_texts[0], roots), f"preview\0{theme}\0{previous}\0{candidates}")
    cached = os.path.join(cache_dir, f"{key}.svg") if cache_dir and key else None
    if cached and os.path.isfile(cached):
        with open(cached, "rb") as handle:
            data = handle.read()
        return Preview(blueprint, inline_svg(data), findings=findings, warnings=tuple(warnings),
                       variant=renderer.recorded_variant(data))
    jobs = [LayoutJob(f"{name}\0{variant.name}", dot_text, ("svg",), roots, measure=len(variants) > 1)
            for variant, dot_text in zip(variants, dot_texts)]
    found = dict(run_layouts(jobs, min(len(jobs), default_workers()), timeout, pool=pool))
    outcomes = [found[job] for job in jobs]
    scored = [Scored(variant, o.rendered.metrics if o.rendered else None,
                     score(o.rendered.metrics) if o.rendered and o.rendered.metrics else float("inf"))
              for variant, o in zip(variants, outcomes)]
    chosen = choose(scored, previous)
    outcome = outcomes[scored.index(chosen)]
    if outcome.rendered is None:
        return Preview(blueprint, errors=(Diagnostic(name, str(outcome.error)),), findings=findings)
    warnings += outcome.rendered.warnings
    svg = renderer.finish(("svg",), outcome.rendered.outputs, {}, roots, theme)["svg"]
    if cached:
        from .cli.output import write_atomic

        try:
            write_atomic(cached, svg)
        except OSError as error:
            warnings.append(f"cannot write the cache '{cached}': {error.strerror or error}")
    return Preview(blueprint, inline_svg(svg), findings=findings, warnings=tuple(warnings),
                   variant=chosen.variant.name)
