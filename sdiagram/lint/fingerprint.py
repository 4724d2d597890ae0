"""Stable finding fingerprints: what identifies a finding across edits.

A fingerprint is a hash of the rule code, the component ids and the connection
a finding is about -- never of its line, column or message wording -- so it
survives reordering, reformatting and comment edits, and changes when an id
involved changes. Baselines (`lint --baseline`), SARIF `partialFingerprints` and
`sdiagram diff` (findings introduced / resolved) all use it.

What "the component ids" are depends on the rule (`Rule.identity`):

- "blamed" (most rules): the blamed component (the first of
  `Finding.components`) and the blamed connection. The other components are
  context (the clients a single point of failure cuts off, the writers of a
  shared database) and may change without the finding becoming a new one.
- "members": the set of all components involved (a cycle has no first member).

A finding about neither (a blueprint-wide unused suppression, an invalid
setting) is identified by its message. Findings with the same identity in one
file are told apart by an occurrence number, in message order.
"""

from __future__ import annotations

import hashlib
from typing import Iterable, Mapping, Sequence

from .findings import Finding
from .rules import BY_CODE

FINGERPRINT_KEY = "sdiagramFinding/v2"  # the SARIF partialFingerprints key
_NO_RENAMES: Mapping[str, str] = {}


def identity(finding: Finding, renames: Mapping[str, str] = _NO_RENAMES) -> tuple[str, ...]:
    """What identifies a finding, with ids mapped through `renames` (old id -> new id)."""
    rule = BY_CODE.get(finding.code)
    components = [renames.get(c, c) for c in finding.components]
    connection = tuple(renames.get(end, end) for end in finding.connection) if finding.connection else ()
    if rule is not None and rule.identity == "members":
        subject = ("members", *sorted(set(components)))
    else:
        subject = ("blamed", *components[:1], "connection", *connection)
    if not components and not connection:
        subject = ("message", finding.message)
    return (finding.code, *subject)


def fingerprints(findings: Sequence[Finding], renames: Mapping[str, str] = _NO_RENAMES) -> tuple[str, ...]:
    """One fingerprint per finding (same order), for the findings of one blueprint."""
    keys = [identity(f, renames) for f in findings]
    order = sorted(range(len(findings)), key=lambda i: (keys[i], findings[i].message, findings[i].sort_key))
    seen: dict[tuple[str, ...], int] = {}
    result = [""] * len(findings)
    for index in order:
        occurrence = seen.get(keys[index], 0)
        seen[keys[index]] = occurrence + 1
        result[index] = _hash((*keys[index], str(occurrence)))
    return tuple(result)


def fingerprint_map(findings: Iterable[Finding], renames: Mapping[str, str] = _NO_RENAMES) -> dict[str, Finding]:
    """fingerprint -> finding."""
    items = tuple(findings)
    return dict(zip(fingerprints(items, renames), items))


def _hash(parts: tuple[str, ...]) -> str:
    return hashlib.sha256("\0".join(parts).encode("utf-8")).hexdigest()[:32]
