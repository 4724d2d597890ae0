"""Shared test helpers: run the CLI in-process and write blueprint files."""

from __future__ import annotations

import os
import shutil
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from sdiagram.cli import main

REPO = Path(__file__).resolve().parent.parent
BLUEPRINTS = REPO / "blueprints"


def git(cwd: Path, *args: str) -> str:
    """`git ARGS` in `cwd`; a failure fails the test."""
    import subprocess

    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True).stdout


def init_repository(folder: Path, blueprints: tuple[str, ...]) -> Path:
    """A git repository on `main` whose first commit holds these bundled blueprints under blueprints/."""
    (folder / "blueprints").mkdir(parents=True)
    git(folder, "init", "-q", "-b", "main")
    git(folder, "config", "user.email", "t@example.com")
    git(folder, "config", "user.name", "t")
    for name in blueprints:
        shutil.copy(BLUEPRINTS / name, folder / "blueprints" / name)
    git(folder, "add", "-A")
    git(folder, "commit", "-qm", "base")
    return folder


def run_cli(*args: str, env: dict[str, str] | None = None) -> Result:
    """Run `sdiagram ARGS` in-process; a Python exception fails the test (never a traceback)."""
    result = CliRunner().invoke(main, list(args), env=env, catch_exceptions=True)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        import traceback

        raise AssertionError(
            "sdiagram raised instead of reporting:\n"
            + "".join(traceback.format_exception(result.exception))
        )
    return result


@pytest.fixture
def write_blueprint(tmp_path: Path):
    """write_blueprint(text, name='bp.yaml') -> path of a dedented blueprint file."""

    def write(text: str, name: str = "bp.yaml") -> str:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
        return os.fspath(path)

    return write
