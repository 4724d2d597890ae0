"""Readers: one per value type of the format, shared by every field table.

A reader turns one positioned YAML value into a Python value, or reports a
problem and returns `INVALID`. It also describes itself: `type_name` for the
reference page and `schema()` for the JSON Schema, so the compiler, the schema
and the docs cannot disagree about what a key accepts.

`Context` carries what every reader needs: the file, the problems found so far,
and the bounded "did you mean" helper.
"""

from __future__ import annotations

import math
import os
import re
from typing import Any, Callable, Iterable, Iterator, Mapping

from ..diagnostics import Diagnostic, Span
from ..yamlsource import YMapping, YScalar, YSequence, YValue, describe

ID_PATTERN = re.compile(r"[a-z][a-z0-9_-]*\Z")
ID_SCHEMA_PATTERN = "^[a-z][a-z0-9_-]*$"
MAX_TEXT = 2_000
# "Did you mean" compares a word with every candidate; past these bounds a
# blueprint full of mistakes gets its remaining errors without suggestions.
MAX_SUGGESTIONS = 50
# Up to this many choices are compared directly; more are indexed by trigrams.
SMALL_CHOICES = 200
# Trigrams shared by more choices than this say little and are not counted.
MAX_POSTINGS = 5_000
# Numbers are shown in messages only up to this many digits (Python refuses
# to print integers of more than 4,300).
MAX_SHOWN_DIGITS = 30

_SUFFIXES = {"k": 1_000, "m": 1_000_000, "b": 1_000_000_000}
# A custom icon file: relative, no quote, backslash or control character, .png/.jpg/.jpeg
ICON_FILE_PATTERN = r'^[^/~"\\\x00-\x1f\x7f][^"\\\x00-\x1f\x7f]*\.([pP][nN][gG]|[jJ][pP][eE]?[gG])$'
QUANTITY_PATTERN = r"^\s*[0-9][0-9_,]*(\.[0-9]+)?\s*[kKmMbB]?\s*$"


class _Invalid:
    def __repr__(self) -> str:
        return "INVALID"


INVALID: Any = _Invalid()


class Context:
    """The state of one compilation: its file, problems and shared lookups."""

    def __init__(self, path: str):
        self.path = path
        self.base_dir = os.path.dirname(os.path.abspath(path))
        self.problems: list[Diagnostic] = []
        # What later sections read from earlier ones (set as they are compiled).
        # Every well-formed component id, valid or not, so that a component
        # with a mistake does not also make its connections "unknown".
        self.declared: set[str] = set()
        self.groups: dict[str, Any] = {}
        self.components: dict[str, Any] = {}
        from ..model import Placement

        self.placement: Any = Placement()
        self._suggestions_left = MAX_SUGGESTIONS
        self._suggested: dict[tuple[str, int], str] = {}
        self._indexes: dict[int, tuple[object, _TrigramIndex]] = {}

    def error(self, span: Span | None, message: str) -> None:
        self.problems.append(Diagnostic(self.path, message, span))

    def did_you_mean(self, word: str, choices: Iterable[str]) -> str:
        """A ' (did you mean X?)' suffix, with bounded work per compilation.

        At most MAX_SUGGESTIONS lookups. A large set of choices is indexed by
        trigrams once; each lookup then compares the word with the few
        candidates that share the most trigrams with it.
        """
        from ..diagnostics import did_you_mean

        if self._suggestions_left <= 0 or len(word) > 200:
            return ""
        choices = choices if isinstance(choices, (list, tuple, dict, set, frozenset)) else list(choices)
        key = (word, id(choices))
        if key not in self._suggested:
            self._suggestions_left -= 1
            if len(choices) > SMALL_CHOICES:
                choices = self._trigram_index(choices).nearest(word)
            self._suggested[key] = did_you_mean(word, choices)
        return self._suggested[key]

    def _trigram_index(self, choices: Iterable[str]) -> "_TrigramIndex":
        cached = self._indexes.get(id(choices))
        if cached is None or cached[0] is not choices:
            cached = (choices, _TrigramIndex(choices))
            self._indexes[id(choices)] = cached
        return cached[1]

    def mapping_items(
        self, value: YValue, what: str, allowed: Mapping[str, object] | None = None
    ) -> Iterator[tuple[str, YScalar, YValue]]:
        """Entries of a mapping with string keys; reports unknown keys."""
        if not isinstance(value, YMapping):
            self.error(value.span, f"{what} must be a mapping, not {describe(value)}")
            return
        previous: tuple[str, YValue] | None = None
        for key, item in value.entries:
            if not isinstance(key.value, str):
                self.error(key.span, f"keys of {what} must be strings, not {describe(key)}")
                continue
            if allowed is not None and key.value not in allowed:
                self.error(key.span, f"unknown key '{key.value}' in {what}{self._unknown_key_hint(key, item, previous, allowed)}")
                continue
            previous = (key.value, item)
            yield key.value, key, item

    def _unknown_key_hint(
        self, key: YScalar, item: YValue, previous: tuple[str, YValue] | None, allowed: Mapping[str, object]
    ) -> str:
        # `{label: Chat (v2, legacy)}` reads as label "Chat (v2" and a key "legacy)"
        # with no value: the comma split the label.
        if (
            previous is not None
            and isinstance(item, YScalar)
            and item.value is None
            and isinstance(previous[1], YScalar)
            and isinstance(previous[1].value, str)
            and previous[1].span.line == key.span.line
        ):
            whole = f"{previous[1].value}, {key.value}"
            return (
                f"; a comma inside {{...}} ends the value, so '{previous[0]}' was cut: "
                f"quote it, {previous[0]}: {_quoted(whole)}"
            )
        return self.did_you_mean(str(key.value), allowed)


