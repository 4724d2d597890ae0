"""JSON output, a stable documented shape (docs/lint.md, "JSON output"):

    {"version": 1,
     "tool": {"name": "sdiagram", "version": "0.1.0"},
     "summary": {"files", "errors", "warnings", "info", "suppressed", "baselined",
                 "invalid_files", "exit_code"},
     "findings": [{"code", "fingerprint", "rule", "severity", "message", "path", "line", "column",
                   "components", "connection": {"source", "target"} | null, "fix", "help",
                   "suppressed": {"reason", "scope", "line", "column"} | null}]}

With `--baseline`, entries that matched nothing are listed under
"stale_baseline_entries" (path, fingerprint, code, rule, components, message).
`fingerprint` identifies the finding across edits (`lint.fingerprint`).

`line`/`column` are null when the problem has no position. Counts in the
summary leave suppressed findings out.
"""

from __future__ import annotations

import json
from typing import Any, Sequence

from ... import __version__
from ..docs import help_url
from ..baseline import BaselineEntry
from ..engine import FileResult
from ..findings import Finding
from ..fingerprint import fingerprints
from ..rules import BY_CODE
from . import display_path
from .summary import Summary

JSON_VERSION = 1


def finding_dict(finding: Finding, fingerprint: str) -> dict[str, Any]:
    suppressed = None
    if finding.suppressed is not None:
        suppressed = {
            "reason": finding.suppressed.reason,
            "scope": finding.suppressed.scope,
            "line": finding.suppressed.span.line if finding.suppressed.span else None,
            "column": finding.suppressed.span.column if finding.suppressed.span else None,
        }
    return {
        "code": finding.code,
        "fingerprint": fingerprint,
        "rule": finding.rule,
        "severity": finding.severity.value,
        "message": finding.message,
        "path": display_path(finding.path),
        "line": finding.span.line if finding.span else None,
        "column": finding.span.column if finding.span else None,
        "components": list(finding.components),
        "connection": {"source": finding.connection[0], "target": finding.connection[1]} if finding.connection else None,
        "fix": finding.fix,
        "help": help_url(BY_CODE[finding.code]),
        "suppressed": suppressed,
    }


def render(results: Sequence[FileResult], stale: Sequence[BaselineEntry] = ()) -> str:
    summary = Summary.of(results)
    document = {
        "version": JSON_VERSION,
        "tool": {"name": "sdiagram", "version": __version__},
        "summary": {
            "files": summary.files,
            "errors": summary.errors,
            "warnings": summary.warnings,
            "info": summary.info,
            "suppressed": summary.suppressed,
            "baselined": summary.baselined,
            "invalid_files": summary.invalid_files,
            "exit_code": summary.exit_code,
        },
        "findings": [finding_dict(f, fingerprint) for result in results
                     for f, fingerprint in zip(result.findings, fingerprints(result.findings))],
    }
    if stale:
        document["stale_baseline_entries"] = [
            {"path": e.path, "fingerprint": e.fingerprint, "code": e.code, "rule": e.rule,
             "components": list(e.components), "message": e.message}
            for e in stale
        ]
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
