"""`sdiagram init`: write a starter blueprint from one of the bundled designs."""

from __future__ import annotations

import os

import click


DEFAULT_TEMPLATE = "url-shortener"


def _templates() -> dict[str, str]:
    """Template name -> file: the bundled designs (blueprints/, shipped as sdiagram/templates/)."""
    folder = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "templates")
    try:
        names = sorted(n for n in os.listdir(folder) if n.endswith(".yaml"))
    except OSError:
        return {}
    return {os.path.splitext(n)[0]: os.path.join(folder, n) for n in names}


@click.command()
@click.argument("template", required=False, default=DEFAULT_TEMPLATE)
@click.option("-o", "--output", help="Where to write it [default: blueprints/TEMPLATE.yaml]; - for standard output.")
@click.option("--force", is_flag=True, help="Overwrite an existing file.")
@click.option("--list", "list_templates", is_flag=True, help="List the templates and exit.")
def init(template: str, output: str | None, force: bool, list_templates: bool) -> None:
    """Write a starter blueprint from one of the bundled designs (default: url-shortener).

    The templates are the six designs under blueprints/ (`--list` shows them
    with their titles). Edit the copy, then `sdiagram render` and `sdiagram lint` it.
    """
    from ..diagnostics import did_you_mean

    templates = _templates()
    if list_templates:
        from ..compiler import load

        for name, file in templates.items():
            click.echo(f"{name:<20} {load(file).title}")
        return
    if template not in templates:
        hint = did_you_mean(template, templates)
        raise click.BadParameter(f"no template '{template}'{hint}; choose from {', '.join(templates)}", param_hint="TEMPLATE")
    with open(templates[template], "rb") as handle:
        data = handle.read()
    if output == "-":
        click.echo(data.decode("utf-8"), nl=False)
        return
    path = output or os.path.join("blueprints", f"{template}.yaml")
    if os.path.exists(path) and not force:
        raise click.BadParameter(f"'{path}' already exists; pass --force to overwrite it", param_hint="--output")
    from .output import write_atomic

    try:
        write_atomic(path, data)
    except OSError as error:
        raise click.BadParameter(f"cannot write '{path}': {error.strerror or error}", param_hint="--output") from None
    click.echo(f"wrote {path} (from the {template} design)")
    click.echo(f"next: edit it, then `sdiagram render {path}` and `sdiagram lint {path}`")
