"""A long-lived layout process, for callers that lay out one diagram after another.

`batch.run_layouts` starts a child per layout; a live preview re-rendering on
every save would pay that start-up each time (about as long as the layout of
a 30-component diagram). A `LayoutWorker` keeps one child waiting for jobs
and keeps the same guarantees: a layout over its time limit is killed, a
Graphviz crash only takes the child down, and either way the next job gets a
fresh child.
"""

from __future__ import annotations

import faulthandler
import os
import time
from typing import Any

from .batch import LayoutJob, LayoutOutcome, _context, _die_with_parent, _died, _execute


def _serve(connection: Any, parent: int) -> None:
    _die_with_parent(parent)  # a killed `sdiagram watch` must not leave it behind
    faulthandler.disable()  # a crash is reported by the parent in one line
    while True:
        try:
            job = connection.recv()
        except EOFError:
            return
        if job is None:
            return
        try:
            outcome = _execute(job)
        except BaseException as error:  # the parent must always get an answer
            outcome = LayoutOutcome(error=f"render failed: {type(error).__name__}: {error}")
        connection.send(outcome)


class LayoutWorker:
    """One child process that lays out jobs in turn. Not thread-safe: one caller at a time."""

    def __init__(self) -> None:
        self._process: Any = None
        self._connection: Any = None

    def _start(self) -> None:
        context = _context()
        parent, child = context.Pipe(duplex=True)
        self._process = context.Process(target=_serve, args=(child, os.getpid()), daemon=True)
        self._process.start()
        child.close()
        self._connection = parent

    def run(self, job: LayoutJob, timeout: float) -> LayoutOutcome:
        if self._process is None or not self._process.is_alive():
            self.close()
            self._start()
        started = time.monotonic()
        self._connection.send(job)
        if not self._connection.poll(timeout):
            self.close()
            return LayoutOutcome(error=f"layout stopped after {timeout:g} s", seconds=time.monotonic() - started)
        try:
            return self._connection.recv()
        except EOFError:
            self._process.join()
            error = _died(self._process.exitcode)
            self.close()
            return LayoutOutcome(error=error, seconds=time.monotonic() - started)

    def close(self) -> None:
        if self._process is not None:
            if self._process.is_alive():
                self._process.kill()
            self._process.join()
            self._connection.close()
        self._process = self._connection = None
