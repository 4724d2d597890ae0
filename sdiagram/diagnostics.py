"""Source positions and the problems reported against them.

Every stage reports problems as `Diagnostic` values that point at the user's
text; nothing below the CLI prints or exits.
"""

from __future__ import annotations

import re
from typing import Iterable, NamedTuple

# What must never reach a line of output raw: control characters (C0, DEL, C1,
# tab), characters that break lines (U+2028, U+2029) and bidirectional
# controls (they reorder what a reader sees, "Trojan Source").
_UNPRINTABLE = "[\x00-\x1f\x7f-\x9f\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]"


def printable(text: str) -> str:
    """`text` for one line of output: every character in `_UNPRINTABLE` as an
    escape (\\n, \\x1b, \\u2028), so no user string can forge an extra line
    such as `fake.yaml:9:9: error: ...` or restyle the terminal."""
    if text.isprintable():  # the usual case, without compiling the pattern
        return text
    return re.sub(_UNPRINTABLE, _escape, text)


def brief(text: str, limit: int = 40) -> str:
    """A user's value for a message: quoted, and cut short when long."""
    return repr(text if len(text) <= limit else text[:limit] + "...")


def _escape(match: "re.Match[str]") -> str:
    character = match.group()
    named = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}.get(character)
    if named:
        return named
    code = ord(character)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


class Span(NamedTuple):
    """A position in a source file: 1-based line and column.

    A named tuple rather than a dataclass: one is made for every YAML value,
    and tuple construction is several times cheaper.
    """

    path: str
    line: int
    column: int

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.column}"


class Diagnostic(NamedTuple):
    """One problem in a blueprint, with the position it is about (a named
    tuple, as every record on the lint path: cheap to define at start-up).

    `span` is None only when the problem has no position in the text (an
    unreadable file, a file that is too large).
    """

    path: str
    message: str
    span: Span | None = None

    def __str__(self) -> str:
        where = str(self.span) if self.span else self.path
        return f"{printable(where)}: error: {printable(self.message)}"

    @property
    def sort_key(self) -> tuple[str, int, int, str]:
        if self.span is None:
            return (self.path, 0, 0, self.message)
        return (self.path, self.span.line, self.span.column, self.message)


class BlueprintError(Exception):
    """A blueprint could not be loaded; carries every problem found."""

    def __init__(self, diagnostics: Iterable[Diagnostic]):
        self.diagnostics = tuple(sorted(diagnostics, key=lambda d: d.sort_key))
        super().__init__("\n".join(str(d) for d in self.diagnostics))


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """A ' (did you mean X?)' suffix when a close match exists, else ''."""
    import difflib  # only when there is a mistake to explain

    matches = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f" (did you mean '{matches[0]}'?)" if matches else ""
