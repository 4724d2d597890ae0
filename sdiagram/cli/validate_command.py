"""`sdiagram validate`: load and compile blueprints, print every problem."""

from __future__ import annotations

import sys

import click

from .paths import blueprint_files


@click.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path())
def validate(paths: tuple[str, ...]) -> None:
    """Check blueprints; print `path:line:col: error: message` for each problem.

    Exits 2 when any blueprint is invalid.
    """
    from ..compiler import load
    from ..diagnostics import BlueprintError

    files = blueprint_files(paths)
    failed = 0
    for path in files:
        try:
            load(path)
        except BlueprintError as error:
            failed += 1
            for diagnostic in error.diagnostics:
                click.echo(str(diagnostic))
    if failed:
        click.echo(f"{failed} of {len(files)} blueprint(s) invalid")
        sys.exit(2)
    click.echo(f"{len(files)} blueprint(s) valid")
