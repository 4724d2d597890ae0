"""`sdiagram render`: blueprints -> images in an output folder."""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING, NamedTuple

import click

from . import main
from .paths import blueprint_files

if TYPE_CHECKING:
    from ..model import Blueprint

# The same as renderer.FORMATS, spelled out so that `--help` and a cached run
# do not import the renderer.
FORMAT_NAMES = ("svg", "png", "pdf", "dot")
# Generous: 3,000 components lay out in ~16 s on 2 cores (bench/scale.py).
DEFAULT_TIMEOUT = 300.0


class _Target(NamedTuple):
    path: str
    name: str
    outputs: dict[str, str]  # format -> file
    key: str
    icons: tuple[str, ...]


def _formats(value: str) -> tuple[str, ...]:
    formats = tuple(dict.fromkeys(f.strip().lower() for f in value.split(",") if f.strip()))
    unknown = [f for f in formats if f not in FORMAT_NAMES]
    if unknown or not formats:
        raise click.BadParameter(f"unknown format {unknown[0] if unknown else value!r}; choose from {', '.join(FORMAT_NAMES)}")
    return formats


def _read(path: str) -> bytes | None:
    try:
        with open(path, "rb") as handle:
            return handle.read()
    except OSError:
        return None  # load() reports it properly


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option("-o", "--output", "output_dir", default="output", show_default=True, help="Folder for the images.")
@click.option("-f", "--format", "format_list", default="svg,png", show_default=True, help="Comma-separated: svg, png, pdf, dot.")
@click.option("-j", "--jobs", type=click.IntRange(min=1), default=None, help="Parallel layouts [default: the core count].")
@click.option(
    "--timeout",
    type=click.FloatRange(min=0, min_open=True),
    default=DEFAULT_TIMEOUT,
    show_default=True,
    help="Seconds one layout may take; a blueprint from a pull request can never hang the run.",
)
@click.option("--force", is_flag=True, help="Render even when the outputs are up to date.")
@click.option("--lint", "with_lint", is_flag=True, help="Draw lint findings: red/amber outlines and a legend.")
@click.option("--estimate", "with_estimate", is_flag=True,
              help="Draw the estimate: peak load on edges (pen width by load), utilization on components "
                   "(green/amber/red) and an SLO box with each path's availability and latency.")
def render(
    paths: tuple[str, ...],
    output_dir: str,
    format_list: str,
    jobs: int | None,
    timeout: float,
    force: bool,
    with_lint: bool,
    with_estimate: bool,
) -> None:
    """Render blueprints (files or folders) to OUTPUT/<name>.<format>.

    Unchanged blueprints are skipped (a content hash of the blueprint, the
    formats, the sdiagram version and the icons); --force renders anyway.
    """
    from . import render_cache as cache

    formats = _formats(format_list)
    failed = False
    targets: dict[str, _Target] = {}
    jobs_to_run: list = []
    names: dict[str, str] = {}
    for path in blueprint_files(paths):
        source = _read(path)
        record = cache.load_record(output_dir, path)
        # Without --lint the images depend only on bytes the record lists: an
        # unchanged blueprint is recognised without parsing it.
        if (
            not force
            and not with_lint
            and not with_estimate
            and source is not None
            and record is not None
            and cache.is_fresh(record, cache.content_key(source, formats, record.icons), output_dir, formats)
        ):
            if _claim_name(names, record.name, path, output_dir):
                click.echo(f"{path}: up to date")
            else:
                failed = True
            continue
        prepared = _prepare(path, source, formats, output_dir, with_lint, with_estimate)
        if prepared is None:
            failed = True
            continue
        target, job = prepared
        if not _claim_name(names, target.name, path, output_dir):
            failed = True
            continue
        if not force and record is not None and cache.is_fresh(record, target.key, output_dir, formats):
            click.echo(f"{path}: up to date")
            continue
        targets[path] = target
        jobs_to_run.append(job)

    if jobs_to_run:
        _prepare_for_workers(jobs_to_run)
        failed = _run_and_write(jobs_to_run, targets, output_dir, formats, jobs, timeout) or failed
    if failed:
        sys.exit(2)


def _claim_name(names: dict[str, str], name: str, path: str, output_dir: str) -> bool:
    if name in names:
        click.echo(
            f"{path}: error: name '{name}' is also used by {names[name]}; both would write {output_dir}/{name}.*",
            err=True,
        )
        return False
    names[name] = path
    return True


