"""The GitHub Action (action.yml) and the workflow in docs/: schema-valid, and the
diff mode's script run for real in a temporary repository with a base branch, a
pull-request head and a fake `gh`."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from conftest import REPO, git, init_repository

WORKFLOW = REPO / "docs" / "workflows" / "architecture-review.yml"
SCRIPT = REPO / "action" / "diff.sh"
EDITS = REPO / "tests" / "diff" / "edits"
BIN = Path(sys.executable).parent  # where `sdiagram` is installed

needs_git = pytest.mark.skipif(shutil.which("git") is None or shutil.which("bash") is None,
                               reason="git and bash are needed")


def check_jsonschema(schema: str, path: Path) -> subprocess.CompletedProcess:
    pytest.importorskip("check_jsonschema", reason="check-jsonschema is a test extra")
    # builtin schemas ship inside the package: no network is needed
    return subprocess.run([sys.executable, "-m", "check_jsonschema", "--no-cache", "--builtin-schema", schema,
                           str(path)], capture_output=True, text=True, timeout=120)


def test_action_matches_the_github_actions_schema() -> None:
    result = check_jsonschema("vendor.github-actions", REPO / "action.yml")
    assert result.returncode == 0, result.stdout + result.stderr


def test_workflow_matches_the_github_workflows_schema(tmp_path: Path) -> None:
    result = check_jsonschema("vendor.github-workflows", WORKFLOW)
    assert result.returncode == 0, result.stdout + result.stderr
    broken = tmp_path / "broken.yml"
    broken.write_text(WORKFLOW.read_text().replace("runs-on: ubuntu-latest", "runs_on: ubuntu-latest"))
    assert check_jsonschema("vendor.github-workflows", broken).returncode != 0  # the check can fail


def test_workflow_uses_the_diff_mode_with_the_permissions_it_needs() -> None:
    workflow = yaml.safe_load(WORKFLOW.read_text())
    diff_job = workflow["jobs"]["diff"]
    assert diff_job["permissions"] == {"contents": "read", "pull-requests": "write"}
    checkout, action = diff_job["steps"]
    assert checkout["with"]["fetch-depth"] == 0
    assert action["with"]["mode"] == "diff" and action["with"]["comment"] is True
    assert workflow["jobs"]["lint"]["permissions"]["security-events"] == "write"


def test_the_action_runs_the_tested_script() -> None:
    action = yaml.safe_load((REPO / "action.yml").read_text())
    step = next(s for s in action["runs"]["steps"] if s.get("id") == "diff")
    assert step["run"] == 'bash "$GITHUB_ACTION_PATH/action/diff.sh"'
    assert step["if"] == "${{ inputs.mode == 'diff' }}"
    assert set(step["env"]) >= {"SDIAGRAM_BASE", "DIFF_PATHS", "RENAMES", "DIFF_FILE", "COMMENT", "PR_NUMBER", "GH_TOKEN"}
    lint = next(s for s in action["runs"]["steps"] if s.get("id") == "lint")
    assert lint["if"] == "${{ inputs.mode == 'lint' }}"


# -- the diff mode, simulated -------------------------------------------------------------

FAKE_GH = """#!/usr/bin/env bash
# records every call; `gh api --paginate` answers with $FAKE_EXISTING (a comment id) or nothing
echo "$*" >> "$FAKE_LOG/calls"
for arg in "$@"; do
  case "$arg" in body=@*) cp "${arg#body=@}" "$FAKE_LOG/body.md" ;; esac
