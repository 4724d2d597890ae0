"""Load stage: blueprint text -> YAML values that remember where they came from.

PyYAML (its C parser when installed) does the parsing; this module only adds
what a blueprint from an untrusted pull request needs on top of it:

* the bounded reader of `sourcefile` (size limit, no special files);
* a nesting limit of 64 levels (libyaml itself stops at 1,000, so a list
  nested 20,000 deep is refused before any Python recursion);
* an expansion budget for aliases, so a "billion laughs" document is refused
  after a bounded amount of work instead of being expanded;
* only the YAML core tags: `!!python/...` and any other tag is an error, and
  nothing is ever constructed from a tag;
* core tags with impossible values (`!!bool maybe`, `!!int ""`), integers
  Python cannot print (over 4,000 digits, such as a 4,000-digit hexadecimal)
  and sexagesimal numbers long enough to cost quadratic time are positioned
  errors;
* duplicate mapping keys are errors (PyYAML silently keeps the last one);
* every value keeps its `Span` (1-based line and column), always inside the
  file: lines end at "\\n" only, whatever else YAML counts as a line break.
"""

from __future__ import annotations

import bisect
import gc
import re
from typing import NamedTuple, Union

import yaml

from .diagnostics import BlueprintError, Diagnostic, Span, brief
from .sourcefile import decode_source, read_source

try:  # pragma: no cover - depends on how PyYAML was built
    _SafeLoader: type = yaml.CSafeLoader
except AttributeError:  # pragma: no cover
    _SafeLoader = yaml.SafeLoader

MAX_DEPTH = 64
# Values reached a second time through an alias; a "billion laughs" document
# exceeds this after a few milliseconds of work.
MAX_ALIAS_EXPANSION = 10_000
# Python refuses to print integers of more than 4,300 digits (a ValueError
# wherever one reaches a message or a label): the loader refuses them, with
# their position, so that no later stage meets one. Other large numbers are
# the compiler's to bound.
MAX_INT_DIGITS = 4_000
_INT_LIMIT = 10**MAX_INT_DIGITS
MAX_SEXAGESIMAL_TEXT = 100

_CORE = "tag:yaml.org,2002:"
_SCALAR_TAGS = {f"{_CORE}{t}" for t in ("str", "int", "float", "bool", "null", "timestamp")}
_STR_TAG = f"{_CORE}str"
_MERGE_TAG = f"{_CORE}merge"
_MAP_TAG = f"{_CORE}map"
_SEQ_TAG = f"{_CORE}seq"
_SCALAR_CONSTRUCTOR = yaml.constructor.SafeConstructor()
_ScalarNode = yaml.ScalarNode

Scalar = Union[str, int, float, bool, None]

# first character of a plain scalar -> the (tag, pattern) pairs that may claim it
_IMPLICIT_RESOLVERS: dict[str | None, list[tuple[str, re.Pattern[str]]]] = _SafeLoader.yaml_implicit_resolvers  # type: ignore[attr-defined]
_WILDCARD_RESOLVERS = _IMPLICIT_RESOLVERS.get(None, [])


