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
