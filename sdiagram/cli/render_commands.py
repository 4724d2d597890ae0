"""`sdiagram render`: blueprints -> images in an output folder."""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING, NamedTuple

import click

from ..diagnostics import printable
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


def _formats(ctx: click.Context | None, param: click.Parameter | None, value: str) -> tuple[str, ...]:
    """The --format option: a comma-separated list of format names."""
    formats = tuple(dict.fromkeys(f.strip().lower() for f in value.split(",") if f.strip()))
    unknown = [f for f in formats if f not in FORMAT_NAMES]
    if unknown or not formats:
        shown = repr(unknown[0]) if unknown else "nothing"
        raise click.BadParameter(f"unknown format {shown}; choose from {', '.join(FORMAT_NAMES)}", ctx, param)
    return formats


class _Report:
    """What `render` says about each blueprint, printed in input order: the
    messages of a file appear once it and every file before it are done."""

    def __init__(self, paths: list[str]):
        self.order = paths
        self.lines: dict[str, list[tuple[str, bool]]] = {path: [] for path in paths}
        self.done: set[str] = set()
        self.printed = 0

    def say(self, path: str, text: str, err: bool = False) -> None:
        """Queue one line; user strings in it (paths, names) are escaped."""
        self.lines[path].append((printable(text), err))

    def finish(self, path: str) -> None:
        self.done.add(path)
        self._flush()

    def close(self) -> None:
        """Print whatever is left (a run that stops early), still in input order."""
        self.done.update(self.order)
        self._flush()

    def _flush(self) -> None:
        while self.printed < len(self.order) and self.order[self.printed] in self.done:
            for text, err in self.lines.pop(self.order[self.printed]):
                click.echo(text, err=err)
            self.printed += 1


@click.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(), metavar="PATHS...")
@click.option("-o", "--output", "output_dir", default="output", show_default=True, metavar="DIR",
              help="Folder for the images, as DIR/<name>.<format>.")
@click.option("-f", "--format", "formats", default="svg,png", show_default=True, metavar="LIST", callback=_formats,
              help="Comma-separated: svg, png, pdf, dot.")
@click.option("-j", "--jobs", type=click.IntRange(min=1), default=None, metavar="N",
              help="Parallel layouts [default: the core count].")
@click.option(
    "--timeout",
    type=click.FloatRange(min=0, min_open=True),
    default=DEFAULT_TIMEOUT,
    metavar="S",
    show_default=True,
    help="Seconds one layout may take; a blueprint from a pull request can never hang the run.",
)
@click.option("--force", is_flag=True, help="Render even when the outputs are up to date.")
@click.option("--lint", "with_lint", is_flag=True, help="Draw lint findings: red/amber outlines and a legend.")
def render(
    paths: tuple[str, ...],
    output_dir: str,
    formats: tuple[str, ...],
    jobs: int | None,
    timeout: float,
    force: bool,
    with_lint: bool,
) -> None:
    """Render blueprints (files or folders) to OUTPUT/<name>.<format>.

    Unchanged blueprints are skipped (a content hash of the blueprint, the
    formats, the sdiagram version and the icons); --force renders anyway.
    """
    files = blueprint_files(paths)
    report = _Report(files)
    failed = False
    targets: dict[str, _Target] = {}
    jobs_to_run: list = []
    names: dict[str, str] = {}
    for path in files:
        planned = _plan(report, names, path, output_dir, formats, force, with_lint)
        if isinstance(planned, tuple):
            targets[path], job = planned
            jobs_to_run.append(job)
            continue
        failed = failed or not planned
        report.finish(path)

    try:
        if jobs_to_run:
            _prepare_for_workers(jobs_to_run)
            failed = _run_and_write(report, jobs_to_run, targets, output_dir, formats, jobs, timeout) or failed
    finally:
        report.close()
    if failed:
        sys.exit(2)


def _plan(report: _Report, names: dict[str, str], path: str, output_dir: str, formats: tuple[str, ...],
          force: bool, with_lint: bool) -> tuple | bool:
    """What one blueprint needs: (target, layout job); True when it is up to date;
    False when it failed (reported)."""
    from ..diagnostics import BlueprintError
    from ..sourcefile import read_bytes
    from . import render_cache as cache

    try:
        source = read_bytes(path)  # bounded: the size limit, regular files only
    except BlueprintError as error:
        _report_problems(report, path, error)
        return False
    record = cache.load_record(output_dir, path)
    if (
        not force
        and not with_lint
        and record is not None
        and cache.is_fresh(record, cache.content_key(source, formats, record.icons), output_dir, formats)
    ):
        # Without --lint the images depend only on bytes the record lists: an
        # unchanged blueprint is recognised without parsing it.
        if not _claim_name(report, names, record.name, path, output_dir):
            return False
        report.say(path, f"{path}: up to date")
        return True
    prepared = _prepare(report, path, source, formats, output_dir, with_lint)
    if prepared is None or not _claim_name(report, names, prepared[0].name, path, output_dir):
        return False
    if not force and record is not None and cache.is_fresh(record, prepared[0].key, output_dir, formats):
        report.say(path, f"{path}: up to date")
        return True
    return prepared


