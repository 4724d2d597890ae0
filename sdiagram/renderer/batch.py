"""Running many Graphviz layouts: in parallel over the cores, each bounded in time.

A layout runs in C and cannot be interrupted from Python, so a layout with a
time limit, or one of several running at once, runs in a child process that
is killed when its time is up. The children only compute: they return bytes
and the parent writes every file, so a killed child leaves nothing behind.

A child never outlives its parent: on Linux the kernel kills it when the
parent dies (PR_SET_PDEATHSIG, even after `kill -9` of the parent), elsewhere
a watchdog thread ends it once the parent is gone. With a time limit, the
child also gets a CPU-time limit a little above it, so even a stopped parent
cannot leave a layout running past --timeout.
"""

from __future__ import annotations

import ctypes
import faulthandler
import math
import os
import signal
import sys
import threading
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Iterator, cast

from .engine import RENDER_FORMATS, Rendered, RenderError, engine_name, layout_and_render

if TYPE_CHECKING:
    import multiprocessing.connection

_PR_SET_PDEATHSIG = 1  # <linux/prctl.h>


@dataclass(frozen=True)
class LayoutJob:
    key: str
    dot_text: str
    formats: tuple[str, ...]
    image_roots: tuple[str, ...]


@dataclass(frozen=True)
class LayoutOutcome:
    rendered: Rendered | None = None
    error: str | None = None
    seconds: float = 0.0


def _execute(job: LayoutJob) -> LayoutOutcome:
    started = time.perf_counter()
    try:
        rendered = layout_and_render(job.dot_text, job.formats, job.image_roots)
    except RenderError as error:
        return LayoutOutcome(error=str(error), seconds=time.perf_counter() - started)
    return LayoutOutcome(rendered=rendered, seconds=time.perf_counter() - started)


def _child(
    job: LayoutJob, connection: "multiprocessing.connection.Connection", parent: int, timeout: float | None
) -> None:
    _die_with_parent(parent)
    if timeout is not None:
        _limit_cpu(timeout)
    # The parent reports a crash in one line; the Python stack of the child
    # (pytest and `python -X faulthandler` enable the handler) is noise.
    faulthandler.disable()
    try:
        connection.send(_execute(job))
    except BaseException as error:  # the parent must always get an answer
        connection.send(LayoutOutcome(error=f"render failed: {type(error).__name__}: {error}"))
    finally:
        connection.close()


def _die_with_parent(parent: int) -> None:
    """End this process when `parent` dies, however it dies."""
    if sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        except (OSError, AttributeError):  # pragma: no cover - a libc without prctl
            pass
    else:  # pragma: no cover - exercised on macOS and Windows only

        def watch() -> None:
            while os.getppid() == parent:
                time.sleep(0.5)
            os._exit(1)

        threading.Thread(target=watch, daemon=True).start()
    if os.getppid() != parent:  # the parent died before the signal was armed
        os._exit(1)


def _limit_cpu(timeout: float) -> None:
    """A CPU-time limit just above the wall-clock one: the kernel's backstop for --timeout."""
    try:
        import resource
    except ImportError:  # pragma: no cover - Windows
        return
    seconds = math.ceil(timeout) + 2
    _, hard = resource.getrlimit(resource.RLIMIT_CPU)
    if hard != resource.RLIM_INFINITY:
        seconds = min(seconds, hard)
    resource.setrlimit(resource.RLIMIT_CPU, (seconds, hard))


def _context() -> Any:
    import multiprocessing

    # fork shares the parent's imported modules and icon cache; spawn elsewhere.
    method = "fork" if sys.platform.startswith("linux") else "spawn"
    return multiprocessing.get_context(method)


def run_layouts(
    jobs: list[LayoutJob], workers: int, timeout: float | None, isolate: bool = True
) -> Iterator[tuple[LayoutJob, LayoutOutcome]]:
    """Yield each job with its outcome, as they finish.

    By default every layout runs in a child process: besides allowing a time
    limit, that keeps a Graphviz crash (it aborts on some internal assertions)
    from taking the caller down with it. `isolate=False` with one worker and no
    time limit runs the jobs in this process, in order.
    """
    if not isolate and timeout is None and (workers <= 1 or len(jobs) <= 1):
        for job in jobs:
            yield job, _execute(job)
        return
    import multiprocessing.connection

    context = _context()
    pending = list(reversed(jobs))
    running: dict[multiprocessing.connection.Connection, tuple[LayoutJob, multiprocessing.process.BaseProcess, float]] = {}
    try:
        while pending or running:
            while pending and len(running) < max(1, workers):
                job = pending.pop()
                reader, writer = context.Pipe(duplex=False)
                process = context.Process(target=_child, args=(job, writer, os.getpid(), timeout), daemon=True)
                process.start()
                writer.close()
                running[reader] = (job, process, time.monotonic())
            wait_for = None
            if timeout is not None:
                soonest = min(started for _, _, started in running.values()) + timeout
                wait_for = max(0.0, soonest - time.monotonic())
            ready = cast("list[multiprocessing.connection.Connection]", multiprocessing.connection.wait(list(running), timeout=wait_for))
            for reader in ready:
                job, process, started = running.pop(reader)
                try:
                    outcome = reader.recv()
                except EOFError:
                    process.join()
                    outcome = LayoutOutcome(error=_died(process.exitcode, timeout), seconds=time.monotonic() - started)
                reader.close()
                process.join()
                yield job, outcome
            if timeout is not None:
                now = time.monotonic()
                for reader, (job, process, started) in list(running.items()):
                    if now - started >= timeout:
                        process.kill()
                        process.join()
                        reader.close()
                        del running[reader]
                        yield job, LayoutOutcome(error=_stopped(timeout), seconds=now - started)
    finally:
        for reader, (_, process, _) in running.items():
            process.kill()
            process.join()
            reader.close()


def _stopped(timeout: float) -> str:
    return f"layout stopped after the --timeout of {timeout:g} s; nothing was written"


def _died(exit_code: int | None, timeout: float | None = None) -> str:
    if timeout is not None and exit_code == -getattr(signal, "SIGXCPU", 0):
        return _stopped(timeout)  # its CPU-time limit, the backstop of the time limit
    if exit_code is not None and exit_code < 0:
        try:
            name = signal.Signals(-exit_code).name
        except ValueError:
            name = f"signal {-exit_code}"
        return f"Graphviz crashed while laying out this blueprint ({name}); nothing was written"
    return f"the render process ended unexpectedly (exit status {exit_code}); nothing was written"


def layout_in_child(dot_text: str, formats: tuple[str, ...], image_roots: tuple[str, ...]) -> Rendered:
    """`layout_and_render` for the Python API: the layout runs in a child process,
    so that a Graphviz crash (a segfault or a failed assertion in C) raises a
    RenderError instead of ending the caller's interpreter, a Jupyter kernel say."""
    if not any(fmt in RENDER_FORMATS for fmt in formats):
        return layout_and_render(dot_text, formats, image_roots)  # DOT alone: no Graphviz
    engine_name()  # raises when there is no engine; imports pygraphviz once, before the fork
    [(_, outcome)] = run_layouts([LayoutJob("", dot_text, formats, image_roots)], workers=1, timeout=None)
    if outcome.rendered is None:
        raise RenderError(outcome.error or "render failed")
    return outcome.rendered


def default_workers() -> int:
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1))
