"""Property-based fuzzing (hypothesis): random and mutated blueprints through
validate, lint and render, in-process and through the CLI.

Bounded to a few seconds here (derandomized, so CI is repeatable); the long
profile is `make fuzz` (bench/fuzz.py). The invariants live in `fuzzing.py`.
"""

from __future__ import annotations

import multiprocessing
import os
import shutil

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings

import fuzzing
from sdiagram.cli import main

FAST = settings(max_examples=25, deadline=None, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
WITH_LAYOUT = settings(FAST, max_examples=6)


def _write(tmp_path, data: bytes) -> str:
    path = tmp_path / "case.yaml"
    path.write_bytes(data)
    return str(path)


def _run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args), catch_exceptions=True)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.output


@FAST
@given(data=fuzzing.cases())
def test_load_lint_and_dot_keep_the_invariants(tmp_path, data):
    fuzzing.check_in_process(_write(tmp_path, data), data)


@FAST
@given(data=fuzzing.mutated())
def test_validate_and_lint_cli_keep_the_invariants(tmp_path, data):
    path = _write(tmp_path, data)
    for args, allowed in ((("validate", path), {0, 2}), (("lint", "--isolated", path), {0, 1, 2}),
                          (("lint", "--isolated", "--format", "github", path), {0, 1, 2})):
        code, output = _run(*args)
        assert code in allowed and "Traceback" not in output
        fuzzing.assert_output_positions(output, path, data)


@WITH_LAYOUT
@given(data=fuzzing.cases())
def test_render_cli_writes_well_formed_deterministic_output(tmp_path, data):
    path = _write(tmp_path, data)
    first = fuzzing.check_cli(_run, path, data, str(tmp_path / "one"))
    if first:
        again = fuzzing.check_cli(_run, path, data, str(tmp_path / "two"))
        assert again == first, "the same blueprint rendered to different bytes"
    shutil.rmtree(tmp_path / "one", ignore_errors=True)
    shutil.rmtree(tmp_path / "two", ignore_errors=True)


def _api_render(path: str, connection) -> None:
    import sdiagram

    try:
        blueprint = sdiagram.load(path)
    except sdiagram.BlueprintError:
        connection.send(("invalid", b""))
        return
    try:
        connection.send(("svg", sdiagram.render(blueprint, "svg")))
    except sdiagram.renderer.RenderError as error:
        connection.send(("error", str(error).encode()))


@WITH_LAYOUT
@given(data=fuzzing.blueprint_texts())
def test_render_api_gives_svg_or_an_error(tmp_path, data):
    """`sdiagram.render` in a process of its own here, so a crash fails this test instead of ending pytest."""
    path = _write(tmp_path, data)
    context = multiprocessing.get_context("fork")
    reader, writer = context.Pipe(duplex=False)
    process = context.Process(target=_api_render, args=(path, writer))
    process.start()
    writer.close()
    answer = reader.recv() if reader.poll(120) else None
    process.join(10)
    assert answer is not None, f"sdiagram.render died (exit status {process.exitcode})"
    kind, payload = answer
    if kind == "svg":
        fuzzing.assert_well_formed_svg(payload)


@pytest.mark.parametrize("name", ["deep-nesting", "aliases"])
def test_hostile_shapes_are_refused_quickly(tmp_path, name):
    data = dict(fuzzing.shapes())[name]
    path = _write(tmp_path, data)
    assert fuzzing.check_in_process(path, data) is None
    assert os.path.getsize(path) == len(data)
