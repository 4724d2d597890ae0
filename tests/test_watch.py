"""`sdiagram watch`: the live-preview server, driven by a real HTTP client on loopback."""

from __future__ import annotations

import http.client
import json
import os
import re
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

pytest.importorskip("watchfiles")

from sdiagram.watch import State, run  # noqa: E402

GOOD = "components:\n  users: {kind: client}\n  api: {kind: service}\n  db: {kind: database}\nconnections:\n  - users -> api\n  - api -> db\n"
BAD = "components:\n  users: {kind: clien}\n  api: {kind: service, label: \"<script>x</script>\"}\nconnections:\n  - users -> apx\n"
DEADLINE = 30.0  # seconds any single wait may take before the test fails (never hangs)


class Server:
    """`run` in a thread on a free port; stopped (and joined) by the test."""

    def __init__(self, files: list[str], watched: list[str]):
        self.stop = threading.Event()
        self.ready = threading.Event()
        self.lines: list[str] = []
        self.url = ""
        self.thread = threading.Thread(target=run, args=(files, watched, State(), 0, self.stop, self.lines.append,
                                                         self._ready), daemon=True)
        self.thread.start()
        assert self.ready.wait(DEADLINE), "the server did not start"
        self.port = int(self.url.rsplit(":", 1)[1].strip("/"))

    def _ready(self, url: str) -> None:
        self.url = url
        self.ready.set()

    def get(self, path: str, host: str | None = None) -> tuple[int, str]:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=DEADLINE)
        try:
            connection.request("GET", path, headers={"Host": host} if host else {})
            response = connection.getresponse()
            return response.status, response.read().decode()
        finally:
            connection.close()

    def state(self) -> dict:
        return json.loads(self.get("/state.json")[1])

    def close(self) -> None:
        self.stop.set()
        self.thread.join(DEADLINE)
        assert not self.thread.is_alive(), "the server did not stop"


class Events:
    """A server-sent events subscription, as the page's EventSource makes."""

    def __init__(self, port: int):
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=DEADLINE)
        self.connection.request("GET", "/events")
        self.response = self.connection.getresponse()
        assert self.response.getheader("Content-Type") == "text/event-stream"
        self.version = self.next()

    def next(self) -> int:
        while True:
            line = self.response.readline().decode()
            assert line, "the event stream closed"
            if line.startswith("data:"):
                return int(line.split(":", 1)[1])

    def close(self) -> None:
        self.connection.close()


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    (tmp_path / "designs").mkdir()
    (tmp_path / "designs" / "shop.yaml").write_text(GOOD)
    return tmp_path / "designs"


def wait_for(server: Server, events: Events, condition) -> dict:
    deadline = time.monotonic() + DEADLINE
    while time.monotonic() < deadline:
        state = server.state()
        if condition(state):
            return state
        events.next()
    raise AssertionError(f"condition not met: {server.state()}")


def test_page_shows_the_picture_and_lint_findings_beside_it(folder):
    server = Server([str(folder / "shop.yaml")], [str(folder)])
    try:
        status, page = server.get("/")
        assert status == 200
        assert "<svg " in page and "<title>api</title>" in page
        assert "SD101" in page and 'class="error"' in page  # 'db' is a single point of failure
        assert "new EventSource(\"/events\")" in page
        state = server.state()
        assert state["blueprints"][0]["valid"] and state["blueprints"][0]["findings"]
        assert server.get("/nope")[0] == 404
        assert server.get("/", host="evil.example:80")[0] == 403  # DNS rebinding
    finally:
        server.close()


def test_save_rerenders_errors_show_positions_and_the_server_keeps_running(folder):
    path = folder / "shop.yaml"
    server = Server([str(path)], [str(path)])
    events = Events(server.port)
    try:
        path.write_text(BAD)
        state = wait_for(server, events, lambda s: not s["blueprints"][0]["valid"])
        errors = state["blueprints"][0]["errors"]
        assert any(re.search(r"shop\.yaml:2:17: error: unknown kind 'clien'", e) for e in errors), errors
        assert any(":5:" in e and "apx" in e for e in errors), errors
        content = server.get("/content")[1]
        assert "Invalid blueprint" in content and "<svg" not in content
        assert "<script>" not in content
        # an editor that saves by rename (a new inode) is followed too
        replacement = folder / "shop.yaml.tmp"
        replacement.write_text(GOOD.replace("{kind: service}", "{kind: service, label: Orders API}"))
        os.replace(replacement, path)
        state = wait_for(server, events, lambda s: s["blueprints"][0]["valid"])
        assert "Orders API" in server.get("/content")[1]
    finally:
        events.close()
        server.close()


def test_new_blueprints_in_a_watched_folder_appear_and_other_yaml_is_ignored(folder):
    server = Server([str(folder / "shop.yaml")], [str(folder)])
    events = Events(server.port)
    try:
        (folder / "docker-compose.yml").write_text("services:\n  web: {image: nginx}\n")
        (folder / "chat.yaml").write_text(GOOD.replace("users", "people"))
        state = wait_for(server, events, lambda s: len(s["blueprints"]) == 2)
        assert sorted(os.path.basename(b["path"]) for b in state["blueprints"]) == ["chat.yaml", "shop.yaml"]
        (folder / "chat.yaml").unlink()
        wait_for(server, events, lambda s: len(s["blueprints"]) == 1)
    finally:
        events.close()
        server.close()


def test_the_command_serves_and_stops_by_itself(folder):
    command = [sys.executable, "-m", "sdiagram", "watch", str(folder), "--port", "0", "--exit-after", "3"]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        output, _ = process.communicate(timeout=60)
    finally:
        process.kill()
    assert process.returncode == 0, output
    assert re.search(r"shop\.yaml: rendered \(\d+ lint finding\(s\)\)", output), output
    assert re.search(r"live preview: http://127\.0\.0\.1:\d+/", output)


def test_a_taken_port_is_a_clear_error(folder):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run([sys.executable, "-m", "sdiagram", "watch", str(folder), "--port", str(port),
                                 "--exit-after", "5"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert f"cannot serve on 127.0.0.1:{port}" in result.stderr and "Traceback" not in result.stderr


def test_a_watched_path_that_is_gone_special_or_too_large_is_named_not_read(tmp_path, monkeypatch):
    from sdiagram.watch import render_path

    assert render_path(str(tmp_path / "gone.yaml"), "light") is None
    fifo = tmp_path / "fifo.yaml"
    os.mkfifo(fifo)  # a read would wait for a writer forever
    assert [d.message for d in render_path(str(fifo), "light").errors] == ["not a regular file"]
    large = tmp_path / "large.yaml"
    large.write_text("name: large\n" + "#" * 200 + "\n")
    monkeypatch.setenv("SDIAGRAM_MAX_FILE_SIZE", "100")
    (error,) = render_path(str(large), "light").errors
    assert "over the limit of 100 bytes" in error.message
