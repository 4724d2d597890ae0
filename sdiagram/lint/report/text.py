"""`path:line:col: severity CODE name: message`, the fix hint below, a summary line at the end."""

from __future__ import annotations

from typing import Sequence

import click

from ...diagnostics import printable
from ..engine import FileResult
from ..findings import Finding, Severity
from . import display_path
from .summary import Summary

COLOURS = {Severity.ERROR: "red", Severity.WARNING: "yellow", Severity.INFO: "cyan"}


def format_finding(finding: Finding, colour: bool = False) -> str:
    """One finding as one line (and its fix below); every user string escaped
    with `printable`, so a message can never forge a line of its own."""
    where = printable(display_path(finding.path))
    if finding.span is not None:
        where += f":{finding.line}:{finding.column}"
    severity = finding.severity.value
    code = f"{finding.code} {finding.rule}"
    if colour:
        where = click.style(where, bold=True)
        severity = click.style(severity, fg=COLOURS[finding.severity], bold=True)
        code = click.style(code, dim=True)
    line = f"{where}: {severity} {code}: {printable(finding.message)}"
    if finding.suppressed is not None:
        line += f" [suppressed: {printable(finding.suppressed.reason)}]"
    if finding.fix:
        fix = f"fix: {printable(finding.fix)}"
        line += "\n    " + (click.style(fix, fg="green") if colour else fix)
    return line


def render(results: Sequence[FileResult], colour: bool = False, show_suppressed: bool = False) -> str:
    lines = []
    for result in results:
        for finding in result.findings:
            if finding.suppressed is None or show_suppressed:
                lines.append(format_finding(finding, colour))
    summary = Summary.of(results).sentence()
    lines.append(click.style(summary, bold=True) if colour else summary)
    return "\n".join(lines) + "\n"
