"""Random and mutated blueprints, and the invariants every command must keep on them.

Used by `tests/test_fuzz.py` (a few seconds in CI) and `bench/fuzz.py` (the
long profile, `make fuzz`). A case is the bytes of one blueprint file:

* `blueprint_texts()`: a blueprint built from parts (components, groups,
  connections, traffic, a lint block), with values drawn from the catalog
  and from strings that broke things before (control characters, YAML-only
  line breaks, Graphviz escapes, core tags with impossible values, numbers
  too large to use), dumped as YAML;
* `mutated()`: such a text with insertions of those strings, deletions,
  repeated lines, a cut end or bytes that are not UTF-8.

The invariants (`check_in_process`, `check_cli`): exit status 0, 1 or 2 and
never a traceback; every position printed or returned is inside the file;
no output line is forged by user text; DOT holds no NUL; every SVG written
parses as XML; the same blueprint gives the same DOT and SVG bytes.
"""

from __future__ import annotations

import os
import re
import xml.etree.ElementTree as ElementTree
from typing import Iterable

import yaml
from hypothesis import strategies as st

from sdiagram.catalog import KINDS, TECHS
from sdiagram.compiler.components import MAX_COMPONENTS

# Strings that broke a stage before, and their relatives.
NASTY = (
    "\x00", "\x01", "\x1d", "\x1b[31m", "\x7f", "\x85", "\u2028", "\u2029", "\r", "\r\n", "\t", "\ufeff",
    "\u202e", "\\", '"', "'", "\\G", "\\N", "\\L", "\\l", "\\n", "<b>", "&amp;", "&", "<", ">", "{", "}", "[", "]",
    ":", ", ", "#", "- ", "? ", "&a ", "*a", "<<: ", "!!bool maybe", '!!int ""', '!!float ""', "!!binary AA==",
    "!!python/name:os.system", "0x" + "f" * 300, "9" * 401, "0x" + "f" * 4000, ".inf", "-.inf", ".nan", "1:2:3",
    "~", "null", "é", "\U0001f600", "%", "->", "<->", "\n", "\n  ", "\ny", "    ", "[" * 70, "{a: " * 70,
    "\nfake.yaml:9:9: error: forged", "%0Afake.yaml:9:9: error: forged",
)
IDS = ("a", "b", "c", "api", "db", "web-1", "x_y", "q", "cache", "queue")
WRONG_IDS = ("Bad", "1x", "", "a b", "g1")
PLAIN_TEXT = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=12)
TEXT = st.one_of(PLAIN_TEXT, st.sampled_from(NASTY), st.lists(st.sampled_from(NASTY + ("x", " ")), max_size=4).map("".join))
LABEL = st.one_of(TEXT.filter(lambda t: t.strip() != "" and len(t) < 300), st.sampled_from(("API", "Orders DB", "x" * 40)))
NUMBER = st.one_of(st.integers(-5, 20), st.sampled_from([0, 10_000, 10_001, 2**63, 10**30, 1.5, -0.0, float("inf")]))
SCALAR = st.one_of(TEXT, NUMBER, st.booleans(), st.none())


