"""Reporters: lint results -> text, JSON, SARIF 2.1.0 or GitHub workflow commands.

Each module has `render(results) -> str`; output order is the order of the
results (files in the order given) and of the findings (by position).
"""

from __future__ import annotations

import os

FORMATS = ("text", "json", "sarif", "github")


def display_path(path: str) -> str:
    """A path relative to the working directory when it is below it, with '/' separators."""
    absolute = os.path.abspath(path)
    try:
        relative = os.path.relpath(absolute)
    except ValueError:  # another drive on Windows
        return absolute.replace(os.sep, "/")
    if relative.startswith(os.pardir + os.sep) or relative == os.pardir:
        return absolute.replace(os.sep, "/")
    return relative.replace(os.sep, "/")
