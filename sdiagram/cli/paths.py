"""Turning the PATH arguments of a command into blueprint files."""

from __future__ import annotations

import os

import click

BLUEPRINT_SUFFIXES = (".yaml", ".yml")


def blueprint_files(paths: tuple[str, ...]) -> list[str]:
    """Files as given; folders searched recursively for *.yaml / *.yml, in sorted order.

    A path that does not exist is a usage error (exit status 2).
    """
    files: list[str] = []
    for path in paths:
        if os.path.isdir(path):
            found = []
            for folder, subfolders, names in os.walk(path):
                subfolders[:] = sorted(d for d in subfolders if not d.startswith("."))
                found += [os.path.join(folder, n) for n in names if n.endswith(BLUEPRINT_SUFFIXES)]
            files += sorted(found)
        elif os.path.exists(path):
            files.append(path)
        else:
            raise click.BadParameter(f"'{path}' does not exist", param_hint="PATH")
    if not files:
        raise click.BadParameter("no blueprint files (*.yaml, *.yml) found", param_hint="PATH")
    return list(dict.fromkeys(files))
