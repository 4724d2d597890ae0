"""Running many Graphviz layouts: in parallel over the cores, each bounded in time.

A layout runs in C and cannot be interrupted from Python, so a layout with a
time limit, or one of several running at once, runs in a child process that
is killed when its time is up (or when Graphviz crashes in it, only that
layout is lost). The children are workers of a `LayoutPool`, kept from one
layout to the next. They only compute: they return bytes and the parent
writes every file, so a killed child leaves nothing behind.

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
from collections import deque
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Iterator

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
    measure: bool = False  # also measure the layout (renderer.metrics)


@dataclass(frozen=True)
class LayoutOutcome:
    rendered: Rendered | None = None
    error: str | None = None
    seconds: float = 0.0


def execute(job: LayoutJob) -> LayoutOutcome:
    started = time.perf_counter()
    try:
        rendered = layout_and_render(job.dot_text, job.formats, job.image_roots, job.measure)
    except RenderError as error:
        return LayoutOutcome(error=str(error), seconds=time.perf_counter() - started)
    return LayoutOutcome(rendered=rendered, seconds=time.perf_counter() - started)


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
    """A CPU-time limit for the next job, just above its wall-clock one: the kernel's
    backstop for --timeout. The limit counts the whole process, so it starts from
    the CPU time this worker has used so far."""
    try:
        import resource
    except ImportError:  # pragma: no cover - Windows
        return
    used = resource.getrusage(resource.RUSAGE_SELF)
    seconds = math.ceil(used.ru_utime + used.ru_stime + timeout) + 2
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
    jobs: list[LayoutJob], workers: int, timeout: float | None, isolate: bool = True,
    pool: "LayoutPool | None" = None,
) -> Iterator[tuple[LayoutJob, LayoutOutcome]]:
    """Yield each job with its outcome, as they finish.

    By default every layout runs in a child process (a `LayoutPool` of up to
    `workers`): besides allowing a time limit, that keeps a Graphviz crash (it
    aborts on some internal assertions) from taking the caller down with it.
    `isolate=False` with one worker and no time limit runs the jobs in this
    process, in order. A caller that lays out one diagram after another (the
    live preview) passes its own long-lived `pool`, whose size and time limit
    then apply.
    """
    if pool is None and not isolate and timeout is None and (workers <= 1 or len(jobs) <= 1):
        for job in jobs:
            yield job, execute(job)
        return
    if pool is None:
        with LayoutPool(min(workers, len(jobs)), timeout) as own:
            yield from run_layouts(jobs, workers, timeout, pool=own)
        return
    for job in jobs:
        pool.submit(job)
    while pool.busy:
        yield from pool.poll()


@dataclass
class _Worker:
    process: Any
    connection: Any
    job: LayoutJob | None = None
    started: float = 0.0


class LayoutPool:
    """Long-lived layout processes ("workers"), each laying out one job at a time.

    One child per layout paid a fork, the copy-on-write faults of a fresh copy
    of this interpreter and an exit for each of the ~36 layouts of a render of
    six blueprints (five candidates each, then the chosen one); a worker pays
    them once. The guarantees are those of one child per layout: a job over
    `timeout` seconds kills its worker, a Graphviz crash ends only its worker,
    and either way that job gets the error and the next job a fresh worker.
    Workers die with this process, and each job runs under a CPU-time limit a
    little above `timeout` (the kernel's backstop when this process is stopped).

    Not thread-safe: one caller at a time.
    """

    def __init__(self, workers: int, timeout: float | None) -> None:
        self._size = max(1, workers)
        self._timeout = timeout
        self._queue: deque[LayoutJob] = deque()
        self._workers: list[_Worker] = []

    def __enter__(self) -> "LayoutPool":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def busy(self) -> bool:
        """Jobs are waiting or running."""
        return bool(self._queue) or any(worker.job is not None for worker in self._workers)

    def submit(self, job: LayoutJob, first: bool = False) -> None:
        """Queue `job` (`first`: ahead of the jobs already waiting) and start it if a worker is free."""
        if first:
            self._queue.appendleft(job)
        else:
            self._queue.append(job)
        self._dispatch()

    def poll(self, wait: float | None = None) -> list[tuple[LayoutJob, LayoutOutcome]]:
        """The jobs that finished, waiting up to `wait` seconds for one (None: until one
        finishes or is stopped; 0: not at all). Queued jobs start as workers free up."""
        self._dispatch()
        running = [worker for worker in self._workers if worker.job is not None]
        if not running:
            return []
        if self._timeout is not None:
            soonest = min(worker.started for worker in running) + self._timeout
            until = max(0.0, soonest - time.monotonic())
            wait = until if wait is None else min(wait, until)
        import multiprocessing.connection

        ready = set(multiprocessing.connection.wait([worker.connection for worker in running], timeout=wait))
        finished = []
        now = time.monotonic()
        for worker in running:
            job = worker.job
            assert job is not None
            if worker.connection in ready:
                try:
                    outcome = worker.connection.recv()
                    worker.job = None
                except EOFError:
                    worker.process.join()
                    error = _died(worker.process.exitcode, self._timeout)
                    outcome = LayoutOutcome(error=error, seconds=now - worker.started)
                    self._retire(worker)
                finished.append((job, outcome))
            elif self._timeout is not None and now - worker.started >= self._timeout:
                self._retire(worker)
                finished.append((job, LayoutOutcome(error=_stopped(self._timeout), seconds=now - worker.started)))
        self._dispatch()
        return finished

    def close(self) -> None:
        """End every worker (a running job is abandoned) and forget the queue."""
        self._queue.clear()
        for worker in self._workers:  # all at once: they exit in parallel
            if worker.process.is_alive():
                worker.process.kill()
        for worker in list(self._workers):
            self._retire(worker)

    def _dispatch(self) -> None:
        while self._queue:
            idle = next((worker for worker in self._workers if worker.job is None), None)
            if idle is None:
                if len(self._workers) >= self._size:
                    return
                idle = self._start()
            job = self._queue.popleft()
            try:
                idle.connection.send(job)
            except OSError:  # it died while idle: the job goes to a fresh worker
                self._retire(idle)
                self._queue.appendleft(job)
                continue
            idle.job, idle.started = job, time.monotonic()

    def _start(self) -> _Worker:
        context = _context()
        ours, theirs = context.Pipe(duplex=True)
        process = context.Process(target=_serve, args=(theirs, os.getpid(), self._timeout), daemon=True)
        process.start()
        theirs.close()
        worker = _Worker(process, ours)
        self._workers.append(worker)
        return worker

    def _retire(self, worker: _Worker) -> None:
        if worker.process.is_alive():
            worker.process.kill()
        worker.process.join()
        worker.connection.close()
        self._workers.remove(worker)


def _serve(connection: "multiprocessing.connection.Connection", parent: int, timeout: float | None) -> None:
    """A worker's loop: a job in, its outcome out, until the pipe closes."""
    _die_with_parent(parent)
    # The parent reports a crash in one line; the Python stack of the child
    # (pytest and `python -X faulthandler` enable the handler) is noise.
    faulthandler.disable()
    while True:
        try:
            job = connection.recv()
        except EOFError:
            return
        if timeout is not None:
            _limit_cpu(timeout)
        try:
            outcome = execute(job)
        except BaseException as error:  # the parent must always get an answer
            outcome = LayoutOutcome(error=f"render failed: {type(error).__name__}: {error}")
        connection.send(outcome)


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


def layout_in_child(
    dot_text: str, formats: tuple[str, ...], image_roots: tuple[str, ...], measure: bool = False
) -> Rendered:
    """`layout_and_render` for the Python API: the layout runs in a child process,
    so that a Graphviz crash (a segfault or a failed assertion in C) raises a
    RenderError instead of ending the caller's interpreter, a Jupyter kernel say."""
    if not measure and not any(fmt in RENDER_FORMATS for fmt in formats):
        return layout_and_render(dot_text, formats, image_roots)  # DOT alone: no Graphviz
    engine_name()  # raises when there is no engine; imports pygraphviz once, before the fork
    job = LayoutJob("", dot_text, formats, image_roots, measure=measure)
    [(_, outcome)] = run_layouts([job], workers=1, timeout=None)
    if outcome.rendered is None:
        raise RenderError(outcome.error or "render failed")
    return outcome.rendered


def default_workers() -> int:
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1))
