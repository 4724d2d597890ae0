"""Reporters: lint results -> text, JSON, SARIF 2.1.0 or GitHub workflow commands.

Each module has `render(results) -> str`; output order is the order of the
results (files in the order given) and of the findings (by position).
"""

from __future__ import annotations

import functools
import os

FORMATS = ("text", "json", "sarif", "github")


def display_path(path: str) -> str:
    """A path relative to the working directory when it is below it, with '/' separators."""
    return _display_path(path, os.getcwd())


@functools.lru_cache(maxsize=256)
def _display_path(path: str, cwd: str) -> str:
    # once per file, not once per finding: a blueprint can have 100,000 findings
    absolute = os.path.normpath(os.path.join(cwd, path))
    try:
        relative = os.path.relpath(absolute, cwd)
    except ValueError:  # another drive on Windows
        return absolute.replace(os.sep, "/")
    if relative.startswith(os.pardir + os.sep) or relative == os.pardir:
        return absolute.replace(os.sep, "/")
    return relative.replace(os.sep, "/")
