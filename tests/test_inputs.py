"""Small things: `sdiagram.loads`, `-` for standard input, `sdiagram init`, folder scans skipping non-blueprints."""

from __future__ import annotations

import pytest

import sdiagram
from sdiagram.cli.paths import looks_like_blueprint

from conftest import BLUEPRINTS, run_cli

SMALL = "components:\n  api: {kind: service}\n  db: {kind: database}\nconnections:\n  - api -> db\n"


def test_loads_compiles_text_with_positions():
    blueprint = sdiagram.loads(SMALL)
    assert blueprint.name == "blueprint" and list(blueprint.components) == ["api", "db"]
    assert sdiagram.loads("name: shop\n" + SMALL).name == "shop"
    with pytest.raises(sdiagram.BlueprintError) as caught:
        sdiagram.loads("components:\n  api: {kind: servce}\n", path="inline.yaml")
    assert str(caught.value).startswith("inline.yaml:2:")


def test_stdin_for_validate_lint_and_render(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    from click.testing import CliRunner

    from sdiagram.cli import main

    runner = CliRunner()
    result = runner.invoke(main, ["validate", "-"], input=SMALL)
    assert result.exit_code == 0 and "1 blueprint(s) valid" in result.output
    result = runner.invoke(main, ["validate", "-"], input="components:\n  api: {kind: servce}\n")
    assert result.exit_code == 2 and "<stdin>:2:" in result.output
    result = runner.invoke(main, ["lint", "-", "--format", "json"], input=SMALL)
    assert '"path": "<stdin>"' in result.output.replace("\\u003c", "<")
    result = runner.invoke(main, ["render", "-", "-o", "out", "-f", "svg,mermaid"], input=SMALL)
    assert result.exit_code == 0, result.output
    assert (tmp_path / "out" / "stdin.svg").read_bytes().startswith(b"<?xml")
    assert (tmp_path / "out" / "stdin.mmd").exists()


def test_init_writes_a_valid_starter_and_refuses_to_overwrite(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = run_cli("init")
    assert result.exit_code == 0, result.output
    written = tmp_path / "blueprints" / "url-shortener.yaml"
    assert written.read_bytes() == (BLUEPRINTS / "url-shortener.yaml").read_bytes()
    sdiagram.load(written)
    again = run_cli("init")
    assert again.exit_code == 2 and "already exists" in again.output
    assert run_cli("init", "--force").exit_code == 0
    result = run_cli("init", "chat", "-o", "mine.yaml")
    assert result.exit_code == 0 and sdiagram.load(tmp_path / "mine.yaml").title == "Chat System"
    unknown = run_cli("init", "chatt")
    assert unknown.exit_code == 2 and "did you mean 'chat'" in unknown.output
    listing = run_cli("init", "--list")
    assert len(listing.output.splitlines()) == 6 and "ai-agent-platform" in listing.output


def test_init_knows_all_six_designs():
    listing = run_cli("init", "--list").output
    assert sorted(line.split()[0] for line in listing.splitlines()) == sorted(p.stem for p in BLUEPRINTS.glob("*.yaml"))


def test_folder_scans_skip_non_blueprints_and_say_so(write_blueprint, tmp_path):
    write_blueprint(SMALL, name="blueprints/shop.yaml")
    write_blueprint("lint:\n  select: [SD1]\n", name="blueprints/.sdiagram.yaml")
    write_blueprint("repos: []\n", name="blueprints/.pre-commit-config.yaml")
    write_blueprint("services:\n  web: {image: nginx}\n", name="blueprints/docker-compose.yml")
    folder = str(tmp_path / "blueprints")
    for command in ("lint", "validate"):
        result = run_cli(command, folder)
        assert result.exit_code in (0, 1), result.output
        assert "skipped 3 YAML file(s) that are not blueprints" in result.output
    # A named file is never skipped unless asked (the pre-commit hook asks).
    named = run_cli("validate", str(tmp_path / "blueprints" / "docker-compose.yml"))
    assert named.exit_code == 2
    hook = run_cli("lint", "--skip-non-blueprints", str(tmp_path / "blueprints" / ".sdiagram.yaml"))
    assert hook.exit_code == 0 and "skipped 1" in hook.output


def test_what_counts_as_a_blueprint(tmp_path):
    cases = {
        "sdiagram: 1\nname: x\n": True,
        "# a comment\ncomponents:\n  a: {kind: service}\n": True,
        "---\n'components': {}\n": True,
        "services:\n  components: 3\n": False,  # nested, not top-level
        "lint:\n  select: [SD1]\n": False,
    }
    for index, (text, expected) in enumerate(cases.items()):
        path = tmp_path / f"{index}.yaml"
        path.write_text(text)
        assert looks_like_blueprint(str(path)) is expected, text
