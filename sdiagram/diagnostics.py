"""Source positions and the problems reported against them.

Every stage reports problems as `Diagnostic` values that point at the user's
text; nothing below the CLI prints or exits.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, NamedTuple


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


@dataclass(frozen=True)
class Diagnostic:
    """One problem in a blueprint, with the position it is about.

    `span` is None only when the problem has no position in the text (an
    unreadable file, a file that is too large).
    """

    path: str
    message: str
    span: Span | None = None

    def __str__(self) -> str:
        where = str(self.span) if self.span else self.path
        return f"{where}: error: {self.message}"

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
