"""The lint engine: build the analysis graph once, run the selected rules, apply
suppressions, report unused ones."""

from __future__ import annotations

import datetime
import gc
from typing import NamedTuple

from ..diagnostics import BlueprintError, Span
from ..model import Blueprint, Suppression
from .config import ConfigLayer, EffectiveConfig, project_config_for, resolve_config
from .findings import Finding, Severity, Suppressed, sort_findings
from .graph import AnalysisGraph
from .rule import Issue, Rule
from .rules import ALL_RULES, BY_CODE
from .rules.invalid_blueprint import InvalidBlueprint
from .rules.invalid_lint_config import InvalidLintConfig
from .rules.unused_suppression import UnusedSuppression

INVALID_INPUT_CODES = frozenset({InvalidBlueprint.code, InvalidLintConfig.code})
# The most findings of one rule listed for one blueprint (unsuppressed, and again
# suppressed); one more finding counts the rest. See `cap_findings`.
MAX_FINDINGS_PER_RULE = 500


class FileResult(NamedTuple):
    """The findings for one blueprint file, and the fail-on threshold that applies to it
    (None with `never` set: nothing fails)."""

    path: str
    findings: tuple[Finding, ...]
    fail_on: Severity | None = Severity.ERROR
    config_path: str | None = None

    @property
    def invalid(self) -> bool:
        """The file or its lint settings are invalid (exit status 2)."""
        return any(f.code in INVALID_INPUT_CODES for f in self.findings)

    @property
    def failed(self) -> bool:
        """Some unsuppressed finding is at or above the fail-on threshold."""
        if self.fail_on is None:
            return False
        return any(f.suppressed is None and f.severity.rank >= self.fail_on.rank for f in self.findings)


def lint_blueprint(
    blueprint: Blueprint, project: ConfigLayer | None = None, command_line: ConfigLayer | None = None,
    today: datetime.date | None = None, max_per_rule: int | None = MAX_FINDINGS_PER_RULE,
) -> tuple[Finding, ...]:
    """Every finding for a compiled blueprint, suppressed ones included (`Finding.suppressed`),
    sorted by position. `project` and `command_line` are optional settings layers
    (see `sdiagram.lint.config`); the blueprint's own `lint:` block always applies.
    A suppression with `until:` before `today` (default: the local date) no
    longer suppresses; the finding says it expired. At most `max_per_rule`
    unsuppressed (and as many suppressed) findings of one rule are listed, the
    first by position; one more finding of that rule counts the rest (None: all)."""
    # The rules allocate many small objects and free none of them in cycles; the
    # cyclic garbage collector would only rescan them (up to a third of the time
    # on large blueprints).
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _lint(blueprint, project, command_line, today or datetime.date.today(), max_per_rule)
    finally:
        if collecting:
            gc.enable()


def _lint(blueprint: Blueprint, project: ConfigLayer | None, command_line: ConfigLayer | None,
          today: datetime.date, max_per_rule: int | None) -> tuple[Finding, ...]:
    config, problems = resolve_config(blueprint, project, command_line)
    findings = [
        _finding(InvalidLintConfig, config, blueprint.path, problem.message, problem.span)
        for problem in problems
    ]
    graph = AnalysisGraph(blueprint)
    used: set[int] = set()
    # code -> component id -> its suppressions of that rule, in config order (index, suppression)
    component_suppressions: dict[str, dict[str, list[tuple[int, Suppression]]]] = {}
    for index, (component_id, code, suppression) in enumerate(config.suppressions.components):
        component_suppressions.setdefault(code, {}).setdefault(component_id, []).append((index, suppression))
    blueprint_suppressions = {code: suppression for code, suppression in config.suppressions.blueprint}
    for rule_class in ALL_RULES:
        if rule_class.meta or rule_class.code not in config.enabled:
            continue
        rule = rule_class()
        by_component = component_suppressions.get(rule.code, {})
        blueprint_suppression = blueprint_suppressions.get(rule.code)
        issues: list[tuple[Issue, Suppressed | None]] = []
        found = rule.check(graph, config.options[rule.code])
        if not by_component and blueprint_suppression is None:  # nothing to match: the common case
            findings += _capped_findings(rule_class, config, blueprint.path, [(i, None) for i in found], max_per_rule)
            continue
        for issue in found:
            matching = _component_matches(issue, by_component)
            if blueprint_suppression is not None:
                matching.append(("blueprint", blueprint_suppression))
            used.update(id(suppression) for _, suppression in matching)
            suppressed = next((Suppressed(_justification(suppression), suppression.span, scope)
                               for scope, suppression in matching if not _expired(suppression, today)), None)
            if suppressed is None and matching:  # every suppression that applies has expired
                issue = _expired_issue(issue, matching[0][1])
            issues.append((issue, suppressed))
        findings += _capped_findings(rule_class, config, blueprint.path, issues, max_per_rule)
    if UnusedSuppression.code in config.enabled:
        unused = []
        for code, suppression in config.suppressions.blueprint:
            if code in config.enabled and id(suppression) not in used:
                unused.append(_unused(config, blueprint.path, suppression, code, "this blueprint"))
        for component_id, code, suppression in config.suppressions.components:
            if code in config.enabled and id(suppression) not in used:
                unused.append(_unused(config, blueprint.path, suppression, code, f"'{component_id}'",
                                      (component_id,)))
        findings += cap_findings(unused, max_per_rule)
    return sort_findings(findings)


