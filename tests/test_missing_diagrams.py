"""A `diagrams` package that cannot be imported or used: a clear error (exit status 2), no traceback."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import BLUEPRINTS

BLOCK_DIAGRAMS = '''
import sys


class _RefuseDiagrams:
    def find_spec(self, name, path=None, target=None):
        if name == "diagrams" or name.startswith("diagrams."):
            raise ImportError("diagrams is broken here (a test shim)")
        return None


sys.meta_path.insert(0, _RefuseDiagrams())
'''


def _sdiagram(shim: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(shim), os.environ.get("PYTHONPATH", "")]).rstrip(os.pathsep)}
    return subprocess.run([sys.executable, "-m", "sdiagram", *args], capture_output=True, text=True, env=env,
                          timeout=120)


@pytest.mark.parametrize("shim_kind", ["refused", "shadowed"])
def test_render_without_a_usable_diagrams_package(tmp_path: Path, shim_kind: str) -> None:
    shim = tmp_path / "shim"
    shim.mkdir()
    if shim_kind == "refused":
        (shim / "sitecustomize.py").write_text(BLOCK_DIAGRAMS, encoding="utf-8")
        expected = "error: cannot import the 'diagrams' package (its icons are drawn): diagrams is broken here"
    else:
        (shim / "diagrams.py").write_text("raise ImportError('not the real one')\n", encoding="utf-8")
        expected = f"error: 'diagrams' at {shim / 'diagrams.py'} is a module, not the diagrams package"
    out = tmp_path / "out"
    result = _sdiagram(shim, "render", str(BLUEPRINTS / "chat.yaml"), "-f", "svg", "-o", str(out), "--force")
    assert result.returncode == 2, result.stderr
    assert expected in result.stderr
    assert "pip install diagrams" in result.stderr and "Traceback" not in result.stderr + result.stdout
    assert not out.exists() or not list(out.iterdir())


def test_validate_of_an_icon_without_diagrams(tmp_path: Path) -> None:
    shim = tmp_path / "shim"
    shim.mkdir()
    (shim / "sitecustomize.py").write_text(BLOCK_DIAGRAMS, encoding="utf-8")
    blueprint = tmp_path / "bp.yaml"
    blueprint.write_text("components:\n  a: {kind: service, icon: aws.database.RDS}\n", encoding="utf-8")
    result = _sdiagram(shim, "validate", str(blueprint))
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "cannot import the 'diagrams' package" in result.stderr


def test_the_api_raises_the_error_in_process(monkeypatch) -> None:
    import importlib.util

    import sdiagram
    from sdiagram import icons

    def refuse(name, *args, **kwargs):
        if name == "diagrams":
            raise ImportError("refused")
        return real_find_spec(name, *args, **kwargs)

    real_find_spec = importlib.util.find_spec
    icons.diagrams_root.cache_clear()
    monkeypatch.setattr(importlib.util, "find_spec", refuse)
    try:
        with pytest.raises(icons.DiagramsUnavailable, match="cannot import the 'diagrams' package"):
            sdiagram.render(sdiagram.load(BLUEPRINTS / "chat.yaml"), "svg")
    finally:
        monkeypatch.undo()
        icons.diagrams_root.cache_clear()
