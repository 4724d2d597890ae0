"""single-point-of-failure stays bounded on blueprints with thousands of entry points."""

from __future__ import annotations

from lint_helpers import lint_text
from sdiagram.lint.rules import single_point_of_failure


def _design(clients: int) -> str:
    lines = ["components:"] + [f"  u{i}: {{kind: client}}" for i in range(clients)]
    lines += ["  hub: {kind: service}", "  db: {kind: database, tech: postgresql}", "connections:"]
    lines += [f"  - u{i} -> hub" for i in range(clients - 1)]
    lines += [f"  - u{clients - 1} -> db", "  - hub -> db"]
    return "\n".join(lines) + "\n"


def spof_messages(text: str) -> list[str]:
    return [f.message for f in lint_text(text) if f.code == "SD101"]


def test_entry_points_past_the_budget_still_count_for_stateful_stores(monkeypatch):
    full = spof_messages(_design(5))
    assert any(m.startswith("'hub' (service, replicas: 1, not managed) is a single point of failure: its failure "
                            "cuts 'u0', 'u1' and 2 more off") for m in full)
    # a budget that covers only the first entry point's analysis
    monkeypatch.setattr(single_point_of_failure, "MAX_DOMINATOR_VISITS", 1)
    bounded = spof_messages(_design(5))
    assert any(m.startswith("'hub' (service, replicas: 1, not managed) is a single point of failure: its failure "
                            "cuts 'u0' off") for m in bounded)
    assert any(m.startswith("'db' (database, replicas: 1, not managed) is a single point of failure: it is a "
                            "stateful database on a path from 'u0'") for m in bounded)


def test_many_entry_points_in_front_of_a_deep_chain():
    clients = 800
    lines = ["components:"] + [f"  u{i}: {{kind: client}}" for i in range(clients)]
    lines += [f"  s{i}: {{kind: service}}" for i in range(clients)] + ["connections:"]
    lines += [f"  - u{i} -> s{i}" for i in range(clients)] + [f"  - s{i} -> s{i + 1}" for i in range(clients - 1)]
    messages = spof_messages("\n".join(lines) + "\n")
    # every service but the last cuts someone off; the last is a leaf on 'u799's request path
    assert len(messages) == clients
    assert sum("cuts" in m for m in messages) == clients - 1
    assert messages[-1].startswith("'s799' (service, replicas: 1, not managed) is a single point of failure: the "
                                   "requests that need it fail with it")
