"""Blueprint-wide settings: `traffic:`, `placement:` and `lint:`, with their tables."""

from __future__ import annotations

from typing import Any

from ..diagnostics import Span
from ..model import LintSettings, Placement, RuleSettings, Setting, Slo, Traffic
from ..yamlsource import YValue
from .components import MAX_ZONES
from .fields import Field, Read, Section, Table
from .figures import Duration, Fraction, Rate, Size
from .readers import Context, Integer, Quantity, Ratio, Reader, RuleNames, plain
from .suppressions import Suppressions

TRAFFIC_FIELDS: Table = (
    Field("dau", Quantity(0, whole=True), help="Daily active users; `50M`, `1.5k` and plain numbers.",
          example="dau: 50M"),
    Field("requests_per_user", Quantity(0), help="Requests per user per day.", example="requests_per_user: 40"),
    Field("read_write_ratio", Ratio(), attr="reads",
          help="Reads to writes, `\"100:1\"` (quote it), or reads per write as one number.",
          example="read_write_ratio: \"100:1\""),
    Field("peak_factor", Quantity(1), computed_default="2 in the estimate",
          help="Peak traffic over the daily average.", example="peak_factor: 3"),
    Field("request_size", Size(), help="Bytes per request (bandwidth in).", example="request_size: 1 KB"),
    Field("response_size", Size(), help="Bytes per response (bandwidth out).", example="response_size: 10 KB"),
    Field("record_size", Size(), help="Bytes stored per write (storage per day and year).",
          example="record_size: 500 B"),
    Field("retention", Duration(), attr="retention_days",
          help="How long records are kept (storage over the retention period).", example="retention: 5y"),
)

SLO_FIELDS: Table = (
    Field("availability", Fraction(percent_numbers=True, above_zero=True),
          help="The availability every client entry path should reach.", example="availability: 99.99%"),
    Field("latency_ms", Rate(), help="The latency budget of every client entry path, in milliseconds.",
          example="latency_ms: 200"),
)

PLACEMENT_FIELDS: Table = (
    Field("zones", Integer(1, MAX_ZONES), default=1, help="Availability zones components run in by default.",
          example="zones: 3"),
    Field("regions", Integer(1, MAX_ZONES), default=1, help="Regions components run in by default.",
          example="regions: 1"),
)


class LintRulesReader(Reader):
    """`lint.rules`: rule -> {severity, options...}; lint validates the values."""

    type_name = "mapping of rule to settings"

    def read(self, ctx: Context, value: YValue, what: str) -> tuple[RuleSettings, ...]:
        rules = []
        for rule, rule_key, spec in ctx.mapping_items(value, "lint.rules"):
            severity = None
            options: dict[str, Setting] = {}
            for option, _, option_value in ctx.mapping_items(spec, f"lint.rules.{rule}"):
                setting = Setting(plain(option_value), option_value.span)
                if option == "severity":
                    severity = setting
                else:
                    options[option] = setting
            rules.append(RuleSettings(rule, rule_key.span, severity, options))
        return tuple(rules)

    def schema(self) -> dict[str, Any]:
        return {
            "type": "object",
            "additionalProperties": {
                "type": "object",
                "properties": {"severity": {"enum": ["error", "warning", "info"]}},
            },
        }


LINT_FIELDS: Table = (
    Field("select", RuleNames(), computed_default="every rule on by default",
          help="Only these rules (codes or names).", example="select: [SD101, missing-cache]"),
    Field("ignore", Suppressions(), default=(), help="`{rule: \"reason\"}` or `{rule: {reason, until, ticket}}`: suppressions for "
          "the whole blueprint.",
          example="ignore: {orphan-component: \"drawn for context\"}"),
    Field("rules", LintRulesReader(), default=(), help="Per rule: `severity` and the rule's options.",
          example="rules: {deep-sync-chain: {severity: error, max_services: 6}}"),
)


def _traffic(read: Read, span: Span) -> Traffic:
    values = dict(read.values)
    values["reads"], values["writes"] = values.pop("reads", (None, None))
    return Traffic(span=span, **values)


def _placement(read: Read, span: Span) -> Placement:
    return Placement(span=span, **read.values)


def _slo(read: Read, span: Span) -> Slo:
    return Slo(span=span, **read.values)


def _lint(read: Read, span: Span) -> LintSettings:
    return LintSettings(span=span, **read.values)


TRAFFIC = Section(TRAFFIC_FIELDS, _traffic, prefix="traffic.")
PLACEMENT = Section(PLACEMENT_FIELDS, _placement, prefix="placement.", context_attr="placement")
LINT = Section(LINT_FIELDS, _lint, prefix="lint.")
SLO = Section(SLO_FIELDS, _slo, prefix="slo.")
