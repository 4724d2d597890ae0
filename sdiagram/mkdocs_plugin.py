"""The MkDocs plugin: blueprints in Markdown pages become inline SVG at build time.

    plugins:
      - sdiagram:
          theme: auto        # light (default) | dark | auto (follows the reader's colour scheme)
          lint: true         # list lint findings under each diagram (an admonition)
          cache_dir: .cache/sdiagram

Two ways to put a diagram on a page:

    ```sdiagram
    components: {api: {kind: service}, db: {kind: database}}
    connections: [api -> db]
    ```

    ![Chat](../blueprints/chat.yaml)

A blueprint is data: the plugin parses YAML and runs Graphviz, it never
imports or executes anything a page names (unlike plugins that run
`.diagrams.py` scripts). Image links may only name files inside the project
(the folder of mkdocs.yml). An invalid blueprint fails the build with
`file:line:col` positions in the Markdown page or the blueprint file.
"""

from __future__ import annotations

import hashlib
import html
import os
import re
import stat
from typing import Any

from mkdocs.config import base, config_options
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin

from .compiler import max_file_size
from .diagnostics import Diagnostic, Span

_FENCE = re.compile(
    r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,})[ \t]*(?P<info>[^\n`]*)\n(?P<body>.*?)^(?P=indent)(?P=fence)[ \t]*$",
    re.M | re.S,
)
_CODE_SPAN = re.compile(r"(`+).*?\1")
_IMAGE = re.compile(r"!\[(?P<alt>[^\]\n]*)\]\((?P<src>[^)\s]+\.ya?ml)(?:[ \t]+\"[^\"\n]*\")?\)")


class SdiagramConfig(base.Config):
    # `auto` suits themes that follow the reader's colour scheme (Material with a
    # `media` palette); on a light-only theme it would draw dark boxes on a light page.
    theme = config_options.Choice(("light", "dark", "auto"), default="light")
    lint = config_options.Type(bool, default=False)
    cache_dir = config_options.Type(str, default=".cache/sdiagram")
    timeout = config_options.Type((int, float), default=60)


class SdiagramPlugin(BasePlugin[SdiagramConfig]):
    """Renders ```sdiagram fences and image links to blueprint files."""

    def on_config(self, config: Any) -> Any:
        self._project = os.path.dirname(os.path.abspath(config["config_file_path"] or "mkdocs.yml"))
        self._cache = os.path.join(self._project, self.config.cache_dir)
        self._figures: dict[str, dict[str, str]] = {}
        self._linked: set[str] = set()  # blueprint files pages link to, for `mkdocs serve`
        return config

    def on_serve(self, server: Any, /, *, config: Any, builder: Any) -> Any:
        """`mkdocs serve` rebuilds when a linked blueprint changes, not only the pages."""
        for file in sorted(self._linked):
            server.watch(file)
        return server

    # -- Markdown -> placeholders --------------------------------------------

    def on_page_markdown(self, markdown: str, page: Any, config: Any, files: Any) -> str:
        page_file = os.path.abspath(page.file.abs_src_path)
        figures: dict[str, str] = {}
        self._figures[page.file.src_uri] = figures
        page_tag = hashlib.sha256(page.file.src_uri.encode()).hexdigest()[:12]

        def placeholder(figure: str) -> str:
            token = f"sdiagramfigure{len(figures)}x{page_tag}"
            figures[token] = figure
            return f"\n\n{token}\n\n"

        out: list[str] = []
        position = 0
        for fence in _FENCE.finditer(markdown):
            out.append(self._images(markdown[position:fence.start()], page_file, placeholder))
            if fence.group("info").strip().split()[:1] == ["sdiagram"]:
                line = markdown.count("\n", 0, fence.start()) + 2  # the first line of the body
                out.append(placeholder(self._fenced(fence, page_file, line)))
            else:
                out.append(fence.group(0))  # other code blocks stay as they are, links in them too
            position = fence.end()
        out.append(self._images(markdown[position:], page_file, placeholder))
        return "".join(out)

    def _images(self, text: str, page_file: str, placeholder: Any) -> str:
        def replace(match: re.Match[str]) -> str:
            target = os.path.normpath(os.path.join(os.path.dirname(page_file), match.group("src")))
            where = f"{os.path.relpath(page_file, self._project)}: image link '{match.group('src')}'"
            if os.path.commonpath([self._project, os.path.realpath(target)]) != self._project:
                raise PluginError(f"{where} points outside the project folder")
            try:
                if not stat.S_ISREG(os.stat(target).st_mode):
                    raise PluginError(f"{where} is not a regular file")
                with open(target, "rb") as handle:
                    source = handle.read(max_file_size() + 1)  # over the limit: the loader says so
            except OSError as error:
                raise PluginError(f"{where}: {error.strerror or error}") from None
            self._linked.add(target)
            return placeholder(self._figure(target, source, None, 0, 0, match.group("alt")))

        # Not inside indented code blocks or `code spans`: those show the link as written.
        lines = []
        for line in text.splitlines(True):
            if line.startswith(("    ", "\t")):
                lines.append(line)
                continue
            position, pieces = 0, []
            for span in _CODE_SPAN.finditer(line):
                pieces += [_IMAGE.sub(replace, line[position:span.start()]), span.group(0)]
                position = span.end()
            lines.append("".join(pieces) + _IMAGE.sub(replace, line[position:]))
        return "".join(lines)

    def _fenced(self, fence: re.Match[str], page_file: str, line: int) -> str:
        indent = fence.group("indent")
        body = "".join(l[len(indent):] if l.startswith(indent) else l for l in fence.group("body").splitlines(True))
        return self._figure(page_file, body.encode("utf-8"), page_file, line - 1, len(indent), "")

    # -- one figure --------------------------------------------------------------

    def _figure(self, path: str, source: bytes, text_path: str | None, line_offset: int, column_offset: int,
                alt: str) -> str:
        from . import preview

        result = preview.build(path, source, text_path, self.config.theme, cache_dir=self._cache,
                               timeout=float(self.config.timeout))
        if result.svg is None or result.blueprint is None:
            shown = [str(_shift(d, line_offset, column_offset, self._project)) for d in result.errors]
            raise PluginError("sdiagram could not draw a diagram:\n" + "\n".join(shown))
        label = f' role="img" aria-label="{html.escape(alt or result.blueprint.title)}"'
        figure = f'<div class="sdiagram"{label} style="overflow-x:auto">{result.svg}</div>'
        if self.config.lint and result.findings:
            items = "".join(
                f"<li><code>{html.escape(f.code)}</code> {html.escape(f.severity.value)}: "
                f"{html.escape(f.message)}</li>"
                for f in result.findings
            )
            kind = "danger" if any(f.severity.value == "error" for f in result.findings) else "warning"
            figure += (f'<div class="admonition {kind}"><p class="admonition-title">sdiagram lint: '
                       f"{len(result.findings)} finding(s)</p><ul>{items}</ul></div>")
        return figure

    # -- placeholders -> HTML ------------------------------------------------------

    def on_page_content(self, html_text: str, page: Any, config: Any, files: Any) -> str:
        for token, figure in self._figures.pop(page.file.src_uri, {}).items():
            html_text = html_text.replace(f"<p>{token}</p>", figure)
        return html_text


def _shift(diagnostic: Diagnostic, lines: int, columns: int, project: str) -> Diagnostic:
    """A diagnostic of a fenced block, moved to its place in the Markdown page."""
    path = os.path.relpath(diagnostic.path, project) if os.path.isabs(diagnostic.path) else diagnostic.path
    span = diagnostic.span
    if span is not None:
        span = Span(path, span.line + lines, span.column + columns)
    return Diagnostic(path, diagnostic.message, span)
