"""Where settings come from and which wins: project config < blueprint < command line."""

from __future__ import annotations

from pathlib import Path

import pytest

from lint_helpers import codes, lint_text
from sdiagram.lint import ConfigError, Severity, command_line_layer, find_project_config, lint_file, load_project_config
from sdiagram.lint.config import layer_from_mapping

# orphan (SD401, warning) + shared database (SD403, info) + missing cache (SD301)
BLUEPRINT = """
traffic: {read_write_ratio: "20:1"}
components:
  orders:  {kind: service, replicas: 2}
  billing: {kind: service, replicas: 2}
  db:      {kind: database, tech: aurora}
  legacy:  {kind: service}
connections:
  - orders -> db
  - billing -> db
"""


def test_defaults_run_every_rule() -> None:
    assert set(codes(lint_text(BLUEPRINT))) == {"SD301", "SD401", "SD403"}


def test_blueprint_select_and_severity() -> None:
    text = BLUEPRINT + "lint:\n  select: [SD4]\n  rules:\n    shared-database: {severity: error}\n"
    findings = lint_text(text)
    assert set(codes(findings)) == {"SD401", "SD403"}
    assert {f.code: f.severity for f in findings}["SD403"] is Severity.ERROR


def test_project_select_is_replaced_by_blueprint_select() -> None:
    project = layer_from_mapping({"select": ["orphan-component"]}, "project")
    assert set(codes(lint_text(BLUEPRINT, project))) == {"SD401"}
    text = BLUEPRINT + "lint:\n  select: [shared-database]\n"
    assert set(codes(lint_text(text, project))) == {"SD403"}


def test_command_line_select_wins_and_ignore_removes() -> None:
    project = layer_from_mapping({"ignore": ["SD401"]}, "project")
    text = BLUEPRINT + "lint:\n  select: [shared-database]\n"
    flags = command_line_layer(select=["SD401,SD403"])
    assert set(codes(lint_text(text, project, flags))) == {"SD401", "SD403"}
    flags = command_line_layer(select=["SD4"], ignore=["shared-database"])
    assert set(codes(lint_text(text, project, flags))) == {"SD401"}
    assert set(codes(lint_text(BLUEPRINT, project))) == {"SD301", "SD403"}


def test_blueprint_options_override_project_options_key_by_key() -> None:
    project = layer_from_mapping(
        {"rules": {"shared-database": {"min_writers": 3, "severity": "warning"}}}, "project"
    )
    findings = lint_text(BLUEPRINT, project)
    assert "SD403" not in codes(findings)
    text = BLUEPRINT + "lint:\n  rules:\n    SD403: {min_writers: 2}\n"
    findings = lint_text(text, project)
    shared = [f for f in findings if f.code == "SD403"]
    assert len(shared) == 1 and shared[0].severity is Severity.WARNING  # severity still from the project


def test_invalid_entries_in_project_config_raise_with_did_you_mean() -> None:
    with pytest.raises(ConfigError) as error:
        layer_from_mapping(
            {"selet": ["SD1"], "ignore": ["orphan-componnt"], "fail-on": "sometimes",
             "rules": {"deep-sync-chain": {"max_services": "four"}, "nope": {}}},
            "pyproject.toml",
        )
    message = str(error.value)
    assert "unknown key 'selet' in lint settings (did you mean 'select'?)" in message
    assert "did you mean 'orphan-component'?" in message
    assert "fail-on must be one of error, warning, info, never" in message
    assert "max_services must be a whole number" in message
    assert "unknown rule 'nope'" in message


def test_command_line_unknown_rule() -> None:
    with pytest.raises(ConfigError, match="did you mean 'missing-cache'"):
        command_line_layer(select=["missing-cach"])


def test_pyproject_found_upward(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "x"\n\n[tool.sdiagram.lint]\nselect = ["SD401"]\nfail-on = "warning"\n'
        '[tool.sdiagram.lint.rules.orphan-component]\nseverity = "info"\n',
        encoding="utf-8",
    )
    nested = tmp_path / "docs" / "designs"
    nested.mkdir(parents=True)
    blueprint = nested / "bp.yaml"
    blueprint.write_text(BLUEPRINT, encoding="utf-8")
    assert find_project_config(str(nested)) == str(tmp_path / "pyproject.toml")
    result = lint_file(str(blueprint))
    assert [(f.code, f.severity) for f in result.findings] == [("SD401", Severity.INFO)]
    assert result.fail_on is Severity.WARNING
    assert not result.failed  # the only finding is info now


def test_pyproject_without_sdiagram_table_is_skipped(tmp_path: Path) -> None:
    (tmp_path / ".sdiagram.yaml").write_text("lint:\n  select: [SD403]\n", encoding="utf-8")
    inner = tmp_path / "service"
    inner.mkdir()
    (inner / "pyproject.toml").write_text('[project]\nname = "x"\n[tool.ruff]\nline-length = 100\n', encoding="utf-8")
    (inner / "bp.yaml").write_text(BLUEPRINT, encoding="utf-8")
    assert find_project_config(str(inner)) == str(tmp_path / ".sdiagram.yaml")
    assert codes(lint_file(str(inner / "bp.yaml")).findings) == ["SD403"]


def test_sdiagram_yaml_problems_have_positions(tmp_path: Path) -> None:
    config = tmp_path / ".sdiagram.yaml"
    config.write_text("lint:\n  select: [SD401\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"\.sdiagram\.yaml:\d+:\d+"):
        load_project_config(str(config))
    other = tmp_path / "other.yaml"
    other.write_text("lint:\n  rules:\n    sync-cycle: {severity: loud}\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="severity must be one of"):
        load_project_config(str(other))


def test_broken_pyproject_is_a_config_error(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool.sdiagram.lint\nselect = 1\n", encoding="utf-8")
    (tmp_path / "bp.yaml").write_text(BLUEPRINT, encoding="utf-8")
    with pytest.raises(ConfigError, match="cannot read"):
        lint_file(str(tmp_path / "bp.yaml"))


def test_fail_on_never_and_command_line_precedence(tmp_path: Path) -> None:
    (tmp_path / ".sdiagram.yaml").write_text("lint:\n  fail-on: never\n", encoding="utf-8")
    (tmp_path / "ok.yaml").write_text(BLUEPRINT, encoding="utf-8")
    result = lint_file(str(tmp_path / "ok.yaml"))
    assert result.fail_on is None and not result.failed
    flags = command_line_layer(fail_on="warning")
    result = lint_file(str(tmp_path / "ok.yaml"), flags)
    assert result.fail_on is Severity.WARNING and result.failed


def test_a_configured_severity_moves_demoted_findings_too() -> None:
    # 'lb' cuts everything off (the rule's severity); 'fx' is a leaf on the
    # request path (one level lower)
    text = """
components:
  users: {kind: client}
  lb:    {kind: load_balancer, tech: nginx}
  api:   {kind: service, replicas: 2}
  fx:    {kind: service}
connections:
  - users -> lb
  - lb -> api
  - api -> fx: convert
"""
    default = {f.components[0]: f.severity for f in lint_text(text) if f.code == "SD101"}
    assert default == {"lb": Severity.ERROR, "fx": Severity.WARNING}
    lowered = lint_text(text + "lint:\n  rules:\n    single-point-of-failure: {severity: warning}\n")
    assert {f.components[0]: f.severity for f in lowered if f.code == "SD101"} == {
        "lb": Severity.WARNING, "fx": Severity.INFO}
