"""The lint engine: build the analysis graph once, run the selected rules, apply
suppressions, report unused ones."""

from __future__ import annotations

import datetime
import gc
from typing import NamedTuple

from ..diagnostics import BlueprintError
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
    today: datetime.date | None = None,
) -> tuple[Finding, ...]:
    """Every finding for a compiled blueprint, suppressed ones included (`Finding.suppressed`),
    sorted by position. `project` and `command_line` are optional settings layers
    (see `sdiagram.lint.config`); the blueprint's own `lint:` block always applies.
    A suppression with `until:` before `today` (default: the local date) no
    longer suppresses; the finding says it expired."""
    # The rules allocate many small objects and free none of them in cycles; the
    # cyclic garbage collector would only rescan them (up to a third of the time
    # on large blueprints).
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _lint(blueprint, project, command_line, today or datetime.date.today())
    finally:
        if collecting:
            gc.enable()


def _lint(blueprint: Blueprint, project: ConfigLayer | None, command_line: ConfigLayer | None,
          today: datetime.date) -> tuple[Finding, ...]:
    config, problems = resolve_config(blueprint, project, command_line)
    findings = [
        _finding(InvalidLintConfig, config, blueprint.path, problem.message, problem.span)
        for problem in problems
    ]
    graph = AnalysisGraph(blueprint)
    used: set[int] = set()
    component_suppressions: dict[str, list[tuple[str, Suppression]]] = {}
    for component_id, code, suppression in config.suppressions.components:
        component_suppressions.setdefault(code, []).append((component_id, suppression))
    blueprint_suppressions = {code: suppression for code, suppression in config.suppressions.blueprint}
    for rule_class in ALL_RULES:
        if rule_class.meta or rule_class.code not in config.enabled:
            continue
        rule = rule_class()
        for issue in rule.check(graph, config.options[rule.code]):
            matching = [("component", suppression)
                        for component_id, suppression in component_suppressions.get(rule.code, ())
                        if component_id in issue.components]
            if rule.code in blueprint_suppressions:
                matching.append(("blueprint", blueprint_suppressions[rule.code]))
            used.update(id(suppression) for _, suppression in matching)
            suppressed = next((Suppressed(_justification(suppression), suppression.span, scope)
                               for scope, suppression in matching if not _expired(suppression, today)), None)
            if suppressed is None and matching:  # every suppression that applies has expired
                issue = _expired_issue(issue, matching[0][1])
            findings.append(_finding(rule_class, config, blueprint.path, issue.message, issue.span, issue, suppressed))
    if UnusedSuppression.code in config.enabled:
        for code, suppression in config.suppressions.blueprint:
            if code in config.enabled and id(suppression) not in used:
                findings.append(_unused(config, blueprint.path, suppression, code, "this blueprint"))
        for component_id, code, suppression in config.suppressions.components:
            if code in config.enabled and id(suppression) not in used:
                findings.append(_unused(config, blueprint.path, suppression, code, f"'{component_id}'",
                                        (component_id,)))
    return sort_findings(findings)


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
    """The compiler's diagnostics as SD000 findings."""
    return sort_findings([
        Finding(InvalidBlueprint.code, InvalidBlueprint.name, Severity.ERROR, diagnostic.message,
                diagnostic.path or path, diagnostic.span,
                fix="correct the blueprint; `sdiagram validate` shows the same problems")
        for diagnostic in error.diagnostics
    ])


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
