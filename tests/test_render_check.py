"""`sdiagram render --check`: writes nothing, exit 1 listing stale or missing images."""

from __future__ import annotations

from pathlib import Path

from conftest import REPO, run_cli
from test_cli_render import GOOD



def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_check_passes_on_current_images_even_without_the_cache(write_blueprint, tmp_path):
    path = write_blueprint(GOOD)
    out = tmp_path / "out"
    assert run_cli("render", path, "-o", str(out), "-f", "svg,png").exit_code == 0
    result = run_cli("render", path, "-o", str(out), "-f", "svg,png", "--check")
    assert result.exit_code == 0, result.output
    assert "up to date" in result.output
    # CI has no cache (it is not committed): the images are compared byte for byte.
    for record in (out / ".sdiagram-cache").iterdir():
        record.unlink()
    before = snapshot(out)
    result = run_cli("render", path, "-o", str(out), "-f", "svg,png", "--check")
    assert result.exit_code == 0, result.output
    assert snapshot(out) == before


def test_check_lists_stale_and_missing_images_and_writes_nothing(write_blueprint, tmp_path):
    path = write_blueprint(GOOD)
    out = tmp_path / "out"
    assert run_cli("render", path, "-o", str(out), "-f", "svg,png").exit_code == 0
    Path(path).write_text(GOOD.replace("replicas: 2}", "replicas: 3}"))
    (out / "good.png").unlink()
    before = snapshot(out)
    result = run_cli("render", path, "-o", str(out), "-f", "svg,png", "--check")
    assert result.exit_code == 1
    assert f"stale: {out / 'good.svg'}" in result.output
    assert f"missing: {out / 'good.png'}" in result.output
    assert "2 image(s) stale or missing" in result.output
    assert snapshot(out) == before


def test_check_on_a_fresh_folder_writes_nothing(write_blueprint, tmp_path):
    path = write_blueprint(GOOD)
    out = tmp_path / "out"
    result = run_cli("render", path, "-o", str(out), "-f", "svg", "--check")
    assert result.exit_code == 1 and "missing" in result.output
    assert not out.exists()


def test_check_with_an_invalid_blueprint_exits_2(write_blueprint, tmp_path):
    path = write_blueprint("components:\n  a: {kind: servic}\n")
    result = run_cli("render", path, "-o", str(tmp_path / "out"), "--check")
    assert result.exit_code == 2
    assert ":2:" in result.output and "unknown kind 'servic'" in result.output


def test_bundled_images_pass_the_check():
    result = run_cli("render", str(REPO / "blueprints"), "-o", str(REPO / "output"), "-f", "svg,png", "--check")
    assert result.exit_code == 0, result.output


def test_action_and_pre_commit_offer_the_check():
    import yaml

    action = yaml.safe_load((REPO / "action.yml").read_text())
    assert "render-check" in action["inputs"]
    commands = "\n".join(step.get("run", "") for step in action["runs"]["steps"])
    assert "sdiagram render --check $CHECK_ARGS" in commands
    hooks = {hook["id"]: hook for hook in yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text())}
    assert hooks["sdiagram-render-check"]["entry"].startswith("sdiagram render --check")
    assert "--skip-non-blueprints" in hooks["sdiagram-lint"]["entry"]
