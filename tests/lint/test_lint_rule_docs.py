"""Rule metadata and documentation: codes, names, docstring sections, examples that fire."""

from __future__ import annotations

import re
import textwrap
import typing

import pytest

from lint_helpers import REPO, lint_text
from sdiagram.lint.docs import explain_text, reference_markdown, rule_markdown, update_document
from sdiagram.lint.rule import DOC_SECTIONS
from sdiagram.lint.rules import ALL_RULES, BY_CODE, BY_NAME, UnknownRule, lookup, resolve

NAMES_FROM_THE_ISSUE = {
    "single-point-of-failure", "replicas-without-load-balancer", "client-reaches-datastore", "unprotected-entry",
    "missing-cache", "queue-without-dead-letter", "deep-sync-chain", "sync-cycle", "orphan-component",
    "unreachable-component", "static-content-without-cdn", "shared-database",
}


def test_catalog_has_the_issue_names_with_their_severities() -> None:
    assert NAMES_FROM_THE_ISSUE <= set(BY_NAME)
    errors = {"single-point-of-failure", "replicas-without-load-balancer", "client-reaches-datastore", "sync-cycle"}
    for name in NAMES_FROM_THE_ISSUE:
        expected = "error" if name in errors else ("info" if name == "shared-database" else "warning")
        assert BY_NAME[name].severity.value == expected, name


def test_codes_and_names_are_unique_and_well_formed() -> None:
    assert len(BY_CODE) == len(BY_NAME) == len(ALL_RULES)
    for rule in ALL_RULES:
        assert re.fullmatch(r"SD\d{3}", rule.code)
        assert re.fullmatch(r"[a-z]+(-[a-z]+)*", rule.name)
    assert [r.code for r in ALL_RULES] == sorted(r.code for r in ALL_RULES)


@pytest.mark.parametrize("rule", ALL_RULES, ids=lambda r: r.name)
def test_docstring_has_the_sections_in_order(rule) -> None:
    sections = rule.sections()
    assert list(sections) == list(DOC_SECTIONS)
    assert all(body.strip() for body in sections.values())
    assert rule.summary() and len(rule.summary()) < 120


@pytest.mark.parametrize("rule", [r for r in ALL_RULES if not r.meta], ids=lambda r: r.name)
def test_docstring_example_makes_the_rule_fire(rule) -> None:
    example = rule.sections()["Example"].split("\n\n")[0]
    findings = lint_text(textwrap.dedent(example))
    assert rule.code in [f.code for f in findings], [f.message for f in findings]


@pytest.mark.parametrize("rule", ALL_RULES, ids=lambda r: r.name)
def test_fix_shows_a_blueprint_the_rule_is_quiet_on(rule) -> None:
    snippet = rule.use_instead()
    assert snippet, f"{rule.name}: the Fix section has no `Use instead:` blueprint"
    findings = lint_text(snippet)  # compiles, or the test fails
    assert rule.code not in [f.code for f in findings if f.suppressed is None], [f.message for f in findings]
    assert textwrap.indent(snippet, "    ") in explain_text(rule) + "\n"
    assert "```yaml\n" + snippet in rule_markdown(rule)


def test_lookup_by_code_or_name_and_prefixes() -> None:
    assert lookup("sd101") is BY_NAME["single-point-of-failure"]
    assert lookup("single-point-of-failure") is BY_CODE["SD101"]
    assert lookup("nope") is None
    assert {r.code for r in resolve("SD1")} == {r.code for r in ALL_RULES if r.code.startswith("SD1")}
    assert resolve("ALL") == ALL_RULES
    with pytest.raises(UnknownRule, match="did you mean 'sync-cycle'"):
        resolve("sync-cycles")
    with pytest.raises(UnknownRule):
        resolve("SD9")


def test_explain_text_shows_options() -> None:
    text = explain_text(BY_NAME["deep-sync-chain"])
    assert text.startswith("SD104 deep-sync-chain (default severity: warning)")
    assert "`max_services` (default `4`)" in text


def test_docs_rule_reference_is_up_to_date() -> None:
    document = (REPO / "docs" / "lint.md").read_text(encoding="utf-8")
    assert update_document(document) == document, "run: python -m sdiagram.lint.docs docs/lint.md"
    for rule in ALL_RULES:
        assert f"### {rule.code} {rule.name}" in reference_markdown()


def test_every_rule_option_is_documented_and_typed_by_its_default():
    for rule in ALL_RULES:
        assert set(rule.option_docs) == set(rule.Options._fields), rule.code
        for option in rule.option_fields():
            assert option.help.strip(), (rule.code, option.name)
            assert typing.get_type_hints(rule.Options)[option.name] is type(option.default), (rule.code, option.name)
            if option.min is not None:
                assert option.default >= option.min, (rule.code, option.name)
