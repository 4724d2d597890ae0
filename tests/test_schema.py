"""`sdiagram schema`, the shipped schema file and docs/blueprint.md agree with the field tables,
and the schema agrees with the compiler on valid blueprints and on the mistakes it can express."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
import yaml

from conftest import BLUEPRINTS, REPO, run_cli
from sdiagram import BlueprintError, load
from sdiagram.compiler.reference import reference_page
from sdiagram.compiler.schema import blueprint_schema, schema_text

SCHEMA_FILE = REPO / "sdiagram" / "blueprint.schema.json"
FORMAT_FIXTURES = REPO / "tests" / "fixtures" / "format"
LINT_FIXTURES = REPO / "tests" / "lint" / "fixtures"
VALIDATOR = jsonschema.Draft202012Validator(blueprint_schema(), format_checker=jsonschema.FormatChecker())


def schema_errors(path: Path) -> list[str]:
    document = yaml.load(path.read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in VALIDATOR.iter_errors(document)]


def compiler_errors(path: Path) -> list[str]:
    try:
        load(path)
    except BlueprintError as error:
        return [d.message for d in error.diagnostics]
    return []


def test_the_schema_is_valid_draft_2020_12():
    jsonschema.Draft202012Validator.check_schema(blueprint_schema())
    assert blueprint_schema()["$schema"] == "https://json-schema.org/draft/2020-12/schema"


def test_shipped_schema_and_reference_page_are_fresh():
    assert SCHEMA_FILE.read_text(encoding="utf-8") == schema_text(), "stale: run `make docs`"
    assert (REPO / "docs" / "blueprint.md").read_text(encoding="utf-8") == reference_page(), "stale: run `make docs`"


def test_schema_command_prints_the_shipped_file():
    result = run_cli("schema")
    assert result.exit_code == 0
    assert result.output == SCHEMA_FILE.read_text(encoding="utf-8")
    assert json.loads(result.output)["properties"]["components"]["additionalProperties"]["required"] == ["kind"]


def test_readme_shows_the_language_server_line():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert f"# yaml-language-server: $schema={blueprint_schema()['$id']}" in readme


# (the fire_ fixtures of invalid-lint-config compile, but lint refuses their settings)
VALID = sorted(BLUEPRINTS.glob("*.yaml")) + sorted(FORMAT_FIXTURES.glob("valid_*.yaml")) + sorted(
    p for p in LINT_FIXTURES.glob("*/*.yaml")
    if not compiler_errors(p) and not (p.parent.name == "invalid-lint-config" and p.name.startswith("fire_"))
)


@pytest.mark.parametrize("path", VALID, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_valid_blueprint_and_fixture_passes_the_schema(path):
    assert not compiler_errors(path)
    assert schema_errors(path) == []


INVALID = sorted(FORMAT_FIXTURES.glob("invalid_*.yaml")) + sorted(
    p for p in LINT_FIXTURES.glob("*/*.yaml") if compiler_errors(p) and "yaml_syntax" not in p.name
)
# lint fixtures that the compiler refuses, and whether the schema can tell
LINT_FIXTURE_SCHEMA = {
    "fire_several_problems.yaml": "rejects",  # a suppression without a reason (and an unknown endpoint)
    "fire_unknown_kind.yaml": "rejects",
}


def _expectation(path: Path) -> tuple[str | None, str]:
    header = dict(
        line[2:].split(": ", 1) for line in path.read_text(encoding="utf-8").splitlines() if line.startswith("# ")
    )
    schema = header.get("schema", LINT_FIXTURE_SCHEMA.get(path.name, "")).split()[0]
    return header.get("compiler"), schema


@pytest.mark.parametrize("path", INVALID, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_schema_and_compiler_agree_on_invalid_fixtures(path):
    expected_message, schema_verdict = _expectation(path)
    found = compiler_errors(path)
    assert found, "the compiler accepts it"
    if expected_message:
        assert any(expected_message in message for message in found), found
    assert schema_verdict in ("rejects", "accepts"), f"{path.name} does not say what the schema does"
    if schema_verdict == "rejects":
        assert schema_errors(path), "the compiler refuses it but the schema accepts it"
    else:
        assert schema_errors(path) == [], "the schema cannot express this mistake: say `accepts`"


def test_schema_knows_the_lint_severities():
    assert schema_errors(LINT_FIXTURES / "invalid-lint-config" / "fire_unknown_select_and_option.yaml") == [
        "lint/rules/SD101/severity: 'eror' is not one of ['error', 'warning', 'info']"
    ]