def _prepare(path: str, source: bytes | None, formats: tuple[str, ...], output_dir: str, with_lint: bool,
             with_estimate: bool = False):
    """Load, compile and lay out the DOT for one blueprint; None (reported) when it is invalid."""
    from .. import renderer
    from ..compiler import load
    from ..diagnostics import BlueprintError
    from . import render_cache as cache
    from ..renderer.batch import LayoutJob

    try:
        blueprint = load(path)
    except BlueprintError as error:
        for diagnostic in error.diagnostics:
            click.echo(str(diagnostic), err=True)
        return None
    highlights = _highlights(blueprint) if with_lint else ()
    options = renderer.dot_options(blueprint, highlights, with_estimate)
    if options.large:
        click.echo(
            f"{path}: note: {len(blueprint.components):,} components; using the large-graph layout "
            "(straight edges, capped layout iterations) to keep the time bounded",
            err=True,
        )
    dot_text = renderer.to_dot(blueprint, options)
    roots = renderer.image_roots(blueprint)
    icons = cache.icon_files(dot_text, roots)
    drawn = (repr(highlights) if highlights else "") + (repr(options.overlay) if options.overlay else "")
    key = cache.content_key(source or b"", formats, icons, drawn) or ""
    outputs = {fmt: os.path.join(output_dir, f"{blueprint.name}.{fmt}") for fmt in formats}
    return _Target(path, blueprint.name, outputs, key, icons), LayoutJob(path, dot_text, formats, roots)


def _run_and_write(jobs_to_run: list, targets: dict[str, _Target], output_dir: str, formats: tuple[str, ...],
                   jobs: int | None, timeout: float | None) -> bool:
    """Lay out every job (in parallel) and write its files; True when anything failed."""
    from ..renderer.batch import default_workers, run_layouts

    failed = False
    # DOT alone needs no Graphviz: no layout, no child process.
    needs_layout = any(fmt != "dot" for job in jobs_to_run for fmt in job.formats)
    for job, outcome in run_layouts(jobs_to_run, jobs or default_workers(), timeout, isolate=needs_layout):
        target = targets[job.key]
        if outcome.rendered is None:
            click.echo(f"{target.path}: error: {outcome.error}", err=True)
            failed = True
            continue
        for warning in outcome.rendered.warnings:
            click.echo(f"{target.path}: warning: {warning}", err=True)
        try:
            _write_outputs(output_dir, target, outcome.rendered.outputs)
        except OSError as error:
            click.echo(f"{target.path}: error: cannot write to '{output_dir}': {error.strerror or error}", err=True)
            failed = True
            continue
        files = ", ".join(target.outputs[fmt] for fmt in formats)
        click.echo(f"{target.path}: wrote {files} ({outcome.seconds:.2f} s)")
    return failed


def _prepare_for_workers(jobs: list) -> None:
    """Import the engine and encode the icons once, before any worker is forked."""
    from .. import icons
    from .render_cache import icon_files
    from ..renderer.engine import RENDER_FORMATS, RenderError, engine_name

    if any(fmt in RENDER_FORMATS for job in jobs for fmt in job.formats):
        try:
            engine_name()
        except RenderError as error:
            click.echo(f"error: {error}", err=True)
            sys.exit(2)
    for job in jobs:
        for file in icon_files(job.dot_text, job.image_roots):
            icons.data_uri(file)


def _write_outputs(output_dir: str, target: _Target, outputs: dict[str, bytes]) -> None:
    from . import render_cache as cache
    from .output import write_atomic

    for fmt, data in outputs.items():
        write_atomic(target.outputs[fmt], data)
    record = cache.new_record(target.path, target.name, target.key, target.icons, outputs)
    write_atomic(cache.record_path(output_dir, target.path), cache.record_bytes(record))


def _highlights(blueprint: "Blueprint") -> tuple:
    """The unsuppressed lint findings (with the project's lint config) as things to draw."""
    from ..lint.config import ConfigError, find_project_config, load_project_config
    from ..lint.engine import lint_blueprint
    from ..renderer import Highlight

    project = None
    config_path = find_project_config(os.path.dirname(os.path.abspath(blueprint.path)))
    if config_path:
        try:
            project = load_project_config(config_path)
        except ConfigError as error:
            click.echo(f"{config_path}: warning: lint config ignored: {error}", err=True)
    return tuple(
        Highlight(finding.severity.value, finding.code, finding.rule, finding.message, finding.components[:1])
        for finding in lint_blueprint(blueprint, project)
        if finding.suppressed is None
    )