class _TrigramIndex:
    """Choices by the trigrams of their text, to find the few worth comparing with a word."""

    def __init__(self, choices: Iterable[str]):
        self.choices = [str(c) for c in choices]
        self.postings: dict[str, list[int]] = {}
        for number, choice in enumerate(self.choices):
            for trigram in _trigrams(choice):
                self.postings.setdefault(trigram, []).append(number)

    def nearest(self, word: str, count: int = 20) -> list[str]:
        shared: dict[int, int] = {}
        for trigram in _trigrams(word):
            postings = self.postings.get(trigram, ())
            if len(postings) <= MAX_POSTINGS:
                for number in postings:
                    shared[number] = shared.get(number, 0) + 1
        best = sorted(shared, key=lambda n: (-shared[n], n))[:count]
        return [self.choices[n] for n in best]


def _trigrams(text: str) -> set[str]:
    padded = f"  {text.lower()} "
    return {padded[i: i + 3] for i in range(len(padded) - 2)}


def _quoted(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def show(value: YValue) -> str:
    """A value as an error message quotes it."""
    if isinstance(value, YScalar):
        raw = value.value
        if isinstance(raw, str):
            return repr(raw) if len(raw) <= 80 else repr(raw[:77] + "...")
        if isinstance(raw, int) and not isinstance(raw, bool):
            return show_number(raw)
        return str(raw)
    return describe(value)


def show_number(number: float) -> str:
    """A number for a message, never failing on a huge integer."""
    if isinstance(number, int) and abs(number) >= 10**MAX_SHOWN_DIGITS:
        return f"a {number.bit_length()}-bit number"
    if isinstance(number, float) and not math.isfinite(number):
        return str(number)
    return f"{number:g}" if isinstance(number, float) else str(number)


class Reader:
    """Base: `read` a value (or report it and return INVALID); describe it.

    Readers are plain classes, not dataclasses: the tables build dozens of
    them on every start-up, and class creation by `dataclass` costs more.
    """

    __slots__ = ()
    type_name = "value"

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"

    def read(self, ctx: Context, value: YValue, what: str) -> Any:
        raise NotImplementedError

    def schema(self) -> dict[str, Any]:
        raise NotImplementedError

    def type_text(self) -> str:
        """The type as the reference page shows it."""
        return self.type_name


class Text(Reader):
    """A string (numbers are read as their text); not empty unless allowed."""

    __slots__ = ("max_length",)
    type_name = "text"

    def __init__(self, max_length: int = MAX_TEXT):
        self.max_length = max_length

    def read(self, ctx: Context, value: YValue, what: str) -> Any:
        raw = value.value if isinstance(value, YScalar) else None
        if raw is None or isinstance(raw, bool):
            ctx.error(value.span, f"{what} must be a string, not {describe(value)}")
            return INVALID
        try:
            text = str(raw)
        except ValueError:  # an integer past Python's 4,300-digit limit
            ctx.error(value.span, f"{what} must be a string, not {show_number(int(raw))}: quote it")
            return INVALID
        if not text.strip():
            ctx.error(value.span, f"{what} must not be empty")
            return INVALID
        if len(text) > self.max_length:
            ctx.error(value.span, f"{what} is {len(text)} characters long, over the limit of {self.max_length}")
            return INVALID
        return text

    def schema(self) -> dict[str, Any]:
        return {
            "anyOf": [
                {"type": "string", "minLength": 1, "maxLength": self.max_length, "pattern": "\\S"},
                {"type": "number"},
            ]
        }


class Identifier(Reader):
    """An id: a lowercase letter, then a-z, 0-9, '_' or '-'."""

    type_name = "id"

    def read(self, ctx: Context, value: YValue, what: str) -> Any:
        if not isinstance(value, YScalar) or not isinstance(value.value, str):
            ctx.error(value.span, f"{what} must be an id, not {describe(value)}")
            return INVALID
        if not ID_PATTERN.match(value.value):
            ctx.error(
                value.span,
                f"{what} {show(value)} is not a valid id (lowercase letter first, then a-z, 0-9, '_' or '-')",
            )
            return INVALID
        return value.value

    def schema(self) -> dict[str, Any]:
        return {"type": "string", "pattern": ID_SCHEMA_PATTERN}


class Boolean(Reader):
    type_name = "boolean"

    def read(self, ctx: Context, value: YValue, what: str) -> Any:
        if isinstance(value, YScalar) and isinstance(value.value, bool):
            return value.value
        ctx.error(value.span, f"{what} must be true or false, not {describe(value)}")
        return INVALID

    def schema(self) -> dict[str, Any]:
        return {"type": "boolean"}


class Integer(Reader):
    """A whole number in [minimum, maximum]; `hint` follows a wrong type."""

    __slots__ = ("minimum", "maximum", "hint")
    type_name = "integer"

    def __init__(self, minimum: int = 1, maximum: int = 10_000, hint: str = ""):
        self.minimum, self.maximum, self.hint = minimum, maximum, hint

    def read(self, ctx: Context, value: YValue, what: str) -> Any:
        raw = value.value if isinstance(value, YScalar) else None
        if not isinstance(raw, int) or isinstance(raw, bool):
            if isinstance(raw, str):  # `replicas: cluster`: say what to write instead
                ctx.error(value.span, f"{what} must be a whole number, not {show(value)}{self.hint}")
            else:
                ctx.error(value.span, f"{what} must be a whole number, not {describe(value)}")
            return INVALID
        if not self.minimum <= raw <= self.maximum:
            ctx.error(value.span, f"{what} must be between {self.minimum} and {self.maximum:,}, not {show_number(raw)}")
            return INVALID
        return raw

    def schema(self) -> dict[str, Any]:
        return {"type": "integer", "minimum": self.minimum, "maximum": self.maximum}

    def type_text(self) -> str:
        return f"integer {self.minimum}..{self.maximum:,}"


class Quantity(Reader):
    """A finite number >= minimum; strings may use k/M/B suffixes ('50M')."""

    __slots__ = ("minimum", "whole")
    type_name = "number (`50M`, `1.5k` too)"

    def __init__(self, minimum: float = 0, whole: bool = False):
        self.minimum, self.whole = minimum, whole

    def read(self, ctx: Context, value: YValue, what: str) -> Any:
        raw = value.value if isinstance(value, YScalar) else None
        if isinstance(raw, str):
            raw = parse_quantity(raw)
        if not isinstance(raw, (int, float)) or isinstance(raw, bool) or raw != raw:
            ctx.error(value.span, f"{what} must be a number, not {describe(value)}")
            return INVALID
        try:
            number = float(raw)
        except OverflowError:
            number = math.inf
        if not math.isfinite(number):
            ctx.error(value.span, f"{what} must be a finite number, not {show_number(raw)}")
            return INVALID
        if number < self.minimum:
            ctx.error(value.span, f"{what} must be at least {self.minimum:g}, not {show_number(raw)}")
            return INVALID
        return int(number) if self.whole else number

    def schema(self) -> dict[str, Any]:
        return {
            "anyOf": [
                {"type": "number", "minimum": self.minimum},
                {"type": "string", "pattern": QUANTITY_PATTERN},
            ]
        }


def parse_quantity(text: str) -> float | None:
    """'50M' -> 50_000_000; '1.5k' -> 1500; plain numbers too."""
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([kKmMbB]?)\s*", text.replace("_", "").replace(",", ""))
    if not match:
        return None
    return float(match.group(1)) * _SUFFIXES.get(match.group(2).lower(), 1)


class Ratio(Reader):
    """'100:1' (reads to writes) or one number of reads per write."""

    type_name = "ratio"

    def read(self, ctx: Context, value: YValue, what: str) -> Any:
        raw = value.value if isinstance(value, YScalar) else None
        if isinstance(raw, (int, float)) and not isinstance(raw, bool):
            try:
                if math.isfinite(float(raw)) and raw >= 0:
                    return float(raw), 1.0
            except OverflowError:
                pass
        if isinstance(raw, str):
            match = re.fullmatch(r"\s*(\d{1,30}(?:\.\d{1,30})?)\s*:\s*(\d{1,30}(?:\.\d{1,30})?)\s*", raw)
            if match and float(match.group(2)) > 0:
                return float(match.group(1)), float(match.group(2))
        ctx.error(value.span, f"{what} must look like \"100:1\", not {show(value)}")
        return INVALID

    def schema(self) -> dict[str, Any]:
        return {
            "anyOf": [
                {"type": "number", "minimum": 0},
                {"type": "string", "pattern": "^\\s*[0-9]+(\\.[0-9]+)?\\s*:\\s*[0-9]+(\\.[0-9]+)?\\s*$"},
            ]
        }


class Choice(Reader):
    """One of a fixed set of words; `normalize` maps what users write to a choice."""

    __slots__ = ("choices", "noun", "normalize", "spellings", "footer")
    type_name = "choice"

    def __init__(
        self,
        choices: tuple[str, ...],
        noun: str = "",
        normalize: Callable[[str], str | None] | None = None,
        spellings: tuple[str, ...] = (),
        footer: str = "",
    ):
        self.choices, self.noun, self.normalize = choices, noun, normalize
        # words the schema also accepts (other spellings `normalize` maps)
        self.spellings, self.footer = spellings, footer

    def read(self, ctx: Context, value: YValue, what: str) -> Any:
        raw = value.value if isinstance(value, YScalar) else None
        if isinstance(raw, str):
            found = self.normalize(raw) if self.normalize else (raw if raw in self.choices else None)
            if found is not None:
                return found
        if self.noun:
            hint = ctx.did_you_mean(str(raw).lower(), self.choices) if isinstance(raw, str) else ""
            ctx.error(value.span, f"unknown {self.noun} {show(value)}{hint}{self.footer}")
        else:
            ctx.error(value.span, f"{what} must be one of {', '.join(self.choices)}, not {show(value)}")
        return INVALID

    def schema(self) -> dict[str, Any]:
        return {"enum": list(self.choices) + [s for s in self.spellings if s not in self.choices]}

    def type_text(self) -> str:
        if len(self.choices) > 8:
            return f"one of {len(self.choices)} {self.noun}s (`sdiagram kinds`)"
        return " \\| ".join(f"`{c}`" for c in self.choices)


class _CheckedText(Reader):
    """Text that must also pass `problem` (None when it does)."""

    __slots__ = ()

    def read(self, ctx: Context, value: YValue, what: str) -> Any:
        text = Text().read(ctx, value, what)
        if text is INVALID:
            return INVALID
        problem = self.problem(ctx, text, value, what)
        if problem:
            ctx.error(value.span, problem)
            return INVALID
        return text

    def problem(self, ctx: Context, text: str, value: YValue, what: str) -> str | None:
        raise NotImplementedError


class Url(_CheckedText):
    """An absolute http(s) URL."""

    type_name = "URL"

    def problem(self, ctx: Context, text: str, value: YValue, what: str) -> str | None:
        from urllib.parse import urlsplit  # only when a link is given

        parts = urlsplit(text) if not any(c.isspace() or ord(c) < 32 for c in text) else None
        if parts is None or parts.scheme not in ("http", "https") or not parts.netloc or text != text.strip():
            return f"{what} must be an http:// or https:// URL, not {show(value)}"
        return None

    def schema(self) -> dict[str, Any]:
        return {"type": "string", "format": "uri", "pattern": "^https?://[^\\s/]+\\S*$", "maxLength": MAX_TEXT}


class Icon(_CheckedText):
    """A diagrams class path or an image file inside the blueprint's folder."""

    type_name = "icon"

    def problem(self, ctx: Context, text: str, value: YValue, what: str) -> str | None:
        from .. import icons  # reads the diagrams sources: only when an icon is given

        return icons.check_icon(text, ctx.base_dir)

    def schema(self) -> dict[str, Any]:
        return {
            "type": "string",
            "anyOf": [
                {"pattern": "^[a-z][a-z0-9_]*\\.[a-z][a-z0-9_]*\\.[A-Za-z_][A-Za-z0-9_]*$"},
                {"pattern": ICON_FILE_PATTERN},
            ],
        }


class Version(Reader):
    """The format version: `sdiagram: 1`."""

    __slots__ = ("version",)
    type_name = "integer"

    def __init__(self, version: int = 1):
        self.version = version

    def read(self, ctx: Context, value: YValue, what: str) -> Any:
        if isinstance(value, YScalar) and value.value == self.version and not isinstance(value.value, bool):
            return self.version
        ctx.error(value.span, f"unsupported format version {show(value)}; this sdiagram reads version {self.version}")
        return INVALID

    def schema(self) -> dict[str, Any]:
        return {"const": self.version}


class Date(Reader):
    """A day as YYYY-MM-DD (YAML's unquoted date, or a string)."""

    type_name = "date"

    def read(self, ctx: Context, value: YValue, what: str) -> Any:
        import datetime

        raw = value.value if isinstance(value, YScalar) else None
        if isinstance(raw, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", raw.strip()):
            try:
                return datetime.date.fromisoformat(raw.strip())
            except ValueError:
                pass
        ctx.error(value.span, f"{what} must be a date as YYYY-MM-DD, not {show(value) if raw is not None else describe(value)}")
        return INVALID

    def schema(self) -> dict[str, Any]:
        return {"type": "string", "format": "date", "pattern": "^\\d{4}-\\d{2}-\\d{2}$"}


class RuleNames(Reader):
    """Rule codes or names: one, or a list."""

    type_name = "list of rules"

    def read(self, ctx: Context, value: YValue, what: str) -> Any:
        from ..model import Setting

        items = value.items if isinstance(value, YSequence) else (value,)
        names = []
        for item in items:
            if isinstance(item, YScalar) and isinstance(item.value, str) and item.value.strip():
                names.append(Setting(item.value.strip(), item.span))
            else:
                ctx.error(item.span, f"{what} takes rule codes or names, not {describe(item)}")
        return tuple(names)

    def schema(self) -> dict[str, Any]:
        rule = {"type": "string", "pattern": "\\S"}
        return {"anyOf": [rule, {"type": "array", "items": rule}]}


def plain(value: YValue) -> object:
    """A YAML value without positions (lint options are small plain values)."""
    if isinstance(value, YScalar):
        return value.value
    if isinstance(value, YSequence):
        return [plain(item) for item in value.items]
    return {key.value: plain(item) for key, item in value.entries}
