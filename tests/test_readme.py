"""The README does not lie: its example blueprint is valid and CI runs its test command."""

from __future__ import annotations

import re

import sdiagram

from conftest import REPO


def test_readme_example_blueprint_is_valid(tmp_path):
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    example = re.search(r"```yaml\n(sdiagram: 1.*?)```", readme, re.S).group(1)
    path = tmp_path / "chat.yaml"
    path.write_text(example, encoding="utf-8")
    blueprint = sdiagram.load(path)
    assert blueprint.name == "chat" and len(blueprint.components) == 6


def test_ci_runs_the_readme_test_command():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    quick_start = readme.split("## Quick start", 1)[1].split("##", 1)[0]
    commands = re.findall(r"^(make \w+)", quick_start, re.M)
    assert commands == ["make demo", "make test"]
    assert "make test" in (REPO / ".ci" / "run").read_text()


def test_the_version_is_written_once_and_docs_pin_its_tag():
    from importlib import metadata

    pyproject = (REPO / "pyproject.toml").read_text(encoding="utf-8")
    assert 'dynamic = ["version"]' in pyproject and not re.search(r"^version\s*=\s*\"", pyproject, re.M)
    assert metadata.version("sdiagram") == sdiagram.__version__
    tag = f"v{sdiagram.__version__}"
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    lint_doc = (REPO / "docs" / "lint.md").read_text(encoding="utf-8")
    assert f"git+https://github.com/sdiagram/sdiagram@{tag}" in readme and "pipx install" in readme
    assert f"rev: {tag}" in lint_doc and f"uses: sdiagram/sdiagram@{tag}" in lint_doc
    assert f"## [{sdiagram.__version__}]" in (REPO / "CHANGELOG.md").read_text(encoding="utf-8")


def test_the_license_is_the_one_pyproject_names():
    assert 'license = {text = "MIT"}' in (REPO / "pyproject.toml").read_text(encoding="utf-8")
    assert (REPO / "LICENSE").read_text(encoding="utf-8").startswith("MIT License\n")
