"""Load stage: blueprint text -> YAML values that remember where they came from.

PyYAML (its C parser when installed) does the parsing; this module only adds
what a blueprint from an untrusted pull request needs on top of it:

* a size limit, checked before the file is read;
* a nesting limit of 64 levels (libyaml itself stops at 1,000, so a list
  nested 20,000 deep is refused before any Python recursion);
* an expansion budget for aliases, so a "billion laughs" document is refused
  after a bounded amount of work instead of being expanded;
* only the YAML core tags: `!!python/...` and any other tag is an error, and
  nothing is ever constructed from a tag;
* duplicate mapping keys are errors (PyYAML silently keeps the last one);
* every value keeps its `Span` (1-based line and column).
"""

from __future__ import annotations

import os
import re
import gc
import stat
from typing import NamedTuple, Union

import yaml

from .diagnostics import BlueprintError, Diagnostic, Span

try:  # pragma: no cover - depends on how PyYAML was built
    _Loader: type = yaml.CSafeLoader
except AttributeError:  # pragma: no cover
    _Loader = yaml.SafeLoader

DEFAULT_MAX_BYTES = 5 * 1024 * 1024
MAX_DEPTH = 64
# Values reached a second time through an alias; a "billion laughs" document
# exceeds this after a few milliseconds of work.
MAX_ALIAS_EXPANSION = 10_000

_CORE = "tag:yaml.org,2002:"
_SCALAR_TAGS = {f"{_CORE}{t}" for t in ("str", "int", "float", "bool", "null", "timestamp")}
_STR_TAG = f"{_CORE}str"
_MERGE_TAG = f"{_CORE}merge"
_MAP_TAG = f"{_CORE}map"
_SEQ_TAG = f"{_CORE}seq"
_SCALAR_CONSTRUCTOR = yaml.constructor.SafeConstructor()

Scalar = Union[str, int, float, bool, None]


# Named tuples, not dataclasses: one is built per YAML value (tens of
# thousands in a large blueprint) and tuples are the cheapest immutable record.
class YScalar(NamedTuple):
    value: Scalar
    span: Span


class YMapping(NamedTuple):
    entries: tuple[tuple[YScalar, "YValue"], ...]
    span: Span


class YSequence(NamedTuple):
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
        info = os.stat(path)
        if not stat.S_ISREG(info.st_mode):
            raise BlueprintError([Diagnostic(path, "not a regular file")])
        size = info.st_size
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


def parse_yaml(text: str, path: str) -> tuple[YValue | None, list[Diagnostic]]:
    """Parse one YAML document into positioned values (None for an empty file).

    Problems that leave a usable document (duplicate keys: the first one is
    kept) are returned; the others raise BlueprintError with their position.
    """
    # The cyclic garbage collector finds nothing to free among freshly built
    # nodes but runs hundreds of times while they are built; pause it.
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _parse(text, path)
    finally:
        if collecting:
            gc.enable()


def _parse(text: str, path: str) -> tuple[YValue | None, list[Diagnostic]]:
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        message = error.problem or error.context or "invalid YAML"
        if error.context and error.problem:
            message = f"{error.problem} ({error.context})"
        if mark and _char_at(text, mark.line, mark.column) == "\t":
            message = "a tab character; YAML indents with spaces only"
        elif mark:
            message += _syntax_hint(text, mark.line, mark.column, message)
        span = Span(path, mark.line + 1, mark.column + 1) if mark else None
        raise BlueprintError([Diagnostic(path, f"YAML syntax error: {message}", span)]) from None
    except yaml.YAMLError as error:
        raise BlueprintError([Diagnostic(path, f"YAML error: {error}")]) from None
    except RecursionError:  # the pure-Python parser, on nesting libyaml would refuse
        raise BlueprintError([Diagnostic(path, f"nesting is deeper than {MAX_DEPTH} levels")]) from None
    if node is None:
        return None, []
    converter = _Converter(path)
    return converter.convert(node, depth=0), converter.problems


