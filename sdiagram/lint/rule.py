"""The contract every rule module fulfils.

A rule is a class with a code (`SD101`), a kebab-case name, a default severity,
an `Options` named tuple (typed options with defaults) with an `OptionDoc`
(`help` and, for numbers, `min`) per option in `option_docs`, and a docstring whose first line is the short
description, followed by the sections What it does / Why it matters /
Example / Fix (Fix ends with a `Use instead:` blueprint the rule is quiet
on). `check` receives the analysis graph built once by the engine and yields
`Issue`s; the engine turns them into `Finding`s.
"""

from __future__ import annotations

import re
from typing import Any, ClassVar, Iterator, Mapping, NamedTuple

from ..diagnostics import Span
from .findings import Severity
from .graph import AnalysisGraph

DOC_SECTIONS = ("What it does", "Why it matters", "Example", "Fix")
# The Fix section ends with the fixed blueprint, indented, after this line.
USE_INSTEAD = "Use instead:\n"


class Issue(NamedTuple):
    """What a rule reports; the engine adds code, severity, path and suppression.

    (Internal records are NamedTuples: as immutable as frozen dataclasses, and
    about ten times cheaper to define, which matters for the start-up time.)
    """

    message: str
    span: Span
    components: tuple[str, ...]
    connection: tuple[str, str] | None = None
    fix: str | None = None
    # a narrower blast radius: reported one severity below the rule's (configured) one
    demoted: bool = False


class NoOptions(NamedTuple):
    """A rule without options."""


class OptionDoc(NamedTuple):
    """What a rule option means, and its smallest value (numbers)."""

    help: str
    min: float | None = None


class OptionField(NamedTuple):
    """One rule option as `sdiagram rules`, the docs and the config checks show it."""

    name: str
    default: Any
    help: str
    min: float | None = None


class Rule:
    code: ClassVar[str]
    name: ClassVar[str]
    severity: ClassVar[Severity]
    # A named tuple of the typed options with their defaults; `option_docs`
    # documents each of its fields.
    Options: ClassVar[type[tuple[Any, ...]]] = NoOptions
    option_docs: ClassVar[Mapping[str, OptionDoc]] = {}
    # Meta rules are produced by the engine itself (invalid input, unused
    # suppressions); they cannot be suppressed with `ignore:`.
    meta: ClassVar[bool] = False
    # What identifies a finding of this rule across edits (its fingerprint, see
    # `lint.fingerprint`): "blamed" = the blamed component and the connection;
    # "members" = the set of components involved (a cycle has no first member).
    identity: ClassVar[str] = "blamed"

    def check(self, graph: AnalysisGraph, options: Any) -> Iterator[Issue]:
        raise NotImplementedError(f"{type(self).__name__}.check")

    # -- documentation ----------------------------------------------------------

    @classmethod
    def doc(cls) -> str:
        from inspect import cleandoc  # only for documentation: keeps `inspect` off the lint path

        return cleandoc(cls.__doc__ or "")

    @classmethod
    def summary(cls) -> str:
        """The short description: the docstring's first paragraph, on one line."""
        return " ".join(cls.doc().split("\n\n", 1)[0].split())

    @classmethod
    def sections(cls) -> dict[str, str]:
        """The docstring sections by heading (`What it does`, ...), in order."""
        text = cls.doc()
        found: dict[str, str] = {}
        pattern = re.compile(r"^(%s)\n-+\n" % "|".join(map(re.escape, DOC_SECTIONS)), re.MULTILINE)
        matches = list(pattern.finditer(text))
        for index, match in enumerate(matches):
            end = matches[index + 1].start() if index + 1 < len(matches) else len(text)
            found[match.group(1)] = text[match.end():end].strip("\n").rstrip()
        return found

    @classmethod
    def use_instead(cls) -> str | None:
        """The blueprint the Fix section shows after `Use instead:`, dedented."""
        _, marker, after = cls.sections().get("Fix", "").partition(USE_INSTEAD)
        if not marker:
            return None
        lines = after.strip("\n").splitlines()
        return "\n".join(line[4:] for line in lines) + "\n"

    @classmethod
    def option_fields(cls) -> tuple[OptionField, ...]:
        defaults: dict[str, Any] = cls.Options._field_defaults  # type: ignore[attr-defined]
        return tuple(OptionField(name, defaults[name], *cls.option_docs[name]) for name in defaults)
