"""Suppressions: with a reason, without (compiler error), unknown rules, unused ones."""

from __future__ import annotations

from lint_helpers import codes, lint_text
from sdiagram.lint import lint_file

BASE = """
components:
  users: {kind: client}
  lb:    {kind: load_balancer, tech: alb}
  api:   {kind: service, replicas: 2%s}
  db:    {kind: database, tech: postgresql%s}
connections:
  - users -> lb
  - lb -> api
  - api -> db
traffic: {read_write_ratio: "20:1"}
"""


def bp(api: str = "", db: str = "", extra: str = "") -> str:
    return BASE % (api, db) + extra


def test_component_suppression_keeps_the_finding_marked() -> None:
    findings = lint_text(bp(db=', ignore: {single-point-of-failure: "restored from backup"}'))
    spof = [f for f in findings if f.code == "SD101"]
    assert len(spof) == 1 and spof[0].suppressed is not None
    assert spof[0].suppressed.reason == "restored from backup"
    assert spof[0].suppressed.span.line == 5
    assert "SD101" not in codes(findings)
    assert "SD101" in codes(findings, include_suppressed=True)


def test_suppression_by_code_on_another_involved_component() -> None:
    # missing-cache involves api and db; the suppression may sit on either
    findings = lint_text(bp(api=', ignore: {SD301: "admin tool, a few reads a day"}'))
    assert "SD301" not in codes(findings)
    assert "SD002" not in codes(findings)


def test_blueprint_suppression_covers_every_finding_of_the_rule() -> None:
    findings = lint_text(bp(extra='lint:\n  ignore: {SD101: "lab setup", missing-cache: "rare reads"}\n'))
    assert codes(findings) == []
    assert sorted(codes(findings, include_suppressed=True)) == ["SD101", "SD301"]
    assert all(f.suppressed and f.suppressed.scope == "blueprint" for f in findings)


def test_component_suppression_on_an_unrelated_component_does_not_suppress() -> None:
    findings = lint_text(bp(api=', ignore: {single-point-of-failure: "wrong place"}'))
    assert "SD101" in codes(findings)
    unused = [f for f in findings if f.code == "SD002"]
    assert len(unused) == 1
    assert unused[0].message == "suppression of single-point-of-failure on 'api' suppresses nothing"
    assert unused[0].span is not None and unused[0].span.line == 4


def test_unused_suppression_can_be_deselected() -> None:
    text = bp(api=', ignore: {sync-cycle: "none"}', extra="lint:\n  select: [SD1, SD3]\n")
    assert "SD002" not in codes(lint_text(text))
    text = bp(api=', ignore: {sync-cycle: "none"}', extra="lint:\n  select: [SD1, SD3, SD002]\n")
    assert "SD002" in codes(lint_text(text))


def test_unknown_rule_in_suppression_is_sd001_with_did_you_mean() -> None:
    findings = lint_text(bp(db=', ignore: {single-point-of-falure: "backup"}'))
    problems = [f for f in findings if f.code == "SD001"]
    assert len(problems) == 1
    assert "did you mean 'single-point-of-failure'?" in problems[0].message
    assert "SD101" in codes(findings)  # nothing was suppressed


def test_suppression_without_reason_is_invalid_blueprint(write_blueprint) -> None:
    path = write_blueprint(bp(db=", ignore: {single-point-of-failure: ''}"))
    result = lint_file(path, discover=False)
    assert result.invalid
    assert [f.code for f in result.findings] == ["SD000"]
    assert "needs a reason" in result.findings[0].message


def test_suppressed_findings_do_not_fail_the_run(write_blueprint) -> None:
    path = write_blueprint(bp(db=', ignore: {single-point-of-failure: "backup"}',
                              extra='lint:\n  ignore: {missing-cache: "rare reads"}\n'))
    result = lint_file(path, discover=False)
    assert not result.failed and not result.invalid
    assert len(result.findings) == 2


def test_component_severities_for_drawing() -> None:
    from sdiagram.lint import Severity, component_severities

    findings = lint_text(bp(api=', ignore: {missing-cache: "admin only"}'))
    assert component_severities(findings) == {"db": Severity.ERROR}
    everyone = component_severities(findings, blamed_only=False)
    assert everyone["db"] is Severity.ERROR and everyone["users"] is Severity.ERROR