def _char_at(text: str, line: int, column: int) -> str:
    lines = text.split("\n", line + 1)
    return lines[line][column : column + 1] if line < len(lines) else ""


class _Converter:
    """Turns a composed node graph into Y-values, within the expansion budget."""

    def __init__(self, path: str):
        self.path = path
        self.alias_budget = MAX_ALIAS_EXPANSION
        self.seen: set[int] = set()
        self.problems: list[Diagnostic] = []

    def span(self, node: yaml.Node) -> Span:
        return Span(self.path, node.start_mark.line + 1, node.start_mark.column + 1)

    def fail(self, node: yaml.Node, message: str) -> BlueprintError:
        return BlueprintError([Diagnostic(self.path, message, self.span(node))])

    def convert(self, node: yaml.Node, depth: int) -> YValue:
        return self._convert(node, depth)

    def not_allowed(self, node: yaml.Node) -> BlueprintError:
        tag = node.tag.replace(_CORE, "!!", 1)
        return self.fail(node, f"tag '{tag}' is not allowed (only plain YAML values; nothing is ever constructed from a tag)")

    def _convert(self, node: yaml.Node, depth: int) -> YValue:
        if node.__class__ is yaml.ScalarNode:
            if node.tag == _STR_TAG:
                mark = node.start_mark
                return YScalar(node.value, Span(self.path, mark.line + 1, mark.column + 1))
            return self._scalar(node)
        # A collection reached again is an alias: charge its size, so that
        # nested aliases ("billion laughs") run out of budget quickly.
        if id(node) in self.seen:
            self.alias_budget -= 1 + len(node.value)
            if self.alias_budget < 0:
                raise self.fail(node, f"aliases expand to more than {MAX_ALIAS_EXPANSION:,} repeated values")
        else:
            self.seen.add(id(node))
        if depth > MAX_DEPTH:
            raise self.fail(node, f"nesting is deeper than {MAX_DEPTH} levels")
        if isinstance(node, yaml.SequenceNode):
            if node.tag != _SEQ_TAG:
                raise self.not_allowed(node)
            return YSequence(tuple(self._convert(item, depth + 1) for item in node.value), self.span(node))
        if isinstance(node, yaml.MappingNode):
            if node.tag != _MAP_TAG:
                raise self.not_allowed(node)
            return self._mapping(node, depth)
        raise self.fail(node, "unsupported YAML node")  # pragma: no cover

    def _scalar(self, node: yaml.ScalarNode) -> YScalar:
        if node.tag == _STR_TAG:
            return YScalar(node.value, self.span(node))
        if node.tag not in _SCALAR_TAGS:
            raise self.not_allowed(node)
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


def load_yaml_file(path: str, max_bytes: int = DEFAULT_MAX_BYTES) -> tuple[YValue | None, list[Diagnostic]]:
    """Read and parse a blueprint file (see `read_source` and `parse_yaml`)."""
    return parse_yaml(read_source(path, max_bytes), path)


_LIST_CONNECTION = re.compile(r"\s*-\s*\[[^\]]*\]\s*(->|<->)")


def _syntax_hint(text: str, line: int, column: int, message: str) -> str:
    """What to write instead, for the syntax errors blueprints commonly hit."""
    lines = text.splitlines()
    if not 0 <= line < len(lines) or len(lines[line]) > 1_000:
        return ""
    current = lines[line]
    if _LIST_CONNECTION.match(current):
        return "; a connection that starts with '[' must be quoted: - \"[a, b] -> c\""
    if "flow mapping" in message or "mapping values are not allowed" in message:
        # `{label: ratio: 3}`: the colon ended the value; show the quoted form
        start = max(current.rfind("{", 0, column), current.rfind(",", 0, column)) + 1
        end = current.find("}", column)
        key, _, value = current[start: end if end >= 0 else len(current)].strip().partition(": ")
        if key and ":" in value:
            quoted = '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
            return f"; a colon followed by a space ends the value: quote it, {key}: {quoted}"
    return ""