def _component_matches(issue: Issue, by_component: dict[str, list[tuple[int, Suppression]]]
                       ) -> list[tuple[str, Suppression]]:
    """The suppressions of the issue's components (any it names), in config order."""
    found = [entry for component_id in dict.fromkeys(issue.components) for entry in by_component.get(component_id, ())]
    return [("component", suppression) for _, suppression in sorted(found, key=lambda entry: entry[0])]


def _capped_findings(rule: type[Rule], config: EffectiveConfig, path: str,
                     issues: list[tuple[Issue, Suppressed | None]], limit: int | None) -> list[Finding]:
    """The rule's findings, at most `limit` unsuppressed and `limit` suppressed ones (the first by
    position), each group followed by one finding that counts the rest (see `cap_findings`)."""
    findings: list[Finding] = []
    suppressed_issues = [item for item in issues if item[1] is not None]
    groups = (issues, []) if not suppressed_issues else ([item for item in issues if item[1] is None], suppressed_issues)
    for group in groups:
        if limit is not None and len(group) > limit:
            group.sort(key=lambda item: (item[0].span.line, item[0].span.column, item[0].message))
            kept = [_finding(rule, config, path, i.message, i.span, i, s) for i, s in group[:limit]]
            omitted = group[limit:]
            first, suppressed = omitted[0]
            severity = config.severities.get(rule.code, rule.severity)
            worst = severity.demoted if all(i.demoted for i, _ in omitted) else severity
            findings += kept
            findings.append(_omitted_finding(rule.code, rule.name, worst, path, first.span, len(omitted), limit,
                                             suppressed))
        else:
            findings += [_finding(rule, config, path, i.message, i.span, i, s) for i, s in group]
    return findings


def cap_findings(findings: "list[Finding] | tuple[Finding, ...]", limit: int | None = MAX_FINDINGS_PER_RULE) -> list[Finding]:
    """At most `limit` unsuppressed and `limit` suppressed findings per rule (the first by
    position), each group followed by one finding of the same rule that counts the
    rest: a hostile blueprint can make a rule report every one of its components,
    and listing them all costs more than any reader can use."""
    if limit is None:
        return list(findings)
    groups: dict[tuple[str, bool], list[Finding]] = {}
    for finding in findings:
        groups.setdefault((finding.code, finding.suppressed is not None), []).append(finding)
    result: list[Finding] = []
    for group in groups.values():
        if len(group) <= limit:
            result += group
            continue
        group = list(sort_findings(group))
        omitted = group[limit:]
        first = omitted[0]
        worst = max((f.severity for f in omitted), key=lambda v: v.rank)
        result += group[:limit]
        result.append(_omitted_finding(first.code, first.rule, worst, first.path, first.span, len(omitted), limit,
                                       first.suppressed))
    return result


