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


# -- misplaced tables and unknown keys are errors, with did-you-mean -------------------------


@pytest.mark.parametrize(
    "name, text, message",
    [
        ("pyproject.toml", '[tool.sdiagram]\nselect = ["SD401"]\n',
         "pyproject.toml: unknown key 'select' in [tool.sdiagram]; lint settings go under [tool.sdiagram.lint]"),
        ("pyproject.toml", '[tool.sdiagram.lnt]\nselect = ["SD401"]\n',
         "pyproject.toml: unknown key 'lnt' in [tool.sdiagram] (did you mean 'lint'?)"),
        ("pyproject.toml", '[tool.sdiagram.lint]\nselct = ["SD401"]\n',
         "unknown key 'selct' in lint settings (did you mean 'select'?)"),
        (".sdiagram.yaml", "select: [SD401]\nfail-on: warning\n",
         ".sdiagram.yaml:1:1: unknown key 'select' in this file; lint settings go under a 'lint:' key"),
        (".sdiagram.yaml", "lnit:\n  select: [SD401]\n", ".sdiagram.yaml:1:1: unknown key 'lnit' in this file (did you mean 'lint'?)"),
        (".sdiagram.yaml", "lint:\n  fail_onn: warning\n", "unknown key 'fail_onn' in lint settings (did you mean 'fail-on'?)"),
    ],
)
def test_misplaced_or_unknown_config_keys_are_usage_errors(tmp_path: Path, name: str, text: str, message: str) -> None:
    from conftest import run_cli

    (tmp_path / name).write_text(text, encoding="utf-8")
    (tmp_path / "bp.yaml").write_text(BLUEPRINT, encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        lint_file(str(tmp_path / "bp.yaml"))
    assert message in str(caught.value)
    for args in (["lint", str(tmp_path / "bp.yaml")], ["render", "--lint", "-f", "dot", "-o", str(tmp_path / "out"),
                                                       str(tmp_path / "bp.yaml")]):
        result = run_cli(*args)
        assert result.exit_code == 2 and message in result.output, args
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(
    "text, message",
    [
        ("[tool.sdiagram.lint.rules.deep-sync-chain]\nmax_services = 0x" + "f" * 4000 + "\n",
         "must be a whole number, not an integer of 16,000 bits"),
        ("[tool.sdiagram.lint.rules.deep-sync-chain]\nseverity = 0x" + "f" * 4000 + "\n",
         "severity must be one of error, warning, info, not an integer of 16,000 bits"),
        ("[tool.sdiagram.lint]\nfail-on = 0x" + "f" * 4000 + "\n", "fail-on must be one of"),
        ("[tool.sdiagram.lint.rules.missing-cache]\nmin_read_ratio = 0x" + "f" * 4000 + "\n",
         "must be a number, not an integer of 16,000 bits"),
        ("[tool.sdiagram.lint.rules.missing-cache]\nmin_read_ratio = inf\n", "must be a number, not inf"),
        ("[tool.sdiagram.lint]\nselect = " + "9" * 5000 + "\n", "cannot read"),
        ("[tool.sdiagram.lint]\nselect = " + "[" * 5000 + "]" * 5000 + "\n", "cannot read"),
    ],
)
def test_huge_values_in_project_config_are_errors_not_tracebacks(tmp_path: Path, text: str, message: str) -> None:
    (tmp_path / "pyproject.toml").write_text(text, encoding="utf-8")
    (tmp_path / "bp.yaml").write_text(BLUEPRINT, encoding="utf-8")
    with pytest.raises(ConfigError, match=message):
        lint_file(str(tmp_path / "bp.yaml"))


def test_huge_values_in_blueprint_lint_settings_are_positioned_errors(tmp_path: Path) -> None:
    from conftest import run_cli

    path = tmp_path / "bp.yaml"
    path.write_text(BLUEPRINT + "lint:\n  rules:\n    SD403: {min_writers: 0x" + "f" * 4000 + "}\n", encoding="utf-8")
    result = run_cli("lint", str(path))
    assert result.exit_code == 2
    assert f"{path}:13:26: error SD000 invalid-blueprint: integer '0xfff" in result.output
    assert "is too large (over 4,000 digits)" in result.output
    path.write_text(BLUEPRINT + "lint:\n  rules:\n    SD403: {min_writers: 0x" + "f" * 3000 + "}\n", encoding="utf-8")
    result = run_cli("lint", str(path))  # within what the loader reads: the lint settings bound it
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert f"{path}:13:26: error SD001 invalid-lint-config:" in result.output


def test_render_lint_and_lint_find_the_same_project_config(tmp_path: Path) -> None:
    """One path: the config above the blueprint decides what `render --lint` draws, as it decides `lint`."""
    from conftest import run_cli

    (tmp_path / ".sdiagram.yaml").write_text("lint:\n  select: [SD401]\n", encoding="utf-8")
    nested = tmp_path / "designs"
    nested.mkdir()
    (nested / "bp.yaml").write_text(BLUEPRINT, encoding="utf-8")
    assert "SD401" in run_cli("lint", str(nested / "bp.yaml")).output
    result = run_cli("render", "--lint", "-f", "dot", "-o", str(tmp_path / "out"), str(nested / "bp.yaml"))
    assert result.exit_code == 0, result.output
    dot = (tmp_path / "out" / "bp.dot").read_text()
    assert "SD401" in dot and "SD403" not in dot and "SD301" not in dot
    assert 'penwidth=3' in dot.split('"legacy"', 1)[1].split("\n", 1)[0]  # the orphan is outlined