done
if [ "$2" = "--paginate" ]; then [ -n "${FAKE_EXISTING:-}" ] && echo "$FAKE_EXISTING"; fi
exit "${FAKE_STATUS:-0}"
"""


@pytest.fixture
def pull_request(tmp_path: Path) -> Path:
    """A clone of `origin` checked out on a pull-request branch; origin/main is not fetched yet
    (as after actions/checkout)."""
    origin, work = tmp_path / "origin.git", tmp_path / "work"
    seed = init_repository(tmp_path / "seed", ("chat.yaml",))
    shutil.copy(EDITS / "url-shortener-rate-limiter.before.yaml", seed / "blueprints" / "url-shortener.yaml")
    git(seed, "add", "-A")
    git(seed, "commit", "-qm", "base: the url shortener")
    git(seed, "checkout", "-qb", "rate-limiter")
    shutil.copy(EDITS / "url-shortener-rate-limiter.after.yaml", seed / "blueprints" / "url-shortener.yaml")
    git(seed, "commit", "-qam", "head: a rate limiter")
    git(tmp_path, "clone", "-q", "--bare", str(seed), str(origin))
    git(tmp_path, "clone", "-q", "-b", "rate-limiter", str(origin), str(work))
    git(work, "update-ref", "-d", "refs/remotes/origin/main")
    fake = tmp_path / "fakebin"
    fake.mkdir()
    (fake / "gh").write_text(FAKE_GH)
    (fake / "gh").chmod(stat.S_IRWXU)
    (tmp_path / "log").mkdir()
    return work


def run_action(work: Path, **env: str) -> tuple[subprocess.CompletedProcess, str, str]:
    tmp = work.parent
    summary, outputs = tmp / "summary.md", tmp / "outputs.txt"
    summary.write_text(""), outputs.write_text("")
    environment = {
        "PATH": f"{tmp / 'fakebin'}{os.pathsep}{BIN}{os.pathsep}{os.environ['PATH']}",
        "HOME": str(tmp), "GITHUB_BASE_REF": "main", "GITHUB_REPOSITORY": "acme/shop",
        "GITHUB_STEP_SUMMARY": str(summary), "GITHUB_OUTPUT": str(outputs), "GITHUB_RUN_ID": "42",
        "DIFF_PATHS": "blueprints/", "RENAMES": "true", "DIFF_FILE": "sdiagram-diff.md",
        "COMMENT": "true", "PR_NUMBER": "7", "GH_TOKEN": "fake", "FAKE_LOG": str(tmp / "log"),
        **env,
    }
    done = subprocess.run(["bash", str(SCRIPT)], cwd=work, env=environment, capture_output=True, text=True,
                          timeout=300)
    return done, summary.read_text(), outputs.read_text()


@needs_git
def test_diff_mode_writes_the_summary_and_posts_then_updates_one_comment(pull_request: Path) -> None:
    done, summary, outputs = run_action(pull_request)
    assert done.returncode == 0, done.stdout + done.stderr
    report = (pull_request / "sdiagram-diff.md").read_text()
    assert summary == report
    assert report.startswith("<!-- sdiagram-diff -->\n### Architecture diff: 1 blueprint changed")
    assert "| 🟦 renamed | component `db` → `url_store` |" in report
    assert "**Findings introduced (1)**" in report and "'limiter'" in report
    assert "changed=true" in outputs and "diff-file=sdiagram-diff.md" in outputs
    log = pull_request.parent / "log"
    calls = (log / "calls").read_text().splitlines()
    assert calls[0].startswith("api --paginate repos/acme/shop/issues/7/comments --jq")
    assert calls[1] == "api --method POST repos/acme/shop/issues/7/comments -F body=@sdiagram-diff.md"
    assert (log / "body.md").read_text() == report

    (log / "calls").unlink()
    done, _, _ = run_action(pull_request, FAKE_EXISTING="1234")
    assert done.returncode == 0 and "updated comment 1234" in done.stdout
    assert (log / "calls").read_text().splitlines()[1] == (
        "api --method PATCH repos/acme/shop/issues/comments/1234 -F body=@sdiagram-diff.md")


@needs_git
def test_diff_mode_without_changes_and_with_a_failing_comment(pull_request: Path) -> None:
    done, summary, outputs = run_action(pull_request, DIFF_PATHS="blueprints/chat.yaml")
    assert done.returncode == 0, done.stderr
    assert "### Architecture diff: no blueprint changed" in summary and "changed=false" in outputs
    assert "POST" not in (pull_request.parent / "log" / "calls").read_text()  # nothing to say: no new comment
    done, _, _ = run_action(pull_request, FAKE_STATUS="1")  # a fork's read-only token
    assert done.returncode == 0 and "::warning::could not read the pull request's comments" in done.stdout


@needs_git
def test_diff_mode_fails_on_an_invalid_blueprint(pull_request: Path) -> None:
    (pull_request / "blueprints" / "chat.yaml").write_text("sdiagram: 1\ncomponents: {a: {kind: nope}}\n")
    git(pull_request, "commit", "-qam", "break")
    done, summary, _ = run_action(pull_request)
    assert done.returncode == 2
    assert "blueprints/chat.yaml:2:" in done.stderr and "::error::sdiagram diff failed" in done.stdout
    assert summary == ""


@needs_git
def test_diff_mode_needs_a_base(pull_request: Path) -> None:
    done, _, _ = run_action(pull_request, GITHUB_BASE_REF="")
    assert done.returncode == 2 and "needs a pull_request event" in done.stdout
