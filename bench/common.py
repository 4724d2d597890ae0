"""Shared helpers of the benchmarks: where things are, running timed commands, tables.

Standard library only: the benchmark scripts run under any Python >= 3.10 and
call sdiagram and the peers through the dev venv (`.venv/`) when there is one.
"""

from __future__ import annotations

import json
import math
import os
import platform
import re
import resource
import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from typing import Callable

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
RESULTS = os.path.join(HERE, "results")


class BenchError(Exception):
    """An expected failure (missing tool, a command that failed): printed without a traceback."""


# The compiler refuses blueprints with more components than this
# (MAX_COMPONENTS in sdiagram/compiler/components.py).
MAX_COMPONENTS = 40_000
_COMPONENT_LINE = re.compile(r"  [a-z][a-z0-9_-]*: \{.*\}$")


def pad_components(text: str, budget: int, field: str) -> str:
    """`text` with the same padding added to every component of its `components:` section, to fill
    `budget` bytes: `tags` (the most YAML nodes per byte, worst for loading) or a `description`
    (text carried into the DOT and the SVG)."""
    lines = text.split("\n")
    if "components:" not in lines:
        return text
    start = end = lines.index("components:") + 1
    while end < len(lines) and _COMPONENT_LINE.match(lines[end]):
        end += 1
    room = (budget - len(text)) // max(end - start, 1)
    if field == "tags":
        tags: list[str] = []
        while len(f", tags: [{', '.join(tags + [f't{len(tags)}'])}]") <= room:
            tags.append(f"t{len(tags)}")
        extra = f", tags: [{', '.join(tags)}]" if tags else ""
    else:
        width = min(room - len(", description: ''"), 2000)
        extra = f", description: '{'x' * width}'" if width > 0 else ""
    if not extra:
        return text
    lines[start:end] = [line[:-1] + extra + "}" for line in lines[start:end]]
    return "\n".join(lines)


def venv_python() -> str:
    """The interpreter that has sdiagram and diagrams installed: the dev venv's, else this one."""
    candidate = os.path.join(ROOT, ".venv", "bin", "python")
    return candidate if os.path.exists(candidate) else sys.executable


def sdiagram_command() -> list[str]:
    candidate = os.path.join(ROOT, ".venv", "bin", "sdiagram")
    if os.path.exists(candidate):
        return [candidate]
    found = shutil.which("sdiagram")
    if found:
        return [found]
    return [venv_python(), "-m", "sdiagram"]


