"""`sdiagram render` and `sdiagram validate` from the command line: outputs, cache, bad input."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from conftest import run_cli

GOOD = """
name: good
components:
  users: {kind: client}
  lb: {kind: load_balancer, replicas: 2}
  api: {kind: service, replicas: 2}
connections:
  - users -> lb
  - lb -> api
"""


def files_in(folder: Path) -> list[str]:
    if not folder.exists():
        return []
    return sorted(p.name for p in folder.iterdir() if p.is_file())


def test_render_writes_each_format_and_skips_unchanged(write_blueprint, tmp_path):
    path = write_blueprint(GOOD)
    out = tmp_path / "out"
    result = run_cli("render", path, "-o", str(out), "-f", "svg,png,pdf,dot")
    assert result.exit_code == 0, result.output
    assert files_in(out) == ["good.dot", "good.pdf", "good.png", "good.svg"]
    assert "wrote" in result.output

    again = run_cli("render", path, "-o", str(out), "-f", "svg,png,pdf,dot")
    assert again.exit_code == 0 and "up to date" in again.output

    forced = run_cli("render", path, "-o", str(out), "-f", "svg,png,pdf,dot", "--force")
    assert "wrote" in forced.output

    (out / "good.svg").write_text("edited by hand")
    stale = run_cli("render", path, "-o", str(out), "-f", "svg,png,pdf,dot")
    assert "wrote" in stale.output and (out / "good.svg").read_text().startswith("<?xml")

    Path(path).write_text(GOOD.replace("replicas: 2}", "replicas: 3}"))
    changed = run_cli("render", path, "-o", str(out), "-f", "svg,png,pdf,dot")
    assert "wrote" in changed.output


def test_render_a_folder_in_parallel(write_blueprint, tmp_path):
    for index in range(3):
        write_blueprint(GOOD.replace("name: good", f"name: design-{index}"), name=f"designs/d{index}.yaml")
    out = tmp_path / "out"
    result = run_cli("render", str(tmp_path / "designs"), "-o", str(out), "-f", "svg", "-j", "2")
    assert result.exit_code == 0, result.output
    assert files_in(out) == ["design-0.svg", "design-1.svg", "design-2.svg"]


def test_two_blueprints_with_one_name_are_refused(write_blueprint, tmp_path):
    write_blueprint(GOOD, name="a/one.yaml")
    write_blueprint(GOOD, name="a/two.yaml")
    result = run_cli("render", str(tmp_path / "a"), "-o", str(tmp_path / "out"), "-f", "svg")
    assert result.exit_code == 2
    assert "name 'good' is also used by" in result.output


BAD_INPUTS = {
    "empty.yaml": ("", ":1:1: error: the file is empty"),
    "not-mapping.yaml": ("- a\n- b\n", ":1:1: error: a blueprint must be a mapping"),
    "syntax.yaml": ("components:\n  a: {kind: service\n", ":2:20: error: YAML syntax error"),  # inside the 2-line file
    "tabs.yaml": ("components:\n\ta: {kind: service}\n", ":2:1: error: YAML syntax error: a tab character"),
    "python-tag.yaml": (
        "components: !!python/object/apply:os.system ['touch pwned']\n",
        ":1:13: error: tag '!!python/object/apply:os.system' is not allowed",
    ),
    "bomb.yaml": (
        "a: &a [x,x,x,x,x,x,x,x,x]\n"
        + "".join(f"{n}: &{n} [" + ",".join([f"*{p}"] * 9) + "]\n" for p, n in zip("abcdefgh", "bcdefghi")),
        "error: aliases expand to more than 10,000 repeated values",
    ),
    "deep.yaml": ("components: " + "[" * 20000 + "]" * 20000 + "\n", "error: YAML syntax error: exceeded maximum nesting depth"),
    "outside-icon.yaml": ("components:\n  a: {kind: service, icon: ../../../etc/passwd}\n", "error: icon '../../../etc/passwd' is outside"),
    "ssh-icon.yaml": ("components:\n  a: {kind: service, icon: ~/.ssh/id_rsa}\n", "must be a path relative to the blueprint's folder"),
    "text-icon.yaml": ("components:\n  a: {kind: service, icon: notes.png}\n", "error: icon file 'notes.png' is not a PNG or JPEG image"),
}


@pytest.mark.parametrize("command", ["validate", "render"])
@pytest.mark.parametrize("name", sorted(BAD_INPUTS))
def test_bad_input_exits_2_with_position_and_writes_nothing(write_blueprint, tmp_path, monkeypatch, command, name):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "notes.png").write_text("just text")
    text, expected = BAD_INPUTS[name]
    path = write_blueprint(text, name=name)
    out = tmp_path / "out"
    args = ["render", path, "-o", str(out)] if command == "render" else ["validate", path]
    result = run_cli(*args)
    assert result.exit_code == 2
    assert expected in result.output
    assert path in result.output  # every message names the file
    assert "Traceback" not in result.output
    assert files_in(out) == [] and not (tmp_path / "pwned").exists()


def test_size_limit_is_configurable(write_blueprint, tmp_path):
    path = write_blueprint(GOOD)
    result = run_cli("validate", path, env={"SDIAGRAM_MAX_FILE_SIZE": "50"})
    assert result.exit_code == 2
    assert f"{path}: error: file is {os.path.getsize(path)} bytes, over the limit of 50 bytes" in result.output
    assert run_cli("validate", path).exit_code == 0


def test_default_size_limit_is_5_mb(write_blueprint, tmp_path):
    big = tmp_path / "big.yaml"
    big.write_bytes(b"# padding\n" * 600_000)
    result = run_cli("render", str(big), "-o", str(tmp_path / "out"))
    assert result.exit_code == 2 and "over the limit of 5,242,880 bytes" in result.output
    assert files_in(tmp_path / "out") == []


def test_unwritable_output_folder(write_blueprint, tmp_path):
    path = write_blueprint(GOOD)
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the output folder should be")
    result = run_cli("render", path, "-o", str(blocker / "out"))
    assert result.exit_code == 2
    assert "error: cannot write to" in result.output
    assert blocker.read_text() == "a file where the output folder should be"


def test_read_only_output_folder_leaves_no_partial_file(write_blueprint, tmp_path):
    if os.geteuid() == 0:
        pytest.skip("root can write to read-only folders; the not-a-folder case covers the error path")
    path = write_blueprint(GOOD)
    out = tmp_path / "out"
    out.mkdir()
    out.chmod(0o500)
    try:
        result = run_cli("render", path, "-o", str(out))
    finally:
        out.chmod(0o700)
    assert result.exit_code == 2 and files_in(out) == []


def test_timeout_stops_a_long_layout_and_writes_nothing(write_blueprint, tmp_path):
    components = "\n".join(f"  c{i}: {{kind: service, group: g{i % 20}}}" for i in range(400))
    groups = "\n".join(f"  g{i}: {{label: G{i}}}" for i in range(20))
    edges = "\n".join(f"  - c{i} -> c{(i * 7 + 3) % 400}: call {i}" for i in range(400) if (i * 7 + 3) % 400 != i)
    path = write_blueprint(f"name: slow\ncomponents:\n{components}\ngroups:\n{groups}\nconnections:\n{edges}\n")
    out = tmp_path / "out"
    result = run_cli("render", path, "-o", str(out), "--timeout", "0.05")
    assert result.exit_code == 2
    assert "layout stopped after the --timeout of 0.05 s; nothing was written" in result.output
    assert files_in(out) == []


def test_unknown_format_and_missing_path_are_usage_errors(write_blueprint, tmp_path):
    path = write_blueprint(GOOD)
    result = run_cli("render", path, "-f", "gif")
    assert result.exit_code == 2 and "unknown format 'gif'" in result.output
    missing = run_cli("render", str(tmp_path / "nope.yaml"))
    assert missing.exit_code == 2 and "does not exist" in missing.output
    empty = tmp_path / "empty-folder"
    empty.mkdir()
    none = run_cli("validate", str(empty))
    assert none.exit_code == 2 and "no blueprint files" in none.output


def test_validate_reports_every_file(write_blueprint, tmp_path):
    write_blueprint(GOOD, name="set/good.yaml")
    write_blueprint("components:\n  a: {kind: nope}\n", name="set/bad.yaml")
    result = run_cli("validate", str(tmp_path / "set"))
    assert result.exit_code == 2
    assert "bad.yaml:2:13: error: unknown kind 'nope'" in result.output
    assert "1 of 2 blueprint(s) invalid" in result.output
    assert run_cli("validate", str(tmp_path / "set" / "good.yaml")).output == "1 blueprint(s) valid\n"


def test_kinds_lists_kinds_and_at_least_40_technologies():
    result = run_cli("kinds")
    assert result.exit_code == 0
    for kind in ("client", "cdn", "dns", "load_balancer", "api_gateway", "service", "worker", "cache",
                 "database", "object_storage", "queue", "stream", "search_index", "llm", "vector_db", "external"):
        assert f"  {kind} " in result.output
    techs = result.output.split("Technologies", 1)[1]
    assert sum(1 for line in techs.splitlines() if line.startswith("  ")) >= 40
    for tech in ("redis", "memcached", "kafka", "rabbitmq", "sqs", "postgresql", "mysql", "cassandra",
                 "mongodb", "dynamodb", "elasticsearch", "nginx", "haproxy", "s3", "cloudfront"):
        assert f"  {tech} " in techs


def test_a_crashing_layout_is_reported_not_fatal(monkeypatch):
    """Graphviz aborts on some internal assertions; the CLI must survive that."""
    import faulthandler
    import os as _os

    from sdiagram.renderer import batch

    def abort(*args):
        # pytest enables faulthandler, which would print the aborting child's
        # stack (60 lines of "Fatal Python error: Aborted") past output capture.
        faulthandler.disable()
        _os.abort()

    monkeypatch.setattr(batch, "layout_and_render", abort)
    job = batch.LayoutJob("x.yaml", "digraph {}", ("svg",), ())
    [(_, outcome)] = list(batch.run_layouts([job], workers=1, timeout=None))
    assert outcome.rendered is None
    assert outcome.error == "Graphviz crashed while laying out this blueprint (SIGABRT); nothing was written"


def test_render_with_lint_outlines_blamed_components(write_blueprint, tmp_path):
    path = write_blueprint(
        """
        name: flawed
        components:
          users: {kind: client}
          lb: {kind: load_balancer, replicas: 2}
          api: {kind: service, replicas: 2}
          db: {kind: database}
        connections:
          - users -> lb
          - lb -> api
          - api -> db
        """
    )
    out = tmp_path / "out"
    result = run_cli("render", path, "-o", str(out), "-f", "dot,svg", "--lint")
    assert result.exit_code == 0, result.output
    dot_text = (out / "flawed.dot").read_text()
    assert '"db" [' in dot_text and "#D62728" in dot_text.split('"db" [', 1)[1].split("\n", 1)[0]
    assert "#D62728" not in dot_text.split('"users" [', 1)[1].split("\n", 1)[0]
    assert "Lint findings" in dot_text and "single-point-of-failure" in dot_text
    plain = run_cli("render", path, "-o", str(tmp_path / "plain"), "-f", "dot")
    assert plain.exit_code == 0
    assert "Lint findings" not in (tmp_path / "plain" / "flawed.dot").read_text()


def test_large_blueprints_switch_to_the_bounded_layout_and_say_so(write_blueprint, tmp_path, monkeypatch):
    import sdiagram.renderer

    monkeypatch.setattr(sdiagram.renderer, "LARGE_GRAPH_COMPONENTS", 2)
    path = write_blueprint(GOOD.replace("  - lb -> api", "  - lb -> api: calls"))
    result = run_cli("render", path, "-o", str(tmp_path / "out"), "-f", "dot,svg")
    assert result.exit_code == 0, result.output
    assert "note: 3 components; using the large-graph layout" in result.output
    dot_text = (tmp_path / "out" / "good.dot").read_text()
    assert "splines=line" in dot_text and 'xlabel="calls"' in dot_text


def test_clustered_graph_with_labels_renders_without_crashing(write_blueprint, tmp_path):
    """A regression guard for the DOT settings: without `newrank`, Graphviz aborts on this shape."""
    import random

    rng = random.Random(0)
    kinds = ["service", "service", "worker", "cache", "database", "queue"]
    lines = ["name: clustered", "components:", "  users: {kind: client}"]
    lines += [f"  c{i}: {{kind: {rng.choice(kinds)}, group: g{i // 10}}}" for i in range(120)]
    lines += ["groups:"] + [f"  g{g}: {{label: G{g}}}" for g in range(13)]
    lines += ["connections:", "  - users -> c0"]
    lines += [f"  - c{rng.randrange(i)} -> c{i}: call {i}" for i in range(1, 120)]
    for _ in range(60):
        a, b = rng.sample(range(120), 2)
        lines.append(f"  - c{a} -> c{b}: {{label: evt, async: true}}")
    path = write_blueprint("\n".join(lines) + "\n")
    result = run_cli("render", path, "-o", str(tmp_path / "out"), "-f", "svg")
    assert result.exit_code == 0, result.output
    assert files_in(tmp_path / "out") == ["clustered.svg"]


def test_stale_temporaries_of_a_killed_render_are_removed_by_the_next(write_blueprint, tmp_path):
    import subprocess
    import sys

    finished = subprocess.Popen([sys.executable, "-c", "pass"])
    finished.wait()
    dead, alive = finished.pid, os.getppid()
    out = tmp_path / "out"
    (out / ".sdiagram-cache").mkdir(parents=True)
    ours = [
        f".good.svg.{dead}-abcd1234.tmp",  # its writer was killed
        ".good.png.x1y2z3_4.tmp",  # the naming before pids (sdiagram 0.1)
        f".sdiagram-cache/.0123abcd.json.{dead}-abcd1234.tmp",
    ]
    kept = [
        f".good.svg.{alive}-abcd1234.tmp",  # its writer is still running
        ".notes.tmp", "draft.svg.abcd1234.tmp", ".good.svg.abcd1234.tmp.bak",  # not ours
    ]
    for name in ours + kept:
        (out / name).write_bytes(b"partial")
    result = run_cli("render", write_blueprint(GOOD, "good.yaml"), "-o", str(out), "-f", "svg")
    assert result.exit_code == 0, result.output
    for name in ours:
        assert not (out / name).exists(), name
    for name in kept:
        assert (out / name).exists(), name


def _record_file(out: Path) -> Path:
    [record] = (out / ".sdiagram-cache").iterdir()
    return record


def _hostile_record(kind: str, record: Path, tmp_path: Path) -> None:
    import json

    record.unlink()
    if kind == "deep":
        record.write_text("[" * 100_000 + "]" * 100_000)
    elif kind == "fifo":
        os.mkfifo(record)
    elif kind == "dev-zero":
        record.symlink_to("/dev/zero")
    elif kind == "huge":
        record.write_bytes(b" " * (2 * 1024 * 1024) + b"{}")
    elif kind == "wrong-types":
        record.write_text(json.dumps({"source": 1, "name": ["x"], "key": {}, "icons": "abc", "files": []}))
    elif kind == "icon-is-a-fifo":
        fifo = tmp_path / "icon.png"
        os.mkfifo(fifo)
        record.write_text(json.dumps({"source": "x", "name": "good", "key": "0" * 64, "icons": [str(fifo)],
                                      "files": {"svg": "0" * 64}}))
    elif kind == "icon-is-dev-zero":
        record.write_text(json.dumps({"source": "x", "name": "good", "key": "0" * 64, "icons": ["/dev/zero"],
                                      "files": {"svg": "0" * 64}}))
    elif kind == "name-escapes":
        record.write_text(json.dumps({"source": "x", "name": "../../etc/passwd", "key": "0" * 64, "icons": [],
                                      "files": {"svg": "0" * 64}}))


@pytest.mark.parametrize(
    "kind", ["deep", "fifo", "dev-zero", "huge", "wrong-types", "icon-is-a-fifo", "icon-is-dev-zero", "name-escapes"]
)
def test_a_bad_cache_record_is_a_cache_miss(write_blueprint, tmp_path, kind):
    path = write_blueprint(GOOD)
    out = tmp_path / "out"
    assert run_cli("render", path, "-o", str(out), "-f", "svg").exit_code == 0
    record = _record_file(out)
    _hostile_record(kind, record, tmp_path)
    result = run_cli("render", path, "-o", str(out), "-f", "svg")
    assert result.exit_code == 0, result.output
    assert "wrote" in result.output
    # and the damaged record is replaced by a good one
    again = run_cli("render", path, "-o", str(out), "-f", "svg")
    assert "up to date" in again.output


def test_an_empty_image_from_graphviz_is_an_error_and_nothing_is_written(write_blueprint, tmp_path, monkeypatch):
    import pygraphviz.graphviz as gv

    real = gv.gvRenderData
    monkeypatch.setattr(gv, "gvRenderData", lambda context, graph, fmt: (0, b"") if fmt == b"png" else real(context, graph, fmt))
    out = tmp_path / "out"
    result = run_cli("render", write_blueprint(GOOD), "-o", str(out), "-f", "svg,png")
    assert result.exit_code == 2
    assert "error: Graphviz produced an empty png; nothing was written" in result.output
    assert files_in(out) == []
    assert not (out / ".sdiagram-cache").exists() or not any((out / ".sdiagram-cache").iterdir())


def png_header(width: int, height: int) -> bytes:
    """The first bytes of a PNG of that size: all sdiagram reads before deciding."""
    import struct
    import zlib

    body = b"IHDR" + struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + struct.pack(">I", 13) + body + struct.pack(">I", zlib.crc32(body))


def test_an_icon_too_large_to_decode_is_refused_with_its_position(write_blueprint, tmp_path):
    (tmp_path / "big.png").write_bytes(png_header(20_000, 20_000))
    path = write_blueprint(GOOD.replace("{kind: client}", "{kind: client, icon: big.png}"))
    for command in (["validate", path], ["render", path, "-o", str(tmp_path / "out"), "-f", "png"]):
        result = run_cli(*command)
        assert result.exit_code == 2
        assert "bp.yaml:3:31: error: icon file 'big.png' is 20,000 x 20,000 px" in result.output
    assert files_in(tmp_path / "out") == []


def test_custom_icons_too_large_together_are_refused(write_blueprint, tmp_path):
    lines = ["name: icons", "components:"]
    for i in range(5):  # each allowed alone (4,096 px a side), 84 million pixels together
        (tmp_path / f"i{i}.png").write_bytes(png_header(4096, 4096) + bytes([i]))
        lines.append(f"  c{i}: {{kind: service, icon: i{i}.png}}")
    path = write_blueprint("\n".join(lines) + "\n")
    out = tmp_path / "out"
    result = run_cli("render", path, "-o", str(out), "-f", "png")
    assert result.exit_code == 2
    assert "error: its 5 custom icon files hold 84 million pixels" in result.output
    assert files_in(out) == []
    import sdiagram

    with pytest.raises(sdiagram.renderer.RenderError, match="at most 67 million pixels"):
        sdiagram.render(sdiagram.load(path), "svg")


def test_render_without_graphviz_says_so_and_writes_nothing(write_blueprint, tmp_path, monkeypatch):
    from sdiagram.renderer import engine

    def missing() -> str:
        raise engine.RenderError("no Graphviz engine: install pygraphviz")

    monkeypatch.setattr(engine, "engine_name", missing)
    out = tmp_path / "out"
    result = run_cli("render", write_blueprint(GOOD), "-o", str(out), "-f", "svg,png")
    assert result.exit_code == 2
    assert "error: no Graphviz engine: install pygraphviz" in result.output
    assert not out.exists() or not any(out.iterdir())
