"""One blueprint -> an SVG to inline in a web page, with its lint findings.

Shared by the live preview (`sdiagram watch`) and the MkDocs plugin. The
layout runs in a child process with a time limit (as `sdiagram render` does),
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
    from .renderer.worker import LayoutWorker

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
    worker: "LayoutWorker | None" = None,
) -> Preview:
    """Compile, lint and draw one blueprint (the findings are listed by the
    page, not drawn on the picture).

    `source` is the blueprint's bytes; `text_path` names it in messages when it
    is not the file `path` (a fenced block inside a Markdown page). Never
    raises for a bad blueprint: the errors come back with their positions.
    The layout runs in a child process: `worker`'s long-lived one when given.
    """
    from . import renderer
    from .cli import render_cache as cache
    from .loading import loads
    from .renderer.batch import LayoutJob, run_layouts

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
    dot_text = renderer.to_dot(blueprint, renderer.dot_options(blueprint, (), theme))
    roots = renderer.image_roots(blueprint)
    key = cache.content_key(source, ("svg",), cache.icon_files(dot_text, roots), f"preview\0{theme}")
    cached = os.path.join(cache_dir, f"{key}.svg") if cache_dir and key else None
    if cached and os.path.isfile(cached):
        with open(cached, "rb") as handle:
            return Preview(blueprint, inline_svg(handle.read()), findings=findings, warnings=tuple(warnings))
    job = LayoutJob(name, dot_text, ("svg",), roots)
    outcome = worker.run(job, timeout) if worker else next(run_layouts([job], 1, timeout))[1]
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
    return Preview(blueprint, inline_svg(svg), findings=findings, warnings=tuple(warnings))
