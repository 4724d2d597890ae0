"""Turning the PATHS arguments of a command into blueprint files."""

from __future__ import annotations

import os
import re

import click

from ..diagnostics import printable

BLUEPRINT_SUFFIXES = (".yaml", ".yml")
PATHS_HINT = "PATHS"
STDIN = "-"
# A blueprint is a mapping with a top-level `sdiagram:` or `components:` key.
# Other YAML in a scanned folder (.sdiagram.yaml, .pre-commit-config.yaml,
# docker-compose.yml) is skipped; a file named on the command line never is.
_BLUEPRINT_KEY = re.compile(rb"^[\"']?(?:sdiagram|components)[\"']?[ \t]*:", re.M)
# Enough to find the key in any real blueprint without reading a huge file twice.
_SNIFF_BYTES = 1 << 20


def looks_like_blueprint(path: str) -> bool:
    """True when the file has a top-level `sdiagram:` or `components:` key, or cannot
    be read as a regular file (then loading it reports the problem properly)."""
    from ..sourcefile import read_head

    head = read_head(path, _SNIFF_BYTES)
    return head is None or _BLUEPRINT_KEY.search(head) is not None


def blueprint_files(paths: tuple[str, ...], skip_non_blueprints: bool = False) -> list[str]:
    """Files as given; folders searched recursively for *.yaml / *.yml, in sorted order.

    In folders, YAML files that are not blueprints are skipped and counted on
    stderr; with `skip_non_blueprints` (the pre-commit hook, which names files)
    named files are treated the same way. `-` is standard input. A file named
    twice (`a.yaml ./a.yaml`, or through a folder) counts once. A path that
    does not exist, a folder without YAML files or an unusable
    $SDIAGRAM_MAX_FILE_SIZE is a usage error (exit status 2).
    """
    from ..sourcefile import FileSizeSettingError, max_file_size

    try:
        max_file_size()
    except FileSizeSettingError as error:
        raise click.UsageError(str(error)) from None
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
            if not found:
                raise click.BadParameter(
                    f"no blueprint files (*.yaml, *.yml) in folder '{printable(path)}'", param_hint=PATHS_HINT
                )
            for file in sorted(found):
                (files if looks_like_blueprint(file) else skipped).append(file)
        elif os.path.lexists(path):
            (files if not skip_non_blueprints or looks_like_blueprint(path) else skipped).append(path)
        else:
            raise click.BadParameter(f"'{printable(path)}' does not exist", param_hint=PATHS_HINT)
    if skipped:
        shown = ", ".join(printable(os.path.basename(f)) for f in skipped[:3]) + (", ..." if len(skipped) > 3 else "")
        click.echo(
            f"skipped {len(skipped)} YAML file(s) that are not blueprints (no top-level `sdiagram:` or `components:`): {shown}",
            err=True,
        )
    if not files:
        if skipped:
            return []
        raise click.BadParameter("no blueprint files (*.yaml, *.yml) found", param_hint=PATHS_HINT)
    unique: dict[str, str] = {}
    for file in files:
        unique.setdefault(file if file == STDIN else os.path.realpath(file), file)
    return list(unique.values())
