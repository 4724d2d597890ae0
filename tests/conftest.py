"""Shared test helpers: run the CLI in-process and write blueprint files."""

from __future__ import annotations

import os
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from sdiagram.cli import main

REPO = Path(__file__).resolve().parent.parent
BLUEPRINTS = REPO / "blueprints"


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
