"""The load stage: positions, duplicate keys, tags, aliases, limits."""

from __future__ import annotations

import os
import time

import pytest

from sdiagram.diagnostics import BlueprintError, Span
from sdiagram.yamlsource import YMapping, YScalar, YSequence, parse_yaml, read_source


def parse(text: str):
    value, problems = parse_yaml(text, "bp.yaml")
    return value, problems


def test_values_keep_line_and_column():
    value, problems = parse("a:\n  b: [1, two]\n")
    assert problems == []
    assert isinstance(value, YMapping)
    key, inner = value.entries[0]
    assert key == YScalar("a", Span("bp.yaml", 1, 1))
    (b_key, sequence), = inner.entries
    assert b_key.span == Span("bp.yaml", 2, 3)
    assert isinstance(sequence, YSequence)
    assert [item.value for item in sequence.items] == [1, "two"]
    assert sequence.items[1].span == Span("bp.yaml", 2, 10)


def test_empty_document_is_none():
    assert parse("")[0] is None
    assert parse("# only a comment\n")[0] is None


def test_duplicate_keys_are_reported_with_both_positions():
    value, problems = parse("a: 1\nb: 2\na: 3\n")
    assert [str(p) for p in problems] == [
        "bp.yaml:3:1: error: duplicate key 'a' (first defined at line 1, column 1)"
    ]
    assert dict((k.value, v.value) for k, v in value.entries) == {"a": 1, "b": 2}


