"""`sdiagram estimate`: traffic, load, capacity, availability and latency of blueprints."""

from __future__ import annotations

import os
import sys

import click

from .paths import blueprint_files

FORMATS = {"text": ".txt", "markdown": ".md", "json": ".json"}


@click.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option("--format", "output_format", type=click.Choice(tuple(FORMATS)), default="text", show_default=True,
              help="text and markdown show the formulas with the numbers put in; markdown pastes into a design doc.")
@click.option("-o", "--output", "output_dir", type=click.Path(file_okay=False),
              help="Write DIR/<name>.txt (.md, .json) for each blueprint instead of printing.")
def estimate(paths: tuple[str, ...], output_format: str, output_dir: str | None) -> None:
    """Back-of-envelope numbers: peak QPS, load and utilization per component,
    availability and latency per client entry path (docs/estimate.md).
    PATH may be a file, a folder, or - for standard input.

    Exits 2 when a blueprint is invalid.
    """
    from ..diagnostics import BlueprintError
    from ..loading import load_path
    from ..estimation import estimate as estimate_blueprint
    from ..estimation.report import RENDERERS

    failed = False
    results = []
    for path in blueprint_files(paths):
        try:
            blueprint = load_path(path)
        except BlueprintError as error:
            for diagnostic in error.diagnostics:
                click.echo(str(diagnostic), err=True)
            failed = True
            continue
        results.append((blueprint.path, estimate_blueprint(blueprint)))  # <stdin> for -
    render = RENDERERS[output_format]
    if output_dir is None:
        click.echo(render(results), nl=False)
    else:
        from .output import write_atomic

        for path, result in results:
            target = os.path.join(output_dir, result.name + FORMATS[output_format])
            try:
                write_atomic(target, render([(path, result)]).encode("utf-8"))
            except OSError as error:
                click.echo(f"{path}: error: cannot write '{target}': {error.strerror or error}", err=True)
                failed = True
                continue
            click.echo(f"{path}: wrote {target}")
    if failed:
        sys.exit(2)
