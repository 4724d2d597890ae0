"""`sdiagram lint`, `sdiagram rules` and `sdiagram explain`.

Only click is imported at start-up; the lint engine is imported when a
command runs, and nothing on this path imports Graphviz or `diagrams`.
"""

from __future__ import annotations

import os
import sys

import click

from ..diagnostics import printable

from .paths import blueprint_files

FORMAT_CHOICES = ("text", "json", "sarif", "github")
FAIL_ON_CHOICES = ("error", "warning", "info", "never")


def _write_atomically(path: str, text: str, option: str = "--output") -> None:
    from .output import write_atomic

    try:
        write_atomic(path, text.encode("utf-8"))
    except OSError as error:
        raise click.BadParameter(f"cannot write '{path}': {error.strerror or error}", param_hint=option) from None


@click.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option("--format", "output_format", type=click.Choice(FORMAT_CHOICES),
              help="Output format. Default: text, or github when GITHUB_ACTIONS=true.")
@click.option("--select", multiple=True, metavar="RULES",
              help="Run only these rules (codes, names or code prefixes such as SD1; comma-separated or repeated).")
@click.option("--ignore", multiple=True, metavar="RULES", help="Do not run these rules (comma-separated or repeated).")
@click.option("--fail-on", type=click.Choice(FAIL_ON_CHOICES, case_sensitive=False),
              help="Exit 1 when an unsuppressed finding is at or above this severity. Default: error.")
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write the report to this file instead of stdout.")
@click.option("--config", "config_path", type=click.Path(exists=True, dir_okay=False),
              help="Project config file (.sdiagram.yaml or pyproject.toml) instead of searching upward.")
@click.option("--isolated", is_flag=True, help="Ignore project config files.")
@click.option("--show-suppressed", is_flag=True, help="Text format: also print suppressed findings.")
@click.option("--skip-non-blueprints", is_flag=True,
              help="Also skip named files that are not blueprints, as folder scans do (for pre-commit).")
@click.option("--baseline", "baseline_path", type=click.Path(dir_okay=False),
              help="Accept the findings recorded in this baseline file; fail only on new ones.")
@click.option("--write-baseline", "write_baseline_path", type=click.Path(dir_okay=False),
              help="Record every current unsuppressed finding in this baseline file and exit 0.")
def lint(
    paths: tuple[str, ...],
    output_format: str | None,
    select: tuple[str, ...],
    ignore: tuple[str, ...],
    fail_on: str | None,
    output: str | None,
    config_path: str | None,
    isolated: bool,
    show_suppressed: bool,
    skip_non_blueprints: bool,
    baseline_path: str | None,
    write_baseline_path: str | None,
) -> None:
    """Check blueprints against the architecture rules (`sdiagram rules` lists them).

    PATHS are files or folders (searched for blueprints); - reads standard input.

    Exit status: 0 when no unsuppressed finding is at or above --fail-on, 1 when
    one is, 2 for invalid blueprints, invalid settings or usage errors.
    With --baseline, findings recorded in the baseline do not count, and entries
    that no longer match a finding are listed (on stderr) so the baseline shrinks.
    """
    from ..lint import ConfigError, command_line_layer, lint_file, load_project_config
    from ..lint.report.summary import Summary

    files = blueprint_files(paths, skip_non_blueprints)
    if output_format is None:
        output_format = "github" if os.environ.get("GITHUB_ACTIONS") == "true" else "text"
    try:
        flags = command_line_layer(select or None, ignore, fail_on)
        project = load_project_config(os.path.abspath(config_path)) if config_path else None
        results = [lint_file(path, flags, project, discover=not isolated and project is None) for path in files]
    except ConfigError as error:
        raise click.UsageError(str(error)) from None

    if write_baseline_path is not None:
        _write_baseline(results, write_baseline_path)
    stale: tuple = ()
    if baseline_path is not None:
        from ..lint.baseline import BaselineError, apply_baseline, read_baseline

        try:
            outcome = apply_baseline(results, read_baseline(baseline_path))
        except BaselineError as error:
            raise click.BadParameter(str(error), param_hint="--baseline") from None
        results, stale = list(outcome.results), outcome.stale

    if output_format == "text":
        from ..lint.report import text

        colour = output is None and sys.stdout.isatty() and "NO_COLOR" not in os.environ
        report = text.render(results, colour=colour, show_suppressed=show_suppressed)
    elif output_format == "json":
        from ..lint.report import json as json_report

        report = json_report.render(results, stale)
    elif output_format == "sarif":
        from ..lint.report import sarif

        report = sarif.render(results)
    else:
        from ..lint.report import github

        report = github.render(results)

    summary = Summary.of(results)
    if stale:
        _report_stale(stale, baseline_path or "")
    if output is not None:
        _write_atomically(output, report)
        click.echo(summary.sentence(), err=True)
    else:
        click.echo(report, nl=False)
    sys.exit(summary.exit_code)


def _write_baseline(results: list, path: str) -> None:
    """Write the baseline and exit: 0, or 2 when a blueprint is invalid (nothing written)."""
    from ..lint.baseline import baseline_entries, baseline_text

    invalid = [result.path for result in results if result.invalid]
    if invalid:
        from ..lint.report import text

        click.echo(text.render([r for r in results if r.invalid]), nl=False)
        click.echo(f"error: not writing the baseline: {len(invalid)} invalid blueprint(s); fix them first", err=True)
        sys.exit(2)
    entries = baseline_entries(results, path)
    _write_atomically(path, baseline_text(entries), "--write-baseline")
    files = len({entry.path for entry in entries})
    click.echo(f"wrote {path}: {len(entries)} finding(s) in {files} of {len(results)} blueprint(s)", err=True)
    sys.exit(0)


def _report_stale(stale: tuple, path: str) -> None:
    entries = "1 baseline entry no longer matches" if len(stale) == 1 else f"{len(stale)} baseline entries no longer match"
    click.echo(f"{path}: {entries} a finding "
               f"(fixed, or the ids changed); `sdiagram lint --write-baseline {path} ...` drops them:", err=True)
    for entry in stale:
        click.echo(f"  {entry.describe()}", err=True)


@click.command()
@click.option("--format", "output_format", type=click.Choice(("text", "json")), default="text", show_default=True)
def rules(output_format: str) -> None:
    """List every lint rule: code, name, default severity and what it finds."""
    from ..lint.docs import help_url
    from ..lint.rules import ALL_RULES

    if output_format == "json":
        import json

        click.echo(json.dumps([
            {"code": r.code, "name": r.name, "severity": r.severity.value, "summary": r.summary(),
             "options": {f.name: f.default for f in r.option_fields()}, "help": help_url(r)}
            for r in ALL_RULES
        ], indent=2))
        return
    width = max(len(r.name) for r in ALL_RULES)
    for rule in ALL_RULES:
        click.echo(f"{rule.code}  {rule.name:<{width}}  {rule.severity.value:<7}  {rule.summary()}")
    click.echo()
    click.echo("`sdiagram explain RULE` shows a rule's documentation (RULE is a code or a name).")


@click.command()
@click.argument("rule")
def explain(rule: str) -> None:
    """Print the documentation of a rule, given its code (SD101) or name."""
    from ..lint.docs import explain_text
    from ..lint.rules import lookup, unknown_rule_message

    found = lookup(rule)
    if found is None:
        raise click.BadParameter(printable(unknown_rule_message(rule)), param_hint="RULE")
    click.echo(explain_text(found))
