"""Helpers for the lint tests (imported by the test modules in this folder)."""

from __future__ import annotations

import os
import re
import textwrap
from pathlib import Path

from click.testing import CliRunner, Result

from sdiagram.cli import main
from sdiagram.compiler import compile_blueprint
from sdiagram.lint import Finding, lint_blueprint
from sdiagram.lint.config import ConfigLayer
from sdiagram.lint.engine import MAX_FINDINGS_PER_RULE
from sdiagram.model import Blueprint
from sdiagram.yamlsource import parse_yaml

HERE = Path(__file__).resolve().parent
FIXTURES = HERE / "fixtures"
REALISTIC = HERE / "realistic"
REPO = HERE.parent.parent
BLUEPRINTS = REPO / "blueprints"
MESSAGE = re.compile(r"^# message: (.+)$", re.MULTILINE)


def blueprint_from_text(text: str, path: str = "bp.yaml") -> Blueprint:
    document, problems = parse_yaml(textwrap.dedent(text).lstrip("\n"), path)
    assert not problems, problems
    return compile_blueprint(document, path)


def lint_text(text: str, project: ConfigLayer | None = None, command_line: ConfigLayer | None = None,
              path: str = "bp.yaml", max_per_rule: int | None = MAX_FINDINGS_PER_RULE) -> tuple[Finding, ...]:
    return lint_blueprint(blueprint_from_text(text, path), project, command_line, max_per_rule=max_per_rule)


def codes(findings: tuple[Finding, ...], include_suppressed: bool = False) -> list[str]:
    return [f.code for f in findings if include_suppressed or f.suppressed is None]


def invoke(*args: str, env: dict[str, str] | None = None, cwd: str | os.PathLike[str] | None = None) -> Result:
    """`sdiagram ARGS` in-process; any Python exception fails the test (never a traceback)."""
    base: dict[str, str | None] = {"GITHUB_ACTIONS": None}
    base.update(env or {})
    runner = CliRunner()
    previous = os.getcwd()
    try:
        if cwd is not None:
            os.chdir(cwd)
        result = runner.invoke(main, list(args), env=base, catch_exceptions=True)
    finally:
        os.chdir(previous)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        import traceback

        raise AssertionError("sdiagram raised:\n" + "".join(traceback.format_exception(result.exception)))
    return result
