"""Issue 13, compiler side: hostile but small blueprints give positioned errors in bounded work."""

from __future__ import annotations

from pathlib import Path

import pytest

from sdiagram import BlueprintError, load
from sdiagram.compiler import components as components_module
from sdiagram.compiler.components import MAX_COMPONENTS, MAX_GROUP_DEPTH
from sdiagram.compiler.connections import MAX_ENDPOINTS, MAX_EXPANSION
from sdiagram.compiler.readers import MAX_SUGGESTIONS
from sdiagram.icons import resolve_file

from conftest import run_cli
from test_compiler import errors

# 12,000 bits: as large as the loader lets through (it refuses integers of more
# than 4,000 digits, which Python cannot print; see test_yamlsource).
HUGE_HEX = "0x" + "f" * 3000


def test_huge_integers_are_positioned_errors(write_blueprint):
    found = errors(write_blueprint, f"""
        sdiagram: {HUGE_HEX}
        components:
          a: {{kind: service, replicas: {HUGE_HEX}, shards: {HUGE_HEX}, label: {HUGE_HEX}}}
        traffic: {{dau: .inf, requests_per_user: {"9" * 401}, peak_factor: .nan, read_write_ratio: {"9" * 401}}}
        placement: {{zones: {HUGE_HEX}}}
        """)
    assert found == [
        "bp.yaml:1:11: error: unsupported format version a 12000-bit number; this sdiagram reads version 1",
        "bp.yaml:3:32: error: replicas must be between 1 and 10,000, not a 12000-bit number",
        "bp.yaml:3:3044: error: shards must be between 1 and 100,000, not a 12000-bit number",
        "bp.yaml:3:6055: error: label is 3613 characters long, over the limit of 2000",
        "bp.yaml:4:16: error: traffic.dau must be a finite number, not inf",
        "bp.yaml:4:41: error: traffic.requests_per_user must be a finite number, not a 1333-bit number",
        "bp.yaml:4:457: error: traffic.peak_factor must be a number, not a number",
        "bp.yaml:4:481: error: traffic.read_write_ratio must look like \"100:1\", not a 1333-bit number",
        "bp.yaml:5:20: error: placement.zones must be between 1 and 100, not a 12000-bit number",
    ]


def _chain_of_groups(depth: int) -> str:
    lines = ["components:", f"  a: {{kind: service, group: g{depth - 1}}}", "groups:", "  g0: {label: G0}"]
    lines += [f"  g{i}: {{parent: g{i - 1}}}" for i in range(1, depth)]
    return "\n".join(lines) + "\n"


def test_group_nesting_is_capped(write_blueprint):
    found = errors(write_blueprint, _chain_of_groups(1_000))
    # reported once, where the limit is crossed (g32 is the 33rd level)
    assert found == [f"bp.yaml:{4 + MAX_GROUP_DEPTH}:17: error: group 'g{MAX_GROUP_DEPTH}' is nested "
                     f"{MAX_GROUP_DEPTH + 1} deep through 'parent:'; the limit is {MAX_GROUP_DEPTH}"]


def test_group_nesting_at_the_limit_loads_and_every_walk_terminates(write_blueprint):
    blueprint = load(write_blueprint(_chain_of_groups(MAX_GROUP_DEPTH)))
    assert blueprint.members("g0") == ("a",)


def test_a_long_group_cycle_is_one_error_in_linear_time(write_blueprint):
    size = 3_000
    lines = ["components:", "  a: {kind: service}", "groups:"]
    lines += [f"  g{i}: {{parent: g{(i + 1) % size}}}" for i in range(size)]
    found = errors(write_blueprint, "\n".join(lines) + "\n")
    assert found == [f"bp.yaml:4:16: error: group parents form a cycle: g0 -> g1 -> g2 -> g3 -> g4 -> ... -> "
                     f"g{size - 2} -> g{size - 1} -> g0 ({size:,} groups)"]


def test_duplicate_endpoints_are_dropped(write_blueprint):
    sources = ", ".join(["a"] * 2_000)
    targets = ", ".join(["b"] * 2_000)
    blueprint = load(write_blueprint(
        f'components:\n  a: {{kind: service}}\n  b: {{kind: service}}\nconnections:\n  - "[{sources}] -> [{targets}]"\n'))
    assert [(c.source, c.target) for c in blueprint.connections] == [("a", "b")]


