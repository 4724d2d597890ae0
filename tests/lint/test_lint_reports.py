"""Output formats: SARIF against the official schema, the JSON shape, GitHub commands, text."""

from __future__ import annotations

import json
import os
from pathlib import Path

import jsonschema
import pytest

from lint_helpers import FIXTURES, REPO
from sdiagram.diagnostics import Span
from sdiagram.lint import Finding, Severity, Suppressed, lint_file
from sdiagram.lint.engine import FileResult
from sdiagram.lint.report import display_path, github, sarif, text
from sdiagram.lint.report import json as json_report
from sdiagram.lint.rules import ALL_RULES

SCHEMA_PATH = Path("/work/shared/schemas/sarif-schema-2.1.0.json")
if not SCHEMA_PATH.exists():  # pragma: no cover - outside the shared workspace
    SCHEMA_PATH = REPO / "tests" / "lint" / "sarif-schema-2.1.0.json"


def results() -> list[FileResult]:
    paths = [
        FIXTURES / "single-point-of-failure" / "fire_single_load_balancer.yaml",
        FIXTURES / "invalid-blueprint" / "fire_unknown_kind.yaml",
        FIXTURES / "unused-suppression" / "quiet_used_suppressions.yaml",
        FIXTURES / "shared-database" / "fire_two_writers.yaml",
    ]
    found = [lint_file(os.path.relpath(p), discover=False) for p in paths]
    # a problem without a position (an unreadable file)
    found.append(FileResult("missing.yaml", (Finding("SD000", "invalid-blueprint", Severity.ERROR,
                                                     "cannot read file", "missing.yaml", None),)))
    return found


@pytest.fixture(scope="module")
def sarif_document() -> dict:
    return json.loads(sarif.render(results()))


def test_sarif_validates_against_the_schema(sarif_document: dict) -> None:
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    jsonschema.Draft4Validator.check_schema(schema)
    errors = sorted(jsonschema.Draft4Validator(schema).iter_errors(sarif_document), key=str)
    assert not errors, errors[:3]


def test_sarif_rules_levels_regions_and_suppressions(sarif_document: dict) -> None:
    run = sarif_document["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == [r.code for r in ALL_RULES]
    for rule in rules:
        assert rule["helpUri"].startswith("https://")
        assert rule["shortDescription"]["text"] and rule["fullDescription"]["text"]
    levels = {r["ruleId"]: r["level"] for r in run["results"]}
    assert levels["SD101"] == "error" and levels["SD301"] == "warning" and levels["SD403"] == "note"
    for result in run["results"]:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
        location = result["locations"][0]["physicalLocation"]
        if result["message"]["text"].startswith("cannot read file"):
            assert "region" not in location
            continue
        assert location["region"]["startLine"] >= 1 and location["region"]["startColumn"] >= 1
        assert location["artifactLocation"]["uriBaseId"] == "SRCROOT"
        assert not location["artifactLocation"]["uri"].startswith(("/", "file:"))
    suppressed = [r for r in run["results"] if "suppressions" in r]
    assert len(suppressed) == 2
    assert {s["suppressions"][0]["justification"] for s in suppressed} == {
        "reads are rare admin lookups", "cold standby restored from backup"}
    assert run["originalUriBaseIds"]["SRCROOT"]["uri"].endswith("/")


def test_sarif_uri_outside_the_working_directory_is_absolute(tmp_path: Path, monkeypatch) -> None:
    blueprint = tmp_path / "my designs" / "bp.yaml"
    blueprint.parent.mkdir()
    blueprint.write_text("components:\n  a: {kind: service}\n", encoding="utf-8")
    monkeypatch.chdir(REPO)
    location = sarif.artifact_location(str(blueprint))
    assert location["uri"].startswith("file:///") and "my%20designs" in location["uri"]


def test_json_shape() -> None:
    document = json.loads(json_report.render(results()))
    assert document["version"] == 1
    assert document["tool"]["name"] == "sdiagram"
    assert document["summary"] == {"files": 5, "errors": 3, "warnings": 1, "info": 1, "suppressed": 2, "baselined": 0,
                                   "invalid_files": 2, "exit_code": 2}
    finding = next(f for f in document["findings"] if f["code"] == "SD101")
    assert set(finding) == {"code", "fingerprint", "rule", "severity", "message", "path", "line", "column", "components",
                            "connection", "fix", "help", "suppressed"}
    assert finding["components"][:1] == ["lb"] and finding["line"] == 6 and finding["column"] == 3
    mc = next(f for f in document["findings"] if f["code"] == "SD301")
    assert mc["connection"] == {"source": "api", "target": "db"}
    suppressed = [f for f in document["findings"] if f["suppressed"]]
    assert {f["suppressed"]["scope"] for f in suppressed} == {"component", "blueprint"}
    unplaced = next(f for f in document["findings"] if f["path"] == "missing.yaml")
    assert unplaced["line"] is None and unplaced["column"] is None


def test_github_commands_escape_and_skip_suppressed() -> None:
    finding = Finding("SD101", "single-point-of-failure", Severity.WARNING, "50% of it,\nbroken", "a,b:c.yaml",
                      Span("a,b:c.yaml", 3, 4), fix="do x")
    hidden = Finding("SD403", "shared-database", Severity.INFO, "hidden", "a.yaml", Span("a.yaml", 1, 1),
                     suppressed=Suppressed("why", Span("a.yaml", 1, 1), "blueprint"))
    info = Finding("SD403", "shared-database", Severity.INFO, "shared", "a.yaml", Span("a.yaml", 2, 1))
    output = github.render([FileResult("a.yaml", (finding, hidden, info))]).splitlines()
    assert output[0] == ("::warning file=a%2Cb%3Ac.yaml,line=3,col=4,title=SD101 single-point-of-failure::"
                         "50%25 of it,\\nbroken%0Afix: do x")  # a user's newline stays on its line
    assert output[1].startswith("::notice file=a.yaml,line=2,col=1,title=SD403 shared-database::shared")
    assert len(output) == 3 and output[2].startswith("Found 1 warning and 1 info")


def test_text_colour_and_suppressed() -> None:
    found = results()
    plain = text.render(found)
    assert "\x1b[" not in plain and "[suppressed:" not in plain
    assert plain.splitlines()[-1] == "Found 3 errors, 1 warning and 1 info in 5 blueprints (2 suppressed); 2 invalid."
    coloured = text.render(found, colour=True, show_suppressed=True)
    assert "\x1b[31m" in coloured and "[suppressed: reads are rare admin lookups]" in coloured


def test_output_is_deterministic() -> None:
    assert sarif.render(results()) == sarif.render(results())
    assert json_report.render(results()) == json_report.render(results())


def test_display_path(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "d").mkdir()
    assert display_path(str(tmp_path / "d" / "x.yaml")) == "d/x.yaml"
    assert display_path("/elsewhere/x.yaml") == "/elsewhere/x.yaml"
