"""`sdiagram render`: blueprints -> images in an output folder."""

from __future__ import annotations

import sys
import os
from typing import TYPE_CHECKING, Any, NamedTuple

import click

from ..diagnostics import printable
from .paths import STDIN, blueprint_files

if TYPE_CHECKING:
    from ..model import Blueprint
    from .render_cache import Record

# The same as renderer.OUTPUT_FORMATS and renderer.THEMES, spelled out so
# that `--help` and a cached run do not import the renderer.
FORMAT_NAMES = ("svg", "png", "pdf", "dot", "mermaid", "drawio")
THEME_NAMES = ("light", "dark", "auto")
# Generous: 3,000 components lay out in ~16 s on 2 cores (bench/scale.py).
DEFAULT_TIMEOUT = 300.0
# renderer.LAYOUT_MODES, without importing the renderer, and "fresh": the best,
# without keeping the variant the previous render drew
LAYOUT_MODES = ("best", "fast", "fresh")
DOT_ICON_MODES = ("relative", "absolute", "copy")


class _Settings(NamedTuple):
    """How the layout is made and reported: `--layout`, `--stats`, `--dot-icons`."""

    layout_mode: str = "best"
    stats: bool = False
    dot_icons: str = "relative"
    estimate: bool = False  # `--estimate`; what it draws goes into the cache key with the overlay itself

    @property
    def mark(self) -> str:
        """What they add to the cache key (nothing for the defaults, so caches stay valid)."""
        defaults = _Settings()
        if (self.layout_mode, self.dot_icons) == (defaults.layout_mode, defaults.dot_icons):
            return ""
        return f"\0layout={self.layout_mode}\0dot-icons={self.dot_icons}"

    @property
    def renderer_mode(self) -> str:
        """The renderer's layout mode ("fresh" is its "best")."""
        return "fast" if self.layout_mode == "fast" else "best"


class _Target(NamedTuple):
    path: str
    view: str  # "" for the whole model
    views: tuple[str, ...]  # the whole model's target lists its views
    name: str
    outputs: dict[str, str]  # format -> file
    key: str
    icons: tuple[str, ...]
    model_outputs: dict[str, bytes]  # formats made without a layout (mermaid)
    model: Any = None  # the Blueprint (or view) drawn
    options: Any = None  # its renderer.DotOptions, with the chosen layout variant
    scored: tuple = ()  # how each candidate layout scored (renderer.candidates.Scored)
    previous: str | None = None  # the layout variant the previous render in the output folder drew


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
        self.pending: dict[str, int] = {path: 1 for path in paths}  # jobs (whole model, views) not yet done
        self.printed = 0

    def say(self, path: str, text: str, err: bool = False) -> None:
        """Queue one line; user strings in it (paths, names) are escaped."""
        self.lines[path].append((printable(text), err))

    def expect(self, path: str, jobs: int) -> None:
        self.pending[path] = jobs

    def finish(self, path: str) -> None:
        self.pending[path] -= 1
        self._flush()

    def close(self) -> None:
        """Print whatever is left (a run that stops early), still in input order."""
        self.pending = dict.fromkeys(self.order, 0)
        self._flush()

    def _flush(self) -> None:
        while self.printed < len(self.order) and self.pending[self.order[self.printed]] <= 0:
            for text, err in self.lines.pop(self.order[self.printed]):
                click.echo(text, err=err)
            self.printed += 1


def _read(path: str) -> bytes | None:
    try:
        with open(path, "rb") as handle:
            return handle.read()
    except OSError:
        return None  # load() reports it properly


def _theme_mark(theme: str) -> str:
    """What the theme adds to the cache key (nothing for the default, so light caches stay valid)."""
    return "" if theme == "light" else f"theme={theme}"


@click.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(), metavar="PATHS...")
@click.option("-o", "--output", "output_dir", default="output", show_default=True, metavar="DIR",
              help="Folder for the images, as DIR/<name>.<format>.")
