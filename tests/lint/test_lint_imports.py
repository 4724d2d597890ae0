"""The lint path stays light: no Graphviz, no diagrams, no networkx (checked in a fresh process)."""

from __future__ import annotations

import json
import subprocess
import sys

from lint_helpers import BLUEPRINTS, REPO

HEAVY = ("pygraphviz", "diagrams", "graphviz", "networkx", "jsonschema")

SCRIPT = """
import json, sys
from sdiagram.cli import main
try:
    main(["lint", "--isolated", "--format", "sarif", "-o", sys.argv[2], sys.argv[1]])
except SystemExit as exit:
    code = exit.code
print(json.dumps({"code": code, "modules": sorted(sys.modules)}))
"""


def test_lint_run_does_not_import_heavy_modules(tmp_path) -> None:
    blueprint = sorted(BLUEPRINTS.glob("*.yaml"))[0]
    completed = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(blueprint), str(tmp_path / "out.sarif")],
        capture_output=True, text=True, cwd=REPO, timeout=60,
    )
    assert completed.returncode == 0, completed.stderr
    report = json.loads(completed.stdout.splitlines()[-1])
    assert report["code"] == 0
    loaded = [m for m in report["modules"] if m.split(".")[0] in HEAVY]
    assert loaded == [], loaded
    assert "sdiagram.lint.engine" in report["modules"]  # the lint really ran


def test_cli_start_up_does_not_import_the_lint_engine() -> None:
    completed = subprocess.run(
        [sys.executable, "-c", "import sys, sdiagram.cli; print(sorted(sys.modules))"],
        capture_output=True, text=True, cwd=REPO, timeout=60,
    )
    modules = completed.stdout
    assert "sdiagram.lint.engine" not in modules
    assert "pygraphviz" not in modules and "'diagrams" not in modules