class _Loader(_SafeLoader):  # type: ignore[misc, valid-type]
    """The safe loader, resolving tags the way it does with less work per node.

    The parser asks for the tag of every node: a 5 MB blueprint has about a
    million. The safe loader has no path resolvers, so a collection's tag is
    its kind's, and a scalar's depends only on its first character's patterns.
    """

    def resolve(self, kind: type, value: str | None, implicit: tuple[bool, bool]) -> str:
        if kind is yaml.ScalarNode:
            if implicit[0]:
                for tag, pattern in _IMPLICIT_RESOLVERS.get(value[:1], ()):  # type: ignore[index]
                    if pattern.match(value):  # type: ignore[arg-type]
                        return tag
                for tag, pattern in _WILDCARD_RESOLVERS:
                    if pattern.match(value):  # type: ignore[arg-type]
                        return tag
            return _STR_TAG
        return _SEQ_TAG if kind is yaml.SequenceNode else _MAP_TAG


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
    lines = _Lines(text, path)
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        message = error.problem or error.context or "invalid YAML"
        if error.context and error.problem:
            message = f"{error.problem} ({error.context})"
        if mark and text[mark.index : mark.index + 1] == "\t":
            message = "a tab character; YAML indents with spaces only"
        elif mark:
            message += _syntax_hint(text, mark.line, mark.column, message)  # YAML's own line numbering
        span = lines.span(mark.index) if mark else None
        raise BlueprintError([Diagnostic(path, f"YAML syntax error: {message}", span)]) from None
    except yaml.reader.ReaderError as error:
        character = error.character if isinstance(error.character, str) else chr(error.character)
        code = ord(character)
        escape = f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"
        message = (
            f"character U+{code:04X} is not allowed in YAML text; "
            f'write it as an escape in a double-quoted string: "{escape}"'
        )
        raise BlueprintError([Diagnostic(path, message, lines.span(error.position))]) from None
    except yaml.YAMLError as error:
        raise BlueprintError([Diagnostic(path, f"YAML error: {error}")]) from None
    except RecursionError:  # the pure-Python parser, on nesting libyaml would refuse
        raise BlueprintError([Diagnostic(path, f"nesting is deeper than {MAX_DEPTH} levels")]) from None
    if node is None:
        return None, []
    converter = _Converter(lines)
    return converter.convert(node, depth=0), converter.problems


class _Lines:
    """Positions as an editor shows them: lines end at "\\n" only, columns count characters.

    YAML also breaks lines at a lone CR, NEL (U+0085) and U+2028/U+2029, so
    PyYAML's own line numbers can point past the end of the file. Positions
    are then computed from the character offset instead, and always fall
    inside the file (the end of the file is the end of its last line).
    """

    def __init__(self, text: str, path: str):
        self.text = text
        self.path = path
        # PyYAML's line and column are right unless YAML sees extra line breaks.
        self.plain = not any(c in text for c in "\x85\u2028\u2029") and text.count("\r") == text.count("\r\n")
        self._starts: list[int] | None = None

    def mark_span(self, mark: yaml.Mark) -> Span:
        if self.plain:
            return Span(self.path, mark.line + 1, mark.column + 1)
        return self.span(mark.index)

    def span(self, index: int) -> Span:
        text = self.text
        if self._starts is None:
            self._starts = [0] + [i + 1 for i, c in enumerate(text) if c == "\n"]
        index = max(0, min(index, len(text)))
        if index == len(text) and text.endswith("\n"):
            index -= 1  # the end of a file that ends with a newline: the end of its last line
        if index and text[index - 1 : index + 1] == "\r\n":
            index -= 1  # a Windows line break is one position, at the end of its line
        line = bisect.bisect_right(self._starts, index)
        return Span(self.path, line, index - self._starts[line - 1] + 1)


def _too_large(text: str) -> str:
    return f"integer {brief(text)} is too large (over {MAX_INT_DIGITS:,} digits); quote it to use it as text"