def _report_problems(report: _Report, path: str, error) -> None:
    for diagnostic in error.diagnostics:
        report.say(path, str(diagnostic), err=True)


def _claim_name(report: _Report, names: dict[str, str], name: str, path: str, output_dir: str) -> bool:
    if name in names:
        report.say(
            path,
            f"{path}: error: name '{name}' is also used by {names[name]}; both would write {output_dir}/{name}.*",
            err=True,
        )
        return False
    names[name] = path
    return True


def _prepare(report: _Report, path: str, source: bytes, formats: tuple[str, ...], output_dir: str, with_lint: bool):
    """Compile the bytes read and make the DOT for one blueprint; None (reported) when it is invalid."""
    from .. import renderer
    from ..compiler import compile_blueprint
    from ..diagnostics import BlueprintError
    from ..renderer.batch import LayoutJob
    from ..yamlsource import load_yaml_bytes
    from . import render_cache as cache

    try:
        document, problems = load_yaml_bytes(source, path)
        blueprint = compile_blueprint(document, path, problems)
    except BlueprintError as error:
        _report_problems(report, path, error)
        return None
    highlights, outlines = _lint_overlay(blueprint) if with_lint else ((), {})
    options = renderer.dot_options(blueprint, highlights, outlines)
    if options.large:
        report.say(
            path,
            f"{path}: note: {len(blueprint.components):,} components; using the large-graph layout "
            "(straight edges, capped layout iterations) to keep the time bounded",
            err=True,
        )
    dot_text = renderer.to_dot(blueprint, options)
    roots = renderer.image_roots(blueprint)
    icons = cache.icon_files(dot_text, roots)
    drawn = repr((highlights, sorted(outlines.items()))) if highlights else ""
    key = cache.content_key(source, formats, icons, drawn) or ""
    outputs = {fmt: os.path.join(output_dir, f"{blueprint.name}.{fmt}") for fmt in formats}
    return _Target(path, blueprint.name, outputs, key, icons), LayoutJob(path, dot_text, formats, roots)


def _run_and_write(report: _Report, jobs_to_run: list, targets: dict[str, _Target], output_dir: str,
                   formats: tuple[str, ...], jobs: int | None, timeout: float | None) -> bool:
    """Lay out every job (in parallel) and write its files; True when anything failed."""
    from ..renderer.batch import default_workers, run_layouts

    failed = False
    # DOT alone needs no Graphviz: no layout, no child process.
    needs_layout = any(fmt != "dot" for job in jobs_to_run for fmt in job.formats)
    for job, outcome in run_layouts(jobs_to_run, jobs or default_workers(), timeout, isolate=needs_layout):
        target = targets[job.key]
        failed = not _write_outcome(report, target, outcome, output_dir, formats) or failed
        report.finish(target.path)
    return failed


def _write_outcome(report: _Report, target: _Target, outcome, output_dir: str, formats: tuple[str, ...]) -> bool:
    """Write one finished layout's files and say so; False when nothing could be written."""
    path = target.path
    if outcome.rendered is None:
        report.say(path, f"{path}: error: {outcome.error}", err=True)
        return False
    for warning in outcome.rendered.warnings:
        report.say(path, f"{path}: warning: {warning}", err=True)
    try:
        _write_outputs(output_dir, target, outcome.rendered.outputs)
    except OSError as error:
        report.say(path, f"{path}: error: cannot write to '{output_dir}': {error.strerror or error}", err=True)
        return False
    files = ", ".join(target.outputs[fmt] for fmt in formats)
    report.say(path, f"{path}: wrote {files} ({outcome.seconds:.2f} s)")
    return True


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


def _lint_overlay(blueprint: "Blueprint") -> tuple[tuple, dict[str, str]]:
    """The unsuppressed lint findings to list in the legend, and the worst severity
    per blamed component to outline; the project config is found as `lint` finds it."""
    from ..lint import ConfigError, component_severities, lint_blueprint, project_config_for
    from ..renderer import Highlight

    try:
        _, project = project_config_for(blueprint.path)
    except ConfigError as error:
        raise click.UsageError(str(error)) from None
    findings = [finding for finding in lint_blueprint(blueprint, project) if finding.suppressed is None]
    highlights = tuple(Highlight(f.severity.value, f.code, f.rule, f.message) for f in findings)
    outlines = {component: severity.value for component, severity in component_severities(findings).items()}
    return highlights, outlines
