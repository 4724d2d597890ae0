"""`sdiagram render`: blueprints -> images in an output folder."""

from __future__ import annotations

import os
import sys
import time
from dataclasses import dataclass

import click

from . import main
from .paths import blueprint_files


@dataclass(frozen=True)
class _Target:
    path: str
    name: str
    outputs: dict[str, str]  # format -> file
    key: str


def _formats(value: str) -> tuple[str, ...]:
    from ..renderer import FORMATS

    formats = tuple(dict.fromkeys(f.strip().lower() for f in value.split(",") if f.strip()))
    unknown = [f for f in formats if f not in FORMATS]
    if unknown or not formats:
        raise click.BadParameter(f"unknown format {unknown[0] if unknown else value!r}; choose from {', '.join(FORMATS)}")
    return formats


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option("-o", "--output", "output_dir", default="output", show_default=True, help="Folder for the images.")
@click.option("-f", "--format", "format_list", default="svg,png", show_default=True, help="Comma-separated: svg, png, pdf, dot.")
@click.option("-j", "--jobs", type=click.IntRange(min=1), default=None, help="Parallel layouts [default: the core count].")
@click.option("--timeout", type=click.FloatRange(min=0, min_open=True), default=None, help="Seconds one layout may take.")
@click.option("--force", is_flag=True, help="Render even when the outputs are up to date.")
@click.option("--lint", "with_lint", is_flag=True, help="Draw lint findings: red/amber outlines and a legend.")
def render(
    paths: tuple[str, ...],
    output_dir: str,
    format_list: str,
    jobs: int | None,
    timeout: float | None,
    force: bool,
    with_lint: bool,
) -> None:
    """Render blueprints (files or folders) to OUTPUT/<name>.<format>.

    Unchanged blueprints are skipped (a content hash of the blueprint, the
    options, the sdiagram version and the icons); --force renders anyway.
    """
    from .. import renderer as render_stage
    from ..compiler import load
    from ..diagnostics import BlueprintError
    from ..renderer import cache
    from ..renderer.batch import LayoutJob, default_workers, run_layouts

    formats = _formats(format_list)
    failed = False
    targets: list[_Target] = []
    jobs_to_run: list[LayoutJob] = []
    names: dict[str, str] = {}
    for path in blueprint_files(paths):
        try:
            blueprint = load(path)
        except BlueprintError as error:
            failed = True
            for diagnostic in error.diagnostics:
                click.echo(str(diagnostic), err=True)
            continue
        if blueprint.name in names:
            click.echo(f"{path}: error: name '{blueprint.name}' is also used by {names[blueprint.name]}; both would write {output_dir}/{blueprint.name}.*", err=True)
            failed = True
            continue
        names[blueprint.name] = path
        highlights = _highlights(blueprint) if with_lint else ()
        options = render_stage.dot_options(blueprint, highlights)
        if options.large:
            click.echo(
                f"{path}: note: {len(blueprint.components):,} components; using the large-graph layout "
                "(straight edges, capped layout iterations) to keep the time bounded",
                err=True,
            )
        try:
            dot_text = render_stage.to_dot(blueprint, options)
        except ValueError as error:  # an icon that vanished since validation
            click.echo(f"{path}: error: {error}", err=True)
            failed = True
            continue
        roots = render_stage.image_roots(blueprint)
        outputs = {fmt: os.path.join(output_dir, f"{blueprint.name}.{fmt}") for fmt in formats}
        key = cache.content_key(dot_text, formats, roots)
        if not force and cache.is_fresh(output_dir, blueprint.name, key, outputs):
            click.echo(f"{path}: up to date")
            continue
        targets.append(_Target(path, blueprint.name, outputs, key))
        jobs_to_run.append(LayoutJob(path, dot_text, formats, roots))

    if jobs_to_run:
        _prepare_for_workers(jobs_to_run)
    by_path = {target.path: target for target in targets}
    workers = jobs or default_workers()
    for job, outcome in run_layouts(jobs_to_run, workers, timeout):
        target = by_path[job.key]
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
    if failed:
        sys.exit(2)


def _prepare_for_workers(jobs: list) -> None:
    """Import the engine and encode the icons once, before any worker is forked."""
    from .. import icons
    from ..renderer import cache
    from ..renderer.engine import RenderError, engine_name

    try:
        engine_name()
    except RenderError as error:
        click.echo(f"error: {error}", err=True)
        sys.exit(2)
    for job in jobs:
        for file in cache.icon_files(job.dot_text, job.image_roots):
            icons.data_uri(os.path.realpath(file))


def _write_outputs(output_dir: str, target: _Target, outputs: dict[str, bytes]) -> None:
    from ..renderer import cache
    from .output import write_atomic

    for fmt, data in outputs.items():
        write_atomic(target.outputs[fmt], data)
    record_path, record = cache.record(output_dir, target.name, target.key, outputs)
    write_atomic(record_path, record)


def _highlights(blueprint: object) -> tuple:
    from ..lint.drawing import highlights_for

    return highlights_for(blueprint)
