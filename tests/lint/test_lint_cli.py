"""`sdiagram lint`, `rules` and `explain` through the command line (in-process)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from lint_helpers import BLUEPRINTS, FIXTURES, invoke

SPOF = FIXTURES / "single-point-of-failure" / "fire_single_load_balancer.yaml"
QUIET = FIXTURES / "static-content-without-cdn" / "quiet_behind_cdn.yaml"
WARN_ONLY = FIXTURES / "orphan-component" / "fire_unconnected.yaml"
INVALID = FIXTURES / "invalid-blueprint" / "fire_unknown_kind.yaml"
BAD_CONFIG = FIXTURES / "invalid-lint-config" / "fire_unknown_select_and_option.yaml"


def test_bundled_blueprints_have_no_errors_or_warnings() -> None:
    result = invoke("lint", "--isolated", "--fail-on", "warning", str(BLUEPRINTS))
    assert result.exit_code == 0, result.output
    assert result.output.startswith("No problems in")


def test_exit_0_on_clean_blueprint() -> None:
    result = invoke("lint", "--isolated", str(QUIET))
    assert result.exit_code == 0
    assert result.output == "No problems in 1 blueprint.\n"


def test_exit_1_on_error_and_text_format() -> None:
    result = invoke("lint", "--isolated", str(SPOF))
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert lines[0].endswith(
        "fire_single_load_balancer.yaml:6:3: error SD101 single-point-of-failure: 'lb' (load_balancer, replicas: 1, "
        "not managed) is a single point of failure: its failure cuts 'users' off from 2 components ('api' and 'db')"
    )
    assert lines[1].startswith("    fix: run it with `replicas: 2`")
    assert lines[-1] == "Found 1 error and 1 warning in 1 blueprint."
    assert "\x1b[" not in result.output  # no colour when not a terminal


def test_fail_on_thresholds() -> None:
    assert invoke("lint", "--isolated", str(WARN_ONLY)).exit_code == 0
    assert invoke("lint", "--isolated", "--fail-on", "warning", str(WARN_ONLY)).exit_code == 1
    assert invoke("lint", "--isolated", "--fail-on", "WARNING", str(WARN_ONLY)).exit_code == 1
    assert invoke("lint", "--isolated", "--fail-on", "never", str(SPOF)).exit_code == 0


def test_exit_2_on_invalid_blueprint_in_every_format() -> None:
    for output_format in ("text", "json", "sarif", "github"):
        result = invoke("lint", "--isolated", "--format", output_format, str(INVALID), str(QUIET))
        assert result.exit_code == 2, output_format
        assert "unknown kind 'servce'" in result.output, output_format
        assert "Traceback" not in result.output


def test_exit_2_on_invalid_lint_settings_in_blueprint() -> None:
    result = invoke("lint", "--isolated", str(BAD_CONFIG))
    assert result.exit_code == 2
    assert "SD001 invalid-lint-config" in result.output


@pytest.mark.parametrize(
    "args, message",
    [
        (("lint", "--select", "SD999", "x.yaml"), None),
        (("lint", "--isolated", "--select", "orphan-componnt", str(QUIET)), "did you mean 'orphan-component'"),
        (("lint", "--isolated", "--ignore", "nope", str(QUIET)), "unknown rule 'nope'"),
        (("lint", "--isolated", "--format", "xml", str(QUIET)), "Invalid value for '--format'"),
        (("lint", "--isolated", "--fail-on", "sometimes", str(QUIET)), "Invalid value for '--fail-on'"),
        (("lint", "--isolated", "does/not/exist.yaml"), "'does/not/exist.yaml' does not exist"),
        (("lint",), "Missing argument"),
        (("explain", "sync-cycles"), "did you mean 'sync-cycle'"),
    ],
)
def test_usage_errors_exit_2(args: tuple[str, ...], message: str | None) -> None:
    result = invoke(*args)
    assert result.exit_code == 2
    if message:
        assert message in result.output


def test_select_and_ignore_flags() -> None:
    result = invoke("lint", "--isolated", "--format", "json", "--select", "SD1,SD3", "--ignore", "SD301", str(SPOF))
    document = json.loads(result.output)
    assert [f["code"] for f in document["findings"]] == ["SD101"]


def test_github_format_is_default_under_actions() -> None:
    result = invoke("lint", "--isolated", str(SPOF), env={"GITHUB_ACTIONS": "true"})
    assert result.output.startswith("::error file=")
    result = invoke("lint", "--isolated", "--format", "text", str(SPOF), env={"GITHUB_ACTIONS": "true"})
    assert not result.output.startswith("::")


def test_output_file(tmp_path: Path) -> None:
    target = tmp_path / "out.sarif"
    result = invoke("lint", "--isolated", "--format", "sarif", "-o", str(target), str(SPOF))
    assert result.exit_code == 1
    assert json.loads(target.read_text(encoding="utf-8"))["version"] == "2.1.0"
    assert "Found 1 error" in result.output  # the summary goes to stderr (mixed in by CliRunner)


def test_project_config_flag_and_isolated(tmp_path: Path) -> None:
    config = tmp_path / "lint.yaml"
    config.write_text("lint:\n  ignore: [SD101]\n", encoding="utf-8")
    result = invoke("lint", "--config", str(config), "--format", "json", str(SPOF))
    assert [f["code"] for f in json.loads(result.output)["findings"]] == ["SD301"]
    broken = tmp_path / "broken.yaml"
    broken.write_text("lint:\n  ignore: [SD10x]\n", encoding="utf-8")
    result = invoke("lint", "--config", str(broken), str(SPOF))
    assert result.exit_code == 2 and "unknown rule 'SD10x'" in result.output


def test_directory_argument_lints_every_blueprint_in_sorted_order() -> None:
    result = invoke("lint", "--isolated", "--format", "json", str(FIXTURES / "sync-cycle"))
    paths = [f["path"] for f in json.loads(result.output)["findings"]]
    assert paths and paths == sorted(paths)  # files in sorted order, findings grouped by file
    assert json.loads(result.output)["summary"]["files"] == len(list((FIXTURES / "sync-cycle").glob("*.yaml")))


def test_rules_lists_everything() -> None:
    from sdiagram.lint.rules import ALL_RULES

    result = invoke("rules")
    assert result.exit_code == 0
    for rule in ALL_RULES:
        assert f"{rule.code}  {rule.name}" in result.output
    document = json.loads(invoke("rules", "--format", "json").output)
    assert {r["name"] for r in document} == {r.name for r in ALL_RULES}
    assert next(r for r in document if r["code"] == "SD104")["options"] == {"max_services": 4}


@pytest.mark.parametrize("reference", ["SD101", "sd101", "single-point-of-failure"])
def test_explain_by_code_or_name(reference: str) -> None:
    result = invoke("explain", reference)
    assert result.exit_code == 0
    assert result.output.startswith("SD101 single-point-of-failure (default severity: error)")
    for heading in ("What it does", "Why it matters", "Example", "Fix"):
        assert f"\n{heading}\n" in result.output


@pytest.mark.parametrize(
    "content",
    [b"", b"\x00\x01\x02binary", b"- just\n- a list\n", b"components: [" * 3000, b"\xff\xfe not utf-8",
     b"components:\n  a: {kind: service}\nconnections: {a: b}\n", b"lint: 3\ncomponents:\n  a: {kind: client}\n"],
    ids=["empty", "binary", "list", "deep", "encoding", "bad-connections", "bad-lint"],
)
def test_bad_input_exits_2_without_traceback(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "bp.yaml"
    path.write_bytes(content)
    for output_format in ("text", "sarif"):
        result = invoke("lint", "--isolated", "--format", output_format, str(path))
        assert result.exit_code == 2, result.output
        assert "Traceback" not in result.output and "SD000" in result.output


def test_unwritable_output_is_a_usage_error(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    result = invoke("lint", "--isolated", "-o", str(blocker / "out.txt"), str(QUIET))
    assert result.exit_code == 2 and "cannot write" in result.output
    assert blocker.read_text() == "not a folder"


def test_output_folder_is_created(tmp_path: Path) -> None:
    target = tmp_path / "reports" / "lint.txt"
    result = invoke("lint", "--isolated", "-o", str(target), str(QUIET))
    assert result.exit_code == 0 and target.exists()
