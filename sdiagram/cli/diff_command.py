"""`sdiagram diff`: what changed between two versions of a blueprint.

All reading happens here (files, `git show`), the comparison is
`sdiagram.diff.diff_blueprints`, a pure function of two blueprints.
"""

from __future__ import annotations

import dataclasses
import functools
import os
import sys
from typing import TYPE_CHECKING, Callable

import click

if TYPE_CHECKING:
    from ..diff import BlueprintDiff
    from ..model import Blueprint

FORMATS = ("text", "json", "markdown")


class _Version:
    """One side of a comparison: how to load it, and how to show its path."""

    def __init__(self, shown: str, load: Callable[[], "Blueprint"]):
        self.shown = shown
        self.load = load


@click.command()
@click.argument("arguments", nargs=-1, metavar="OLD NEW | --base REF [PATH...]")
@click.option("--base", "base_ref", metavar="REF",
              help="Compare every blueprint changed since REF (its merge base with HEAD) with the working tree.")
@click.option("--renames", is_flag=True, help="Pair removed and added components and groups by similarity.")
@click.option("--format", "output_format", type=click.Choice(FORMATS), default="text", show_default=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write the report to this file.")
@click.option("--exit-code", is_flag=True, help="Exit 1 when anything changed (like `git diff --exit-code`).")
@click.option("--image", type=click.Path(dir_okay=False),
              help="Also draw NEW with the changes marked (.svg, .png, .pdf or .dot): added green, changed amber, "
                   "removed as red ghosts.")
def diff(arguments: tuple[str, ...], base_ref: str | None, renames: bool, output_format: str, output: str | None,
         exit_code: bool, image: str | None) -> None:
    """Show what changed between two versions of a blueprint, by id.

    OLD and NEW are files, or git revisions as REV:PATH (read with `git show`;
    PATH from the repository root, or ./PATH from here). With --base REF, every
    blueprint (a YAML file with a top-level `sdiagram:` key) changed since REF is
    compared; PATHs limit the search.

    Reports added, removed and changed components, groups and connections with
    the changed keys, and the lint findings introduced and resolved. Exit status:
    0, or 1 with --exit-code when anything changed; 2 for invalid input.
    """
    from ..diagnostics import BlueprintError
    from .git_source import GitError

    if base_ref is None and len(arguments) != 2:
        raise click.UsageError("give OLD and NEW (files or REV:PATH), or --base REF [PATH...]")
    if image is not None and base_ref is not None:
        raise click.UsageError("--image draws one comparison: give OLD and NEW instead of --base")
    try:
        pairs = _changed_since(base_ref, arguments) if base_ref is not None else [
            (_version(arguments[0]), _version(arguments[1]))]
    except GitError as error:
        raise click.UsageError(str(error)) from None

    diffs = []
    problems: list = []
    loaded: list = []
    for old_version, new_version in pairs:
        sides = []
        for version in (old_version, new_version):
            try:
                sides.append(version.load() if version is not None else None)
            except BlueprintError as error:  # both sides' problems are reported
                problems.extend(error.diagnostics)
            except GitError as error:
                raise click.UsageError(str(error)) from None
        if len(sides) < 2 or sides == [None, None]:
            continue
        old, new = sides
        diffs.append(_compare(old, new, renames, old_version, new_version))
        loaded.append((old, new))
    if problems:
        for problem in problems:
            click.echo(str(problem), err=True)
        click.echo(f"error: cannot compare: {len(problems)} problem(s) in the blueprints above", err=True)
        sys.exit(2)

    report = _report(diffs, output_format)
    if image is not None and loaded:
        _draw(loaded[0], diffs[0], image)
    if output is not None:
        from .output import write_atomic

        try:
            write_atomic(output, report.encode("utf-8"))
        except OSError as error:
            raise click.BadParameter(f"cannot write '{output}': {error.strerror or error}", param_hint="--output")
        click.echo(f"wrote {output}", err=True)
    else:
        click.echo(report, nl=False)
    sys.exit(1 if exit_code and any(d.changed for d in diffs) else 0)


def _version(argument: str) -> _Version:
    """A file, or REV:PATH read from git."""
    from ..compiler import load

    if os.path.exists(argument) or ":" not in argument:
        if not os.path.exists(argument):
            raise click.BadParameter(f"'{argument}' does not exist (give a file or REV:PATH)", param_hint="OLD/NEW")
        return _Version(argument, lambda: load(argument))
    revision, path = argument.split(":", 1)
    return _Version(argument, lambda: _from_git(revision, path, argument))


def _from_git(revision: str, path: str, shown: str) -> "Blueprint":
    from ..compiler import max_file_size
    from .git_source import compile_text, local_path, read_blob

    return compile_text(read_blob(revision, path, max_file_size()), shown, local_path(path))


def _changed_since(base_ref: str, pathspecs: tuple[str, ...]) -> list[tuple[_Version | None, _Version | None]]:
    """The blueprints changed since the merge base of REF and HEAD: (old, new) pairs,
    None for a blueprint added or deleted. YAML files that are not blueprints
    (no top-level `sdiagram:` key on either side) are skipped."""
    from ..compiler import load, max_file_size
    from .git_source import changed_yaml_files, compile_text, is_blueprint_text, merge_base, read_blob, repository_root

    base = merge_base(base_ref)
    root = repository_root()
    pairs: list[tuple[_Version | None, _Version | None]] = []
    for changed in changed_yaml_files(base, pathspecs):
        old = new = None
        marked = False
        if changed.old_path is not None:
            shown = f"{base_ref}:{changed.old_path}"
            source = read_blob(base, changed.old_path, max_file_size())
            marked = is_blueprint_text(source)
            base_path = os.path.join(root, changed.old_path)
            old = _Version(shown, functools.partial(compile_text, source, shown, base_path))
        if changed.new_path is not None:
            local = os.path.relpath(os.path.join(root, changed.new_path))
            new = _Version(local, functools.partial(load, local))
            marked = marked or _file_is_blueprint(local)
        if marked:
            pairs.append((old, new))
    return pairs


def _file_is_blueprint(path: str) -> bool:
    from .git_source import is_blueprint_text

    try:
        with open(path, encoding="utf-8", errors="replace") as handle:
            return is_blueprint_text(handle.read(1_000_000))
    except OSError:
        return True  # load() reports why it cannot be read


def _compare(old: "Blueprint | None", new: "Blueprint | None", renames: bool, old_version: _Version | None,
             new_version: _Version | None) -> "BlueprintDiff":
    from ..diff import diff_blueprints
    from ..lint import lint_blueprint

    project = _project_config(new_version or old_version)
    result = diff_blueprints(
        old, new, renames=renames,
        old_findings=lint_blueprint(old, project) if old is not None else (),
        new_findings=lint_blueprint(new, project) if new is not None else (),
    )
    # The same file at another revision is the same blueprint: show one path.
    if old_version is not None and new_version is not None and _same_file(old_version.shown, new_version.shown):
        result = dataclasses.replace(result, old_path=result.new_path)
    return result


def _same_file(old: str, new: str) -> bool:
    if ":" in old and not os.path.exists(old):
        path = old.split(":", 1)[1]
        try:
            from .git_source import GitError, local_path

            return os.path.abspath(local_path(path)) == os.path.abspath(new)
        except GitError:
            return False
    return os.path.abspath(old) == os.path.abspath(new)


def _project_config(version: _Version | None):
    from ..lint import ConfigError, find_project_config, load_project_config

    folder = os.path.dirname(os.path.abspath(version.shown)) if version and os.path.exists(version.shown) else "."
    found = find_project_config(folder)
    if not found:
        return None
    try:
        return load_project_config(found)
    except ConfigError as error:
        raise click.UsageError(str(error)) from None


def _report(diffs: list, output_format: str) -> str:
    from ..diff.report import json as json_report
    from ..diff.report import markdown, text

    renderer = {"text": text, "json": json_report, "markdown": markdown}[output_format]
    return renderer.render(diffs)


IMAGE_FORMATS = ("svg", "png", "pdf", "dot")


def _draw(pair: tuple, result: "BlueprintDiff", image: str) -> None:
    """Lay out NEW with the changes marked and write it to `image` (the format from its suffix)."""
    from ..renderer import image_roots
    from ..renderer.diff_picture import diff_picture_dot
    from ..renderer.engine import RenderError, layout_and_render
    from .output import write_atomic

    fmt = os.path.splitext(image)[1].lstrip(".").lower()
    if fmt not in IMAGE_FORMATS:
        raise click.BadParameter(f"'{image}': the file name must end in {', '.join('.' + f for f in IMAGE_FORMATS)}",
                                 param_hint="--image")
    old, new = pair
    try:
        dot_text = diff_picture_dot(old, new, result)
        data = dot_text.encode("utf-8") if fmt == "dot" else layout_and_render(dot_text, (fmt,), image_roots(new)).outputs[fmt]
        write_atomic(image, data)
    except RenderError as error:
        click.echo(f"error: cannot draw {image}: {error}", err=True)
        sys.exit(2)
    except OSError as error:
        raise click.BadParameter(f"cannot write '{image}': {error.strerror or error}", param_hint="--image") from None
    click.echo(f"wrote {image}", err=True)
