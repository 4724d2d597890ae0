"""GitHub-flavoured Markdown for a pull-request comment or a job summary.

A short headline, one table of changes per blueprint, the findings the change
introduces, and the rest (every changed key with old and new value, resolved
findings) in collapsed `<details>`. The first line is an HTML comment marker
(`MARKER`) that the GitHub Action uses to find and update its own comment.

Every user string goes through `text` or `code`: no label can add links,
mentions, HTML or table cells to the comment.
"""

from __future__ import annotations

import html
import re
from typing import Callable, Sequence

from ...lint.report import display_path
from ..model import ADDED, CHANGED, REMOVED, RENAMED, BlueprintDiff, ElementChange, FindingChange
from . import change_phrase, counts, estimate_phrase, findings_phrase, flow, plural

MARKER = "<!-- sdiagram-diff -->"
BADGES = {ADDED: "🟩 added", CHANGED: "🟨 changed", RENAMED: "🟦 renamed", REMOVED: "🟥 removed"}
MAX_KEYS_IN_ROW = 3
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]|~#<>!])")


def text(value: str) -> str:
    """User text for a table cell or a sentence: shown literally, on one line."""
    value = " ".join(value.split())
    value = html.escape(value, quote=False)
    value = _MARKDOWN_SPECIAL.sub(r"\\\1", value.replace("&", "\0")).replace("\0", "&")
    # no @mentions, no autolinked URLs
    return value.replace("@", "@&#8203;").replace("://", "&#58;//").replace("www.", "www&#46;")


def code(value: str) -> str:
    """User text as inline code, safe inside a table cell."""
    value = " ".join(value.split()).replace("|", "\\|")
    longest = max((len(run) for run in re.findall(r"`+", value)), default=0)
    fence = "`" * (longest + 1)
    padded = f" {value} " if value.startswith("`") or value.endswith("`") or not value.strip() else value
    return f"{fence}{padded}{fence}"


def _value(value: object) -> str:
    return code(flow(value)) if value is not None else "—"


def _element(change: ElementChange) -> str:
    if change.status == RENAMED:
        return f"{change.element} {code(change.old_id or '')} → {code(change.id)}"
    return f"{change.element} {code(change.id)}"


def _summary_of_keys(change: ElementChange) -> str:
    keys = change.keys[:MAX_KEYS_IN_ROW]
    if change.status == ADDED:
        parts = [f"{k.key} {_value(k.new)}" for k in keys]
    elif change.status == REMOVED:
        parts = [f"{k.key} {_value(k.old)}" for k in keys]
    else:
        parts = [f"{k.key} {_value(k.old)} → {_value(k.new)}" for k in keys]
    more = len(change.keys) - len(keys)
    if more:
        parts.append(f"and {more} more")
    if change.status == RENAMED and change.similarity is not None:
        parts.insert(0, f"{round(change.similarity * 100)}% similar")
    return ", ".join(parts)


def _finding_rows(found: Sequence[FindingChange]) -> list[str]:
    rows = ["| Severity | Rule | Where | Finding |", "| --- | --- | --- | --- |"]
    for item in found:
        finding = item.finding
        where = display_path(finding.path) + (f":{finding.line}" if finding.span else "")
        rows.append(f"| {finding.severity.value} | {finding.code} {finding.rule} | {code(where)} | {text(finding.message)} |")
    return rows


def _details(summary: str, body: list[str]) -> list[str]:
    return ["<details>", f"<summary>{summary}</summary>", "", *body, "", "</details>", ""]


# -- sections of one blueprint, in the order of SECTIONS ----------------


def _changes_section(diff: BlueprintDiff) -> list[str]:
    if not diff.settings and not diff.elements:
        return []
    rows = ["| | Element | Change |", "| --- | --- | --- |"]
    for setting in diff.settings:
        rows.append(f"| {BADGES[CHANGED]} | setting {code(setting.key)} | {_value(setting.old)} → {_value(setting.new)} |")
    for change in diff.elements:
        rows.append(f"| {BADGES[change.status]} | {_element(change)} | {_summary_of_keys(change)} |")
    return [*rows, ""]


