"""`layout:`: layout hints, with their table (same rank, order, group order, a pinned variant)."""

from __future__ import annotations

from typing import Any

from ..diagnostics import Span
from ..model import LAYOUT_VARIANTS, LayoutHints
from ..yamlsource import YScalar, YSequence, YValue, describe
from .fields import Field, Read, Section, Table
from .readers import Choice, Context, Reader


class IdLists(Reader):
    """A list of lists of component (or group) ids, each of two or more; a single
    list is read as a list of one."""

    __slots__ = ("groups",)
    type_name = "list of lists of ids"

    def __init__(self, groups: bool = False):
        self.groups = groups

    def read(self, ctx: Context, value: YValue, what: str) -> Any:
        noun = "group" if self.groups else "component"
        known = set(ctx.groups) if self.groups else ctx.declared
        if not isinstance(value, YSequence):
            ctx.error(value.span, f"{what} takes a list of lists of {noun} ids, not {describe(value)}")
            return ()
        rows = value.items if value.items and isinstance(value.items[0], YSequence) else (value,)
        found = []
        for row in rows:
            if not isinstance(row, YSequence):
                ctx.error(row.span, f"{what} takes lists of {noun} ids, not {describe(row)}")
                continue
            ids: list[str] = []
            for item in row.items:
                name = item.value if isinstance(item, YScalar) and isinstance(item.value, str) else None
                if name is None:
                    ctx.error(item.span, f"{what} takes {noun} ids, not {describe(item)}")
                elif name not in known:
                    ctx.error(item.span, f"unknown {noun} '{name}' in {what}{ctx.did_you_mean(name, known)}")
                elif name in ids:
                    ctx.error(item.span, f"'{name}' appears twice in one list of {what}")
                else:
                    ids.append(name)
            if len(row.items) < 2:
                ctx.error(row.span, f"a list in {what} names at least two {noun}s")
            elif len(ids) == len(row.items):
                found.append(tuple(ids))
        return tuple(found)

    def schema(self) -> dict[str, Any]:
        ids = {"type": "array", "items": {"type": "string"}, "minItems": 2}
        return {"anyOf": [ids, {"type": "array", "items": ids}]}


LAYOUT_FIELDS: Table = (
    Field("same_rank", IdLists(), default=(),
          help="Lists of components drawn side by side, across the flow (one rank each).",
          example="same_rank: [[api, cache], [worker, db]]"),
    Field("order", IdLists(), default=(),
          help="Lists of components drawn on one rank in this order (top to bottom in LR, left to right in TB).",
          example="order: [[primary, replica]]"),
    Field("group_order", IdLists(groups=True), default=(),
          help="Lists of groups kept in this order along the flow (left to right in LR): every member of a "
               "group before every member of the next. Graphviz has no per-group direction.",
          example="group_order: [[edge, storage]]"),
    Field("variant", Choice(LAYOUT_VARIANTS), computed_default="the best-scoring candidate",
          help=f"Pin one candidate layout instead of the best-scoring one ({', '.join(LAYOUT_VARIANTS)}); "
               "`sdiagram render --stats` shows which one is drawn.",
          example="variant: classic-ranking"),
)


def _layout(read: Read, span: Span) -> LayoutHints:
    return LayoutHints(span=span, **read.values)


LAYOUT = Section(LAYOUT_FIELDS, _layout, prefix="layout.")
