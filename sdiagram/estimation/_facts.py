"""The model fields of issue 7 (format 1.1) that the estimate reads.

Until branch `format` lands they may be absent from the model: these readers
give the format's documented defaults then.
"""

from __future__ import annotations

from typing import Any


def shards(component: Any) -> int:
    return int(getattr(component, "shards", 1) or 1)


def replication(component: Any) -> str | None:
    return getattr(component, "replication", None)


def failover(component: Any) -> str | None:
    return getattr(component, "failover", None)


def op(connection: Any) -> str | None:
    return getattr(connection, "op", None)


def is_reply(connection: Any) -> bool:
    return bool(getattr(connection, "reply", False))
