"""Issue 13 (input side): sizes, bounded reads, escaping, messages, help, API surface."""

from __future__ import annotations

import json
import os
import xml.etree.ElementTree as ElementTree
from pathlib import Path

import pytest

import sdiagram
from sdiagram.sourcefile import MAX_FILE_SIZE_LIMIT, FileSizeSettingError, parse_size

from conftest import BLUEPRINTS, run_cli

GOOD = "components:\n  users: {kind: client}\n  api: {kind: service}\nconnections:\n  - users -> api\n"
FORGED = 'components:\n  "a\\nfake.yaml:9:9: error: forged": {kind: service}\n'


# -- SDIAGRAM_MAX_FILE_SIZE -------------------------------------------------------------


@pytest.mark.parametrize(
    "text, size",
    [("5000000", 5_000_000), ("10MB", 10_000_000), ("5MiB", 5 * 1024**2), ("1 gib", 1024**3), ("64kb", 64_000),
     (" 2048 ", 2048), ("1", 1), ("100B", 100)],
)
def test_sizes_parse(text, size):
    assert parse_size(text) == size


@pytest.mark.parametrize(
    "text, problem",
    [("abc", "is not a size"), ("-1", "is not a size"), ("1e9", "is not a size"), ("10 MBs", "is not a size"),
     ("", "is not a size"), ("1.5MB", "is not a size"), ("0", "out of range"), ("2GiB", "out of range"),
     ("99999999999999", "out of range"), ("999999999999999999999", "out of range"), ("9" * 5000, "out of range")],
)
def test_bad_sizes_are_refused(text, problem):
    with pytest.raises(FileSizeSettingError, match=problem):
        parse_size(text)


@pytest.mark.parametrize("command", ["validate", "lint", "render"])
@pytest.mark.parametrize("value", ["abc", "-1", "1e9", "999999999999999999999"])
def test_a_bad_size_setting_is_a_usage_error(write_blueprint, tmp_path, command, value):
    path = write_blueprint(GOOD)
    args = [command, path] + (["-o", str(tmp_path / "out")] if command == "render" else [])
    result = run_cli(*args, env={"SDIAGRAM_MAX_FILE_SIZE": value})
    assert result.exit_code == 2
    assert "SDIAGRAM_MAX_FILE_SIZE=" in result.output and "Traceback" not in result.output
    assert not (tmp_path / "out").exists()


def test_a_size_with_a_unit_is_used(write_blueprint):
    path = write_blueprint(GOOD)
    assert run_cli("validate", path, env={"SDIAGRAM_MAX_FILE_SIZE": "1KB"}).exit_code == 0
    result = run_cli("validate", path, env={"SDIAGRAM_MAX_FILE_SIZE": "50B"})
    assert result.exit_code == 2 and "over the limit of 50 bytes" in result.output
    assert MAX_FILE_SIZE_LIMIT == 1024**3


# -- one bounded reader for every command ---------------------------------------------------


@pytest.mark.parametrize("command", ["validate", "lint", "render"])
def test_special_files_are_refused_by_every_command(tmp_path, command):
    fifo = tmp_path / "pipe.yaml"
    os.mkfifo(fifo)
    zero = tmp_path / "zero.yaml"
    zero.symlink_to("/dev/zero")
    args = [command, str(fifo), str(zero)] + (["-o", str(tmp_path / "out")] if command == "render" else [])
    result = run_cli(*args)  # a FIFO would block a plain read; /dev/zero never ends
    assert result.exit_code == 2
    assert f"{fifo}: error: not a regular file" in result.output.replace(" SD000 invalid-blueprint", "")
    assert f"{zero}: error: not a regular file" in result.output.replace(" SD000 invalid-blueprint", "")


@pytest.mark.parametrize("command", ["validate", "lint", "render"])
def test_oversized_files_are_refused_by_every_command(tmp_path, command):
    big = tmp_path / "big.yaml"
    big.write_text(GOOD + "#" * 5000 + "\n")
    args = [command, str(big)] + (["-o", str(tmp_path / "out")] if command == "render" else [])
    result = run_cli(*args, env={"SDIAGRAM_MAX_FILE_SIZE": "1000"})
    assert result.exit_code == 2 and "over the limit of 1,000 bytes" in result.output


def test_render_reads_each_file_once_with_the_bound(write_blueprint, tmp_path, monkeypatch):
    """render parses the very bytes it hashed for the cache; it never calls open() on a blueprint."""
    import builtins

    path = write_blueprint(GOOD)
    opened = []
    real_open = builtins.open
    monkeypatch.setattr(builtins, "open", lambda file, *a, **k: opened.append(str(file)) or real_open(file, *a, **k))
    result = run_cli("render", path, "-o", str(tmp_path / "out"), "-f", "dot")
    assert result.exit_code == 0, result.output
    assert path not in opened


# -- every user string escaped in every output format ----------------------------------------