@click.option("-f", "--format", "formats", default="svg,png", show_default=True, metavar="LIST", callback=_formats,
              help="Comma-separated: svg, png, pdf, dot, mermaid (.mmd), drawio.")
@click.option("--theme", type=click.Choice(THEME_NAMES), default="light", show_default=True,
              help="Colours; `auto` SVGs follow the reader's light/dark preference.")
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
@click.option("--check", is_flag=True,
              help="Write nothing; exit 1 and list the images that are stale or missing (for CI).")
@click.option("--lint", "with_lint", is_flag=True, help="Draw lint findings: red/amber outlines and a legend.")
@click.option(
    "--layout",
    "layout_mode",
    type=click.Choice(LAYOUT_MODES),
    default="best",
    show_default=True,
    help="best: lay out the candidate variants and keep the best-scoring one, or the one the image in the output "
    "folder has unless the best is 25% better; fresh: the best, ignoring the image there; fast: the first variant only.",
)
@click.option("--stats", is_flag=True,
              help="Print the layout's quality metrics and the candidates' scores (renders even if up to date).")
@click.option(
    "--dot-icons",
    type=click.Choice(DOT_ICON_MODES),
    default="relative",
    show_default=True,
    help="Icon paths in -f dot output: relative (to the icon folders, portable), absolute (plain `dot` "
    "renders it on this machine), copy (icons copied next to it: `cd OUTPUT && dot -Tpng NAME.dot`).",
)
@click.option("--estimate", "with_estimate", is_flag=True,
              help="Draw the estimate: peak load on edges (pen width by load), utilization on components "
                   "(green/amber/red) and an SLO box with each path's availability and latency.")
@click.option("--skip-non-blueprints", is_flag=True,
              help="Also skip named files that are not blueprints, as folder scans do (for pre-commit).")
def render(
    paths: tuple[str, ...],
    output_dir: str,
    formats: tuple[str, ...],
    theme: str,
    jobs: int | None,
    timeout: float,
    force: bool,
    check: bool,
    with_lint: bool,
    layout_mode: str,
    stats: bool,
    dot_icons: str,
    with_estimate: bool,
    skip_non_blueprints: bool,
) -> None:
    """Render blueprints (files or folders; - reads standard input) to OUTPUT/<name>.<format>.

    Each view of a blueprint's `views:` also goes to OUTPUT/<name>.<view>.<format>.

    Unchanged blueprints are skipped (a content hash of the blueprint, the
    formats, the theme, the sdiagram version and the icons); --force renders
    anyway. With --check nothing is written: the exit status is 1 when an image
    is stale or missing, 2 when a blueprint is invalid.
    """
    settings = _Settings(layout_mode, stats, dot_icons if "dot" in formats else "relative", with_estimate)
    force = force or stats
    files = blueprint_files(paths, skip_non_blueprints)
    report = _Report(files)
    failed = False
    names: dict[str, str] = {}
    layouts = _Layouts(report, output_dir, formats, jobs, timeout, theme, check, settings)
    try:
        for path in files:
            planned = _plan(report, names, path, output_dir, formats, force, with_lint, theme, settings)
            if isinstance(planned, list):
                report.expect(path, len(planned))
                for target, job in planned:
                    layouts.add(target, job)  # laid out while the next blueprints are planned
                continue
            failed = failed or not planned
            report.finish(path)
        layouts.finish()
    finally:
        layouts.close()
        report.close()
    if layouts.no_engine:
        click.echo(f"error: {layouts.no_engine}", err=True)
        sys.exit(2)
    failed = failed or layouts.failed
    stale = layouts.stale
    if failed:
        sys.exit(2)
    if stale:
        click.echo(f"{stale} image(s) stale or missing: run the same `sdiagram render` without --check "
                   "and commit them", err=True)
        sys.exit(1)


