"""Running many Graphviz layouts: in parallel over the cores, each bounded in time.

A layout runs in C and cannot be interrupted from Python, so a layout with a
time limit, or one of several running at once, runs in a child process that
is killed when its time is up. The children only compute: they return bytes
and the parent writes every file, so a killed child leaves nothing behind.
"""

from __future__ import annotations

import os
import sys
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Iterator, cast

from .engine import Rendered, RenderError, layout_and_render

if TYPE_CHECKING:
    import multiprocessing.connection


@dataclass(frozen=True)
class LayoutJob:
    key: str
    dot_text: str
    formats: tuple[str, ...]
    image_roots: tuple[str, ...]
    measure: bool = False  # also measure the layout (renderer.metrics)


@dataclass(frozen=True)
class LayoutOutcome:
    rendered: Rendered | None = None
    error: str | None = None
    seconds: float = 0.0


def _execute(job: LayoutJob) -> LayoutOutcome:
    started = time.perf_counter()
    try:
        rendered = layout_and_render(job.dot_text, job.formats, job.image_roots, job.measure)
    except RenderError as error:
        return LayoutOutcome(error=str(error), seconds=time.perf_counter() - started)
    return LayoutOutcome(rendered=rendered, seconds=time.perf_counter() - started)


def _child(job: LayoutJob, connection: "multiprocessing.connection.Connection") -> None:
    try:
        connection.send(_execute(job))
    except BaseException as error:  # the parent must always get an answer
        connection.send(LayoutOutcome(error=f"render failed: {type(error).__name__}: {error}"))
    finally:
        connection.close()


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
                process = context.Process(target=_child, args=(job, writer), daemon=True)
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
                    outcome = LayoutOutcome(error=_died(process.exitcode))
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
                        yield job, LayoutOutcome(
                            error=f"layout stopped after the --timeout of {timeout:g} s; nothing was written",
                            seconds=now - started,
                        )
    finally:
        for reader, (_, process, _) in running.items():
            process.kill()
            process.join()
            reader.close()


def _died(exit_code: int | None) -> str:
    if exit_code is not None and exit_code < 0:
        import signal

        try:
            name = signal.Signals(-exit_code).name
        except ValueError:
            name = f"signal {-exit_code}"
        return f"Graphviz crashed while laying out this blueprint ({name}); nothing was written"
    return f"the render process ended unexpectedly (exit status {exit_code}); nothing was written"


def default_workers() -> int:
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1))
