"""Every rule reports exactly the findings pinned in its fire_*.yaml fixtures and none
on its quiet_*.yaml ones; the realistic blueprints pin every rule's findings."""

from __future__ import annotations

from pathlib import Path

import pytest

from expectations import Expected, read, reported
from lint_helpers import FIXTURES, MESSAGE, REALISTIC
from sdiagram.lint import lint_file
from sdiagram.lint.rules import ALL_RULES, BY_NAME

FIXTURE_FILES = sorted(FIXTURES.glob("*/*.yaml"))
REALISTIC_FILES = sorted(REALISTIC.glob("*.yaml"))


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


@pytest.mark.parametrize("path", FIXTURE_FILES, ids=_id)
def test_reports_exactly_the_pinned_findings(path: Path) -> None:
    """A fixture pins the rule's findings by position (`# expect: 12:3 rule subject`):
    a missing one, one on another line or column, and an extra one all fail."""
    rule = BY_NAME[path.parent.name]
    expected = read(path)
    assert not expected.known_miss and not expected.known_noise, "rule fixtures pin what the rule must do"
    if path.name.startswith("fire_"):
        assert expected.expect, f"{path.name} says nothing about what to expect (# expect: ...)"
    else:
        assert not expected.expect, "a quiet fixture expects nothing"
    assert {e.rule for e in expected.expect} <= {rule.name}
    result = lint_file(str(path), discover=False)
    fired = [f for f in result.findings if f.code == rule.code and f.suppressed is None]
    assert _lines(reported(fired)) == _lines(expected.expect)
    messages = [f.message for f in fired]
    for text in MESSAGE.findall(path.read_text(encoding="utf-8")):
        assert any(text in message for message in messages), f"no {rule.name} finding contains {text!r}: {messages}"
    for finding, item in zip(fired, map(_one, fired)):
        assert finding.severity.value == expected.severities.get(item, rule.severity.value), item


@pytest.mark.parametrize("path", REALISTIC_FILES, ids=lambda p: p.name)
def test_realistic_blueprint_reports_exactly_the_pinned_findings(path: Path) -> None:
    """Realistic designs pin every rule's findings: what a reviewer expects
    (`# expect:`) plus the noise not fixed yet (`# known-noise:`), nothing else."""
    expected = read(path)
    assert "# source: http" in path.read_text(encoding="utf-8"), "cite the published design"
    result = lint_file(str(path), discover=False)
    assert _lines(reported(result.findings)) == _lines(expected.pinned)


def _one(finding: object) -> Expected:
    return next(iter(reported([finding])))


def _lines(items: "frozenset[Expected]") -> list[str]:
    """Sorted, printable: a failing comparison shows the fixture lines to change."""
    return sorted(str(item) for item in items)


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


def test_bounded_dominator_work_still_judges_every_store(monkeypatch) -> None:
    from lint_helpers import lint_text
    from sdiagram.lint.rules import single_point_of_failure

    text = """
components:
  a:   {kind: client}
  b:   {kind: client}
  lb:  {kind: load_balancer, tech: nginx}
  api: {kind: service, replicas: 2}
  lb2: {kind: load_balancer, tech: alb}
  db:  {kind: database, tech: postgresql}
connections:
  - a -> lb
  - lb -> api
  - b -> lb2
  - lb2 -> db
"""
    def blamed() -> set[str]:
        return {f.components[0] for f in lint_text(text) if f.code == "SD101"}

    assert blamed() == {"lb", "db"}
    monkeypatch.setattr(single_point_of_failure, "MAX_DOMINATOR_VISITS", 1)
    assert blamed() == {"lb", "db"}  # 'b' is past the budget: 'db' is still a store on its path
