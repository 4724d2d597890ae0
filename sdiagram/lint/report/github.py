"""GitHub Actions workflow commands: `::error file=…,line=…,col=…,title=…::message`.

Suppressed findings are left out; info becomes `notice`.
"""

from __future__ import annotations

from typing import Sequence

from ...diagnostics import printable
from ..engine import FileResult
from ..findings import Severity
from . import display_path
from .summary import Summary

LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def _data(text: str) -> str:
    """Workflow-command data: user text escaped with `printable` (a newline in a
    key must not start an annotation line of its own), then GitHub's escapes."""
    return printable(text).replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _property(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")


def render(results: Sequence[FileResult]) -> str:
    lines = []
    for result in results:
        for finding in result.findings:
            if finding.suppressed is not None:
                continue
            properties = [f"file={_property(display_path(finding.path))}"]
            if finding.span is not None:
                properties += [f"line={finding.line}", f"col={finding.column}"]
            properties.append(f"title={_property(f'{finding.code} {finding.rule}')}")
            message = _data(finding.message) + (f"%0Afix: {_data(finding.fix)}" if finding.fix else "")
            lines.append(f"::{LEVELS[finding.severity]} {','.join(properties)}::{message}")
    lines.append(Summary.of(results).sentence())
    return "\n".join(lines) + "\n"
