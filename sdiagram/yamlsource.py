"""Load stage: blueprint text -> YAML values that remember where they came from.

PyYAML (its C parser when installed) does the parsing; this module only adds
what a blueprint from an untrusted pull request needs on top of it:

* a size limit, checked before the file is read;
* a nesting limit, checked on the event stream before any node is built, so a
  list nested 20,000 deep is refused without recursion;
* an expansion budget for aliases, so a "billion laughs" document is refused
  after a bounded amount of work instead of being expanded;
* only the YAML core tags: `!!python/...` and any other tag is an error, and
  nothing is ever constructed from a tag;
* duplicate mapping keys are errors (PyYAML silently keeps the last one);
* every value keeps its `Span` (1-based line and column).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Union

import yaml

from .diagnostics import BlueprintError, Diagnostic, Span

try:  # pragma: no cover - depends on how PyYAML was built
    _Loader: type = yaml.CSafeLoader
except AttributeError:  # pragma: no cover
    _Loader = yaml.SafeLoader

DEFAULT_MAX_BYTES = 5 * 1024 * 1024
MAX_DEPTH = 64
MAX_EXPANDED_NODES = 200_000

_CORE = "tag:yaml.org,2002:"
_SCALAR_TAGS = {f"{_CORE}{t}" for t in ("str", "int", "float", "bool", "null", "timestamp")}
_MERGE_TAG = f"{_CORE}merge"
_MAP_TAG = f"{_CORE}map"
_SEQ_TAG = f"{_CORE}seq"
_SCALAR_CONSTRUCTOR = yaml.constructor.SafeConstructor()

Scalar = Union[str, int, float, bool, None]


@dataclass(frozen=True, slots=True)
class YScalar:
    value: Scalar
    span: Span


@dataclass(frozen=True, slots=True)
class YMapping:
    entries: tuple[tuple[YScalar, "YValue"], ...]
    span: Span


@dataclass(frozen=True, slots=True)
class YSequence:
    items: tuple["YValue", ...]
    span: Span


YValue = Union[YScalar, YMapping, YSequence]


def describe(value: YValue) -> str:
    """The YAML type of a value, as an error message names it."""
    if isinstance(value, YMapping):
        return "a mapping"
    if isinstance(value, YSequence):
        return "a list"
    scalar = value.value
    if scalar is None:
        return "null"
    if isinstance(scalar, bool):
        return "a boolean"
    if isinstance(scalar, int):
        return "an integer"
    if isinstance(scalar, float):
        return "a number"
    return "a string"


def read_source(path: str, max_bytes: int = DEFAULT_MAX_BYTES) -> str:
    """Read a blueprint file as text, refusing oversized or non-UTF-8 files."""
    try:
        size = os.path.getsize(path)
        if size > max_bytes:
            raise BlueprintError(
                [Diagnostic(path, f"file is {size:,} bytes, over the limit of {max_bytes:,} bytes")]
            )
        with open(path, "rb") as handle:
            data = handle.read(max_bytes + 1)
    except OSError as error:
        raise BlueprintError([Diagnostic(path, f"cannot read file: {error.strerror or error}")]) from None
    if len(data) > max_bytes:
        raise BlueprintError([Diagnostic(path, f"file is over the limit of {max_bytes:,} bytes")])
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise BlueprintError([Diagnostic(path, f"file is not UTF-8 text (byte {error.start})")]) from None


def parse_yaml(text: str, path: str) -> YValue | None:
    """Parse one YAML document into positioned values; None for an empty file.

    Raises BlueprintError with the position of the first problem.
    """
    try:
        _check_depth(text, path)
        node = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        message = error.problem or error.context or "invalid YAML"
        if error.context and error.problem:
            message = f"{error.problem} ({error.context})"
        span = Span(path, mark.line + 1, mark.column + 1) if mark else None
        raise BlueprintError([Diagnostic(path, f"YAML syntax error: {message}", span)]) from None
    except yaml.YAMLError as error:
        raise BlueprintError([Diagnostic(path, f"YAML error: {error}")]) from None
    if node is None:
        return None
    return _Converter(path).convert(node, depth=0)


def _check_depth(text: str, path: str) -> None:
    depth = 0
    for event in yaml.parse(text, Loader=_Loader):
        if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
            depth += 1
            if depth > MAX_DEPTH:
                mark = event.start_mark
                raise BlueprintError(
                    [
                        Diagnostic(
                            path,
                            f"nesting is deeper than {MAX_DEPTH} levels",
                            Span(path, mark.line + 1, mark.column + 1),
                        )
                    ]
                )
        elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
            depth -= 1


class _Converter:
    """Turns a composed node graph into Y-values, within the expansion budget."""

    def __init__(self, path: str):
        self.path = path
        self.budget = MAX_EXPANDED_NODES
        self.problems: list[Diagnostic] = []

    def span(self, node: yaml.Node) -> Span:
        return Span(self.path, node.start_mark.line + 1, node.start_mark.column + 1)

    def fail(self, node: yaml.Node, message: str) -> BlueprintError:
        return BlueprintError([Diagnostic(self.path, message, self.span(node))])

    def convert(self, node: yaml.Node, depth: int) -> YValue:
        result = self._convert(node, depth)
        if self.problems:
            raise BlueprintError(self.problems)
        return result

    def _convert(self, node: yaml.Node, depth: int) -> YValue:
        self.budget -= 1
        if self.budget < 0:
            raise self.fail(node, f"document expands to more than {MAX_EXPANDED_NODES:,} values through aliases")
        if depth > MAX_DEPTH:
            raise self.fail(node, f"nesting (through aliases) is deeper than {MAX_DEPTH} levels")
        if isinstance(node, yaml.ScalarNode):
            return self._scalar(node)
        if isinstance(node, yaml.SequenceNode):
            if node.tag != _SEQ_TAG:
                raise self.fail(node, f"tag '{node.tag}' is not allowed")
            return YSequence(tuple(self._convert(item, depth + 1) for item in node.value), self.span(node))
        if isinstance(node, yaml.MappingNode):
            if node.tag != _MAP_TAG:
                raise self.fail(node, f"tag '{node.tag}' is not allowed")
            return self._mapping(node, depth)
        raise self.fail(node, "unsupported YAML node")  # pragma: no cover

    def _scalar(self, node: yaml.ScalarNode) -> YScalar:
        if node.tag not in _SCALAR_TAGS:
            raise self.fail(node, f"tag '{node.tag}' is not allowed")
        if node.tag == f"{_CORE}timestamp":
            return YScalar(node.value, self.span(node))
        constructor = _SCALAR_CONSTRUCTOR.yaml_constructors[node.tag]
        try:
            value = constructor(_SCALAR_CONSTRUCTOR, node)
        except (ValueError, yaml.constructor.ConstructorError):
            raise self.fail(node, f"invalid {node.tag.removeprefix(_CORE)} value {node.value!r}") from None
        return YScalar(value, self.span(node))

    def _mapping(self, node: yaml.MappingNode, depth: int) -> YMapping:
        explicit: dict[Scalar, tuple[YScalar, YValue]] = {}
        merged: dict[Scalar, tuple[YScalar, YValue]] = {}
        for key_node, value_node in node.value:
            if isinstance(key_node, yaml.ScalarNode) and key_node.tag == _MERGE_TAG:
                for source in self._merge_sources(value_node, depth):
                    for key, value in source.entries:
                        merged.setdefault(key.value, (key, value))
                continue
            if not isinstance(key_node, yaml.ScalarNode):
                raise self.fail(key_node, "mapping keys must be plain values, not lists or mappings")
            key = self._scalar(key_node)
            value = self._convert(value_node, depth + 1)
            if key.value in explicit:
                first = explicit[key.value][0].span
                self.problems.append(
                    Diagnostic(
                        self.path,
                        f"duplicate key '{key.value}' (first defined at line {first.line}, column {first.column})",
                        key.span,
                    )
                )
                continue
            explicit[key.value] = (key, value)
        entries = list(explicit.values())
        entries += [entry for key, entry in merged.items() if key not in explicit]
        return YMapping(tuple(entries), self.span(node))

    def _merge_sources(self, node: yaml.Node, depth: int) -> list[YMapping]:
        values = [self._convert(node, depth + 1)]
        if isinstance(values[0], YSequence):
            values = list(values[0].items)
        for value in values:
            if not isinstance(value, YMapping):
                raise self.fail(node, "a merge key '<<' takes a mapping or a list of mappings")
        return values  # type: ignore[return-value]


def load_yaml_file(path: str, max_bytes: int = DEFAULT_MAX_BYTES) -> YValue | None:
    """Read and parse a blueprint file (see `read_source` and `parse_yaml`)."""
    return parse_yaml(read_source(path, max_bytes), path)