def test_a_newline_in_a_key_cannot_forge_an_output_line(write_blueprint, tmp_path):
    path = write_blueprint(FORGED)
    for args in (["validate", path], ["lint", path], ["lint", "--format", "github", path],
                 ["render", path, "-o", str(tmp_path / "out")]):
        result = run_cli(*args)
        assert result.exit_code == 2
        assert not any(line.startswith("fake.yaml") for line in result.output.splitlines()), args
        assert "'a\\nfake.yaml:9:9: error: forged'" in result.output
    report = json.loads(run_cli("lint", "--format", "json", path).output)  # structurally safe: one finding
    assert [f["code"] for f in report["findings"]] == ["SD000"] and "fake.yaml" in report["findings"][0]["message"]
    sarif = json.loads(run_cli("lint", "--format", "sarif", path).output)
    assert len(sarif["runs"][0]["results"]) == 1


def test_terminal_escapes_and_bidi_controls_are_shown_escaped(write_blueprint):
    path = write_blueprint('components:\n  "x\\e[31m\\u202eevil": {kind: service}\n')
    output = run_cli("validate", path).output
    assert "\x1b" not in output and "\u202e" not in output
    assert "x\\x1b[31m\\u202eevil" in output


def test_a_file_name_with_a_newline_is_escaped(tmp_path):
    path = tmp_path / "bad\nname.yaml"
    path.write_text("components: [\n")
    result = run_cli("validate", str(path))
    assert result.exit_code == 2
    assert "bad\\nname.yaml:1:" in result.output and "bad\nname" not in result.output


# -- messages and help -------------------------------------------------------------------------


def test_render_help_names_its_arguments():
    text = run_cli("render", "--help").output
    for expected in ("PATHS...", "-o, --output DIR", "-f, --format LIST", "-j, --jobs N", "--timeout S"):
        assert expected in text


def test_an_unknown_format_names_the_option(write_blueprint):
    result = run_cli("render", write_blueprint(GOOD), "-f", "jpg")
    assert result.exit_code == 2
    assert "Invalid value for '-f' / '--format': unknown format 'jpg'; choose from svg, png, pdf, dot" in result.output


@pytest.mark.parametrize("command", ["validate", "lint", "render"])
def test_path_errors_name_paths_and_the_empty_folder(tmp_path, command):
    (tmp_path / "empty").mkdir()
    result = run_cli(command, str(tmp_path / "empty"))
    assert result.exit_code == 2
    assert f"Invalid value for PATHS: no blueprint files (*.yaml, *.yml) in folder '{tmp_path / 'empty'}'" in result.output
    result = run_cli(command, str(tmp_path / "missing.yaml"))
    assert "Invalid value for PATHS: " in result.output


def test_a_file_named_twice_counts_once(write_blueprint, tmp_path, monkeypatch):
    write_blueprint(GOOD, name="a.yaml")
    monkeypatch.chdir(tmp_path)
    result = run_cli("validate", "a.yaml", "./a.yaml", ".")
    assert result.output == "1 blueprint(s) valid\n"


def test_render_reports_in_input_order(write_blueprint, tmp_path):
    # a large blueprint first, small ones after: with two workers the small ones
    # finish first, yet they are reported after it
    components = "\n".join(f"  c{i}: {{kind: service, label: 'Component {i}'}}" for i in range(120))
    chain = "\n".join(f"  - c{i} -> c{(i * 7 + 3) % 120}: call {i}" for i in range(120))
    paths = [write_blueprint(f"components:\n{components}\nconnections:\n{chain}\n", name="z-large.yaml")]
    paths += [write_blueprint(GOOD, name=f"small{i}.yaml") for i in range(3)]
    paths.insert(2, str(tmp_path / "broken.yaml"))
    Path(paths[2]).write_text("components: [\n")
    result = run_cli("render", *paths, "-o", str(tmp_path / "out"), "-f", "svg", "-j", "2")
    assert result.exit_code == 2
    mentioned = [line.split(":", 1)[0] for line in result.output.splitlines()]
    assert [p for p in dict.fromkeys(mentioned)] == paths


# -- the Python API -----------------------------------------------------------------------------


def test_the_package_lists_its_api():
    names = dir(sdiagram)
    for name in ("load", "render", "BlueprintError", "Blueprint", "__version__"):
        assert name in names


def test_a_blueprint_repr_is_short():
    blueprint = sdiagram.load(BLUEPRINTS / "chat.yaml")
    text = repr(blueprint)
    assert len(text) < 200
    assert text.startswith("<Blueprint 'chat' from ") and "15 components" in text


def test_svg_of_escaped_text_is_well_formed(write_blueprint):
    blueprint = sdiagram.load(write_blueprint('title: "a & <b> \\u2028 c"\n' + GOOD))
    ElementTree.fromstring(sdiagram.render(blueprint, "svg"))


@pytest.mark.parametrize("command", ["validate", "lint", "render"])
def test_a_fifo_in_a_scanned_folder_is_refused_without_blocking(tmp_path, command):
    """Folder scans look into each YAML file to skip non-blueprints: through the bounded reader too."""
    folder = tmp_path / "designs"
    folder.mkdir()
    (folder / "good.yaml").write_text(GOOD)
    os.mkfifo(folder / "pipe.yaml")
    args = [command, str(folder)] + (["-o", str(tmp_path / "out"), "-f", "dot"] if command == "render" else [])
    result = run_cli(*args)
    assert result.exit_code == 2
    assert "pipe.yaml" in result.output and "not a regular file" in result.output
