"""Every rule fires on its fire_*.yaml fixtures and stays quiet on its quiet_*.yaml ones."""

from __future__ import annotations

from pathlib import Path

import pytest

from lint_helpers import FIXTURES, expectations
from sdiagram.lint import lint_file
from sdiagram.lint.rules import ALL_RULES, BY_NAME

FIXTURE_FILES = sorted(FIXTURES.glob("*/*.yaml"))


def _id(path: Path) -> str:
    return f"{path.parent.name}/{path.name}"


def test_every_rule_has_fire_and_quiet_fixtures() -> None:
    for rule in ALL_RULES:
        folder = FIXTURES / rule.name
        assert sorted(folder.glob("fire_*.yaml")), f"{rule.name} has no fire_*.yaml fixture"
        assert sorted(folder.glob("quiet_*.yaml")), f"{rule.name} has no quiet_*.yaml fixture"


def test_fixture_folders_are_rule_names() -> None:
    for folder in FIXTURES.iterdir():
        assert folder.name in BY_NAME, folder.name


@pytest.mark.parametrize("path", [p for p in FIXTURE_FILES if p.name.startswith("fire_")], ids=_id)
def test_fires(path: Path) -> None:
    rule = BY_NAME[path.parent.name]
    result = lint_file(str(path), discover=False)
    fired = [f for f in result.findings if f.code == rule.code and f.suppressed is None]
    assert fired, f"{rule.name} did not fire; findings: {result.findings}"
    expected = expectations(path)
    assert expected, f"{path.name} says nothing about what to expect (# expect: ...)"
    messages = [f.message for f in fired]
    for text in expected:
        assert any(text in message for message in messages), f"no {rule.name} finding contains {text!r}: {messages}"
    for finding in fired:
        assert finding.span is not None and finding.span.line >= 1
        assert finding.severity.rank <= rule.severity.rank  # a rule may report below its severity, never above


@pytest.mark.parametrize("path", [p for p in FIXTURE_FILES if p.name.startswith("quiet_")], ids=_id)
def test_stays_quiet(path: Path) -> None:
    rule = BY_NAME[path.parent.name]
    result = lint_file(str(path), discover=False)
    fired = [f for f in result.findings if f.code == rule.code and f.suppressed is None]
    assert not fired, f"{rule.name} fired: {[f.message for f in fired]}"


def test_cache_aside_single_cache_is_not_a_spof() -> None:
    result = lint_file(str(FIXTURES / "single-point-of-failure" / "quiet_cache_aside_single_node.yaml"), discover=False)
    assert result.findings == ()


def test_suppressed_fixture_keeps_the_finding_as_suppressed() -> None:
    result = lint_file(str(FIXTURES / "single-point-of-failure" / "quiet_suppressed_with_reason.yaml"), discover=False)
    suppressed = [f for f in result.findings if f.code == "SD101"]
    assert len(suppressed) == 1
    assert suppressed[0].suppressed is not None
    assert suppressed[0].suppressed.reason.startswith("cold standby")
    assert suppressed[0].suppressed.scope == "component"