@st.composite
def blueprint_documents(draw) -> dict:
    """A blueprint as Python data: valid about half the time, with odd text
    everywhere text goes; the others have a wrong value or key here and there."""
    dirty = draw(st.sampled_from((False, True)))

    def usually(good: st.SearchStrategy, wrong: st.SearchStrategy = SCALAR) -> st.SearchStrategy:
        # hypothesis favours boundary values, so the wrong branch is a middle one
        return st.integers(0, 24).flatmap(lambda n: wrong if dirty and n == 7 else good)

    ids = draw(st.lists(st.sampled_from(IDS), min_size=1, max_size=8, unique=True))
    group_ids = draw(st.lists(st.sampled_from(("g1", "g2", "g3")), max_size=3, unique=True))
    components = {}
    for component_id in ids:
        spec: dict = {"kind": draw(usually(st.sampled_from(sorted(KINDS))))}
        if draw(st.booleans()):
            spec["tech"] = draw(usually(st.sampled_from(sorted(TECHS))))
        if draw(st.booleans()):
            spec["label"] = draw(usually(LABEL))
        if draw(st.integers(0, 3)) == 0:
            spec["replicas"] = draw(usually(st.integers(1, 5), NUMBER))
        if group_ids and draw(st.booleans()):
            spec["group"] = draw(usually(st.sampled_from(group_ids)))
        if draw(st.integers(0, 12)) == 5:
            spec["managed"] = draw(usually(st.booleans()))
        if dirty and draw(st.integers(0, 12)) == 5:
            spec[draw(st.sampled_from(("ignore", "dead_letter", "icon", "kindd")))] = draw(SCALAR)
        components[draw(usually(st.just(component_id), st.sampled_from(WRONG_IDS)))] = spec
    groups = {}
    for index, group_id in enumerate(group_ids):
        group: dict = {"label": draw(usually(LABEL))}
        if index and draw(st.booleans()):
            group["parent"] = draw(usually(st.sampled_from(group_ids[:index])))
        groups[group_id] = group
    endpoint = usually(st.sampled_from(ids), st.sampled_from(WRONG_IDS + ("servce", *group_ids)))
    connections = []
    for _ in range(draw(st.integers(0, 8))):
        arrow = draw(usually(st.sampled_from(("->", "<->")), st.sampled_from(("-", "->>", ""))))
        left = draw(st.lists(endpoint, min_size=1, max_size=3, unique=True))
        right = draw(st.lists(endpoint.filter(lambda e: e not in left), min_size=1, max_size=3, unique=True))
        sides = [side[0] if len(side) == 1 else f"[{', '.join(side)}]" for side in (left, right)]
        expression = f"{sides[0]} {arrow} {sides[1]}"
        detail = draw(st.one_of(st.none(), LABEL, st.fixed_dictionaries(
            {}, optional={"label": usually(LABEL), "async": usually(st.booleans()), "protocol": usually(LABEL)})))
        connections.append(expression if detail is None else {expression: detail})
    document: dict = {}
    if draw(st.booleans()):
        document["sdiagram"] = draw(usually(st.just(1)))
    fields = {"name": st.sampled_from(IDS), "title": LABEL, "summary": LABEL,
              "direction": st.sampled_from(("LR", "TB", "rl", "BT"))}
    for key, good in fields.items():
        if draw(st.integers(0, 2)) == 0:
            document[key] = draw(usually(good))
    if draw(st.integers(0, 2)) == 0:
        document["traffic"] = draw(st.fixed_dictionaries({}, optional={
            "dau": usually(st.sampled_from([50_000_000, "50M", "1.5k"]), st.one_of(NUMBER, st.just("9" * 400 + "M"))),
            "requests_per_user": usually(st.integers(1, 100), NUMBER),
            "read_write_ratio": usually(st.sampled_from(["100:1", "1:1", 3]), TEXT),
            "peak_factor": usually(st.integers(1, 5), NUMBER)}))
    document["components"] = components
    if groups:
        document["groups"] = groups
    if connections:
        document["connections"] = connections
    if draw(st.integers(0, 3)) == 0:
        document["lint"] = draw(st.fixed_dictionaries({}, optional={
            "select": st.lists(usually(st.sampled_from(("SD1", "SD101", "ALL", "orphan-component")), TEXT), max_size=3),
            "ignore": st.dictionaries(usually(st.sampled_from(("SD101", "orphan-component")), TEXT), LABEL, max_size=2),
            "rules": st.dictionaries(
                usually(st.sampled_from(("deep-sync-chain", "missing-cache", "SD403")), TEXT),
                st.fixed_dictionaries({}, optional={"severity": usually(st.sampled_from(("error", "info")))}),
                max_size=2),
        }))
    return document


def dump(document: dict) -> str:
    return yaml.safe_dump(document, allow_unicode=True, sort_keys=False, width=10_000)