def _plan(report: _Report, names: dict[str, str], path: str, output_dir: str, formats: tuple[str, ...],
          force: bool, with_lint: bool, theme: str, settings: _Settings) -> list | bool:
    """What one blueprint needs: [(target, layout job)] for the whole model and
    the views that are not up to date; True when nothing is; False when it
    failed (reported)."""
    from ..diagnostics import BlueprintError
    from ..sourcefile import read_bytes
    from . import render_cache as cache

    try:
        # bounded: the size limit, regular files only; these bytes are hashed and parsed
        source = _read_stdin() if path == STDIN else read_bytes(path)
    except BlueprintError as error:
        _report_problems(report, path, error)
        return False
    mark = _theme_mark(theme) + settings.mark
    record = None if path == STDIN else cache.load_record(output_dir, path)
    # Without --lint and --estimate the images depend only on bytes the records
    # list: an unchanged blueprint is recognised without parsing it.
    if not force and not with_lint and not settings.estimate and record is not None:
        fresh = _fresh_records(record, path, source, formats, mark, output_dir)
        if fresh is not None:
            if not all([_claim_name(report, names, r.name, path, output_dir) for r in fresh]):
                return False
            report.say(path, f"{_shown(path)}: up to date")
            return True
    prepared = _prepare(report, path, source, formats, output_dir, with_lint, theme, settings)
    if prepared is None or not all([_claim_name(report, names, t.name, path, output_dir) for t, _ in prepared]):
        return False
    planned = []
    for target, job in prepared:
        existing = record if not target.view else cache.load_record(output_dir, path, target.view)
        if not force and existing is not None and cache.is_fresh(existing, target.key, output_dir, formats):
            report.say(path, f"{_shown(path)}: up to date" + (f" (view {target.view})" if target.view else ""))
            continue
        planned.append((target, job))
    return planned or True


def _report_problems(report: _Report, path: str, error) -> None:
    for diagnostic in error.diagnostics:
        report.say(path, str(diagnostic), err=True)


def _fresh_records(record: "Record", path: str, source: bytes, formats: tuple[str, ...], mark: str,
                   output_dir: str) -> "list[Record] | None":
    """The records of a blueprint and of each of its views, if every one is fresh; else None."""
    from . import render_cache as cache

    records = [record]
    for view in record.views:
        view_record = cache.load_record(output_dir, path, view)
        if view_record is None:
            return None
        records.append(view_record)
    for each in records:
        if not cache.is_fresh(each, cache.content_key(source, formats, each.icons, mark), output_dir, formats):
            return None
    return records


def _shown(path: str) -> str:
    """How messages name a blueprint: its path, or <stdin>."""
    from ..loading import STDIN_PATH

    return STDIN_PATH if path == STDIN else path


def _read_stdin() -> bytes:
    from ..loading import read_stdin

    return read_stdin()  # bounded; raises BlueprintError


def _claim_name(report: _Report, names: dict[str, str], name: str, path: str, output_dir: str) -> bool:
    if name in names:
        report.say(
            path,
            f"{_shown(path)}: error: name '{name}' is also used by {names[name]}; both would write {output_dir}/{name}.*",
            err=True,
        )
        return False
    names[name] = path
    return True


def _load(path: str, source: bytes) -> "Blueprint":
    """Compile the bytes already read (standard input, or a file read once, bounded)."""
    if path == STDIN:
        from ..loading import load_path

        return load_path(path, source)
    from ..compiler import compile_blueprint
    from ..yamlsource import load_yaml_bytes

    document, problems = load_yaml_bytes(source, path)
    return compile_blueprint(document, path, problems)


