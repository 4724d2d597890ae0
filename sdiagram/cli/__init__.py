"""The `sdiagram` command line. Each command lives in its own module here and
imports the heavy stages (Graphviz, the lint engine) only when it runs."""

from __future__ import annotations

import click

from .. import __version__


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="sdiagram")
def main() -> None:
    """Architecture diagrams as code: validate, lint and render YAML blueprints."""


from . import (  # noqa: E402,F401
    catalog_commands, diff_command, estimate_command, init_command, lint_commands, render_commands,
    validate_command, watch_command,
)
