"""Golden Markdown and JSON diffs of realistic edits to the bundled designs.

Regenerate after a deliberate change: `UPDATE_GOLDEN=1 make test`, then read
the diff of tests/diff/golden/ before committing it.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from conftest import REPO, run_cli

HERE = Path(__file__).resolve().parent
GOLDEN = HERE / "golden"

# (golden name, old, new): rename + regroup + replicas + a new finding; a group
# rename + regroup + replicas; a removal that introduces a finding; and the
# first edit undone (the finding is resolved); replicas raised and lowered with
# traffic on both sides (the estimate section). Each `.before.yaml` is a copy of
# a bundled design (frozen, so later changes to blueprints/ do not move the
# goldens); `.after.yaml` is the edit.
EDITS = "tests/diff/edits"
CASES = [
    (name, f"{EDITS}/{name}.before.yaml", f"{EDITS}/{name}.after.yaml")
    for name in ("url-shortener-rate-limiter", "chat-presence-tier", "news-feed-drop-dlq", "notification-replicas")
] + [("url-shortener-revert", f"{EDITS}/url-shortener-rate-limiter.after.yaml",
      f"{EDITS}/url-shortener-rate-limiter.before.yaml")]


@pytest.mark.parametrize("output_format,suffix", [("markdown", "md"), ("json", "json")])
@pytest.mark.parametrize("name,old,new", CASES, ids=[c[0] for c in CASES])
def test_golden(name: str, old: str, new: str, output_format: str, suffix: str, monkeypatch) -> None:
    monkeypatch.chdir(REPO)
    result = run_cli("diff", "--renames", "--format", output_format, "--exit-code", old, new)
    assert result.exit_code == 1, result.output  # there are changes
    golden = GOLDEN / f"{name}.{suffix}"
    if os.environ.get("UPDATE_GOLDEN"):
        golden.parent.mkdir(exist_ok=True)
        golden.write_text(result.stdout, encoding="utf-8")
    assert result.stdout == golden.read_text(encoding="utf-8")


def test_edits_are_valid_and_change_what_they_say() -> None:
    import json

    os.chdir(REPO)
    document = json.loads((GOLDEN / "url-shortener-rate-limiter.json").read_text())
    elements = {(e["element"], e["id"], e["status"]) for e in document["blueprints"][0]["elements"]}
    assert ("component", "url_store", "renamed") in elements
    assert ("component", "id_gen", "changed") in elements and ("component", "api", "changed") in elements
    chat = json.loads((GOLDEN / "chat-presence-tier.json").read_text())["blueprints"][0]
    assert {"element": "group", "id": "notifications", "status": "renamed", "old_id": "notify",
            "similarity": 1.0, "keys": []} in chat["elements"]
    assert "estimate" not in json.loads((GOLDEN / "news-feed-drop-dlq.json").read_text())["blueprints"][0]  # no traffic
    notification = json.loads((GOLDEN / "notification-replicas.json").read_text())["blueprints"][0]
    figures = {(e["element"], e["id"]): {f["figure"]: (f["old"], f["new"]) for f in e["figures"]}
               for e in notification["estimate"]}
    assert set(figures) == {("component", "api_gw"), ("component", "campaign_svc"), ("component", "push_worker"),
                            ("path", "users -> api_gw")}
    old, new = figures[("component", "push_worker")]["utilization"]
    assert new == pytest.approx(old * 3 / 2)  # 3 replicas -> 2: the same load on two thirds of the nodes
    old, new = figures[("path", "users -> api_gw")]["availability"]
    assert new > old
    revert = json.loads((GOLDEN / "url-shortener-revert.json").read_text())
    assert revert["summary"]["findings_resolved"] == 1 and revert["summary"]["findings_introduced"] == 0


def test_docs_show_the_golden_markdown_verbatim() -> None:
    docs = (REPO / "docs" / "review.md").read_text(encoding="utf-8")
    assert (GOLDEN / "url-shortener-rate-limiter.md").read_text(encoding="utf-8") in docs
    assert (REPO / "docs" / "workflows" / "architecture-review.yml").read_text(encoding="utf-8") in docs
