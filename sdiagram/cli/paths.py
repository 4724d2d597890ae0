"""Turning the PATHS arguments of a command into blueprint files."""

from __future__ import annotations

import os

import click

from ..diagnostics import printable

BLUEPRINT_SUFFIXES = (".yaml", ".yml")
PATHS_HINT = "PATHS"


def blueprint_files(paths: tuple[str, ...]) -> list[str]:
    """Files as given; folders searched recursively for *.yaml / *.yml, in sorted order.

    A file named twice (`a.yaml ./a.yaml`, or through a folder) counts once.
    A path that does not exist, a folder without blueprints or an unusable
    $SDIAGRAM_MAX_FILE_SIZE is a usage error (exit status 2).
    """
    from ..sourcefile import FileSizeSettingError, max_file_size

    try:
        max_file_size()
    except FileSizeSettingError as error:
        raise click.UsageError(str(error)) from None
    files: list[str] = []
    for path in paths:
        if os.path.isdir(path):
            found = []
            for folder, subfolders, names in os.walk(path):
                subfolders[:] = sorted(d for d in subfolders if not d.startswith("."))
                found += [os.path.join(folder, n) for n in names if n.endswith(BLUEPRINT_SUFFIXES)]
            if not found:
                raise click.BadParameter(
                    f"no blueprint files (*.yaml, *.yml) in folder '{printable(path)}'", param_hint=PATHS_HINT
                )
            files += sorted(found)
        elif os.path.lexists(path):
            files.append(path)
        else:
            raise click.BadParameter(f"'{printable(path)}' does not exist", param_hint=PATHS_HINT)
    unique: dict[str, str] = {}
    for file in files:
        unique.setdefault(os.path.realpath(file), file)
    return list(unique.values())
