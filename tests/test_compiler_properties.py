"""Every reader of every field table takes any YAML value: a result, or a positioned error, never an exception."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sdiagram.compiler.components import COMPONENT_FIELDS, GROUP_FIELDS
from sdiagram.compiler.connections import CONNECTION_FIELDS
from sdiagram.compiler.document import TOP_LEVEL_FIELDS
from sdiagram.compiler.readers import INVALID, Context
from sdiagram.compiler.settings import LINT_FIELDS, PLACEMENT_FIELDS, TRAFFIC_FIELDS
from sdiagram.diagnostics import Span
from sdiagram.yamlsource import YMapping, YScalar, YSequence

SPAN = Span("bp.yaml", 3, 7)
FIELDS = [f for table in (TOP_LEVEL_FIELDS, TRAFFIC_FIELDS, PLACEMENT_FIELDS, COMPONENT_FIELDS, GROUP_FIELDS,
                          CONNECTION_FIELDS, LINT_FIELDS) for f in table]

huge = st.integers(min_value=4, max_value=14_000).map(lambda digits: int("f" * digits, 16))
scalars = st.one_of(
    st.none(), st.booleans(), st.integers(), huge, huge.map(lambda n: -n),
    st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=40),
    st.sampled_from(["50M", "1.5k", "100:1", "a -> b", "[a, b] -> c", "https://example.com", "q\"uote.png",
                     "aws.database.RDS", "primary-replica", "read", "", " ", "\n"]),
)
values = st.recursive(
    scalars.map(lambda v: YScalar(v, SPAN)),
    lambda inner: st.one_of(
        st.lists(inner, max_size=3).map(lambda items: YSequence(tuple(items), SPAN)),
        st.lists(st.tuples(scalars.map(lambda v: YScalar(v, SPAN)), inner), max_size=3).map(
            lambda entries: YMapping(tuple(entries), SPAN)),
    ),
    max_leaves=6,
)


@pytest.mark.parametrize("field", FIELDS, ids=lambda f: f.name)
@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(value=st.one_of(huge.map(lambda n: YScalar(n, SPAN)), values))
def test_readers_never_raise(tmp_path_factory, field, value):
    ctx = Context(str(tmp_path_factory.getbasetemp() / "bp.yaml"))
    result = field.reader.read(ctx, value, field.name)
    if result is INVALID:
        assert ctx.problems and all(p.span is not None for p in ctx.problems)
    for problem in ctx.problems:
        str(problem)  # printable, whatever the value was
