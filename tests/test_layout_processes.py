"""Layout child processes never outlive the render that started them."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time

import pytest

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="parent-death signal is Linux's")

# A render whose layout never ends on its own: the child prints its pid and spins.
SCRIPT = textwrap.dedent(
    """
    import os, sys, time
    from sdiagram.renderer import batch

    def spin(*args):
        print(os.getpid(), flush=True)
        while True:
            pass

    batch.layout_and_render = spin
    timeout = float(sys.argv[1]) if len(sys.argv) > 1 else None
    job = batch.LayoutJob("x.yaml", "digraph {}", ("svg",), ())
    for _, outcome in batch.run_layouts([job], workers=1, timeout=timeout):
        print(outcome.error, flush=True)
    """
)


def start(*args: str) -> tuple[subprocess.Popen, int]:
    parent = subprocess.Popen([sys.executable, "-c", SCRIPT, *args], stdout=subprocess.PIPE, text=True)
    assert parent.stdout is not None
    child = int(parent.stdout.readline())
    return parent, child


def gone(pid: int, within: float) -> bool:
    deadline = time.monotonic() + within
    while True:
        try:
            with open(f"/proc/{pid}/stat") as handle:
                if handle.read().split(")")[-1].split()[0] == "Z":
                    return True  # dead, waiting for a reaper
        except FileNotFoundError:
            return True
        if time.monotonic() >= deadline:
            return False
        time.sleep(0.05)


@pytest.mark.parametrize("how", [signal.SIGKILL, signal.SIGTERM])
def test_the_layout_child_dies_with_its_parent(how):
    parent, child = start()
    try:
        os.kill(parent.pid, how)
        parent.wait(5)
        assert gone(child, within=5), "the layout child outlived its parent"
    finally:
        if not gone(child, 0):
            os.kill(child, signal.SIGKILL)


def test_a_stopped_parent_cannot_keep_a_layout_past_its_timeout():
    """The CPU-time limit of the child is the kernel's backstop for --timeout."""
    parent, child = start("0.5")
    try:
        os.kill(parent.pid, signal.SIGSTOP)  # the parent can no longer enforce anything
        # CPU seconds, not wall seconds: on a busy machine the child gets a share of a core
        assert gone(child, within=60), "the layout ran on past its time limit"
        os.kill(parent.pid, signal.SIGCONT)
        out, _ = parent.communicate(timeout=10)
        assert "layout stopped after the --timeout of 0.5 s" in out
    finally:
        if parent.poll() is None:
            os.kill(parent.pid, signal.SIGCONT)
            parent.kill()
