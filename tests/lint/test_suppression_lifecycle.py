"""`ignore: {rule: {reason, until, ticket}}`: suppressions that expire."""

from __future__ import annotations

import datetime

import pytest

from lint_helpers import blueprint_from_text, codes, invoke, lint_text
from sdiagram.diagnostics import BlueprintError
from sdiagram.lint import lint_blueprint

DESIGN = """\
sdiagram: 1
name: shop
traffic: {read_write_ratio: "1:1"}
components:
  users: {kind: client}
  lb:    {kind: load_balancer, replicas: 2}
  api:   {kind: service, replicas: 2}
  db:
    kind: database
    ignore:
      single-point-of-failure: %s
connections:
  - users -> lb
  - lb -> api
  - api -> db
"""
LIFECYCLE = '{reason: "cold standby restored from backup", until: 2027-01-31, ticket: OPS-12}'


def spof(findings):
    return [f for f in findings if f.code == "SD101"]


@pytest.mark.parametrize("today,suppressed", [
    (datetime.date(2027, 1, 30), True),
    (datetime.date(2027, 1, 31), True),  # `until` is the last day it applies
    (datetime.date(2027, 2, 1), False),
])
def test_a_suppression_applies_until_its_date(today, suppressed) -> None:
    findings = lint_blueprint(blueprint_from_text(DESIGN % LIFECYCLE), today=today)
    (finding,) = spof(findings)
    assert (finding.suppressed is not None) == suppressed
    assert "SD002" not in codes(findings)  # an expired suppression is not "unused"
    if suppressed:
        assert finding.suppressed.reason == "cold standby restored from backup (until 2027-01-31, ticket OPS-12)"
    else:
        assert finding.message.endswith("(its suppression at line 11 expired on 2027-01-31, ticket OPS-12: "
                                        "\"cold standby restored from backup\")")
        assert "move the suppression's `until:` on" in finding.fix


def test_the_plain_string_form_keeps_working() -> None:
    (finding,) = spof(lint_text(DESIGN % '"cold standby"'))
    assert finding.suppressed is not None and finding.suppressed.reason == "cold standby"


def test_blueprint_wide_suppressions_expire_too() -> None:
    text = (DESIGN % '"x"').replace("    ignore:\n      single-point-of-failure: \"x\"\n", "") + (
        "lint:\n  ignore:\n    single-point-of-failure: {reason: migrating, until: 2020-01-01}\n")
    (finding,) = spof(lint_blueprint(blueprint_from_text(text)))
    assert finding.suppressed is None and "expired on 2020-01-01" in finding.message


@pytest.mark.parametrize("entry,message", [
    ("{until: 2027-01-31}", "suppression of 'single-point-of-failure' needs a reason"),
    ("{reason: x, until: 2027-02-30}", "ignore.single-point-of-failure.until must be a date as YYYY-MM-DD"),
    ("{reason: x, until: soon}", "must be a date as YYYY-MM-DD, not 'soon'"),
    ("{reason: x, tikcet: OPS-1}", "unknown key 'tikcet'"),
    ('{reason: "  "}', "must not be empty"),
])
def test_invalid_lifecycles_are_errors_with_positions(entry, message) -> None:
    with pytest.raises(BlueprintError) as caught:
        blueprint_from_text(DESIGN % entry)
    assert message in str(caught.value)
    assert all(d.span is not None and d.span.line == 11 for d in caught.value.diagnostics)


def test_cli_reports_the_expired_suppression(tmp_path) -> None:
    path = tmp_path / "shop.yaml"
    path.write_text(DESIGN % LIFECYCLE.replace("2027-01-31", "2001-01-01"))
    result = invoke("lint", str(path))
    assert result.exit_code == 1
    assert "its suppression at line 11 expired on 2001-01-01, ticket OPS-12" in result.output
