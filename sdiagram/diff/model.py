"""What the diff stage produces: frozen values, no I/O, no formatting.

A `BlueprintDiff` holds the changes between two versions of one blueprint;
values are plain JSON-able data (str, int, float, bool, None, lists, dicts),
so every reporter can print them. `estimate` holds the changed figures of the
back-of-envelope estimate when both versions have traffic.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..lint.findings import Finding

ADDED, REMOVED, CHANGED, RENAMED = "added", "removed", "changed", "renamed"


@dataclass(frozen=True)
class KeyChange:
    """One key of an element: its old and new value (None: not set)."""

    key: str
    old: Any
    new: Any


@dataclass(frozen=True)
class ElementChange:
    """A component, group or connection that was added, removed, changed or renamed.

    `id` is the element's id in the new version (the old one for a removal);
    a connection's id is `source -> target` (`a <-> b` both ways; ` #2` for a
    second connection between the same pair). `keys` are the changed keys of a
    changed or renamed element, and the keys that are set (old or new values)
    of an added or removed one. `old_id` and `similarity` belong to a rename.
    """

    element: str  # "component" | "group" | "connection"
    id: str
    status: str  # ADDED | REMOVED | CHANGED | RENAMED
    keys: tuple[KeyChange, ...] = ()
    old_id: str | None = None
    similarity: float | None = None


@dataclass(frozen=True)
class FindingChange:
    """A lint finding introduced by the new version or resolved by it."""

    fingerprint: str
    finding: Finding


@dataclass(frozen=True)
class FigureChange:
    """One estimated figure, old and new (None: not known on that side, e.g. a new component).

    `figure` is "load" (peak reads + writes per second), "utilization" (0..1),
    "availability" (0..1) or "latency_ms".
    """

    figure: str
    old: float | None
    new: float | None


@dataclass(frozen=True)
class EstimateChange:
    """The figures of a component, an entry path or the whole design that changed materially.

    `element` is "overall" (the load-weighted availability and latency of all
    paths, `id` "all paths"), "component" or "path" (`id` "client -> entry").
    """

    element: str
    id: str
    figures: tuple[FigureChange, ...]


@dataclass(frozen=True)
class BlueprintDiff:
    """The semantic difference between two versions of one blueprint.

    `old_path` is None for a blueprint that was added, `new_path` for one that
    was deleted. `settings` are top-level keys (title, traffic.dau, lint.ignore,
    ...). `still_open` are the new version's unsuppressed findings that were
    already there. `estimate` is None unless both versions have traffic; then
    it lists what changed in the estimate (overall, then components and paths by id).
    """

    name: str
    old_path: str | None
    new_path: str | None
    settings: tuple[KeyChange, ...] = ()
    elements: tuple[ElementChange, ...] = ()
    introduced: tuple[FindingChange, ...] = ()
    resolved: tuple[FindingChange, ...] = ()
    still_open: tuple[FindingChange, ...] = ()
    estimate: tuple[EstimateChange, ...] | None = None

    @property
    def open_findings(self) -> int:
        return len(self.still_open)

    @property
    def status(self) -> str:
        if self.old_path is None:
            return ADDED
        if self.new_path is None:
            return REMOVED
        return CHANGED if self.changed else "unchanged"

    @property
    def changed(self) -> bool:
        """Anything differs (findings alone follow from the design, but count too)."""
        return bool(self.settings or self.elements or self.introduced or self.resolved
                    or self.old_path is None or self.new_path is None)

    def count(self, status: str) -> int:
        return sum(1 for element in self.elements if element.status == status)

    def of(self, element: str) -> tuple[ElementChange, ...]:
        return tuple(change for change in self.elements if change.element == element)
