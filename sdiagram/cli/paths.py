"""Turning the PATH arguments of a command into blueprint files."""

from __future__ import annotations

import os
import re

import click

BLUEPRINT_SUFFIXES = (".yaml", ".yml")
STDIN = "-"
# A blueprint is a mapping with a top-level `sdiagram:` or `components:` key.
# Other YAML in a scanned folder (.sdiagram.yaml, .pre-commit-config.yaml,
# docker-compose.yml) is skipped; a file named on the command line never is.
_BLUEPRINT_KEY = re.compile(rb"^[\"']?(?:sdiagram|components)[\"']?[ \t]*:", re.M)
# Enough to find the key in any real blueprint without reading a huge file twice.
_SNIFF_BYTES = 1 << 20


def looks_like_blueprint(path: str) -> bool:
    """True when the file has a top-level `sdiagram:` or `components:` key, or cannot
    be read (then loading it reports the problem properly)."""
    try:
        with open(path, "rb") as handle:
            head = handle.read(_SNIFF_BYTES)
    except OSError:
        return True
    return _BLUEPRINT_KEY.search(head) is not None


def blueprint_files(paths: tuple[str, ...], skip_non_blueprints: bool = False) -> list[str]:
    """Files as given; folders searched recursively for *.yaml / *.yml, in sorted order.

    In folders, YAML files that are not blueprints are skipped and counted on
    stderr; with `skip_non_blueprints` (the pre-commit hook, which names files)
    named files are treated the same way. `-` is standard input. A path that
    does not exist is a usage error (exit status 2).
    """
    files: list[str] = []
    skipped: list[str] = []
    for path in paths:
        if path == STDIN:
            files.append(path)
        elif os.path.isdir(path):
            found = []
            for folder, subfolders, names in os.walk(path):
                subfolders[:] = sorted(d for d in subfolders if not d.startswith("."))
                found += [os.path.join(folder, n) for n in names if n.endswith(BLUEPRINT_SUFFIXES)]
            for file in sorted(found):
                (files if looks_like_blueprint(file) else skipped).append(file)
        elif os.path.exists(path):
            (files if not skip_non_blueprints or looks_like_blueprint(path) else skipped).append(path)
        else:
            raise click.BadParameter(f"'{path}' does not exist", param_hint="PATH")
    if skipped:
        shown = ", ".join(os.path.basename(f) for f in skipped[:3]) + (", ..." if len(skipped) > 3 else "")
        click.echo(
            f"skipped {len(skipped)} YAML file(s) that are not blueprints (no top-level `sdiagram:` or `components:`): {shown}",
            err=True,
        )
    if not files:
        if skipped:
            return []
        raise click.BadParameter("no blueprint files (*.yaml, *.yml) found", param_hint="PATH")
    return list(dict.fromkeys(files))
