"""Pinned lint expectations in fixture comments, shared by the tests and
bench/lint_quality.py (reading them imports nothing from sdiagram, so the
benchmark can score an older sdiagram against the same fixtures).

    # expect: 12:3 single-point-of-failure db        the rule must report exactly this
    # expect: 20:5 missing-cache api->db
    # known-miss: 8:3 single-point-of-failure redis   a reviewer expects it; the rule does not report it (yet)
    # known-noise: 14:5 sync-cycle web->stripe        the rule reports it; a reviewer would not
    # expect: 24:5 missing-cache web->db info        with a severity other than the rule's default
    # known-noise: 9:3 shared-database db -- why it is not fixed (anything after ` -- `)

To pin a new (or old-style) fixture: `python tests/lint/expectations.py FILE.yaml`,
then check the written lines as a reviewer would.

A finding is identified by line:column, rule name and subject: the blamed
connection as `source->target` when the finding has one, else the blamed
component (the first of `components`), else `-`. The pinned list of a fixture
is its `expect` plus `known-noise` lines; what a reviewer expects is its
`expect` plus `known-miss` lines.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Iterable, NamedTuple

LINE = re.compile(r"^# (expect|known-miss|known-noise): (\d+):(\d+) ([a-z-]+) (\S+)(?: (error|warning|info))?"
                  r"(?:\s+--\s.*)?\s*$", re.MULTILINE)


class Expected(NamedTuple):
    line: int
    column: int
    rule: str
    subject: str

    def __str__(self) -> str:
        return f"{self.line}:{self.column} {self.rule} {self.subject}"


class Expectations(NamedTuple):
    expect: frozenset[Expected]
    known_miss: frozenset[Expected]
    known_noise: frozenset[Expected]
    # the severities pinned next to some expectations
    severities: dict[Expected, str]

    @property
    def pinned(self) -> frozenset[Expected]:
        """What the tool must report, exactly."""
        return self.expect | self.known_noise

    @property
    def reviewer(self) -> frozenset[Expected]:
        """What a senior reviewer expects."""
        return self.expect | self.known_miss


def read(path: Path) -> Expectations:
    found: dict[str, set[Expected]] = {"expect": set(), "known-miss": set(), "known-noise": set()}
    severities = {}
    text = path.read_text(encoding="utf-8")
    for written in re.findall(r"^# (?:expect|known-miss|known-noise):.*$", text, re.MULTILINE):
        if not LINE.match(written):
            raise ValueError(f"{path.name}: malformed expectation {written!r} (want: line:col rule subject)")
    for kind, line, column, rule, subject, severity in LINE.findall(text):
        item = Expected(int(line), int(column), rule, subject)
        found[kind].add(item)
        if severity:
            severities[item] = severity
    return Expectations(frozenset(found["expect"]), frozenset(found["known-miss"]), frozenset(found["known-noise"]),
                        severities)


def reported(findings: Iterable[object], rules: frozenset[str] | None = None) -> frozenset[Expected]:
    """The unsuppressed findings (of `rules`, or all) as Expected values."""
    result = set()
    for finding in findings:
        if getattr(finding, "suppressed") is not None or (rules is not None and getattr(finding, "rule") not in rules):
            continue
        connection = getattr(finding, "connection")
        components = getattr(finding, "components")
        subject = f"{connection[0]}->{connection[1]}" if connection else (components[0] if components else "-")
        result.add(Expected(getattr(finding, "line"), getattr(finding, "column"), getattr(finding, "rule"), subject))
    return frozenset(result)


def pin(path: Path) -> str:
    """The fixture's text with `# expect:` lines for what the tool reports now (the
    folder's rule for a rule fixture), at the top. An old-style `# expect:
    <message substring>` line becomes a `# message:` line. For a new or migrated
    fixture; read the result as a reviewer before committing it."""
    from sdiagram.lint import lint_file
    from sdiagram.lint.rules import BY_NAME

    text = path.read_text(encoding="utf-8")
    kept = []
    for line in text.splitlines(keepends=True):
        if line.startswith("# expect: ") and LINE.match(line.rstrip("\n")):
            continue
        kept.append("# message: " + line[len("# expect: "):] if line.startswith("# expect: ") else line)
    body = "".join(kept)
    path.write_text(body, encoding="utf-8")
    rule = BY_NAME.get(path.parent.name)
    findings = [f for f in lint_file(str(path), discover=False).findings
                if f.suppressed is None and (rule is None or f.code == rule.code)]
    items = sorted(zip(findings, map(lambda f: next(iter(reported([f]))), findings)),
                   key=lambda pair: (pair[1].line, pair[1].column, pair[1].rule))
    lines = []
    for finding, item in items:
        severity = "" if rule is None or finding.severity == rule.severity else f" {finding.severity.value}"
        lines.append(f"# expect: {item.line + len(items)}:{item.column} {item.rule} {item.subject}{severity}\n")
    return "".join(lines) + body


if __name__ == "__main__":
    import sys

    if not sys.argv[1:]:
        print("usage: python tests/lint/expectations.py FIXTURE.yaml...   (rewrites each with pinned # expect: lines)")
        raise SystemExit(2)
    for name in sys.argv[1:]:
        target = Path(name)
        target.write_text(pin(target), encoding="utf-8")
        print(f"{name}: pinned")
