"""The field table's row type and the generic reading of a section by its table."""

from __future__ import annotations

from typing import Any, Callable, NamedTuple

from ..diagnostics import Span
from ..yamlsource import YMapping, YScalar, YValue
from .readers import INVALID, Context, Reader


class Field(NamedTuple):
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


# table id -> (table, name -> (position, field, model attribute)); tables are module constants
_INDEXES: dict[int, tuple[Table, dict[str, tuple[int, Field, str]]]] = {}


def _index(table: Table) -> dict[str, tuple[int, Field, str]]:
    cached = _INDEXES.get(id(table))
    if cached is None or cached[0] is not table:
        cached = (table, {field.name: (i, field, field.model_attr) for i, field in enumerate(table)})
        _INDEXES[id(table)] = cached
    return cached[1]


class Read(NamedTuple):
    """A section read through its table: valid `values` by model attribute,
    and the YAML node of every key that was written (valid or not)."""

    values: dict[str, Any]
    nodes: dict[str, YValue]


def read_section(ctx: Context, value: YValue, what: str, table: Table, prefix: str = "") -> Read:
    """Read a mapping by its table, in table order; reports unknown keys and bad values."""
    index = _index(table)
    if isinstance(value, YMapping) and all(key.value.__class__ is str and key.value in index for key, _ in value.entries):
        nodes: dict[str, YValue] = {key.value: item for key, item in value.entries}  # type: ignore[misc]  # the common case: every key is a known str
    else:
        nodes = {key: item for key, _, item in ctx.mapping_items(value, what, index)}
    values: dict[str, Any] = {}
    for name in sorted(nodes, key=lambda name: index[name][0]) if len(nodes) > 1 else nodes:
        _, field, attr = index[name]
        result = field.reader.read(ctx, nodes[name], prefix + name if prefix else name)
        if result is not INVALID:
            values[attr] = result
    return Read(values, nodes)


def empty_mapping_if_null(value: YValue) -> YValue:
    """`key:` with nothing after it reads as an empty mapping."""
    if isinstance(value, YScalar) and value.value is None:
        return YMapping((), value.span)
    return value


class Section(Reader):
    """A nested mapping read by its own table, built into a model value by `build`;
    `context_attr` names the Context attribute later sections read it from."""

    __slots__ = ("table", "build", "prefix", "context_attr")
    type_name = "mapping"

    def __init__(self, table: Table, build: Callable[[Read, Span], Any], prefix: str = "", context_attr: str = ""):
        self.table, self.build, self.prefix, self.context_attr = table, build, prefix, context_attr

    def read(self, ctx: Context, value: YValue, what: str) -> Any:
        result = self.build(read_section(ctx, value, what, self.table, self.prefix), value.span)
        if self.context_attr:
            setattr(ctx, self.context_attr, result)
        return result

    def schema(self) -> dict[str, Any]:
        from .schema import table_schema

        return table_schema(self.table)
