"""JSON output, a stable documented shape (docs/lint.md, "JSON output"):

    {"version": 1,
     "tool": {"name": "sdiagram", "version": "0.1.0"},
     "summary": {"files", "errors", "warnings", "info", "suppressed", "invalid_files", "exit_code"},
     "findings": [{"code", "rule", "severity", "message", "path", "line", "column",
                   "components", "connection": {"source", "target"} | null, "fix", "help",
                   "suppressed": {"reason", "scope", "line", "column"} | null}]}

`line`/`column` are null when the problem has no position. Counts in the
summary leave suppressed findings out.
"""

from __future__ import annotations

import json
from typing import Any, Sequence

from ... import __version__
from ..docs import help_url
from ..engine import FileResult
from ..findings import Finding
from ..rules import BY_CODE
from . import display_path
from .summary import Summary

JSON_VERSION = 1


def finding_dict(finding: Finding) -> dict[str, Any]:
    suppressed = None
    if finding.suppressed is not None:
        suppressed = {
            "reason": finding.suppressed.reason,
            "scope": finding.suppressed.scope,
            "line": finding.suppressed.span.line,
            "column": finding.suppressed.span.column,
        }
    return {
        "code": finding.code,
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


def render(results: Sequence[FileResult]) -> str:
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
            "invalid_files": summary.invalid_files,
            "exit_code": summary.exit_code,
        },
        "findings": [finding_dict(f) for result in results for f in result.findings],
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
