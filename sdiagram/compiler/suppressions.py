"""`ignore:` entries: lint suppressions, with an optional lifecycle.

    ignore:
      orphan-component: "drawn for context"                     # plain: a reason
      single-point-of-failure:                                  # with a lifecycle
        reason: "cold standby restored from backup"
        until: 2027-01-31       # stops suppressing after this day; lint says so
        ticket: OPS-12          # where the fix is tracked

The long form is read through `SUPPRESSION_FIELDS`, a field table like any
other section's.
"""

from __future__ import annotations

from typing import Any

from ..yamlsource import YMapping, YScalar, YValue
from .fields import Field, Table, read_section
from .readers import MAX_TEXT, Context, Date, Reader, Text

MAX_TICKET = 200

SUPPRESSION_FIELDS: Table = (
    Field("reason", Text(), required=True, help="Why the finding is acceptable (required).",
          example='reason: "cold standby restored from backup"'),
    Field("until", Date(), help="YYYY-MM-DD: the last day the suppression applies; after it the finding "
          "is reported again and says the suppression expired.", example="until: 2027-01-31"),
    Field("ticket", Text(MAX_TICKET), help="Where the fix is tracked (an issue key or URL).",
          example="ticket: OPS-12"),
)


class Suppressions(Reader):
    """`{rule: "reason"}` or `{rule: {reason, until, ticket}}`: lint suppressions, each with a reason."""

    type_name = "{rule: reason}"

    def read(self, ctx: Context, value: YValue, what: str) -> Any:
        from ..model import Suppression

        found = []
        for rule, key, entry in ctx.mapping_items(value, what):
            if isinstance(entry, YMapping):
                read = read_section(ctx, entry, f"{what}.{rule}", SUPPRESSION_FIELDS, f"{what}.{rule}.")
                if "reason" not in read.nodes:
                    ctx.error(key.span, f"suppression of '{rule}' needs a reason: `reason: \"why this is acceptable\"`")
                if "reason" in read.values:
                    found.append(Suppression(rule, read.values["reason"].strip(), key.span,
                                             read.values.get("until"), read.values.get("ticket")))
                continue
            if not isinstance(entry, YScalar) or not isinstance(entry.value, str) or not entry.value.strip():
                ctx.error(key.span, f"suppression of '{rule}' needs a reason: `{rule}: \"why this is acceptable\"`")
                continue
            found.append(Suppression(rule, entry.value.strip(), key.span))
        return tuple(found)

    def schema(self) -> dict[str, Any]:
        from .schema import table_schema

        reason = {"type": "string", "pattern": "\\S", "maxLength": MAX_TEXT}
        return {"type": "object", "additionalProperties": {"anyOf": [reason, table_schema(SUPPRESSION_FIELDS)]}}
