"""`sdiagram kinds` and `sdiagram schema`: what a blueprint may say."""

from __future__ import annotations

import click


@click.command()
def kinds() -> None:
    """List the component kinds and the known technologies."""
    from ..catalog import KINDS, TECH_ALIASES, TECHS

    click.echo(click.style("Kinds", bold=True) + " (component `kind:`)")
    width = max(map(len, KINDS))
    for kind in KINDS.values():
        click.echo(f"  {kind.name:<{width}}  {kind.description}  [{kind.icon}]")
    click.echo()
    click.echo(click.style("Technologies", bold=True) + " (component `tech:`; * = managed by default)")
    width = max(map(len, TECHS))
    aliases: dict[str, list[str]] = {}
    for alias, name in TECH_ALIASES.items():
        aliases.setdefault(name, []).append(alias)
    for tech in TECHS.values():
        mark = "*" if tech.managed else " "
        also = f"  (also: {', '.join(aliases[tech.name])})" if tech.name in aliases else ""
        click.echo(f"  {tech.name:<{width}} {mark} {tech.icon}{also}")
    click.echo()
    click.echo("`icon:` also takes any diagrams class path (aws.database.RDS) or a .png/.jpg inside the blueprint's folder.")


@click.command()
def schema() -> None:
    """Print the JSON Schema (draft 2020-12) of the blueprint format.

    The same file ships in the package (sdiagram/blueprint.schema.json). Point
    an editor at it with a first line
    `# yaml-language-server: $schema=<url or path of the schema>`.
    """
    from ..compiler.schema import schema_text

    click.echo(schema_text(), nl=False)