def blueprint_texts() -> st.SearchStrategy[bytes]:
    return blueprint_documents().map(lambda document: dump(document).encode("utf-8"))


@st.composite
def mutated(draw) -> bytes:
    """A generated blueprint with a few edits that break it in the ways files get broken."""
    data = draw(blueprint_texts())
    for _ in range(draw(st.integers(1, 4))):
        position = draw(st.integers(0, len(data)))
        edit = draw(st.sampled_from(("insert", "insert", "delete", "repeat", "cut", "bytes")))
        if edit == "insert":
            data = data[:position] + draw(st.sampled_from(NASTY)).encode("utf-8") + data[position:]
        elif edit == "delete":
            data = data[:position] + data[position + draw(st.integers(1, 20)):]
        elif edit == "repeat":
            lines = data.split(b"\n")
            line = min(position % max(1, len(lines)), len(lines) - 1)
            data = b"\n".join(lines[: line + 1] + lines[line:])
        elif edit == "cut":
            data = data[:position]
        else:
            data = data[:position] + draw(st.sampled_from((b"\xff", b"\xc3", b"\xed\xa0\x80", b"\x00"))) + data[position:]
    return data


def cases() -> st.SearchStrategy[bytes]:
    return st.one_of(blueprint_texts(), mutated())


# -- invariants -------------------------------------------------------------------------------

_POSITION = re.compile(r"^(?P<path>.+?):(?P<line>\d+):(?P<column>\d+): ")
_ANNOTATION = re.compile(r"^::(?:error|warning|notice) file=(?P<path>[^,]*),line=(?P<line>\d+),col=(?P<column>\d+),")


def file_lines(data: bytes) -> list[str] | None:
    """The lines an editor shows (split at "\\n" only); None when the file is not UTF-8."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None
    lines = text.split("\n")
    if text.endswith("\n"):
        lines.pop()
    return lines or [""]


def assert_inside(data: bytes | list[str] | None, line: int, column: int, what: str) -> None:
    """`data` is the file's bytes, or its `file_lines` when checking many positions."""
    lines = file_lines(data) if isinstance(data, bytes) else data
    assert lines is not None, f"{what}: a position in a file that is not UTF-8"
    assert 1 <= line <= len(lines), f"{what}: line {line} of a {len(lines)}-line file"
    assert 1 <= column <= len(lines[line - 1]) + 1, f"{what}: column {column} of a {len(lines[line - 1])}-character line"


def assert_output_positions(output: str, path: str, data: bytes) -> None:
    """Every `path:line:col: ` printed for this file is inside it, and no line claims another file."""
    lines = file_lines(data)
    for line in output.splitlines():
        if not line or line[0] in " \t" or ":" not in line:
            continue
        match = _POSITION.match(line) or _ANNOTATION.match(line)
        if match and match.group("path").endswith(os.path.basename(path)):
            assert_inside(lines, int(match.group("line")), int(match.group("column")), line)
        for forged in ("fake.yaml", "error: forged"):
            assert not line.startswith(forged), f"forged output line: {line!r}"


def assert_well_formed_svg(svg: bytes) -> None:
    ElementTree.fromstring(svg)  # raises ParseError when it is not XML


def check_in_process(path: str, data: bytes) -> str | None:
    """The Python API: load, lint, DOT. Returns the DOT of a valid blueprint, else None."""
    import sdiagram
    from sdiagram.lint import lint_file
    from sdiagram.renderer import dot_options, to_dot

    lines = file_lines(data)
    try:
        blueprint = sdiagram.load(path)
    except sdiagram.BlueprintError as error:
        assert error.diagnostics, "a BlueprintError without a problem"
        for diagnostic in error.diagnostics:
            assert "\n" not in str(diagnostic)
            if diagnostic.span is not None:
                assert_inside(lines, diagnostic.span.line, diagnostic.span.column, str(diagnostic))
        blueprint = None
    result = lint_file(path, discover=False)
    for finding in result.findings:
        if finding.span is not None:
            assert_inside(lines, finding.span.line, finding.span.column, f"{finding.code}: {finding.message}")
    if blueprint is None:
        assert result.invalid
        return None
    dot_text = to_dot(blueprint, dot_options(blueprint))
    assert "\x00" not in dot_text, "NUL in DOT"
    assert to_dot(blueprint, dot_options(blueprint)) == dot_text, "DOT is not deterministic"
    return dot_text