def check_sdiagram() -> None:
    result = subprocess.run(
        [venv_python(), "-c", "import sdiagram, diagrams, pygraphviz"], capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        last = (result.stderr.strip().splitlines() or ["?"])[-1]
        raise BenchError(
            f"sdiagram, diagrams or pygraphviz cannot be imported by {venv_python()} ({last}); "
            "create the dev venv first (`make test` or `python3 -m venv .venv && .venv/bin/pip install -e .`)"
        )


@dataclass
class Run:
    seconds: float
    returncode: int
    stdout: str
    stderr: str
    max_rss_kb: int = 0

    @property
    def ok(self) -> bool:
        return self.returncode == 0


def run(command: list[str], cwd: str = ROOT, timeout: float | None = None) -> Run:
    """Run a command, capture its output, and measure its wall time and peak memory.

    Peak memory comes from wait4() on this very child (ru_maxrss, which covers the
    child and the grandchildren it waited for), so each figure is per command.
    """
    import tempfile
    import threading

    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        try:
            process = subprocess.Popen(command, cwd=cwd, stdout=out, stderr=err, stdin=subprocess.DEVNULL)
        except OSError as error:
            raise BenchError(f"cannot run {command[0]}: {error.strerror or error}") from None
        killer = threading.Timer(timeout, process.kill) if timeout else None
        if killer:
            killer.start()
        try:
            _, status, usage = os.wait4(process.pid, 0)
        finally:
            if killer:
                killer.cancel()
        seconds = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        return Run(
            seconds,
            process.returncode,
            out.read().decode("utf-8", "replace"),
            err.read().decode("utf-8", "replace"),
            usage.ru_maxrss,
        )


def tail(text: str, lines: int = 6) -> str:
    kept = [line for line in text.strip().splitlines() if line.strip()][-lines:]
    return "\n".join("    " + line for line in kept)


def median(values: list[float]) -> float:
    return statistics.median(values) if values else math.nan


def machine() -> dict:
    try:
        affinity = len(os.sched_getaffinity(0))
    except AttributeError:
        affinity = os.cpu_count()
    load = os.getloadavg() if hasattr(os, "getloadavg") else (math.nan,) * 3
    return {
        "cores": os.cpu_count(),
        "cores_usable": affinity,
        "load_average": [round(x, 2) for x in load],
        "platform": platform.platform(),
        "python": platform.python_version(),
    }


def graphviz_versions() -> dict:
    """The system `dot` (peer, floor) and the Graphviz bundled in pygraphviz (sdiagram)."""
    versions: dict[str, str | None] = {"dot": None, "bundled": None, "diagrams": None, "pygraphviz": None}
    if shutil.which("dot"):
        result = subprocess.run(["dot", "-V"], capture_output=True, text=True, check=False)
        versions["dot"] = (result.stderr or result.stdout).strip().replace("dot - graphviz version ", "")
    probe = (
        "import importlib.metadata as m, pygraphviz as p\n"
        "g = p.AGraph(string='digraph{a}'); g.layout('dot')\n"
        "svg = g.draw(format='svg').decode()\n"
        "v = svg.split('graphviz version', 1)[1].split('\\n', 1)[0].strip() if 'graphviz version' in svg else None\n"
        "print(v); print(m.version('diagrams')); print(m.version('pygraphviz'))\n"
    )
    result = subprocess.run([venv_python(), "-c", probe], capture_output=True, text=True, check=False)
    if result.returncode == 0:
        lines = result.stdout.strip().splitlines()
        versions["bundled"], versions["diagrams"], versions["pygraphviz"] = (lines + [None] * 3)[:3]
    return versions


def table(headers: list[str], rows: list[list[str]], align: str | None = None) -> str:
    """A plain text table; `align` is one of 'l'/'r' per column (default: first left, rest right)."""
    align = align or "l" + "r" * (len(headers) - 1)
    widths = [max(len(str(cell)) for cell in column) for column in zip(headers, *rows)]

    def line(cells: list[str]) -> str:
        parts = [str(c).ljust(w) if a == "l" else str(c).rjust(w) for c, w, a in zip(cells, widths, align)]
        return "  ".join(parts).rstrip()

    rule = "  ".join("-" * w for w in widths)
    return "\n".join([line(headers), rule] + [line(row) for row in rows])


def write_json(prefix: str, data: dict) -> str:
    os.makedirs(RESULTS, exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    path = os.path.join(RESULTS, f"{prefix}-{stamp}.json")
    text = json.dumps(data, indent=1, sort_keys=False) + "\n"
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(text)
    with open(os.path.join(RESULTS, f"{prefix}-latest.json"), "w", encoding="utf-8") as handle:
        handle.write(text)
    return path


def ensure_dot(install: bool = True) -> str | None:
    """The `dot` binary, installing Debian's graphviz when missing and we are root.

    Returns None (after saying why) when there is no `dot` and it cannot be installed.
    """
    found = shutil.which("dot")
    if found:
        return found
    if not install:
        print("note: no `dot` binary on PATH and --no-install was given")
        return None
    if not hasattr(os, "geteuid") or os.geteuid() != 0:
        print("note: no `dot` binary on PATH and not running as root, so the Debian `graphviz` package "
              "cannot be installed here; install Graphviz (e.g. `sudo apt-get install graphviz`) to run this part")
        return None
    if not shutil.which("apt-get"):
        print("note: no `dot` binary on PATH and no apt-get to install Debian's `graphviz`; install Graphviz by hand")
        return None
    print("installing the Debian `graphviz` package for the `dot` binary (apt-get update && apt-get install graphviz) ...",
          flush=True)
    environment = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    for command in (["apt-get", "update", "-qq"], ["apt-get", "install", "-y", "-qq", "--no-install-recommends", "graphviz"]):
        result = subprocess.run(command, capture_output=True, text=True, env=environment, check=False)
        if result.returncode != 0:
            print(f"note: `{' '.join(command)}` failed (exit {result.returncode}); no `dot` binary:\n{tail(result.stderr)}")
            return None
    found = shutil.which("dot")
    if not found:
        print("note: apt-get installed graphviz but `dot` is still not on PATH")
    return found


def peak_rss_mb(kb: int) -> float:
    # Linux reports ru_maxrss in KiB, macOS in bytes.
    return kb / 1024 / 1024 if sys.platform == "darwin" else kb / 1024


def children_maxrss_kb() -> int:
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss


def run_main(main: "Callable[[], int | None]", name: str) -> None:
    """Run a benchmark's main(): expected failures as one line, exit status 2."""
    try:
        sys.exit(main())
    except BenchError as error:
        print(f"{name}: error: {error}", file=sys.stderr)
        sys.exit(2)
    except KeyboardInterrupt:
        print(f"\n{name}: interrupted", file=sys.stderr)
        sys.exit(130)
