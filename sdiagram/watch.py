"""The live preview behind `sdiagram watch`: re-render on save, serve on loopback.

A watcher thread (watchfiles) re-builds the preview of each blueprint that
changes (`preview.build`: compile, lint, lay out in a time-bounded child
process) and bumps a version number. A save is drawn at once with the
candidate layout its last picture had; once saves pause, every candidate is
scored as `sdiagram render` scores them, and the picture changes again only if
`render` would draw another. An HTTP server on 127.0.0.1 serves:

    /              the page: each blueprint's picture with its lint findings beside it
    /content       the page's body as an HTML fragment
    /events        server-sent events: `data: <version>` after each change
    /state.json    the same state as data (path, errors, findings, version)

The page listens to /events and swaps in /content, so it updates itself on
save. An invalid blueprint shows its errors with positions instead of a
picture, and the server keeps running. Everything shown is escaped; the
server answers only requests addressed to the loopback host it listens on.
"""

from __future__ import annotations

import html
import json
import os
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable, Iterable

from .preview import Preview

HEARTBEAT_SECONDS = 15.0
# watchfiles yields a batch once no new change came for STEP ms (at most DEBOUNCE ms).
WATCH_STEP_MS = 20
WATCH_DEBOUNCE_MS = 400
# After a save the picture is drawn with the variant it had (one layout, quick);
# all the candidates are scored once no file has changed for this long.
SCORE_WHEN_IDLE_MS = 500


@dataclass
class State:
    """Every blueprint's latest preview; `version` counts changes. Thread-safe."""

    theme: str = "light"
    # the layout processes (a renderer.batch.LayoutPool), kept between saves (used by the watcher thread only)
    pool: Any = None
    version: int = 0
    previews: dict[str, Preview] = field(default_factory=dict)
    changed: threading.Condition = field(default_factory=threading.Condition)
    # the candidate layout last drawn per blueprint, kept through saves that do not compile
    variants: dict[str, str] = field(default_factory=dict)

    def update(self, path: str, preview: Preview | None) -> None:
        with self.changed:
            if preview is None:
                self.previews.pop(path, None)
                self.variants.pop(path, None)
            else:
                self.previews[path] = preview
                if preview.variant is not None:
                    self.variants[path] = preview.variant
            self.version += 1
            self.changed.notify_all()

    def wait_after(self, version: int, timeout: float) -> int:
        with self.changed:
            self.changed.wait_for(lambda: self.version != version, timeout)
            return self.version

    def snapshot(self) -> tuple[int, list[tuple[str, Preview]]]:
        with self.changed:
            return self.version, sorted(self.previews.items())


def render_path(path: str, theme: str, pool: Any = None, previous: str | None = None,
                candidates: bool = True) -> Preview | None:
    """The preview of one blueprint file; None when it is gone. `previous`: the
    candidate layout drawn on the last save, kept unless the best is much better;
    without `candidates` only that one is laid out (`preview.build`)."""
    from . import preview
    from .diagnostics import BlueprintError
    from .sourcefile import read_bytes

    try:
        source = read_bytes(path)  # bounded; a FIFO or device is refused without blocking
    except BlueprintError as error:
        if not os.path.lexists(path):
            return None
        return Preview(None, errors=error.diagnostics)
    return preview.build(path, source, theme=theme, pool=pool, previous=previous, candidates=candidates)


# -- HTML -------------------------------------------------------------------------


def _finding_item(finding: Any) -> str:
    where = f"{finding.line}:{finding.column}"
    return (f'<li class="{html.escape(finding.severity.value)}"><span class="where">{where}</span> '
            f"<b>{html.escape(finding.code)}</b> {html.escape(finding.rule)}: {html.escape(finding.message)}</li>")


def section(path: str, shown: Preview) -> str:
    """One blueprint: the picture (or its errors) and its findings beside it."""
    title = html.escape(shown.blueprint.title if shown.blueprint else os.path.basename(path))
    head = f'<h2>{title} <small>{html.escape(path)}</small></h2>'
    if shown.svg is None:
        errors = "".join(f"<li>{html.escape(str(d))}</li>" for d in shown.errors)
        return f'<section class="invalid">{head}<div class="errors"><h3>Invalid blueprint</h3><ul>{errors}</ul></div></section>'
    if shown.findings:
        side = f'<h3>Lint: {len(shown.findings)} finding(s)</h3><ul>{"".join(_finding_item(f) for f in shown.findings)}</ul>'
    else:
        side = "<h3>Lint</h3><p>No findings.</p>"
    warnings = "".join(f'<p class="warning">{html.escape(w)}</p>' for w in shown.warnings)
    return f'<section>{head}<div class="row"><div class="picture">{shown.svg}</div><aside>{side}{warnings}</aside></div></section>'