def _estimate_section(diff: BlueprintDiff) -> list[str]:
    if not diff.estimate:
        return []
    rows = ["| Where | Change at peak |", "| --- | --- |"]
    for change in diff.estimate:
        where = "overall" if change.element == "overall" else f"{change.element} {code(change.id)}"
        rows.append(f"| {where} | {estimate_phrase(change, '→', '—')} |")
    return [f"**Estimate changes ({len(diff.estimate)})**", "", *rows, ""]


def _introduced_section(diff: BlueprintDiff) -> list[str]:
    if not diff.introduced:
        return []
    return [f"**Findings introduced ({len(diff.introduced)})**", "", *_finding_rows(diff.introduced), ""]


def _resolved_section(diff: BlueprintDiff) -> list[str]:
    if not diff.resolved:
        return []
    return _details(f"Findings resolved ({len(diff.resolved)})", _finding_rows(diff.resolved))


def _open_section(diff: BlueprintDiff) -> list[str]:
    if not diff.still_open:
        return []
    return _details(f"Findings already open before this change ({len(diff.still_open)})", _finding_rows(diff.still_open))


def _keys_section(diff: BlueprintDiff) -> list[str]:
    rows = []
    for setting in diff.settings:
        rows.append(f"| setting | {code(setting.key)} | {_value(setting.old)} | {_value(setting.new)} |")
    for change in diff.elements:
        for key in change.keys:
            rows.append(f"| {_element(change)} | {code(key.key)} | {_value(key.old)} | {_value(key.new)} |")
    if not rows:
        return []
    table = ["| Element | Key | Old | New |", "| --- | --- | --- | --- |", *rows]
    return _details(f"Every changed key, old and new ({plural(len(rows), 'value')})", table)


SECTIONS: tuple[Callable[[BlueprintDiff], list[str]], ...] = (
    _changes_section, _estimate_section, _introduced_section, _resolved_section, _open_section, _keys_section,
)


def _blueprint_heading(diff: BlueprintDiff) -> str:
    path = diff.new_path or diff.old_path or ""
    status = {ADDED: " (new blueprint)", REMOVED: " (deleted)"}.get(diff.status, "")
    moved = ""
    if diff.old_path and diff.new_path and diff.old_path != diff.new_path:
        moved = f" (was {code(display_path(diff.old_path))})"
    return f"#### {code(diff.name)} · {code(display_path(path))}{moved}{status}"


def render(diffs: Sequence[BlueprintDiff]) -> str:
    totals = counts(diffs)
    changed = [d for d in diffs if d.changed]
    lines = [MARKER]
    if not diffs:
        lines.append("### Architecture diff: no blueprint changed")
        return "\n".join(lines) + "\n"
    if not changed:
        lines.append(f"### Architecture diff: no changes in {plural(len(diffs), 'blueprint')}")
        return "\n".join(lines) + "\n"
    lines += [
        f"### Architecture diff: {plural(len(changed), 'blueprint')} changed · {change_phrase(totals)}"
        f" · {findings_phrase(totals)}",
        "",
    ]
    for diff in changed:
        lines += [_blueprint_heading(diff), ""]
        per_file = counts([diff])
        facts = [change_phrase(per_file), findings_phrase(per_file)] if len(changed) > 1 else []
        if facts:
            lines += [" · ".join(facts), ""]
        for section in SECTIONS:
            lines += section(diff)
    unchanged = [d for d in diffs if not d.changed]
    if unchanged:
        names = ", ".join(code(display_path(d.new_path or "")) for d in unchanged)
        lines += [f"No architecture changes in {names} (edits that do not change the design).", ""]
    return "\n".join(lines).rstrip("\n") + "\n"
