"""Reading input files with a bound: the one reader every command uses.

* At most the size limit is ever read: $SDIAGRAM_MAX_FILE_SIZE (bytes, or a
  size such as `10MB` or `5MiB`; default 5 MiB, at most 1 GiB), checked
  before reading and while reading (a file that grows is cut off).
* Anything but a regular file is refused without blocking: a FIFO, a device,
  a symlink to `/dev/zero`.
* Text must be UTF-8.

No YAML here: the CLI checks the size setting before it imports a parser.
"""

from __future__ import annotations

import os
import re
import stat
from typing import Generator

from .diagnostics import BlueprintError, Diagnostic, brief

DEFAULT_MAX_BYTES = 5 * 1024 * 1024
MAX_FILE_SIZE_VARIABLE = "SDIAGRAM_MAX_FILE_SIZE"
MAX_FILE_SIZE_LIMIT = 1024 * 1024 * 1024
_SIZE = re.compile(r"\s*(\d+)\s*([A-Za-z]*)\s*", re.ASCII)
_SIZE_UNITS = {"b": 1, "kb": 1000, "mb": 1000**2, "gb": 1000**3, "kib": 1024, "mib": 1024**2, "gib": 1024**3}


def max_file_size() -> int:
    """The blueprint size limit: $SDIAGRAM_MAX_FILE_SIZE, default 5 MiB.

    Raises `FileSizeSettingError` (a ValueError) when the variable is set to
    anything but a size: the CLI turns that into a usage error.
    """
    raw = os.environ.get(MAX_FILE_SIZE_VARIABLE)
    return DEFAULT_MAX_BYTES if raw is None else parse_size(raw)


class FileSizeSettingError(ValueError):
    """$SDIAGRAM_MAX_FILE_SIZE is not a usable size."""


def parse_size(text: str) -> int:
    """'5000000', '10MB', '5MiB', '1 GB' -> bytes (KB/MB/GB are powers of 1000, KiB/MiB/GiB of 1024)."""
    shown = brief(text)
    match = _SIZE.fullmatch(text)
    unit = (match.group(2) or "b").lower() if match else ""
    if not match or unit not in _SIZE_UNITS:
        raise FileSizeSettingError(
            f"{MAX_FILE_SIZE_VARIABLE}={shown} is not a size; write bytes (5000000) or a number "
            "with a unit: KB, MB, GB (powers of 1000) or KiB, MiB, GiB (powers of 1024)"
        )
    size = int(match.group(1)) * _SIZE_UNITS[unit] if len(match.group(1)) <= 20 else MAX_FILE_SIZE_LIMIT + 1
    if not 1 <= size <= MAX_FILE_SIZE_LIMIT:
        raise FileSizeSettingError(
            f"{MAX_FILE_SIZE_VARIABLE}={shown} is out of range: the limit must be between 1 byte and "
            f"1GiB ({MAX_FILE_SIZE_LIMIT:,} bytes); a blueprint is parsed in memory"
        )
    return size


def _open_regular(path: str) -> int:
    """A descriptor of a regular file, opened without blocking (a FIFO must not
    wait for a writer); raises BlueprintError for anything else."""
    try:
        descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0))
    except OSError as error:
        raise BlueprintError([Diagnostic(path, f"cannot read file: {error.strerror or error}")]) from None
    try:
        if not stat.S_ISREG(os.fstat(descriptor).st_mode):
            raise BlueprintError([Diagnostic(path, "not a regular file")])
    except BaseException:
        os.close(descriptor)
        raise
    return descriptor


def read_head(path: str, size: int) -> bytes | None:
    """The first `size` bytes of a regular file; None for anything else or on error."""
    try:
        descriptor = _open_regular(path)
    except BlueprintError:
        return None
    try:
        return os.read(descriptor, size)
    except OSError:
        return None
    finally:
        os.close(descriptor)


def read_bytes(path: str, max_bytes: int | None = None) -> bytes:
    """The bytes of a blueprint file, read with a bound: at most `max_bytes`
    (default `max_file_size()`) are ever read, and anything but a regular file
    (a FIFO, a device, a symlink to `/dev/zero`) is refused without blocking.
    Raises BlueprintError."""
    return b"".join(read_chunks(path, max_bytes))


def read_chunks(path: str, max_bytes: int | None = None, chunk_size: int = 1 << 20) -> Generator[bytes, None, None]:
    """`read_bytes` piece by piece (for hashing large files in bounded memory): the
    same checks, and BlueprintError as soon as the file turns out to be over the bound."""
    limit = max_file_size() if max_bytes is None else max_bytes
    descriptor = _open_regular(path)
    try:
        size = os.fstat(descriptor).st_size
        if size > limit:
            raise BlueprintError([_too_large(path, limit, size)])
        total = 0
        while True:
            # one byte more than the limit tells a file that grew past it
            chunk = os.read(descriptor, min(limit + 1 - total, chunk_size))
            if not chunk:
                break
            total += len(chunk)
            if total > limit:
                raise BlueprintError([_too_large(path, limit)])
            yield chunk
    except OSError as error:
        raise BlueprintError([Diagnostic(path, f"cannot read file: {error.strerror or error}")]) from None
    finally:
        os.close(descriptor)


def _too_large(path: str, limit: int, size: int | None = None) -> Diagnostic:
    what = f"file is {size:,} bytes, over" if size is not None else "file is over"
    return Diagnostic(path, f"{what} the limit of {limit:,} bytes (set {MAX_FILE_SIZE_VARIABLE} to change it)")


def decode_source(data: bytes, path: str) -> str:
    """UTF-8 (a byte-order mark is dropped) -> text; raises BlueprintError."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise BlueprintError([Diagnostic(path, f"file is not UTF-8 text (byte {error.start})")]) from None


def read_source(path: str, max_bytes: int | None = None) -> str:
    """Read a blueprint file as text, refusing oversized, special or non-UTF-8 files."""
    return decode_source(read_bytes(path, max_bytes), path)
