"""The `sdiagram` command line.

Each command lives in its own module here and is imported only when it runs
(click's lazy-group pattern), so `sdiagram lint` never imports the renderer
and `sdiagram --version` imports no command at all. A command module defines
a plain `click.command`; it does not import this package's `main`.
"""

from __future__ import annotations

import atexit
import gc
import importlib
import os
import sys
import threading

import click

from .. import __version__
from ..diagnostics import printable

# command name -> "module:attribute", in the order `--help` lists them
COMMANDS = {
    "render": "render_commands:render",
    "validate": "validate_command:validate",
    "lint": "lint_commands:lint",
    "estimate": "estimate_command:estimate",
    "rules": "lint_commands:rules",
    "explain": "lint_commands:explain",
    "kinds": "catalog_commands:kinds",
    "schema": "catalog_commands:schema",
    "init": "init_command:init",
    "watch": "watch_command:watch",
    "diff": "diff_command:diff",
}


class LazyGroup(click.Group):
    """A group whose subcommands are imported on first use."""

    def __init__(self, *args, lazy_commands: dict[str, str], **kwargs):
        super().__init__(*args, **kwargs)
        self.lazy_commands = lazy_commands

    def list_commands(self, ctx: click.Context) -> list[str]:
        return [*self.lazy_commands, *(name for name in super().list_commands(ctx) if name not in self.lazy_commands)]

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.lazy_commands:
            return super().get_command(ctx, cmd_name)
        module_name, attribute = self.lazy_commands[cmd_name].split(":")
        command = getattr(importlib.import_module(f"{__name__}.{module_name}"), attribute)
        if not isinstance(command, click.Command):  # pragma: no cover - a wiring mistake
            raise TypeError(f"{module_name}:{attribute} is not a click command")
        return command

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except RuntimeError as error:
            # sdiagram.icons is loaded whenever its error can be raised: nothing to import up front
            icons = sys.modules.get("sdiagram.icons")
            if icons is None or not isinstance(error, icons.DiagramsUnavailable):
                raise
            click.echo(f"error: {printable(str(error))}", err=True)
            ctx.exit(2)


@click.group(
    cls=LazyGroup,
    lazy_commands=COMMANDS,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)
@click.version_option(__version__, prog_name="sdiagram")
def main() -> None:
    """Architecture diagrams as code: validate, lint and render YAML blueprints."""


def run() -> None:
    """The `sdiagram` console script and `python -m sdiagram`: `main`, then a quick exit.

    Tearing the interpreter down (freeing every module, class and object one
    by one) takes longer than `sdiagram lint` spends on a small blueprint.
    Once the command is done, this runs the `atexit` handlers, flushes the
    output and ends the process without that teardown (as mypy does). Every
    file is written in a `with` block, so nothing is left unflushed. With other
    threads still running, or when flushing fails (a closed pipe), it exits
    the usual way.
    """
    # A command builds tens of thousands of long-lived objects while it imports
    # its modules (classes, functions, tables) and leaves little cyclic garbage;
    # collecting every 700 allocations cost about 3% of `sdiagram lint`. Collect
    # less often (the parse, compile and lint stages pause the collector anyway).
    # Here rather than at import: a library importing sdiagram.cli (the MkDocs
    # plugin, through preview) keeps its own collector settings.
    gc.set_threshold(50_000, 20, 20)
    try:
        main()
    except SystemExit as done:
        status = done.code
    else:  # pragma: no cover - in standalone mode click always ends with SystemExit
        status = 0
    if not isinstance(status, (int, type(None))) or threading.active_count() > 1:
        sys.exit(status)
    atexit._run_exitfuncs()
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (OSError, ValueError):
        sys.exit(status)
    os._exit(status or 0)
