"""`sdiagram lint --write-baseline` / `--baseline`: fail only on new findings."""

from __future__ import annotations

import json
from pathlib import Path

from lint_helpers import invoke

SPOF = """\
sdiagram: 1
name: shop
traffic: {read_write_ratio: "1:1"}
components:
  users: {kind: client}
  lb:    {kind: load_balancer}
  api:   {kind: service, replicas: 2}
  db:    {kind: database, replicas: 2}
connections:
  - users -> lb
  - lb -> api
  - api -> db
"""


def write(folder: Path, text: str, name: str = "shop.yaml") -> Path:
    path = folder / "blueprints" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_baseline_accepts_recorded_findings_and_fails_on_new_ones(tmp_path: Path) -> None:
    write(tmp_path, SPOF)
    written = invoke("lint", "--write-baseline", "baseline.json", "blueprints", cwd=tmp_path)
    assert written.exit_code == 0, written.output
    document = json.loads((tmp_path / "baseline.json").read_text())
    assert [(e["path"], e["code"], e["components"][0]) for e in document["findings"]] == [
        ("blueprints/shop.yaml", "SD101", "lb")]

    # recorded: passes, and says so
    result = invoke("lint", "--baseline", "baseline.json", "blueprints", cwd=tmp_path)
    assert result.exit_code == 0, result.output
    assert "No problems in 1 blueprint (1 in baseline)." in result.output

    # moving lines (a comment on top, components reordered) keeps the finding recorded
    moved = "# moved\n" + SPOF.replace("  users: {kind: client}\n", "").replace(
        "  db:    {kind: database, replicas: 2}\n", "  db:    {kind: database, replicas: 2}\n  users: {kind: client}\n")
    write(tmp_path, moved)
    assert invoke("lint", "--baseline", "baseline.json", "blueprints", cwd=tmp_path).exit_code == 0

    # a new finding fails; the recorded one still does not count
    write(tmp_path, moved.replace("replicas: 2}\n  users", "replicas: 1}\n  users"))
    result = invoke("lint", "--baseline", "baseline.json", "blueprints", cwd=tmp_path)
    assert result.exit_code == 1
    assert "'db'" in result.output and "'lb' (" not in result.output
    assert "(1 in baseline)" in result.output


def test_stale_entries_are_reported(tmp_path: Path) -> None:
    write(tmp_path, SPOF)
    invoke("lint", "--write-baseline", "baseline.json", "blueprints", cwd=tmp_path)
    write(tmp_path, SPOF.replace("{kind: load_balancer}", "{kind: load_balancer, replicas: 2}"))
    result = invoke("lint", "--baseline", "baseline.json", "blueprints", cwd=tmp_path)
    assert result.exit_code == 0
    assert "baseline.json: 1 baseline entry no longer matches a finding" in result.stderr
    assert "blueprints/shop.yaml: SD101 single-point-of-failure on 'lb'" in result.stderr
    report = json.loads(invoke("lint", "--format", "json", "--baseline", "baseline.json", "blueprints",
                               cwd=tmp_path).stdout)
    assert [e["components"][0] for e in report["stale_baseline_entries"]] == ["lb"]


def test_baseline_paths_are_relative_to_the_baseline_file(tmp_path: Path) -> None:
    write(tmp_path, SPOF)
    (tmp_path / "ci").mkdir()
    invoke("lint", "--write-baseline", "ci/baseline.json", "blueprints", cwd=tmp_path)
    assert json.loads((tmp_path / "ci" / "baseline.json").read_text())["findings"][0]["path"] == "../blueprints/shop.yaml"
    # run from another folder: still matches
    result = invoke("lint", "--baseline", "../ci/baseline.json", "shop.yaml", cwd=tmp_path / "blueprints")
    assert result.exit_code == 0, result.output


def test_baselined_findings_in_sarif_and_json(tmp_path: Path) -> None:
    write(tmp_path, SPOF)
    invoke("lint", "--write-baseline", "baseline.json", "blueprints", cwd=tmp_path)
    sarif = json.loads(invoke("lint", "--format", "sarif", "--baseline", "baseline.json", "blueprints",
                              cwd=tmp_path).stdout)
    result = sarif["runs"][0]["results"][0]
    assert result["suppressions"] == [{"kind": "external", "status": "accepted", "justification": "in baseline baseline.json"}]
    recorded = json.loads((tmp_path / "baseline.json").read_text())["findings"][0]["fingerprint"]
    assert result["partialFingerprints"] == {"sdiagramFinding/v2": recorded}
    report = json.loads(invoke("lint", "--format", "json", "--baseline", "baseline.json", "blueprints",
                               cwd=tmp_path).stdout)
    assert report["findings"][0]["suppressed"] == {"reason": "in baseline baseline.json", "scope": "baseline",
                                                   "line": None, "column": None}
    assert report["findings"][0]["fingerprint"] == recorded
    assert report["summary"]["baselined"] == 1 and report["summary"]["exit_code"] == 0


def test_bad_baselines_are_usage_errors(tmp_path: Path) -> None:
    write(tmp_path, SPOF)
    for content, message in (("{not json", "not a baseline (JSON) file"), ("[]", "expected an object"),
                             ('{"version": 7, "findings": []}', "version 7 is not supported"),
                             ('{"version": 1, "findings": [{"path": 1}]}', "finding #1")):
        (tmp_path / "baseline.json").write_text(content)
        result = invoke("lint", "--baseline", "baseline.json", "blueprints", cwd=tmp_path)
        assert result.exit_code == 2 and message in result.output, result.output
    result = invoke("lint", "--baseline", "missing.json", "blueprints", cwd=tmp_path)
    assert result.exit_code == 2 and "cannot read" in result.output


def test_no_baseline_is_written_for_invalid_blueprints(tmp_path: Path) -> None:
    write(tmp_path, SPOF)
    write(tmp_path, "sdiagram: 1\ncomponents: {a: {kind: nope}}\n", "broken.yaml")
    result = invoke("lint", "--write-baseline", "baseline.json", "blueprints", cwd=tmp_path)
    assert result.exit_code == 2
    assert "not writing the baseline" in result.stderr
    assert not (tmp_path / "baseline.json").exists()
