"""`sdiagram kinds`: the component kinds and the technologies that pick icons."""

from __future__ import annotations

import click


@click.command()
def kinds() -> None:
    """List the component kinds and the known technologies."""
    from ..catalog import KINDS, TECHS

    click.echo(click.style("Kinds", bold=True) + " (component `kind:`)")
    width = max(map(len, KINDS))
    for kind in KINDS.values():
        click.echo(f"  {kind.name:<{width}}  {kind.description}  [{kind.icon}]")
    click.echo()
    click.echo(click.style("Technologies", bold=True) + " (component `tech:`; * = managed by default)")
    width = max(map(len, TECHS))
    for tech in TECHS.values():
        mark = "*" if tech.managed else " "
        click.echo(f"  {tech.name:<{width}} {mark} {tech.icon}")
    click.echo()
    click.echo("`icon:` also takes any diagrams class path (aws.database.RDS) or a .png/.jpg inside the blueprint's folder.")