def _prepare(report: _Report, path: str, source: bytes, formats: tuple[str, ...], output_dir: str, with_lint: bool,
             theme: str, settings: _Settings):
    """Compile one blueprint and make the DOT of the whole model and of each
    view: [(target, layout job)], or None (reported) when it is invalid."""
    from .. import renderer
    from ..diagnostics import BlueprintError
    from ..renderer.batch import LayoutJob
    from ..views import every_view
    from . import render_cache as cache

    try:
        blueprint = _load(path, source)
    except BlueprintError as error:
        _report_problems(report, path, error)
        return None
    try:
        renderer.check_custom_icons(blueprint)
    except renderer.RenderError as error:
        report.say(path, f"{_shown(path)}: error: {error}", err=True)
        return None
    # Lint always checks the whole model; a view draws the findings on what it shows.
    highlights, outlines = _lint_overlay(blueprint) if with_lint else ((), {})
    # Likewise the estimate is of the whole model, drawn on each view.
    overlay = None
    if settings.estimate:
        from ..renderer.estimate_overlay import overlay_for

        overlay = overlay_for(blueprint)
    drawn = (_theme_mark(theme) + settings.mark + (repr((highlights, sorted(outlines.items()))) if highlights else "")
             + (repr(overlay) if overlay else ""))
    roots = renderer.image_roots(blueprint)
    prepared = []
    for model in every_view(blueprint):
        view = model.name[len(blueprint.name) + 1:]
        options = renderer.dot_options(model, highlights, theme, outlines, overlay)
        if options.large:
            report.say(
                path,
                f"{_shown(path)}: note: {len(model.components):,} components; using the large-graph layout to "
                "bound the time: groups packed in a grid, connections between groups drawn over it as straight "
                "lines (they do not place anything), every edge straight, layout iterations capped",
                err=True,
            )
        dot_text = renderer.to_dot(model, options)
        icons = cache.icon_files(dot_text, roots)
        key = cache.content_key(source, formats, icons, drawn) or ""
        outputs = {fmt: cache.output_file(output_dir, model.name, fmt) for fmt in formats}
        views = tuple(blueprint.views) if not view else ()
        previous = None
        if settings.layout_mode == "best":
            previous = renderer.recorded_variant(*cache.output_heads(output_dir, model.name))
        target = _Target(path, view, views, model.name, outputs, key, icons, renderer.without_layout(model, formats),
                         model, options, previous=previous)
        job = LayoutJob(f"{path}\0{view}", dot_text, renderer.layout_formats(formats), roots, measure=settings.stats)
        prepared.append((target, job))
    return prepared


