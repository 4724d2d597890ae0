"""SARIF 2.1.0 for GitHub code scanning and other SARIF viewers.

- `tool.driver.rules` lists every rule with `shortDescription`,
  `fullDescription`, `help` and `helpUri`;
- levels are `error`, `warning` and `note` (for info);
- locations carry `startLine` / `startColumn` regions, artifact URIs are
  relative to the working directory (`uriBaseId: SRCROOT`) where possible;
- suppressed findings are kept, with `suppressions` (`inSource`, the reason
  as justification; `external` for findings recorded in a `--baseline`);
- `partialFingerprints` carry the finding's stable fingerprint
  (`lint.fingerprint`: rule, component ids and connection, never a line), so
  code scanning tracks a finding across commits that move it.
"""

from __future__ import annotations

import json
import os
import pathlib
from typing import Any, Sequence
from urllib.parse import quote

from ... import __version__
from ..docs import DOCS_URL, help_url
from ..engine import FileResult
from ..findings import Finding, Severity
from ..fingerprint import FINGERPRINT_KEY, fingerprints
from ..rules import ALL_RULES
from . import display_path

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}
BASE_ID = "SRCROOT"


def artifact_location(path: str) -> dict[str, str]:
    shown = display_path(path)
    if os.path.isabs(shown) or shown.startswith("/"):
        return {"uri": pathlib.Path(os.path.abspath(path)).as_uri()}
    return {"uri": quote(shown), "uriBaseId": BASE_ID}


def _rule_descriptor(rule: Any) -> dict[str, Any]:
    sections = rule.sections()
    doc = rule.doc()
    return {
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": rule.summary()},
        "fullDescription": {"text": " ".join(sections.get("What it does", rule.summary()).split())},
        "help": {"text": doc, "markdown": doc},
        "helpUri": help_url(rule),
        "defaultConfiguration": {"level": LEVELS[rule.severity]},
        "properties": {"tags": ["architecture"]},
    }


def _result(finding: Finding, fingerprint: str, index: dict[str, int]) -> dict[str, Any]:
    physical: dict[str, Any] = {"artifactLocation": artifact_location(finding.path)}
    if finding.span is not None:
        physical["region"] = {"startLine": finding.line, "startColumn": finding.column}
    location: dict[str, Any] = {"physicalLocation": physical}
    if finding.components:
        location["logicalLocations"] = [{"name": finding.components[0], "kind": "object"}]
    text = finding.message + (f" Fix: {finding.fix}." if finding.fix else "")
    result: dict[str, Any] = {
        "ruleId": finding.code,
        "ruleIndex": index[finding.code],
        "level": LEVELS[finding.severity],
        "message": {"text": text},
        "locations": [location],
        "partialFingerprints": {FINGERPRINT_KEY: fingerprint},
        "properties": {"rule": finding.rule, "components": list(finding.components)},
    }
    if finding.suppressed is not None:
        suppression: dict[str, Any] = {
            "kind": "inSource",
            "status": "accepted",
            "justification": finding.suppressed.reason,
        }
        span = finding.suppressed.span
        if span is None:  # recorded in a baseline file
            suppression["kind"] = "external"
        else:
            suppression["location"] = {
                "physicalLocation": {
                    "artifactLocation": artifact_location(span.path or finding.path),
                    "region": {"startLine": span.line, "startColumn": span.column},
                }
            }
        result["suppressions"] = [suppression]
    return result


def render(results: Sequence[FileResult]) -> str:
    index = {rule.code: i for i, rule in enumerate(ALL_RULES)}
    root = pathlib.Path(os.getcwd()).as_uri().rstrip("/") + "/"
    run = {
        "tool": {
            "driver": {
                "name": "sdiagram",
                "version": __version__,
                "semanticVersion": __version__,
                "informationUri": DOCS_URL,
                "rules": [_rule_descriptor(rule) for rule in ALL_RULES],
            }
        },
        "originalUriBaseIds": {BASE_ID: {"uri": root}},
        "columnKind": "unicodeCodePoints",
        "results": [_result(f, fingerprint, index) for result in results
                    for f, fingerprint in zip(result.findings, fingerprints(result.findings))],
    }
    document = {"$schema": SCHEMA_URI, "version": "2.1.0", "runs": [run]}
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
