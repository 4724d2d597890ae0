"""Model helpers that later stages lean on."""

from sdiagram.diagnostics import Span
from sdiagram.model import Component, Group, group_membership

SPAN = Span("t.yaml", 1, 1)


def test_group_membership_includes_nested_groups_in_source_order() -> None:
    groups = {"outer": Group("outer", "Outer", SPAN), "inner": Group("inner", "Inner", SPAN, parent="outer"),
              "empty": Group("empty", "Empty", SPAN, parent="outer")}
    components = {
        "a": Component("a", "service", "a", SPAN, group="inner"),
        "b": Component("b", "service", "b", SPAN),
        "c": Component("c", "service", "c", SPAN, group="outer"),
    }
    assert group_membership(groups, components) == {"outer": ("a", "c"), "inner": ("a",), "empty": ()}


def test_group_membership_stops_at_a_parent_cycle() -> None:
    # The compiler reports the cycle; building the membership meanwhile must still end.
    groups = {"x": Group("x", "X", SPAN, parent="y"), "y": Group("y", "Y", SPAN, parent="x")}
    components = {"a": Component("a", "service", "a", SPAN, group="x")}
    assert group_membership(groups, components) == {"x": ("a",), "y": ("a",)}