class _Layouts:
    """Every layout of one `render` run, in a pool of worker processes
    (`renderer.batch.LayoutPool`), started as each blueprint is planned: its
    candidate layouts first, then, as soon as they are all back, the chosen one
    in every format, ahead of the candidates still waiting. Each blueprint's
    files are written (or with --check compared) as its layout comes back.

    Even DOT alone gets its candidates laid out: `-f dot` writes the DOT the
    images are drawn from."""

    def __init__(self, report: _Report, output_dir: str, formats: tuple[str, ...], jobs: int | None,
                 timeout: float | None, theme: str, check: bool, settings: _Settings) -> None:
        self.report, self.output_dir, self.formats = report, output_dir, formats
        self.jobs, self.timeout, self.theme, self.check, self.settings = jobs, timeout, theme, check, settings
        self.targets: dict[str, _Target] = {}
        self.pool: Any = None
        # blueprint job key -> (its job, candidate outcomes so far, how many candidates)
        self.choosing: dict[str, tuple[Any, dict[str, Any], int]] = {}
        self.candidate_of: dict[str, str] = {}  # candidate job key -> blueprint job key
        self.failed = False
        self.stale = 0  # images stale or missing (--check)
        self.no_engine: str | None = None  # why there is no Graphviz to draw with
        self.engine_checked = False

    def add(self, target: _Target, job) -> None:
        """Start on one planned job (a blueprint's whole model or one of its views)."""
        from .. import renderer

        if self.no_engine or not self._engine_for(job):
            return
        self.targets[job.key] = target
        candidates = renderer.candidate_jobs(job.key, target.model, target.options, self.settings.renderer_mode)
        if candidates:
            self.choosing[job.key] = (job, {}, len(candidates))
            for candidate in candidates:
                self.candidate_of[candidate.key] = job.key
                self._submit(candidate)
        else:
            self._submit(job)
        self._collect(0)

    def finish(self) -> None:
        """Wait for every layout and write its files."""
        while self.pool is not None and self.pool.busy:
            self._collect(None)

    def close(self) -> None:
        if self.pool is not None:
            self.pool.close()

    def _engine_for(self, job) -> bool:
        """False when `job` draws an image and there is no Graphviz (said once every blueprint is planned)."""
        from ..renderer.engine import RENDER_FORMATS, RenderError, engine_name

        if not self.engine_checked and any(fmt in RENDER_FORMATS for fmt in job.formats):
            self.engine_checked = True
            try:
                engine_name()
            except RenderError as error:
                self.no_engine = str(error)
        return self.no_engine is None

    def _submit(self, job, first: bool = False) -> None:
        from ..renderer.batch import LayoutPool, default_workers, execute
        from ..renderer.engine import RENDER_FORMATS, RenderError, engine_name

        if not job.measure and not any(fmt in RENDER_FORMATS for fmt in job.formats):
            self._done(job, execute(job))  # DOT alone: no Graphviz, no child process
            return
        if self.pool is None:
            try:
                engine_name()  # pygraphviz imported once, before the workers are forked
            except RenderError:
                pass  # DOT alone: each candidate reports it, and the first variant is kept
            self.pool = LayoutPool(self.jobs or default_workers(), self.timeout)
        self.pool.submit(job, first)

    def _collect(self, wait: float | None) -> None:
        if self.pool is None:
            return
        for job, outcome in self.pool.poll(wait):
            if job.key in self.candidate_of:
                self._candidate_done(job, outcome)
            else:
                self._done(job, outcome)

    def _candidate_done(self, candidate, outcome) -> None:
        key = self.candidate_of.pop(candidate.key)
        job, outcomes, expected = self.choosing[key]
        outcomes[candidate.key] = outcome
        if len(outcomes) < expected:
            return
        del self.choosing[key]
        self._submit_chosen(job, outcomes)

    def _submit_chosen(self, job, outcomes: dict[str, Any]) -> None:
        """Lay `job` out in every format with the variant its candidates' `outcomes` choose."""
        from dataclasses import replace

        from .. import renderer

        target = self.targets[job.key]
        choice = renderer.pick_layout(job.key, target.model, target.options, outcomes, self.settings.renderer_mode,
                                      target.previous)
        self.targets[job.key] = target._replace(options=choice.options, scored=choice.scored)
        self._submit(replace(job, dot_text=choice.dot_text), first=True)

    def _done(self, job, outcome) -> None:
        target = self.targets[job.key]
        written, problems = _write_outcome(self.report, target, job, outcome, self.output_dir, self.formats,
                                           self.theme, self.check, self.settings)
        self.failed = self.failed or not written
        self.stale += problems
        self.report.finish(target.path)


