"""The field table's row type and the generic reading of a section by its table."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from ..diagnostics import Span
from ..yamlsource import YMapping, YScalar, YValue
from .readers import INVALID, Context, Reader


@dataclass(frozen=True)
class Field:
    """One key of one section of the format.

    `default` is what a blueprint gets without the key (the model field's
    default; a test keeps the two equal); `attr` is the model field the value
    goes to (default: the key's name); `example` is YAML for the reference page.
    """

    name: str
    reader: Reader
    help: str
    default: Any = None
    example: str = ""
    attr: str = ""
    required: bool = False
    # the value of the model field when the key is absent is computed (not `default`)
    computed_default: str = ""

    @property
    def model_attr(self) -> str:
        return self.attr or self.name


Table = tuple[Field, ...]


def by_name(table: Table) -> dict[str, Field]:
    return {field.name: field for field in table}


@dataclass(frozen=True)
class Read:
    """A section read through its table: valid `values` by model attribute,
    and the YAML node of every key that was written (valid or not)."""

    values: dict[str, Any]
    nodes: dict[str, YValue]


def read_section(ctx: Context, value: YValue, what: str, table: Table, prefix: str = "") -> Read:
    """Read a mapping by its table, in table order; reports unknown keys and bad values."""
    fields = by_name(table)
    nodes = {key: item for key, _, item in ctx.mapping_items(value, what, fields)}
    values: dict[str, Any] = {}
    for field in table:
        if field.name in nodes:
            result = field.reader.read(ctx, nodes[field.name], f"{prefix}{field.name}")
            if result is not INVALID:
                values[field.model_attr] = result
    return Read(values, nodes)


def empty_mapping_if_null(value: YValue) -> YValue:
    """`key:` with nothing after it reads as an empty mapping."""
    if isinstance(value, YScalar) and value.value is None:
        return YMapping((), value.span)
    return value


@dataclass(frozen=True)
class Section(Reader):
    """A nested mapping read by its own table, built into a model value by `build`."""

    table: Table = ()
    build: Callable[[Read, Span], Any] = lambda read, span: read.values
    prefix: str = ""
    # the Context attribute later sections read the result from (e.g. "placement")
    context_attr: str = ""
    type_name = "mapping"

    def read(self, ctx: Context, value: YValue, what: str) -> Any:
        result = self.build(read_section(ctx, value, what, self.table, self.prefix), value.span)
        if self.context_attr:
            setattr(ctx, self.context_attr, result)
        return result

    def schema(self) -> dict[str, Any]:
        from .schema import table_schema

        return table_schema(self.table)
