"""Small helpers shared by the rule modules."""

from __future__ import annotations

from typing import Sequence


def quoted(ids: Sequence[str], limit: int = 4, total: int | None = None) -> str:
    """'a', 'b' and 'c'  /  'a', 'b', 'c' and 5 more."""
    total = len(ids) if total is None else total
    shown = [f"'{i}'" for i in ids[:limit]]
    rest = total - len(shown)
    if rest > 0:
        return ", ".join(shown) + f" and {rest} more"
    if len(shown) == 1:
        return shown[0]
    return ", ".join(shown[:-1]) + " and " + shown[-1]


def chain(ids: Sequence[str]) -> str:
    return " -> ".join(ids)
