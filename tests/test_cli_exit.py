"""The console script's quick exit (`sdiagram.cli.run`): the process ends without
interpreter teardown, but with every byte of output, the command's exit status,
the files it wrote and the `atexit` handlers run."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from sdiagram.cli import main

REPO = Path(__file__).resolve().parent.parent
CHAT = REPO / "blueprints" / "chat.yaml"


def _script(*args: str, prelude: str = "") -> subprocess.CompletedProcess[str]:
    code = f"import sys\n{prelude}\nsys.argv = ['sdiagram', *{list(args)!r}]\nfrom sdiagram.cli import run\nrun()\n"
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, timeout=120)


def test_lint_output_and_status_are_those_of_the_command(tmp_path) -> None:
    expected = CliRunner().invoke(main, ["lint", "--isolated", "--format", "json", str(CHAT)])
    completed = _script("lint", "--isolated", "--format", "json", str(CHAT))
    assert completed.returncode == expected.exit_code
    assert json.loads(completed.stdout) == json.loads(expected.output)


def test_a_long_output_is_flushed_whole() -> None:
    completed = _script("schema")
    assert completed.returncode == 0, completed.stderr
    expected = (REPO / "sdiagram" / "blueprint.schema.json").read_text(encoding="utf-8")
    assert len(expected) > 8192  # more than one buffer's worth
    assert completed.stdout == expected


def test_an_invalid_blueprint_exits_2_with_its_message(tmp_path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("components:\n  api: {kind: servce}\n", encoding="utf-8")
    completed = _script("validate", str(bad))
    assert completed.returncode == 2
    assert f"{bad}:2:" in completed.stdout + completed.stderr


def test_a_written_report_is_complete_and_atexit_handlers_run(tmp_path) -> None:
    report = tmp_path / "report.sarif"
    completed = _script("lint", "--isolated", "--format", "sarif", "-o", str(report), str(CHAT),
                        prelude="import atexit\natexit.register(print, 'atexit ran')")
    assert completed.returncode in (0, 1), completed.stderr
    assert json.loads(report.read_text(encoding="utf-8"))["runs"]
    assert completed.stdout.rstrip().endswith("atexit ran")


def test_python_dash_m_runs_the_same_entry_point() -> None:
    completed = subprocess.run([sys.executable, "-m", "sdiagram", "--version"], capture_output=True, text=True,
                               cwd=REPO, timeout=60)
    assert completed.returncode == 0 and "sdiagram" in completed.stdout