def _write_outcome(report: _Report, target: _Target, job, outcome, output_dir: str, formats: tuple[str, ...],
                   theme: str, check: bool, settings: _Settings) -> tuple[bool, int]:
    """Write (or with `check`, compare) one finished layout's files and say so:
    (False when it failed, number of stale or missing files)."""
    from ..renderer import RenderError, finish

    shown = _shown(target.path)
    if outcome.rendered is None:
        report.say(target.path, f"{shown}: error: {outcome.error}", err=True)
        return False, 0
    for warning in outcome.rendered.warnings:
        report.say(target.path, f"{shown}: warning: {warning}", err=True)
    try:
        outputs = finish(formats, outcome.rendered.outputs, target.model_outputs, job.image_roots, theme)
        if settings.dot_icons != "relative" and not check:
            outputs = _dot_icons(outputs, target, output_dir, settings.dot_icons, job.image_roots)
    except (RenderError, OSError) as error:
        report.say(target.path, f"{shown}: error: {error}", err=True)
        return False, 0
    if check:
        problems = _compare(target, outputs)
        for file, problem in problems:
            report.say(target.path, f"{shown}: {problem}: {file}")
        if not problems:
            report.say(target.path, f"{shown}: up to date")
        return True, len(problems)
    try:
        _write_outputs(output_dir, target, outputs)
    except OSError as error:
        report.say(target.path, f"{shown}: error: cannot write to '{output_dir}': {error.strerror or error}", err=True)
        return False, 0
    files = ", ".join(target.outputs[fmt] for fmt in formats)
    report.say(target.path, f"{shown}: wrote {files} ({outcome.seconds:.2f} s)")
    if settings.stats and outcome.rendered.metrics is not None:
        _say_stats(report, target, outcome.rendered.metrics)
    return True, 0


def _say_stats(report: _Report, target: _Target, metrics: Any) -> None:
    """`--stats`: the drawn layout's metrics, and how every candidate scored."""
    from ..renderer.metrics import describe

    shown = _shown(target.path) + (f" (view {target.view})" if target.view else "")
    kept = " (as in the previous render)" if target.previous == target.options.variant.name else ""
    report.say(target.path, f"{shown}: layout {target.options.variant.name}{kept}: {describe(metrics)}")
    if len(target.scored) > 1:
        scores = ", ".join(
            f"{s.variant.name} {s.score:.1f}" if s.metrics is not None else f"{s.variant.name} failed"
            for s in target.scored
        )
        report.say(target.path, f"{shown}: candidates (score, lower is better): {scores}")


def _dot_icons(outputs: dict[str, bytes], target: _Target, output_dir: str, mode: str,
               roots: tuple[str, ...]) -> dict[str, bytes]:
    """The DOT output with icon paths that plain `dot` finds: absolute, or copies beside it."""
    from ..renderer.dot import rebase_images
    from .output import write_atomic

    folder = f"{target.name}.icons"
    copies: dict[str, str] = {}

    def new_path(found: str, name: str) -> str:
        if mode == "absolute":
            return found
        copies[name] = found
        return f"{folder}/{name}"

    dot_text = rebase_images(outputs["dot"].decode("utf-8"), roots, new_path)
    for name, found in sorted(copies.items()):
        with open(found, "rb") as handle:
            write_atomic(os.path.join(output_dir, folder, name), handle.read())
    return {**outputs, "dot": dot_text.encode("utf-8")}


def _compare(target: _Target, outputs: dict[str, bytes]) -> list[tuple[str, str]]:
    """(file, 'missing' or 'stale') for each output that differs from the file on disk."""
    problems = []
    for fmt, data in outputs.items():
        file = target.outputs[fmt]
        existing = _read(file)
        if existing is None:
            problems.append((file, "missing"))
        elif existing != data:
            problems.append((file, "stale"))
    return problems


def _write_outputs(output_dir: str, target: _Target, outputs: dict[str, bytes]) -> None:
    from . import render_cache as cache
    from .output import write_atomic

    for fmt, data in outputs.items():
        write_atomic(target.outputs[fmt], data)
    if target.path == STDIN:
        return  # nothing to recognise it by next time
    record = cache.new_record(target.path, target.name, target.key, target.icons, outputs, target.views)
    write_atomic(cache.record_path(output_dir, target.path, target.view), cache.record_bytes(record))


def _lint_overlay(blueprint: "Blueprint") -> tuple[tuple, dict[str, str]]:
    """The unsuppressed lint findings to list in the legend, and the worst severity
    per blamed component to outline; the project config is found as `lint` finds it
    (an unusable one is a usage error, as in `lint`)."""
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
