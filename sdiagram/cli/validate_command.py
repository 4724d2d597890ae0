"""`sdiagram validate`: load and compile blueprints, print every problem."""

from __future__ import annotations

import sys

import click

from .paths import blueprint_files


@click.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option("--skip-non-blueprints", is_flag=True,
              help="Also skip named files that are not blueprints, as folder scans do (for pre-commit).")
def validate(paths: tuple[str, ...], skip_non_blueprints: bool) -> None:
    """Check blueprints (- reads standard input); print `path:line:col: error: message` for each problem.

    Exits 2 when any blueprint is invalid.
    """
    from ..diagnostics import BlueprintError
    from ..loading import load_path

    files = blueprint_files(paths, skip_non_blueprints)
    failed = 0
    for path in files:
        try:
            load_path(path)
        except BlueprintError as error:
            failed += 1
            for diagnostic in error.diagnostics:
                click.echo(str(diagnostic))
    if failed:
        click.echo(f"{failed} of {len(files)} blueprint(s) invalid")
        sys.exit(2)
    click.echo(f"{len(files)} blueprint(s) valid")
