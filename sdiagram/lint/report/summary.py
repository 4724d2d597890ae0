"""Counting findings for summaries."""

from __future__ import annotations

from typing import NamedTuple, Sequence

from ..engine import FileResult
from ..findings import Severity


class Summary(NamedTuple):
    files: int
    errors: int
    warnings: int
    info: int
    suppressed: int
    invalid_files: int
    failed: bool
    baselined: int = 0

    @classmethod
    def of(cls, results: Sequence[FileResult]) -> "Summary":
        counts = {severity: 0 for severity in Severity}
        suppressed = baselined = 0
        for result in results:
            for finding in result.findings:
                if finding.suppressed is not None and finding.suppressed.scope == "baseline":
                    baselined += 1
                elif finding.suppressed is not None:
                    suppressed += 1
                else:
                    counts[finding.severity] += 1
        return cls(
            files=len(results),
            errors=counts[Severity.ERROR],
            warnings=counts[Severity.WARNING],
            info=counts[Severity.INFO],
            suppressed=suppressed,
            invalid_files=sum(1 for r in results if r.invalid),
            failed=any(r.failed for r in results),
            baselined=baselined,
        )

    @property
    def exit_code(self) -> int:
        return 2 if self.invalid_files else (1 if self.failed else 0)

    def sentence(self) -> str:
        files = f"{self.files} blueprint{'s' if self.files != 1 else ''}"
        parts = []
        for count, singular, plural in ((self.errors, "error", "errors"), (self.warnings, "warning", "warnings"),
                                        (self.info, "info", "info")):
            if count:
                parts.append(f"{count} {singular if count == 1 else plural}")
        held = [f"{self.suppressed} suppressed"] if self.suppressed else []
        held += [f"{self.baselined} in baseline"] if self.baselined else []
        suppressed = f" ({', '.join(held)})" if held else ""
        if not parts:
            return f"No problems in {files}{suppressed}."
        found = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
        invalid = f"; {self.invalid_files} invalid" if self.invalid_files else ""
        return f"Found {found} in {files}{suppressed}{invalid}."
