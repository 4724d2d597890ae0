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


# Jobs whose "layout" says which process ran it, or crashes, or hangs, by key.
POOL_SCRIPT = textwrap.dedent(
    """
    import os, sys, time
    from sdiagram.renderer import batch
    from sdiagram.renderer.engine import Rendered

    def fake(dot_text, formats, roots, measure=False):
        if dot_text == "crash":
            os.abort()
        if dot_text == "hang":
            while True:
                pass
        return Rendered({"svg": str(os.getpid()).encode()})

    batch.layout_and_render = fake
    jobs = [batch.LayoutJob(str(i), text, ("svg",), ()) for i, text in enumerate(sys.argv[1].split(","))]
    for job, outcome in batch.run_layouts(jobs, workers=2, timeout=float(sys.argv[2])):
        print(job.key, outcome.rendered.outputs["svg"].decode() if outcome.rendered else outcome.error, flush=True)
    """
)


def pool_run(texts: list[str], timeout: float = 30.0) -> dict[str, str]:
    result = subprocess.run(
        [sys.executable, "-c", POOL_SCRIPT, ",".join(texts), str(timeout)],
        capture_output=True, text=True, timeout=120, check=True,
    )
    return dict(line.split(" ", 1) for line in result.stdout.splitlines())


def test_layouts_reuse_their_worker_processes():
    outcomes = pool_run(["fine"] * 8)
    assert len(outcomes) == 8
    assert all(text.isdigit() for text in outcomes.values())
    assert len(set(outcomes.values())) <= 2  # two workers for eight jobs, not a process each


def test_a_crash_or_a_timeout_costs_its_job_only():
    outcomes = pool_run(["fine", "crash", "fine", "hang", "fine", "fine"], timeout=2)
    assert outcomes["1"] == "Graphviz crashed while laying out this blueprint (SIGABRT); nothing was written"
    assert outcomes["3"] == "layout stopped after the --timeout of 2 s; nothing was written"
    # the jobs after them ran, on the surviving worker or on fresh ones
    assert all(outcomes[key].isdigit() for key in ("0", "2", "4", "5"))