class _Converter:
    """Turns a composed node graph into Y-values, within the expansion budget."""

    def __init__(self, lines: _Lines):
        self.path = lines.path
        self.lines = lines
        self.alias_budget = MAX_ALIAS_EXPANSION
        self.seen: set[int] = set()
        self.problems: list[Diagnostic] = []
        if lines.plain:  # the usual case, once per node: PyYAML's own position
            path = lines.path

            def span(node: yaml.Node) -> Span:
                mark = node.start_mark
                return Span(path, mark.line + 1, mark.column + 1)
        else:
            def span(node: yaml.Node) -> Span:
                return lines.span(node.start_mark.index)

        self.span = span

    def fail(self, node: yaml.Node, message: str) -> BlueprintError:
        return BlueprintError([Diagnostic(self.path, message, self.span(node))])

    def convert(self, node: yaml.Node, depth: int) -> YValue:
        return self._convert(node, depth)

    def not_allowed(self, node: yaml.Node) -> BlueprintError:
        tag = node.tag.replace(_CORE, "!!", 1)
        return self.fail(node, f"tag '{tag}' is not allowed (only plain YAML values; nothing is ever constructed from a tag)")

    def _convert(self, node: yaml.Node, depth: int) -> YValue:
        if node.__class__ is _ScalarNode:
            if node.tag == _STR_TAG:
                return YScalar(node.value, self.span(node))
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
        kind = node.tag.removeprefix(_CORE)
        if kind in ("int", "float") and ":" in node.value and len(node.value) > MAX_SEXAGESIMAL_TEXT:
            # YAML 1.1 sexagesimal numbers (1:30:00) take quadratic time to convert
            raise self.fail(
                node, f"a number of {len(node.value):,} characters with ':' is too long; quote it to use it as text"
            )
        constructor = _SCALAR_CONSTRUCTOR.yaml_constructors[node.tag]
        try:
            value = constructor(_SCALAR_CONSTRUCTOR, node)
        except (ArithmeticError, LookupError, ValueError, yaml.constructor.ConstructorError):
            if kind == "int" and len(node.value) > MAX_INT_DIGITS:  # Python refuses to read it
                raise self.fail(node, _too_large(node.value)) from None
            # a tag with an impossible value: `!!bool maybe`, `!!int ""`, `!!float "-"`
            raise self.fail(node, f"invalid {kind} value {brief(node.value)}") from None
        if value.__class__ is int and not -_INT_LIMIT < value < _INT_LIMIT:
            raise self.fail(node, _too_large(node.value))
        return YScalar(value, self.span(node))

    def _mapping(self, node: yaml.MappingNode, depth: int) -> YMapping:
        explicit: dict[Scalar, tuple[YScalar, YValue]] = {}
        merged: dict[Scalar, tuple[YScalar, YValue]] = {}
        span = self.span
        for key_node, value_node in node.value:
            # string keys and string values (most of a blueprint) are built here, without a call
            if key_node.__class__ is _ScalarNode and key_node.tag == _STR_TAG:
                key = YScalar(key_node.value, span(key_node))
            elif isinstance(key_node, yaml.ScalarNode) and key_node.tag == _MERGE_TAG:
                for source in self._merge_sources(value_node, depth):
                    for merged_key, merged_value in source.entries:
                        merged.setdefault(merged_key.value, (merged_key, merged_value))
                continue
            elif not isinstance(key_node, yaml.ScalarNode):
                raise self.fail(key_node, "mapping keys must be plain values, not lists or mappings")
            else:
                key = self._scalar(key_node)
            if value_node.__class__ is _ScalarNode and value_node.tag == _STR_TAG:
                value: YValue = YScalar(value_node.value, span(value_node))
            else:
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
        if merged:
            entries = (*explicit.values(), *(entry for key, entry in merged.items() if key not in explicit))
            return YMapping(entries, span(node))
        return YMapping(tuple(explicit.values()), span(node))

    def _merge_sources(self, node: yaml.Node, depth: int) -> list[YMapping]:
        values = [self._convert(node, depth + 1)]
        if isinstance(values[0], YSequence):
            values = list(values[0].items)
        for value in values:
            if not isinstance(value, YMapping):
                raise self.fail(node, "a merge key '<<' takes a mapping or a list of mappings")
        return values  # type: ignore[return-value]


def load_yaml_file(path: str, max_bytes: int | None = None) -> tuple[YValue | None, list[Diagnostic]]:
    """Read and parse a blueprint file (see `read_source` and `parse_yaml`)."""
    return parse_yaml(read_source(path, max_bytes), path)


def load_yaml_bytes(data: bytes, path: str) -> tuple[YValue | None, list[Diagnostic]]:
    """Parse bytes already read (with `sourcefile.read_bytes`) as a blueprint file."""
    return parse_yaml(decode_source(data, path), path)


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
