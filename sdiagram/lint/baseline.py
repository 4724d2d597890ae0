"""Baselines: adopt lint on an existing repository and fail only on new findings.

`sdiagram lint --write-baseline FILE` records the fingerprints (see
`lint.fingerprint`) of every unsuppressed finding; `sdiagram lint --baseline
FILE` then treats findings recorded there as accepted (suppressed with scope
"baseline": kept in JSON and SARIF, not counted for the exit status) and
reports the entries that no longer match a finding, so the baseline shrinks.

Paths in the file are relative to the file's folder, so the same baseline works
from any working directory. The file is JSON, sorted, one entry per finding:

    {"version": 1, "tool": "sdiagram",
     "findings": [{"path", "fingerprint", "code", "rule", "components", "message"}]}

`code`, `rule`, `components` and `message` are for the reader (and for
reporting stale entries); only `path` and `fingerprint` are matched.
"""

from __future__ import annotations

import dataclasses
import json
import os
from dataclasses import dataclass
from typing import Any, Sequence

from .engine import INVALID_INPUT_CODES, FileResult
from .findings import Suppressed
from .fingerprint import fingerprints

BASELINE_VERSION = 1
MAX_BASELINE_BYTES = 50_000_000


class BaselineError(Exception):
    """A baseline file that cannot be read or does not have the baseline's shape."""


@dataclass(frozen=True)
class BaselineEntry:
    path: str  # relative to the baseline file's folder, '/' separated
    fingerprint: str
    code: str = ""
    rule: str = ""
    components: tuple[str, ...] = ()
    message: str = ""

    def describe(self) -> str:
        where = f" on '{self.components[0]}'" if self.components else ""
        return f"{self.path}: {self.code} {self.rule}{where}: {self.message}"


@dataclass(frozen=True)
class Baseline:
    file: str
    entries: tuple[BaselineEntry, ...]

    @property
    def folder(self) -> str:
        return os.path.dirname(os.path.abspath(self.file))


@dataclass(frozen=True)
class BaselineOutcome:
    """Results with baseline matches marked, and the entries that matched nothing."""

    results: tuple[FileResult, ...]
    matched: int
    stale: tuple[BaselineEntry, ...]


def relative_to(folder: str, path: str) -> str:
    relative = os.path.relpath(os.path.abspath(path), folder)
    return relative.replace(os.sep, "/")


def baseline_entries(results: Sequence[FileResult], baseline_file: str) -> tuple[BaselineEntry, ...]:
    """Entries for every unsuppressed finding of valid files, sorted."""
    folder = os.path.dirname(os.path.abspath(baseline_file))
    entries = []
    for result in results:
        if result.invalid:
            continue
        path = relative_to(folder, result.path)
        for finding, fingerprint in zip(result.findings, fingerprints(result.findings)):
            if finding.suppressed is None and finding.code not in INVALID_INPUT_CODES:
                entries.append(BaselineEntry(path, fingerprint, finding.code, finding.rule,
                                             finding.components, finding.message))
    return tuple(sorted(entries, key=lambda e: (e.path, e.code, e.components, e.fingerprint)))


def baseline_text(entries: Sequence[BaselineEntry]) -> str:
    document = {
        "version": BASELINE_VERSION,
        "tool": "sdiagram",
        "findings": [{**dataclasses.asdict(e), "components": list(e.components)} for e in entries],
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def read_baseline(file: str) -> Baseline:
    """Read a baseline file; raises BaselineError with the reason."""
    try:
        with open(file, "rb") as handle:
            data = handle.read(MAX_BASELINE_BYTES + 1)
    except OSError as error:
        raise BaselineError(f"{file}: cannot read: {error.strerror or error}") from None
    if len(data) > MAX_BASELINE_BYTES:
        raise BaselineError(f"{file}: over the limit of {MAX_BASELINE_BYTES:,} bytes")
    try:
        document = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError) as error:
        raise BaselineError(f"{file}: not a baseline (JSON) file: {error}") from None
    if not isinstance(document, dict) or not isinstance(document.get("findings"), list):
        raise BaselineError(f"{file}: not a baseline file: expected an object with a 'findings' list "
                            "(write one with `sdiagram lint --write-baseline FILE`)")
    if document.get("version") != BASELINE_VERSION:
        raise BaselineError(f"{file}: baseline version {document.get('version')!r} is not supported "
                            f"(this sdiagram reads version {BASELINE_VERSION})")
    entries = []
    for number, raw in enumerate(document["findings"], 1):
        entry = _entry(raw)
        if entry is None:
            raise BaselineError(f"{file}: finding #{number}: needs string 'path' and 'fingerprint'")
        entries.append(entry)
    return Baseline(file, tuple(entries))


def _entry(raw: Any) -> BaselineEntry | None:
    if not isinstance(raw, dict) or not isinstance(raw.get("path"), str) or not isinstance(raw.get("fingerprint"), str):
        return None
    components = raw.get("components")
    if not isinstance(components, list) or not all(isinstance(c, str) for c in components):
        components = []
    return BaselineEntry(raw["path"], raw["fingerprint"], _text(raw.get("code")), _text(raw.get("rule")),
                         tuple(components), _text(raw.get("message")))


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def apply_baseline(results: Sequence[FileResult], baseline: Baseline) -> BaselineOutcome:
    """Mark findings recorded in the baseline as suppressed (scope "baseline").

    An entry is stale when its file was linted in this run (or no longer exists)
    and none of the file's findings has its fingerprint.
    """
    folder = baseline.folder
    recorded: dict[str, set[str]] = {}
    for entry in baseline.entries:
        recorded.setdefault(entry.path, set()).add(entry.fingerprint)
    reason = f"in baseline {os.path.basename(baseline.file)}"
    used: set[tuple[str, str]] = set()
    linted: set[str] = set()
    marked = []
    for result in results:
        path = relative_to(folder, result.path)
        if not result.invalid:  # an invalid file has no findings to judge its entries by
            linted.add(path)
        known = recorded.get(path, set())
        findings = []
        for finding, fingerprint in zip(result.findings, fingerprints(result.findings)):
            if finding.suppressed is None and fingerprint in known and finding.code not in INVALID_INPUT_CODES:
                finding = finding._replace(suppressed=Suppressed(reason, None, "baseline"))
                used.add((path, fingerprint))
            findings.append(finding)
        marked.append(result._replace(findings=tuple(findings)))
    stale = tuple(
        entry for entry in baseline.entries
        if (entry.path, entry.fingerprint) not in used
        and (entry.path in linted or not os.path.exists(os.path.join(folder, entry.path)))
    )
    return BaselineOutcome(tuple(marked), len(used), stale)