def _omitted_finding(code: str, rule: str, severity: Severity, path: str, span: Span | None, count: int, limit: int,
                     suppressed: Suppressed | None) -> Finding:
    """The finding that stands for `count` findings past the cap, at the first one's position.
    It names no component: its fingerprint is its message, so a baseline that records it
    matches while the count stays the same."""
    what = "suppressed findings" if suppressed is not None else "findings"
    return Finding(
        code=code,
        rule=rule,
        severity=severity,
        message=(f"{count:,} more {rule} {what}, from here on, are not listed: lint lists at most "
                 f"{limit:,} {what} of one rule per blueprint"),
        path=path,
        span=span,
        fix="fix the findings listed first (or turn the rule off with --ignore) and run lint again",
        suppressed=None if suppressed is None else Suppressed(
            f"like the {count:,} findings it stands for", None, suppressed.scope),
    )


def _expired(suppression: Suppression, today: datetime.date) -> bool:
    return suppression.until is not None and today > suppression.until


def _justification(suppression: Suppression) -> str:
    """The reason, with the lifecycle when there is one: 'reason (until 2027-01-31, ticket OPS-12)'."""
    extra = [f"until {suppression.until.isoformat()}"] if suppression.until is not None else []
    extra += [f"ticket {suppression.ticket}"] if suppression.ticket else []
    return f"{suppression.reason} ({', '.join(extra)})" if extra else suppression.reason


def _expired_issue(issue: Issue, suppression: Suppression) -> Issue:
    """The issue, saying that the suppression that excused it has expired."""
    ticket = f", ticket {suppression.ticket}" if suppression.ticket else ""
    note = (f" (its suppression at line {suppression.span.line} expired on {suppression.until.isoformat()}"  # type: ignore[union-attr]
            f"{ticket}: \"{suppression.reason}\")")
    fix = f"{issue.fix}; or, if the risk is still accepted, move the suppression's `until:` on" if issue.fix else issue.fix
    return issue._replace(message=issue.message + note, fix=fix)


def invalid_blueprint_findings(error: BlueprintError, path: str) -> tuple[Finding, ...]:
    """The compiler's diagnostics as SD000 findings (capped like a rule's, see `cap_findings`)."""
    return sort_findings(cap_findings([
        Finding(InvalidBlueprint.code, InvalidBlueprint.name, Severity.ERROR, diagnostic.message,
                diagnostic.path or path, diagnostic.span,
                fix="correct the blueprint; `sdiagram validate` shows the same problems")
        for diagnostic in error.diagnostics
    ]))


def lint_file(
    path: str, command_line: ConfigLayer | None = None, project: ConfigLayer | None = None, discover: bool = True
) -> FileResult:
    """Load, compile and lint one blueprint file. Invalid blueprints give SD000 findings.

    With `discover`, project config is looked up from the file's folder upward
    (unless `project` is given). Raises `ConfigError` for unusable project config.
    """
    from ..loading import load_path

    config_path = None
    if project is None and discover:
        config_path, project = project_config_for(path)
    fail_on: Severity | None = Severity.ERROR
    never = False
    for layer in (project, command_line):
        if layer is not None and (layer.fail_on is not None or layer.fail_never):
            fail_on, never = layer.fail_on, layer.fail_never
    threshold = None if never else fail_on
    try:
        blueprint = load_path(path)
    except BlueprintError as error:
        return FileResult(path, invalid_blueprint_findings(error, path), threshold, config_path)
    return FileResult(path, lint_blueprint(blueprint, project, command_line), threshold, config_path)


def _finding(
    rule: type[Rule],
    config: EffectiveConfig,
    path: str,
    message: str,
    span: object,
    issue: Issue | None = None,
    suppressed: Suppressed | None = None,
) -> Finding:
    severity = config.severities.get(rule.code, rule.severity)
    return Finding(
        code=rule.code,
        rule=rule.name,
        severity=severity.demoted if issue is not None and issue.demoted else severity,
        message=message,
        path=path,
        span=span,  # type: ignore[arg-type]
        components=issue.components if issue else (),
        connection=issue.connection if issue else None,
        fix=issue.fix if issue else None,
        suppressed=suppressed,
    )


def _unused(
    config: EffectiveConfig, path: str, suppression: Suppression, code: str, where: str,
    components: tuple[str, ...] = (),
) -> Finding:
    rule = BY_CODE[code]
    return Finding(
        code=UnusedSuppression.code,
        rule=UnusedSuppression.name,
        severity=config.severities[UnusedSuppression.code],
        message=f"suppression of {rule.name} on {where} suppresses nothing",
        path=path,
        span=suppression.span,
        components=components,
        fix=f"remove `{suppression.rule}: ...` from the ignore list",
    )