def test_fan_out_per_line_is_capped(write_blueprint):
    names = [f"c{i}" for i in range(60)]
    components = "".join(f"  {n}: {{kind: service}}\n" for n in names)
    lst = ", ".join(names)
    many = ", ".join(f"x{i}" for i in range(MAX_ENDPOINTS + 1))
    found = errors(write_blueprint,
                   f'components:\n{components}connections:\n  - "[{lst}] -> [{lst}]"\n  - "a -> [{many}]"\n')
    assert found == [
        f"bp.yaml:63:5: error: this line connects 3,600 pairs, over the limit of {MAX_EXPANSION:,}; "
        "connect groups instead of long lists",
        f"bp.yaml:64:5: error: a list of {MAX_ENDPOINTS + 1:,} endpoints is over the limit of {MAX_ENDPOINTS:,}; "
        "connect a group instead",
    ]


def test_did_you_mean_work_is_bounded(write_blueprint):
    count = 2_000
    components = "".join(f"  service-{i:04d}: {{kind: service}}\n" for i in range(count))
    connections = "".join(f"  - service-{i:04d} -> servise-{i:04d}\n" for i in range(count))
    found = errors(write_blueprint, f"components:\n{components}connections:\n{connections}")
    assert len(found) == count
    suggested = [f for f in found if "did you mean" in f]
    assert 0 < len(suggested) <= MAX_SUGGESTIONS
    assert found[0].endswith("unknown component or group 'servise-0000' (did you mean 'service-0000'?)")


@pytest.mark.parametrize("name", ['q"uote.png', "back\\slash.png", "new\nline.png", "cr\rx.png", "c\x01.png"])
def test_icon_names_render_cannot_draw_are_refused(write_blueprint, tmp_path, name):
    (tmp_path / name).write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 32)
    escaped = name.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r").replace("\x01", "\\x01")
    found = errors(write_blueprint, f'components:\n  a: {{kind: service, icon: "{escaped}"}}\n')
    assert found == [f"bp.yaml:2:28: error: icon {name!r}: a file name with a quote, backslash or control "
                     "character cannot be drawn"]
    with pytest.raises(ValueError):  # the renderer resolves icons through the same check
        resolve_file(name, str(tmp_path))


def test_blueprint_error_is_raised_not_value_error(write_blueprint):
    with pytest.raises(BlueprintError):
        load(write_blueprint(f"components:\n  a: {{kind: service, label: {HUGE_HEX}}}\n"))



def _components(count: int) -> str:
    lines = ["components:"] + [f"  c{i}: {{kind: service}}" for i in range(count)]
    lines += ["connections:"] + [f"  - c{i} -> c{i + 1}" for i in range(count - 1)]
    lines += ["  - c0 -> nowhere", "views:", "  v: {components: [nobody]}"]
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("command", ["validate", "lint"])
def test_too_many_components_is_one_positioned_error(write_blueprint, monkeypatch, command):
    monkeypatch.setattr(components_module, "MAX_COMPONENTS", 20)
    path = write_blueprint(_components(25))
    result = run_cli(command, path)
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    # One error, at the first component over the cap (line 22: c20). The rest
    # is not read: the unknown endpoint and view would be errors of their own.
    error = "error:" if command == "validate" else "error SD000 invalid-blueprint:"
    assert [line for line in result.output.splitlines() if line.startswith(path)] == [
        f"{path}:22:3: {error} the blueprint has 25 components; at most 20 are allowed (docs/limits.md)"
    ]


def test_components_up_to_the_cap_are_accepted(write_blueprint, monkeypatch):
    monkeypatch.setattr(components_module, "MAX_COMPONENTS", 20)
    assert errors(write_blueprint, _components(20)) == [
        "bp.yaml:42:5: error: unknown component or group 'nowhere'",
        "bp.yaml:44:20: error: view 'v': unknown component 'nobody'",
    ]
    blueprint = load(write_blueprint("\n".join(_components(20).splitlines()[:-3]) + "\n"))
    assert len(blueprint.components) == 20 and len(blueprint.connections) == 19


def test_the_real_cap_refuses_before_compiling(write_blueprint):
    text = "components:\n" + "".join(f"  c{i}: {{kind: service}}\n" for i in range(MAX_COMPONENTS + 1))
    assert errors(write_blueprint, text) == [
        f"bp.yaml:{MAX_COMPONENTS + 2}:3: error: the blueprint has {MAX_COMPONENTS + 1:,} components; "
        f"at most {MAX_COMPONENTS:,} are allowed (docs/limits.md)"
    ]


def test_the_schema_states_the_cap():
    from sdiagram.compiler.schema import blueprint_schema

    assert blueprint_schema()["properties"]["components"]["maxProperties"] == MAX_COMPONENTS


def test_the_benchmarks_fill_blueprints_up_to_the_compilers_cap():
    # bench/common.py runs without the package installed; its copy must follow the compiler's.
    text = (Path(__file__).parent.parent / "bench" / "common.py").read_text(encoding="utf-8")
    assert f"\nMAX_COMPONENTS = {MAX_COMPONENTS:_}\n" in text
