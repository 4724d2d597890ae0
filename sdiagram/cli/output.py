"""Writing files: always atomically (temporary file in the same folder, then rename).

A temporary is named `.<file>.<pid>-<random>.tmp`. A process killed while
writing (`kill -9`, a power cut) leaves one behind; the next write into that
folder removes every temporary of this naming whose process is gone (or that
is a day old, in case the pid was reused), and those of the older naming
without a pid (`.<file>.<random>.tmp`).
"""

from __future__ import annotations

import os
import re
import tempfile
import time

# Only files that can only be ours: the name of a file sdiagram writes, then the marker.
_OUR_FILE = r"[^/]+\.(?:svg|png|pdf|dot|json|mmd|drawio|html|md|yaml)"
_TEMPORARY = re.compile(rf"\.{_OUR_FILE}\.(?:(?P<pid>\d+)-)?[a-z0-9_]{{8}}\.tmp\Z")
STALE_AFTER_SECONDS = 24 * 3600
_cleaned: set[str] = set()


def write_atomic(path: str, data: bytes) -> None:
    """Write `data` to `path` so that readers see the old file or the whole new one, never a part."""
    folder = os.path.dirname(os.path.abspath(path))
    os.makedirs(folder, exist_ok=True)
    if folder not in _cleaned:
        _cleaned.add(folder)
        remove_stale_temporaries(folder)
    handle, temporary = tempfile.mkstemp(dir=folder, prefix=f".{os.path.basename(path)}.{os.getpid()}-", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        try:
            os.unlink(temporary)
        except OSError:
            pass
        raise


def remove_stale_temporaries(folder: str) -> list[str]:
    """Remove the temporaries in `folder` that no running writer owns; returns their names."""
    removed: list[str] = []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return removed
    now = time.time()
    for entry in entries:
        match = _TEMPORARY.match(entry.name)
        if match is None:
            continue
        try:
            if not entry.is_file(follow_symlinks=False):
                continue
            pid = match.group("pid")
            if pid is not None and _is_running(int(pid)) and now - entry.stat(follow_symlinks=False).st_mtime < STALE_AFTER_SECONDS:
                continue
            os.unlink(entry.path)
            removed.append(entry.name)
        except OSError:
            continue  # gone already, or not ours to remove
    return removed


def _is_running(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError, OSError):
        return True  # someone else's process: leave its file alone
    return True