def content(state: State) -> str:
    version, previews = state.snapshot()
    body = "".join(section(path, shown) for path, shown in previews) or "<p>No blueprints yet.</p>"
    return f'<div id="content" data-version="{version}">{body}</div>'


PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>sdiagram watch</title>
<style>
body {{ font-family: system-ui, sans-serif; margin: 1.5rem; color: #2d3436; }}
h2 small {{ font-weight: normal; color: #7b8894; font-size: 0.7em; }}
.row {{ display: flex; gap: 1.5rem; align-items: flex-start; }}
.picture {{ flex: 3; min-width: 0; overflow: auto; }}
aside {{ flex: 1; min-width: 16rem; font-size: 0.9rem; }}
aside li {{ margin-bottom: 0.5rem; }} .where {{ color: #7b8894; font-family: monospace; }}
li.error b {{ color: #d62728; }} li.warning b {{ color: #b8860b; }} li.info b {{ color: #1f77b4; }}
.errors {{ border-left: 4px solid #d62728; padding: 0.5rem 1rem; background: #fdecea; font-family: monospace; }}
#status {{ position: fixed; top: 0.5rem; right: 1rem; font-size: 0.8rem; color: #7b8894; }}
</style></head>
<body><div id="status">watching</div>
{content}
<script>
const status = document.getElementById("status");
const events = new EventSource("/events");
events.onmessage = async (event) => {{
  const response = await fetch("/content");
  document.getElementById("content").outerHTML = await response.text();
  status.textContent = "updated " + new Date().toLocaleTimeString();
}};
events.onerror = () => {{ status.textContent = "disconnected: is sdiagram watch still running?"; }};
</script></body></html>
"""


# -- HTTP -------------------------------------------------------------------------


class _Handler(BaseHTTPRequestHandler):
    server: "PreviewServer"
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - quiet
        pass

    def _send(self, status: int, kind: str, body: str) -> None:
        data = body.encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", f"{kind}; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self) -> None:  # noqa: N802 - the http.server API
        host = (self.headers.get("Host") or "").rsplit(":", 1)[0].strip("[]")
        if host not in ("127.0.0.1", "localhost", "::1"):
            self._send(403, "text/plain", "sdiagram watch answers only on the loopback address\n")
            return
        route = self.path.split("?", 1)[0]
        state = self.server.state
        if route == "/":
            self._send(200, "text/html", PAGE.format(content=content(state)))
        elif route == "/content":
            self._send(200, "text/html", content(state))
        elif route == "/state.json":
            self._send(200, "application/json", json.dumps(state_data(state), indent=1))
        elif route == "/events":
            self._events()
        else:
            self._send(404, "text/plain", "not found\n")

    def _events(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-store")
        self.send_header("Connection", "close")
        self.end_headers()
        self.close_connection = True
        state = self.server.state
        version = state.version
        try:
            self.wfile.write(f"retry: 1000\ndata: {version}\n\n".encode())
            self.wfile.flush()
            quiet_since = time.monotonic()
            while not self.server.stopping.is_set():
                now = state.wait_after(version, 0.5)
                if now != version:
                    version = now
                    self.wfile.write(f"data: {version}\n\n".encode())
                elif time.monotonic() - quiet_since >= HEARTBEAT_SECONDS:
                    self.wfile.write(b": alive\n\n")  # finds closed connections
                else:
                    continue
                self.wfile.flush()
                quiet_since = time.monotonic()
        except (BrokenPipeError, ConnectionResetError):
            pass


def state_data(state: State) -> dict[str, Any]:
    version, previews = state.snapshot()
    return {
        "version": version,
        "blueprints": [
            {
                "path": path,
                "valid": shown.svg is not None,
                "errors": [str(d) for d in shown.errors],
                "findings": [f"{f.line}:{f.column}: {f.severity.value} {f.code} {f.rule}: {f.message}"
                             for f in shown.findings],
                "svg_bytes": len(shown.svg or ""),
            }
            for path, shown in previews
        ],
    }


class PreviewServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, state: State, port: int = 0):
        super().__init__(("127.0.0.1", port), _Handler)
        self.state = state
        self.stopping = threading.Event()


# -- watching ---------------------------------------------------------------------


def is_blueprint_change(path: str) -> bool:
    from .cli.paths import BLUEPRINT_SUFFIXES

    return path.endswith(BLUEPRINT_SUFFIXES) and not os.path.basename(path).startswith(".")


def watch_loop(
    paths: Iterable[str], state: State, stop: threading.Event,
    on_change: Callable[[str, Preview | None], None] = lambda path, shown: None,
) -> None:
    """Re-render each blueprint that changes under `paths` until `stop` is set.

    A named file is watched through its folder: editors that save by writing
    a new file and renaming it over the old one replace the inode a watch on
    the file itself would follow.
    """
    import watchfiles

    from .cli.paths import looks_like_blueprint

    folders = [os.path.abspath(p) for p in paths if os.path.isdir(p)]
    files = {os.path.abspath(p) for p in paths if not os.path.isdir(p)}
    roots = sorted(set(folders) | {os.path.dirname(f) for f in files})

    def wanted(change: Any, path: str) -> bool:
        return path in files or (is_blueprint_change(path) and any(
            os.path.commonpath([folder, path]) == folder for folder in folders))

    # Blueprints saved since their candidates were last scored: key -> path.
    unscored: dict[str, str] = {}
    for changes in watchfiles.watch(*roots, watch_filter=wanted, stop_event=stop, step=WATCH_STEP_MS,
                                    debounce=WATCH_DEBOUNCE_MS, raise_interrupt=False, recursive=bool(folders),
                                    rust_timeout=SCORE_WHEN_IDLE_MS, yield_on_timeout=True):
        if not changes:
            score_saved(state, unscored, on_change)
            continue
        for path in sorted({p for _, p in changes}):
            key = _display_path(path, state)
            if path not in files and os.path.exists(path) and not looks_like_blueprint(path) and key not in state.previews:
                continue  # some other YAML in a watched folder
            show_saved(state, key, path, unscored, on_change)


def show_saved(state: State, key: str, path: str, unscored: dict[str, str],
               on_change: Callable[[str, Preview | None], None]) -> None:
    """Show a saved blueprint at once: drawn with the candidate layout of its
    last picture (one layout), its candidates scored later (`score_saved`).
    A blueprint seen for the first time is scored now."""
    previous = state.variants.get(key)
    shown = render_path(path, state.theme, state.pool, previous, candidates=previous is None)
    if previous is not None and shown is not None and shown.svg is not None:
        unscored[key] = path
    else:
        unscored.pop(key, None)
    state.update(key, shown)
    on_change(key, shown)


def score_saved(state: State, unscored: dict[str, str], on_change: Callable[[str, Preview | None], None]) -> None:
    """Once saves pause, lay out every candidate of the blueprints saved since,
    as `render` does, and redraw those for which `render` draws another picture
    (the best now scores much better than the variant kept)."""
    for key, path in sorted(unscored.items()):
        shown = render_path(path, state.theme, state.pool, state.variants.get(key))
        current = state.previews.get(key)
        if shown is not None and (current is None or (shown.svg, shown.errors) != (current.svg, current.errors)):
            state.update(key, shown)
            on_change(key, shown)
    unscored.clear()


def _display_path(path: str, state: State) -> str:
    """The name a blueprint was first shown under (relative when it was given so)."""
    for known in state.previews:
        if os.path.abspath(known) == path:
            return known
    relative = os.path.relpath(path)
    return path if relative.startswith("..") else relative


def run(
    files: list[str], watched: list[str], state: State, port: int, stop: threading.Event,
    echo: Callable[[str], None], ready: Callable[[str], None],
) -> None:
    """Render `files`, serve them on 127.0.0.1:`port` and follow changes under
    `watched` until `stop` is set (or Ctrl+C). Raises OSError when the port is taken."""
    from .preview import DEFAULT_TIMEOUT
    from .renderer.batch import LayoutPool, default_workers

    state.pool = state.pool or LayoutPool(default_workers(), DEFAULT_TIMEOUT)
    for path in files:
        shown = render_path(path, state.theme, state.pool)
        state.update(path, shown)
        echo(describe(path, shown))
    server = PreviewServer(state, port)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.2}, daemon=True)
    thread.start()
    try:
        ready(f"http://127.0.0.1:{server.server_address[1]}/")
        watch_loop(watched, state, stop, lambda path, shown: echo(describe(path, shown)))
    finally:
        server.stopping.set()
        server.shutdown()
        server.server_close()
        state.pool.close()


def describe(path: str, shown: Preview | None) -> str:
    """One line for the terminal about a (re-)rendered blueprint."""
    if shown is None:
        return f"{path}: removed"
    if shown.svg is None:
        return "\n".join(str(d) for d in shown.errors) + f"\n{path}: invalid ({len(shown.errors)} error(s)); showing them in the page"
    return f"{path}: rendered ({len(shown.findings)} lint finding(s))"
