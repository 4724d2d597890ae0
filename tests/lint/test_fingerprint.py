"""Finding fingerprints are stable under edits that do not change what a finding
is about (reordering, reformatting, comments) and change when an id changes."""

from __future__ import annotations

from collections import Counter

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sdiagram.compiler import compile_blueprint
from sdiagram.lint import lint_blueprint
from sdiagram.lint.fingerprint import fingerprints, identity
from sdiagram.yamlsource import parse_yaml

KINDS = ("client", "load_balancer", "service", "worker", "database", "cache", "queue", "object_storage")
IDS = tuple(f"n{i}" for i in range(8))


@st.composite
def designs(draw):
    """A random design: components (id -> kind, replicas) and connections (source, target, async)."""
    count = draw(st.integers(min_value=2, max_value=len(IDS)))
    ids = IDS[:count]
    components = {cid: (draw(st.sampled_from(KINDS)), draw(st.sampled_from((1, 1, 2)))) for cid in ids}
    pairs = st.tuples(st.sampled_from(ids), st.sampled_from(ids), st.booleans()).filter(lambda p: p[0] != p[1])
    connections = draw(st.lists(pairs, max_size=14, unique_by=lambda p: (p[0], p[1])))
    return components, connections


def to_yaml(components, connections, *, flow: bool, comments: bool, padding: int, quote: bool) -> str:
    """The same design written in one of several styles."""
    pad = " " * padding
    note = "   # a comment that moves lines around\n" if comments else ""
    lines = ["# generated design" if comments else "", "sdiagram: 1", "name: gen", "title: Generated", ""]
    lines.append("components:")
    for cid, (kind, replicas) in components.items():
        if comments:
            lines.append(f"  # {cid} is a {kind}")
        if flow:
            lines.append(f"  {cid}:{pad} {{kind: {kind}, replicas: {replicas}}}")
        else:
            lines += [f"  {cid}:", f"    kind:{pad} {kind}", f"    replicas: {replicas}"]
    lines += ["", "connections:" if connections else "connections: []"]
    for source, target, is_async in connections:
        expression = f"{source} -> {target}"
        if quote:
            expression = f'"{expression}"'
        if is_async:
            lines.append(f"  - {expression}: {{label: publish, async: true}}")
        else:
            lines.append(f"  - {expression}")
        if comments:
            lines.append(note.rstrip("\n"))
    return "\n".join(lines) + "\n"


def findings_of(text: str):
    document, problems = parse_yaml(text, "gen.yaml")
    assert not problems
    return lint_blueprint(compile_blueprint(document, "gen.yaml"))


def fingerprint_counts(text: str, renames=None) -> Counter:
    findings = findings_of(text)
    return Counter(fingerprints(findings, renames or {}))


PROPERTY = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@PROPERTY
@given(designs(), st.randoms(use_true_random=False), st.booleans(), st.booleans(),
       st.integers(min_value=0, max_value=3), st.booleans())
def test_fingerprints_survive_reordering_reformatting_and_comments(design, rng, flow, comments, padding, quote):
    components, connections = design
    original = to_yaml(components, connections, flow=False, comments=False, padding=0, quote=False)
    shuffled_components = dict(rng.sample(list(components.items()), len(components)))
    shuffled_connections = rng.sample(connections, len(connections))
    edited = to_yaml(shuffled_components, shuffled_connections, flow=flow, comments=comments, padding=padding,
                     quote=quote)
    assert fingerprint_counts(edited) == fingerprint_counts(original)


@PROPERTY
@given(designs(), st.data())
def test_fingerprints_change_when_an_id_changes(design, data):
    components, connections = design
    original_text = to_yaml(components, connections, flow=True, comments=False, padding=0, quote=False)
    old_id = data.draw(st.sampled_from(sorted(components)))
    new_id = "renamed"
    renamed_components = {(new_id if cid == old_id else cid): spec for cid, spec in components.items()}
    renamed_connections = [(new_id if s == old_id else s, new_id if t == old_id else t, a) for s, t, a in connections]
    renamed_text = to_yaml(renamed_components, renamed_connections, flow=True, comments=False, padding=0, quote=False)

    before = findings_of(original_text)
    after = findings_of(renamed_text)
    old_prints = dict(zip(fingerprints(before), before))
    new_prints = dict(zip(fingerprints(after), after))
    for fingerprint, finding in new_prints.items():
        # a finding about the renamed component is a new finding; the others keep theirs
        about_renamed = new_id in identity(finding)
        assert (fingerprint not in old_prints) == about_renamed, finding
    # mapping the old ids through the rename gives the new fingerprints back
    assert Counter(fingerprints(before, {old_id: new_id})) == Counter(fingerprints(after))


def test_fingerprint_ignores_message_and_position_but_not_the_rule():
    text = to_yaml({"users": ("client", 1), "db": ("database", 1)}, [("users", "db", False)],
                   flow=True, comments=False, padding=0, quote=False)
    findings = findings_of(text)
    prints = fingerprints(findings)
    assert len(set(prints)) == len(prints) == len(findings) >= 2  # SD101 and SD201 on db: different rules
    assert {f.code for f in findings} >= {"SD101", "SD201"}


def test_equal_identities_are_told_apart():
    from sdiagram.diagnostics import Span
    from sdiagram.lint import Finding, Severity

    def finding(message: str, line: int) -> Finding:
        return Finding("SD201", "client-reaches-datastore", Severity.ERROR, message, "a.yaml", Span("a.yaml", line, 3),
                       ("db", "users"), ("users", "db"))

    first, second = finding("read path", 7), finding("write path", 8)
    assert len(set(fingerprints([first, second]))) == 2
    # told apart by message, not by position: swapping the lines keeps each fingerprint
    moved = [finding("read path", 8), finding("write path", 7)]
    assert fingerprints(moved) == fingerprints([first, second])