def check_cli(run, path: str, data: bytes, output_dir: str, formats: str = "svg,dot") -> dict[str, bytes]:
    """validate, lint and render through the command line (`run(*args) -> (exit code, output)`).
    Returns the files render wrote, by format."""
    for args, allowed in ((("validate", path), {0, 2}), (("lint", path, "--isolated"), {0, 1, 2}),
                          (("lint", path, "--isolated", "--format", "github"), {0, 1, 2}),
                          (("render", path, "-o", output_dir, "-f", formats, "--timeout", "60"), {0, 2})):
        code, output = run(*args)
        assert code in allowed, f"{' '.join(args[:1])} exited {code}:\n{output}"
        assert "Traceback" not in output, output
        assert_output_positions(output, path, data)
    written = {}
    for fmt in formats.split(","):
        files = [name for name in os.listdir(output_dir) if name.endswith(f".{fmt}")] if os.path.isdir(output_dir) else []
        for name in files:
            with open(os.path.join(output_dir, name), "rb") as handle:
                written[fmt] = handle.read()
    if "svg" in written:
        assert_well_formed_svg(written["svg"])
        assert written["svg"].strip(), "an empty SVG"
    if "dot" in written:
        assert b"\x00" not in written["dot"], "NUL in a DOT file"
    return written


def shapes() -> Iterable[tuple[str, bytes]]:
    """Large shapes for the long profile: the worst cases of each stage under the size limit."""
    many = "".join(f"  c{i}: {{kind: service, label: 'Service {i}', group: g{i % 40}}}\n" for i in range(3000))
    groups = "".join(f"  g{i}: {{label: G{i}}}\n" for i in range(40))
    links = "".join(f"  - c{i} -> c{(i * 37 + 11) % 3000}: call\n" for i in range(4500))
    yield "3000-components", f"components:\n{many}groups:\n{groups}connections:\n{links}".encode()
    fan = ", ".join(["a"] * 2000)
    yield "fan-out-2000x2000", f'components:\n  a: {{kind: service}}\n  b: {{kind: service}}\nconnections:\n  - "[{fan}] -> [{fan.replace("a", "b")}]"\n'.encode()
    chain = "".join(f"  g{i}: {{label: G, parent: g{i + 1}}}\n" for i in range(3000)) + "  g3000: {label: top}\n"
    yield "group-chain-3000", f"components:\n  a: {{kind: service, group: g0}}\ngroups:\n{chain}".encode()
    near = "".join(f"  - servce{i} -> databse{i}\n" for i in range(2000))
    known = "".join(f"  service{i}: {{kind: service}}\n  database{i}: {{kind: database}}\n" for i in range(200))
    yield "near-miss-endpoints-2000", f"components:\n{known}connections:\n{near}".encode()
    yield "deep-nesting", ("a: " + "[" * 900 + "]" * 900 + "\n").encode()
    yield "many-keys", ("components:\n" + "".join(f"  k{i}: {{kind: service}}\n" for i in range(MAX_COMPONENTS))).encode()
    yield "too-many-keys", ("components:\n" + "".join(
        f"  k{i}: {{kind: service}}\n" for i in range(MAX_COMPONENTS + 1))).encode()
    yield "long-labels", ("components:\n" + "".join(
        f"  c{i}: {{kind: service, label: '{'W' * 1999}'}}\n" for i in range(300))).encode()
    yield "aliases", ("x: &a [" + ",".join(["1"] * 500) + "]\ny: [" + ",".join(["*a"] * 19) + "]\n").encode()
