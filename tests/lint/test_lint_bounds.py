"""single-point-of-failure stays bounded on blueprints with thousands of entry points."""

from __future__ import annotations

from lint_helpers import invoke, lint_text
from sdiagram.lint.rules import single_point_of_failure


def _design(clients: int) -> str:
    lines = ["components:"] + [f"  u{i}: {{kind: client}}" for i in range(clients)]
    lines += ["  hub: {kind: service}", "  db: {kind: database, tech: postgresql}", "connections:"]
    lines += [f"  - u{i} -> hub" for i in range(clients - 1)]
    lines += [f"  - u{clients - 1} -> db", "  - hub -> db"]
    return "\n".join(lines) + "\n"


def spof_messages(text: str) -> list[str]:
    return [f.message for f in lint_text(text, max_per_rule=None) if f.code == "SD101"]


def test_entry_points_past_the_budget_still_count_for_stateful_stores(monkeypatch):
    full = spof_messages(_design(5))
    assert any(m.startswith("'hub' (service, replicas: 1, not managed) is a single point of failure: its failure "
                            "cuts 'u0', 'u1' and 2 more off") for m in full)
    # a budget that covers only the first entry point's analysis
    monkeypatch.setattr(single_point_of_failure, "MAX_DOMINATOR_VISITS", 1)
    bounded = spof_messages(_design(5))
    assert any(m.startswith("'hub' (service, replicas: 1, not managed) is a single point of failure: its failure "
                            "cuts 'u0' off") for m in bounded)
    assert any(m.startswith("'db' (database, replicas: 1, not managed) is a single point of failure: it is a "
                            "stateful database on a path from 'u0'") for m in bounded)


def test_many_entry_points_in_front_of_a_deep_chain():
    clients = 800
    lines = ["components:"] + [f"  u{i}: {{kind: client}}" for i in range(clients)]
    lines += [f"  s{i}: {{kind: service}}" for i in range(clients)] + ["connections:"]
    lines += [f"  - u{i} -> s{i}" for i in range(clients)] + [f"  - s{i} -> s{i + 1}" for i in range(clients - 1)]
    messages = spof_messages("\n".join(lines) + "\n")
    # every service but the last cuts someone off; the last is a leaf on 'u799's request path
    assert len(messages) == clients
    assert sum("cuts" in m for m in messages) == clients - 1
    assert messages[-1].startswith("'s799' (service, replicas: 1, not managed) is a single point of failure: the "
                                   "requests that need it fail with it")


# -- the per-rule cap on findings ---------------------------------------------------------

def _orphans(count: int, extra: str = "") -> str:
    lines = ["components:"] + [f"  o{i:04d}: {{kind: service{extra}}}" for i in range(count)]
    return "\n".join(lines) + "\n"


def test_a_rule_lists_its_first_findings_and_one_finding_counts_the_rest() -> None:
    findings = [f for f in lint_text(_orphans(12), max_per_rule=5) if f.code == "SD401"]
    assert [f.components[0] for f in findings[:5]] == [f"o{i:04d}" for i in range(5)]
    rest = findings[5]
    assert len(findings) == 6
    assert rest.message == ("7 more orphan-component findings, from here on, are not listed: lint lists at most "
                            "5 findings of one rule per blueprint")
    assert (rest.line, rest.column) == (7, 3)  # the first finding left out: o0005
    assert rest.severity.value == "warning" and rest.suppressed is None and rest.components == ()
    assert len([f for f in lint_text(_orphans(12), max_per_rule=None) if f.code == "SD401"]) == 12
    assert len([f for f in lint_text(_orphans(5), max_per_rule=5) if f.code == "SD401"]) == 5


def test_suppressed_findings_are_capped_apart_from_the_reported_ones() -> None:
    text = _orphans(8) + "".join(f"  q{i}: {{kind: service, ignore: {{orphan-component: spare}}}}\n" for i in range(9))
    findings = [f for f in lint_text(text, max_per_rule=4) if f.code == "SD401"]
    reported = [f for f in findings if f.suppressed is None]
    suppressed = [f for f in findings if f.suppressed is not None]
    assert len(reported) == 5 and reported[-1].message.startswith("4 more orphan-component findings,")
    assert len(suppressed) == 5 and suppressed[-1].message.startswith("5 more orphan-component suppressed findings,")
    assert suppressed[-1].suppressed.scope == "component"
    # no suppression counts as unused because its finding is past the cap
    assert not [f for f in findings if f.code == "SD002"]


def test_invalid_blueprint_findings_are_capped_too() -> None:
    from sdiagram.diagnostics import BlueprintError, Diagnostic, Span
    from sdiagram.lint.engine import MAX_FINDINGS_PER_RULE, invalid_blueprint_findings

    count = MAX_FINDINGS_PER_RULE + 3
    error = BlueprintError([Diagnostic("bp.yaml", f"problem {i}", Span("bp.yaml", i + 1, 1)) for i in range(count)])
    findings = invalid_blueprint_findings(error, "bp.yaml")
    assert len(findings) == MAX_FINDINGS_PER_RULE + 1
    assert findings[-1].message.startswith("3 more invalid-blueprint findings, from here on, are not listed")


