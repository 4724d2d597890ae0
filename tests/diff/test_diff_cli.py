"""`sdiagram diff` on the command line: files, REV:PATH, --base, exit codes, errors."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from conftest import BLUEPRINTS, git, init_repository, run_cli

needs_git = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


def make_repo(tmp_path: Path) -> Path:
    """A repository with a base commit (the bundled chat and search designs and a workflow)."""
    repo = init_repository(tmp_path / "repo", ("chat.yaml", "search.yaml"))
    (repo / ".github").mkdir()
    (repo / ".github" / "ci.yml").write_text("on: push\njobs: {}\n")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "a workflow")
    return repo


def test_files_exit_codes(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    old = BLUEPRINTS.parent / "tests" / "diff" / "edits" / "chat-presence-tier.before.yaml"
    new = tmp_path / "chat.yaml"
    new.write_text(old.read_text().replace("replicas: 3, group: realtime}", "replicas: 5, group: realtime}"))
    same = run_cli("diff", "--exit-code", str(old), str(old))
    assert same.exit_code == 0 and "no changes" in same.output
    changed = run_cli("diff", "--exit-code", str(old), str(new))
    assert changed.exit_code == 1 and "~ component chat: replicas: 3 -> 5" in changed.output
    assert run_cli("diff", str(old), str(new)).exit_code == 0  # without --exit-code
    written = run_cli("diff", "--format", "json", "-o", "out/diff.json", str(old), str(new))
    assert written.exit_code == 0
    assert json.loads((tmp_path / "out" / "diff.json").read_text())["summary"]["changed"] == 1


def test_bad_input_is_exit_status_2_without_output_file(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "broken.yaml").write_text("sdiagram: 1\ncomponents: {a: {kind: nope}}\n")
    result = run_cli("diff", "-o", "out.md", "--format", "markdown", str(BLUEPRINTS / "chat.yaml"), "broken.yaml")
    assert result.exit_code == 2
    assert "broken.yaml:2:" in result.stderr and "unknown kind 'nope'" in result.stderr
    assert not (tmp_path / "out.md").exists()
    assert run_cli("diff", "missing.yaml", "broken.yaml").exit_code == 2
    assert run_cli("diff", "only-one.yaml").exit_code == 2


@needs_git
def test_revision_path_arguments(tmp_path: Path, monkeypatch) -> None:
    repo = make_repo(tmp_path)
    chat = repo / "blueprints" / "chat.yaml"
    chat.write_text(chat.read_text().replace("label: FCM / APNS,", "label: Firebase / APNS,"))
    monkeypatch.chdir(repo / "blueprints")
    result = run_cli("diff", "--exit-code", "HEAD:blueprints/chat.yaml", "chat.yaml")
    assert result.exit_code == 1, result.output
    assert '~ component fcm: label: "FCM / APNS" -> "Firebase / APNS"' in result.output
    assert result.output.startswith("chat.yaml (chat)")  # the same file at another revision: one path
    relative = run_cli("diff", "HEAD:./chat.yaml", "chat.yaml")
    assert relative.exit_code == 0 and "fcm" in relative.output
    missing = run_cli("diff", "HEAD:blueprints/nope.yaml", "chat.yaml")
    assert missing.exit_code == 2 and "nope.yaml" in missing.output
    option = run_cli("diff", "--upload-pack=x:chat.yaml", "chat.yaml")
    assert option.exit_code == 2


@needs_git
def test_invalid_old_version_names_the_revision(tmp_path: Path, monkeypatch) -> None:
    repo = make_repo(tmp_path)
    (repo / "blueprints" / "chat.yaml").write_text("sdiagram: 1\ncomponents: {a: {kind: nope}}\n")
    git(repo, "commit", "-qam", "break it")
    monkeypatch.chdir(repo)
    result = run_cli("diff", "HEAD:blueprints/chat.yaml", str(BLUEPRINTS / "chat.yaml"))
    assert result.exit_code == 2 and "HEAD:blueprints/chat.yaml:2:" in result.stderr


@needs_git
def test_base_compares_every_changed_blueprint(tmp_path: Path, monkeypatch) -> None:
    repo = make_repo(tmp_path)
    git(repo, "checkout", "-qb", "feature")
    chat = repo / "blueprints" / "chat.yaml"
    text = chat.read_text()
    assert "replicas: 20, capacity: 10k, group: realtime}" in text  # the chat server of the bundled design
    chat.write_text(text.replace("replicas: 20, capacity: 10k, group: realtime}", "replicas: 24, capacity: 10k, group: realtime}"))
    (repo / "blueprints" / "search.yaml").unlink()
    shutil.copy(BLUEPRINTS / "url-shortener.yaml", repo / "blueprints" / "url-shortener.yaml")
    (repo / ".github" / "ci.yml").write_text("on: [push, pull_request]\njobs: {}\n")  # not a blueprint
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "head")
    git(repo, "checkout", "-q", "main")
    (repo / "README").write_text("main moved on\n")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "unrelated")
    git(repo, "checkout", "-q", "feature")
    monkeypatch.chdir(repo)
    result = run_cli("diff", "--base", "main", "--format", "json", "--exit-code")
    assert result.exit_code == 1, result.output
    document = json.loads(result.stdout)
    assert [(b["name"], b["status"]) for b in document["blueprints"]] == [
        ("chat", "changed"), ("search", "removed"), ("url-shortener", "added")]
    assert document["blueprints"][0]["old"] == document["blueprints"][0]["new"] == "blueprints/chat.yaml"
    shutil.copy(BLUEPRINTS / "notification.yaml", repo / "blueprints" / "notification.yaml")  # untracked
    names = [b["name"] for b in json.loads(run_cli("diff", "--base", "main", "--format", "json").stdout)["blueprints"]]
    assert names == ["chat", "search", "url-shortener", "notification"]
    limited = run_cli("diff", "--base", "main", "blueprints/chat.yaml")
    assert "search" not in limited.output and "replicas: 20 -> 24" in limited.output
    assert run_cli("diff", "--base", "no-such-ref").exit_code == 2
