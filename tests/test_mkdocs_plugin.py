"""The MkDocs plugin, through a real `mkdocs build` of a small site."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from conftest import BLUEPRINTS

pytest.importorskip("mkdocs")

PAGE = """
# Our systems

![Chat system](../blueprints/chat.yaml)

```sdiagram
title: Orders
components:
  api: {kind: service, replicas: 2, description: "Orders <API>", link: "https://example.com/runbook"}
  db: {kind: database, tech: postgresql}
connections:
  - api -> db: SQL
```

Code that stays code:

```yaml
components: {a: {kind: service}}
```

    ![indented code](../blueprints/chat.yaml)

Inline: `![span](../blueprints/chat.yaml)` stays.
"""


def make_site(root: Path, page: str, options: str = "lint: true") -> Path:
    (root / "docs").mkdir(parents=True)
    (root / "blueprints").mkdir()
    shutil.copy(BLUEPRINTS / "chat.yaml", root / "blueprints" / "chat.yaml")
    (root / "mkdocs.yml").write_text(f"site_name: Architecture\nplugins:\n  - sdiagram:\n      {options}\n")
    (root / "docs" / "index.md").write_text(textwrap.dedent(page).lstrip())
    return root


def build(root: Path) -> subprocess.CompletedProcess[str]:
    mkdocs = [sys.executable, "-m", "mkdocs", "build", "--strict", "-q"]
    return subprocess.run(mkdocs, cwd=root, capture_output=True, text=True, timeout=300, check=False)


def test_build_renders_fences_and_image_links_to_inline_svg(tmp_path):
    root = make_site(tmp_path, PAGE, "lint: true\n      theme: auto")
    result = build(root)
    assert result.returncode == 0, result.stderr
    page = (root / "site" / "index.html").read_text()
    figures = re.findall(r'<div class="sdiagram" role="img" aria-label="([^"]*)"[^>]*><svg ', page)
    assert figures == ["Chat system", "Orders"]
    assert "<title>user_a</title>" in page and "<title>api</title>" in page  # the nodes themselves
    assert 'xlink:href="https://example.com/runbook"' in page and "Orders &lt;API&gt;" in page
    assert "prefers-color-scheme: dark" in page  # theme: auto
    assert "language-sdiagram" not in page and "sdiagramfigure" not in page
    assert "components: {a: {kind: service}}" in page  # other code blocks untouched
    assert "![indented code](../blueprints/chat.yaml)" in page and "![span](../blueprints/chat.yaml)" in page
    assert 'class="admonition danger"' in page and "SD101" in page  # lint: true
    assert "file:" not in page and str(tmp_path) not in page  # no machine paths
    cache = sorted((root / ".cache" / "sdiagram").iterdir())
    assert len(cache) == 2
    stamps = [p.stat().st_mtime_ns for p in cache]
    assert build(root).returncode == 0
    assert [p.stat().st_mtime_ns for p in sorted((root / ".cache" / "sdiagram").iterdir())] == stamps


def test_invalid_blueprint_fails_the_build_with_positions(tmp_path):
    root = make_site(tmp_path, """
        # Page

        ```sdiagram
        components:
          api: {kind: servce}
        connections:
          - api -> db
        ```
        """)
    result = build(root)
    assert result.returncode != 0
    assert "docs/index.md:5:15: error: unknown kind 'servce'" in result.stderr
    assert "docs/index.md:7:5: error: unknown component or group 'db'" in result.stderr
    assert "Traceback" not in result.stderr


def test_invalid_linked_blueprint_points_at_its_file(tmp_path):
    root = make_site(tmp_path, "![x](../blueprints/chat.yaml)\n")
    chat = root / "blueprints" / "chat.yaml"
    chat.write_text(chat.read_text().replace("kind: client", "kind: clien", 1))
    result = build(root)
    assert result.returncode != 0
    assert re.search(r"blueprints/chat\.yaml:\d+:\d+: error: unknown kind 'clien'", result.stderr), result.stderr


def test_links_outside_the_project_are_refused(tmp_path):
    outside = tmp_path / "elsewhere.yaml"
    outside.write_text((BLUEPRINTS / "chat.yaml").read_text())
    root = make_site(tmp_path / "project", "![x](../../elsewhere.yaml)\n")
    result = build(root)
    assert result.returncode != 0 and "points outside the project folder" in result.stderr


def test_the_plugin_is_registered_as_an_entry_point():
    from importlib.metadata import entry_points

    found = [e for e in entry_points(group="mkdocs.plugins") if e.name == "sdiagram"]
    assert found and found[0].load().__name__ == "SdiagramPlugin"


def test_serve_watches_the_linked_blueprints(tmp_path, monkeypatch):
    from mkdocs.commands.build import build as build_site
    from mkdocs.config import load_config

    root = make_site(tmp_path, PAGE)
    monkeypatch.chdir(root)
    config = load_config(str(root / "mkdocs.yml"))
    config.plugins.on_startup(command="serve", dirty=False)
    build_site(config)

    class Server:
        def __init__(self) -> None:
            self.watched: list[str] = []

        def watch(self, path: str) -> None:
            self.watched.append(path)

    server = config.plugins.on_serve(Server(), config=config, builder=lambda: None)
    assert server.watched == [str(root / "blueprints" / "chat.yaml")]


def test_options_and_defaults():
    from sdiagram.mkdocs_plugin import SdiagramPlugin

    plugin = SdiagramPlugin()
    errors, _ = plugin.load_config({})
    assert not errors
    assert (plugin.config.theme, plugin.config.lint, plugin.config.cache_dir) == ("light", False, ".cache/sdiagram")
    errors, _ = SdiagramPlugin().load_config({"theme": "sepia"})
    assert errors and "sepia" in str(errors[0][1])