def test_every_output_format_shows_the_finding_that_counts_the_rest(tmp_path) -> None:
    from sdiagram.lint.engine import MAX_FINDINGS_PER_RULE

    (tmp_path / "big.yaml").write_text(_orphans(MAX_FINDINGS_PER_RULE + 7), encoding="utf-8")
    expected = "7 more orphan-component findings, from here on, are not listed"
    for output_format in ("text", "json", "sarif", "github"):
        result = invoke("lint", "--isolated", "--format", output_format, str(tmp_path / "big.yaml"))
        assert result.exit_code == 0, result.output
        assert result.output.count(expected) == 1, output_format
        assert result.output.count("has no connections") == MAX_FINDINGS_PER_RULE, output_format


def test_show_suppressed_lists_capped_suppressed_findings(tmp_path) -> None:
    from sdiagram.lint.engine import MAX_FINDINGS_PER_RULE

    text = "lint: {ignore: {orphan-component: a parts list}}\n" + _orphans(MAX_FINDINGS_PER_RULE + 2)
    (tmp_path / "big.yaml").write_text(text, encoding="utf-8")
    quiet = invoke("lint", "--isolated", str(tmp_path / "big.yaml"))
    assert "orphan-component" not in quiet.output and quiet.exit_code == 0
    shown = invoke("lint", "--isolated", "--show-suppressed", str(tmp_path / "big.yaml"))
    assert shown.output.count("[suppressed: a parts list]") == MAX_FINDINGS_PER_RULE
    assert shown.output.count("2 more orphan-component suppressed findings, from here on, are not listed") == 1
    assert "[suppressed: like the 2 findings it stands for]" in shown.output


def test_a_baseline_of_a_capped_run_matches_until_the_count_changes(tmp_path) -> None:
    import json

    from sdiagram.lint.engine import MAX_FINDINGS_PER_RULE

    blueprint = tmp_path / "big.yaml"
    blueprint.write_text(_orphans(MAX_FINDINGS_PER_RULE + 3), encoding="utf-8")
    assert invoke("lint", "--isolated", "--fail-on", "warning", str(blueprint)).exit_code == 1
    written = invoke("lint", "--isolated", "--write-baseline", str(tmp_path / "baseline.json"), str(blueprint))
    assert written.exit_code == 0, written.output
    entries = json.loads((tmp_path / "baseline.json").read_text())["findings"]
    assert len(entries) == MAX_FINDINGS_PER_RULE + 1
    same = invoke("lint", "--isolated", "--fail-on", "warning", "--baseline", str(tmp_path / "baseline.json"), str(blueprint))
    assert same.exit_code == 0 and "no longer match" not in same.output, same.output
    # one more orphan past the cap: the counting finding is new, the old one stale
    blueprint.write_text(blueprint.read_text() + "  zz: {kind: service}\n", encoding="utf-8")
    grown = invoke("lint", "--isolated", "--fail-on", "warning", "--baseline", str(tmp_path / "baseline.json"), str(blueprint))
    assert grown.exit_code == 1
    assert "warning SD401 orphan-component: 4 more orphan-component findings" in grown.output
    assert "1 baseline entry no longer matches" in grown.output


# -- paths in messages and the bounded searches ------------------------------------------

def test_long_paths_in_messages_name_their_last_components() -> None:
    lines = ["components:", "  users: {kind: client}", "  files: {kind: object_storage, tech: s3}"]
    lines += [f"  lb{i}: {{kind: load_balancer, tech: alb}}" for i in range(50)]
    lines += [f"  s{i}: {{kind: service, replicas: 2}}" for i in range(6)]
    lines += ["connections:", "  - users -> lb0"] + [f"  - lb{i} -> lb{i + 1}" for i in range(49)]
    lines += ["  - lb49 -> files: read", "  - lb49 -> s0"] + [f"  - s{i} -> s{i + 1}" for i in range(5)]
    findings = lint_text("\n".join(lines) + "\n")
    static = next(f for f in findings if f.code == "SD203")
    assert static.message.endswith(": (20 more) -> " + " -> ".join(f"lb{i}" for i in range(19, 50)) + " -> files")
    assert static.connection == ("users", "lb0") and static.components[:2] == ("files", "users")
    deep = next(f for f in findings if f.code == "SD104")
    assert deep.message.endswith(": (24 more) -> " + " -> ".join(
        [f"lb{i}" for i in range(23, 50)] + [f"s{i}" for i in range(5)]))
    assert deep.connection == ("s3", "s4")


def test_static_content_search_is_bounded(monkeypatch) -> None:
    from sdiagram.lint.rules import static_content_without_cdn

    lines = ["components:", "  files: {kind: object_storage, tech: s3}", "  lb: {kind: load_balancer, tech: alb}"]
    lines += [f"  u{i}: {{kind: client}}" for i in range(3)]
    lines += ["connections:", "  - lb -> files: read", "  - u2 -> files: read"]
    lines += [f"  - u{i} -> lb" for i in range(3)]
    text = "\n".join(lines) + "\n"
    assert [f.components[1] for f in lint_text(text) if f.code == "SD203"] == ["u2", "u0", "u1"]
    monkeypatch.setattr(static_content_without_cdn, "MAX_VISITS", 2)
    # past the budget, clients are judged on their own connections only
    assert [f.components[1] for f in lint_text(text) if f.code == "SD203"] == ["u2", "u0"]