@pytest.mark.parametrize(
    "text",
    [
        "a: !!python/object/apply:os.system ['touch pwned']\n",
        "a: !!python/name:os.system\n",
        "a: !custom 1\n",
        "a: !!binary aGVsbG8=\n",
        "!!python/object:collections.OrderedDict {}\n",
    ],
)
def test_non_core_tags_are_rejected_and_never_constructed(text, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(BlueprintError) as caught:
        parse(text)
    assert "is not allowed" in str(caught.value)
    assert caught.value.diagnostics[0].span is not None
    assert not (tmp_path / "pwned").exists()


def test_billion_laughs_is_refused_quickly():
    levels = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for previous, name in zip("abcdefgh", "bcdefghi"):
        levels.append(f"{name}: &{name} [" + ",".join([f"*{previous}"] * 9) + "]")
    started = time.perf_counter()
    with pytest.raises(BlueprintError) as caught:
        parse("\n".join(levels) + "\n")
    assert time.perf_counter() - started < 5  # generous: the point is "not 9**9 values"
    assert "aliases expand" in str(caught.value)


def test_wide_alias_reuse_is_charged_by_size():
    items = ", ".join(str(i) for i in range(5000))
    text = f"base: &b [{items}]\nuses: [" + ", ".join(["*b"] * 50) + "]\n"
    with pytest.raises(BlueprintError, match="aliases expand"):
        parse(text)


def test_modest_aliases_and_merge_keys_work():
    value, problems = parse("base: &b {kind: service, replicas: 2}\nx:\n  <<: *b\n  replicas: 3\n")
    assert problems == []
    x = dict((k.value, v) for k, v in value.entries)["x"]
    assert {k.value: v.value for k, v in x.entries} == {"replicas": 3, "kind": "service"}


def test_deep_nesting_is_refused_without_recursion():
    with pytest.raises(BlueprintError) as caught:
        parse("a: " + "[" * 20000 + "]" * 20000 + "\n")
    assert "nesting" in str(caught.value)


def test_moderately_deep_nesting_is_refused_by_our_limit():
    with pytest.raises(BlueprintError, match="nesting is deeper than 64"):
        parse("a: " + "[" * 100 + "]" * 100 + "\n")


def test_syntax_error_has_position():
    with pytest.raises(BlueprintError) as caught:
        parse("a: {b: 1\nc: 2\n")
    diagnostic = caught.value.diagnostics[0]
    assert diagnostic.span is not None and diagnostic.span.line >= 2
    assert "YAML syntax error" in diagnostic.message


def test_tab_indentation_is_explained():
    with pytest.raises(BlueprintError) as caught:
        parse("a:\n\tb: 1\n")
    assert str(caught.value) == "bp.yaml:2:1: error: YAML syntax error: a tab character; YAML indents with spaces only"


def test_size_limit_is_checked_before_reading(tmp_path):
    path = tmp_path / "big.yaml"
    path.write_bytes(b"a: 1\n" * 1000)
    with pytest.raises(BlueprintError, match="over the limit of 1,000 bytes"):
        read_source(str(path), max_bytes=1000)
    assert read_source(str(path), max_bytes=10_000).startswith("a: 1")


def test_non_utf8_file_is_refused(tmp_path):
    path = tmp_path / "latin1.yaml"
    path.write_bytes("name: caf\xe9\n".encode("latin-1"))
    with pytest.raises(BlueprintError, match="not UTF-8"):
        read_source(str(path))


def test_special_files_are_refused_without_blocking(tmp_path):
    fifo = tmp_path / "pipe.yaml"
    os.mkfifo(fifo)
    with pytest.raises(BlueprintError, match="not a regular file"):
        read_source(str(fifo))
    with pytest.raises(BlueprintError, match="not a regular file"):
        read_source("/dev/zero")


# -- core tags with impossible values, numbers too large to use ------------------------


@pytest.mark.parametrize(
    "text, message",
    [
        ("title: !!bool maybe\n", "bp.yaml:1:8: error: invalid bool value 'maybe'"),
        ('title: !!int ""\n', "bp.yaml:1:8: error: invalid int value ''"),
        ('title: !!float ""\n', "bp.yaml:1:8: error: invalid float value ''"),
        ('title: !!int "-"\n', "bp.yaml:1:8: error: invalid int value '-'"),
        ("title: !!int 0b\n", "bp.yaml:1:8: error: invalid int value '0b'"),
        ("label: 0x" + "f" * 4000 + "\n", "bp.yaml:1:8: error: integer '0x" + "f" * 38 + "...' is too large (over 4,000 digits)"),
        ("replicas: " + "9" * 5000 + "\n", "bp.yaml:1:11: error: integer '" + "9" * 40 + "...' is too large (over 4,000 digits)"),
        ("sdiagram: 0b" + "1" * 14000 + "\n", "bp.yaml:1:11: error: integer '0b" + "1" * 38 + "...' is too large"),
        ("a: " + "1:" * 60 + "1\n", "bp.yaml:1:4: error: a number of 121 characters with ':' is too long"),
    ],
)
def test_impossible_scalars_are_positioned_errors(text, message):
    with pytest.raises(BlueprintError) as caught:
        parse(text)
    assert str(caught.value).startswith(message)


def test_numbers_within_bounds_still_load():
    """Large numbers are the compiler's to bound; the loader only refuses what Python cannot print."""
    value, _ = parse("a: 0x" + "f" * 1000 + "\nb: " + "9" * 4000 + "\nc: .inf\nd: 1:30\n")
    values = [item.value for _, item in value.entries]
    assert values[0] == int("f" * 1000, 16) and values[1] == int("9" * 4000)
    assert values[2] == float("inf") and values[3] == 90


# -- positions are always inside the file -------------------------------------------


@pytest.mark.parametrize(
    "text, expected",
    [
        # YAML breaks lines at U+2028, U+2029, U+0085 and a lone CR; editors do not.
        ("a: b\u2028c: d\u2029e: f\x85g: [\n", "bp.yaml:1:20:"),
        ("x: 1\ra: 2\ry: [\n", "bp.yaml:1:15:"),
        # no newline at the end: the end of the last line, not a line after it
        ("a: [1,\n  2", "bp.yaml:2:4:"),
        ("components:\n  a: {kind: service\n", "bp.yaml:2:20:"),
        ("a: 'open\n\n\n", "bp.yaml:3:1:"),
        ("a: 1\r\nb: [\r\n", "bp.yaml:2:5:"),
    ],
)
def test_error_positions_are_inside_the_file(text, expected):
    with pytest.raises(BlueprintError) as caught:
        parse(text)
    assert str(caught.value).startswith(expected)
    span = caught.value.diagnostics[0].span
    lines = text.split("\n")
    if text.endswith("\n"):
        lines.pop()
    assert 1 <= span.line <= len(lines) and 1 <= span.column <= len(lines[span.line - 1]) + 1


def test_value_positions_skip_yaml_only_line_breaks():
    value, _ = parse("a: \"x\u2028y\"\nb: 1\n")
    (_, first), (key, second) = value.entries
    assert key.span == Span("bp.yaml", 2, 1) and second.span == Span("bp.yaml", 2, 4)


@pytest.mark.parametrize("character, escape", [("\x01", "\\x01"), ("\x1d", "\\x1d"), ("\ufffe", "\\ufffe")])
def test_a_raw_control_character_is_one_positioned_line(character, escape):
    with pytest.raises(BlueprintError) as caught:
        parse(f"a: 1\nb: x{character}y\n")
    message = str(caught.value)
    assert "\n" not in message
    assert message.startswith(f"bp.yaml:2:5: error: character U+{ord(character):04X} is not allowed in YAML text")
    assert message.endswith(f'write it as an escape in a double-quoted string: "{escape}"')
