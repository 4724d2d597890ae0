"""JSON output, a stable documented shape (docs/review.md, "JSON output"):

    {"version": 1, "tool": {"name", "version"}, "changed": bool,
     "summary": {"blueprints", "changed_blueprints", "added", "removed", "changed", "renamed",
                 "settings", "findings_introduced", "findings_resolved"},
     "blueprints": [{"name", "old", "new", "status",
                     "settings": [{"key", "old", "new"}],
                     "elements": [{"element", "id", "status", "old_id", "similarity",
                                   "keys": [{"key", "old", "new"}]}],
                     "findings": {"introduced": [finding], "resolved": [finding], "open": [finding]},
                     "estimate": [{"element": "overall" | "component" | "path", "id",
                                   "figures": [{"figure", "old", "new"}]}]}]}

"estimate" is there only when both versions have traffic: the figures that
changed materially ("load", "utilization", "availability", "latency_ms"; null
where not known).

A finding has the shape of `sdiagram lint --format json`.
"""

from __future__ import annotations

import json
from typing import Any, Sequence

from ... import __version__
from ...lint.report.json import finding_dict
from ..model import BlueprintDiff, KeyChange
from . import counts

JSON_VERSION = 1


def _keys(keys: Sequence[KeyChange]) -> list[dict[str, Any]]:
    return [{"key": k.key, "old": k.old, "new": k.new} for k in keys]


def blueprint_dict(diff: BlueprintDiff) -> dict[str, Any]:
    document = {
        "name": diff.name,
        "old": diff.old_path,
        "new": diff.new_path,
        "status": diff.status,
        "settings": _keys(diff.settings),
        "elements": [
            {"element": e.element, "id": e.id, "status": e.status, "old_id": e.old_id, "similarity": e.similarity,
             "keys": _keys(e.keys)}
            for e in diff.elements
        ],
        "findings": {
            "introduced": [finding_dict(f.finding, f.fingerprint) for f in diff.introduced],
            "resolved": [finding_dict(f.finding, f.fingerprint) for f in diff.resolved],
            "open": [finding_dict(f.finding, f.fingerprint) for f in diff.still_open],
        },
    }
    if diff.estimate is not None:
        document["estimate"] = [
            {"element": e.element, "id": e.id, "figures": [{"figure": f.figure, "old": f.old, "new": f.new} for f in e.figures]}
            for e in diff.estimate
        ]
    return document


def render(diffs: Sequence[BlueprintDiff]) -> str:
    totals = counts(diffs)
    document = {
        "version": JSON_VERSION,
        "tool": {"name": "sdiagram", "version": __version__},
        "changed": any(d.changed for d in diffs),
        "summary": {
            "blueprints": len(diffs),
            "changed_blueprints": sum(1 for d in diffs if d.changed),
            "added": totals["added"],
            "removed": totals["removed"],
            "changed": totals["changed"],
            "renamed": totals["renamed"],
            "settings": totals["settings"],
            "findings_introduced": totals["introduced"],
            "findings_resolved": totals["resolved"],
        },
        "blueprints": [blueprint_dict(d) for d in diffs],
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
