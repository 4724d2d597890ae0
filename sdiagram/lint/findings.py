"""What the lint stage produces: `Finding` values, each pointing at the blueprint text.

Findings are named tuples, like the model's records (cheaper to define at
start-up than frozen dataclasses); change one with `finding._replace(...)`.
"""

from __future__ import annotations

from enum import Enum
from typing import NamedTuple

from ..diagnostics import Span


class Severity(str, Enum):
    """How serious a finding is; `rank` orders them (info < warning < error)."""

    INFO = "info"
    WARNING = "warning"
    ERROR = "error"

    @property
    def rank(self) -> int:
        return _RANKS[self]

    @classmethod
    def parse(cls, text: str) -> "Severity":
        """'error' / 'warning' / 'info' (any case); raises ValueError otherwise."""
        return cls(text.strip().lower())

    def __str__(self) -> str:
        return self.value

    @property
    def demoted(self) -> "Severity":
        """One level less serious (info stays info)."""
        return _DEMOTED[self]


_RANKS = {Severity.INFO: 0, Severity.WARNING: 1, Severity.ERROR: 2}
_DEMOTED = {Severity.INFO: Severity.INFO, Severity.WARNING: Severity.INFO, Severity.ERROR: Severity.WARNING}
SEVERITY_NAMES = ("error", "warning", "info")


class Suppressed(NamedTuple):
    """Why a finding is suppressed: the `ignore:` entry that excuses it, or the
    baseline that records it (`span` is None then)."""

    reason: str
    span: Span | None
    # "component" (a component's `ignore:`), "blueprint" (`lint.ignore`) or
    # "baseline" (`lint --baseline FILE`)
    scope: str


class Finding(NamedTuple):
    """One lint result.

    `components` names the components involved, the blamed one first;
    `connection` is the (source, target) of the connection blamed, if any;
    `span` is the position of the blamed element (None only when the problem
    has no position, such as an unreadable file).
    """

    code: str
    rule: str
    severity: Severity
    message: str
    path: str
    span: Span | None
    components: tuple[str, ...] = ()
    connection: tuple[str, str] | None = None
    fix: str | None = None
    suppressed: Suppressed | None = None

    @property
    def line(self) -> int:
        return self.span.line if self.span else 1

    @property
    def column(self) -> int:
        return self.span.column if self.span else 1

    @property
    def sort_key(self) -> tuple[str, int, int, str, str]:
        return (self.path, self.line if self.span else 0, self.column if self.span else 0, self.code, self.message)


def sort_findings(findings: "list[Finding] | tuple[Finding, ...]") -> tuple[Finding, ...]:
    return tuple(sorted(findings, key=lambda f: f.sort_key))


def component_severities(findings: "list[Finding] | tuple[Finding, ...]", blamed_only: bool = True) -> dict[str, Severity]:
    """The worst severity of the unsuppressed findings per component id, for drawing
    findings on a diagram. With `blamed_only`, only the blamed component of each
    finding (the first of `components`) counts; otherwise every component involved."""
    worst: dict[str, Severity] = {}
    for finding in findings:
        if finding.suppressed is not None:
            continue
        for component_id in finding.components[:1] if blamed_only else finding.components:
            current = worst.get(component_id)
            if current is None or finding.severity.rank > current.rank:
                worst[component_id] = finding.severity
    return worst
