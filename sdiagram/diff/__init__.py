"""Diff stage: what changed between two versions of a blueprint.

    >>> from sdiagram.diff import diff_blueprints
    >>> change = diff_blueprints(load("old.yaml"), load("new.yaml"), renames=True)
    >>> [(e.element, e.id, e.status, [(k.key, k.old, k.new) for k in e.keys]) for e in change.elements]
    >>> [f.finding.message for f in change.introduced]

`compare` is the pure function of two `Blueprint`s; `report` turns the
result into text, JSON or PR-comment Markdown. Reading files and git
revisions is the CLI's job (`sdiagram diff`).
"""

from __future__ import annotations

from .compare import diff_blueprints
from .model import BlueprintDiff, ElementChange, FindingChange, KeyChange

__all__ = ["BlueprintDiff", "ElementChange", "FindingChange", "KeyChange", "diff_blueprints"]
