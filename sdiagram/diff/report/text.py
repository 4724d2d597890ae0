"""Plain text, one line per change:

    blueprints/chat.yaml (chat): 1 added, 1 removed, 2 changed
      + component cache: kind: cache, tech: redis
      ~ component chat: replicas: 3 -> 5
      - connection chat -> presence
      estimate at peak:
        overall: availability 99.95% -> 99.9%, latency 12 ms -> 14 ms
        component chat: utilization 52% -> 26%
      findings introduced:
        blueprints/chat.yaml:34:3: error SD101 single-point-of-failure: ...
"""

from __future__ import annotations

from typing import Sequence

from ...lint.report.text import format_finding
from ..model import ADDED, REMOVED, RENAMED, BlueprintDiff
from . import change_phrase, counts, element_title, estimate_phrase, estimate_title, findings_phrase, flow, plural

MARKS = {ADDED: "+", REMOVED: "-", RENAMED: ">", "changed": "~"}


def _where(diff: BlueprintDiff) -> str:
    if diff.old_path is None:
        return f"{diff.new_path} ({diff.name}): new blueprint"
    if diff.new_path is None:
        return f"{diff.old_path} ({diff.name}): deleted"
    shown = diff.new_path if diff.old_path == diff.new_path else f"{diff.old_path} -> {diff.new_path}"
    return f"{shown} ({diff.name})"


def render(diffs: Sequence[BlueprintDiff]) -> str:
    lines = []
    for diff in diffs:
        totals = counts([diff])
        lines.append(f"{_where(diff)}: {change_phrase(totals)}; {findings_phrase(totals)}")
        for setting in diff.settings:
            lines.append(f"  ~ {setting.key}: {flow(setting.old)} -> {flow(setting.new)}")
        for change in diff.elements:
            if change.status in (ADDED, REMOVED):
                keys = ", ".join(f"{k.key}: {flow(k.new if change.status == ADDED else k.old)}" for k in change.keys)
            else:
                keys = ", ".join(f"{k.key}: {flow(k.old)} -> {flow(k.new)}" for k in change.keys)
            lines.append(f"  {MARKS[change.status]} {element_title(change)}" + (f": {keys}" if keys else ""))
        if diff.estimate:
            lines.append("  estimate at peak:")
            lines += [f"    {estimate_title(change)}: {estimate_phrase(change)}" for change in diff.estimate]
        for title, found in (("introduced", diff.introduced), ("resolved", diff.resolved)):
            if found:
                lines.append(f"  findings {title}:")
                lines += ["    " + format_finding(f.finding).replace("\n", "\n    ") for f in found]
    totals = counts(diffs)
    changed = sum(1 for d in diffs if d.changed)
    lines.append(f"{plural(len(diffs), 'blueprint')} compared, {changed} changed: "
                 f"{change_phrase(totals)}; {findings_phrase(totals)}.")
    return "\n".join(lines) + "\n"
