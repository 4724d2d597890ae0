"""Which blueprints need no re-render: a content hash per blueprint and output folder.

The key covers everything an image depends on: the sdiagram version, the
formats, the blueprint's bytes, the bytes of every icon it draws and, with
`--lint`, the findings drawn on it. The record remembers the icon files, so an
unchanged blueprint is recognised without parsing it at all.

Records are untrusted input (the output folder may come from a pull request,
or be damaged): one is read only if it is a regular file of at most
MAX_RECORD_BYTES, the files it names are read only if they are regular files
of bounded size, and anything unexpected in it makes it a cache miss.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import re
from dataclasses import dataclass

from .. import __version__
from ..diagnostics import BlueprintError
from ..sourcefile import read_bytes, read_chunks

CACHE_FOLDER = ".sdiagram-cache"
# Output formats whose file extension is not the format's name.
_EXTENSIONS = {"mermaid": "mmd"}
MAX_RECORD_BYTES = 1024 * 1024
# An icon is at most icons.MAX_ICON_BYTES (2 MiB); an image we wrote can be large.
MAX_ICON_BYTES = 2 * 1024 * 1024
MAX_OUTPUT_BYTES = 1024 * 1024 * 1024
_NAME = re.compile(r"(?!\.\.?\Z)[^/\\\0]+\Z")  # a file name in the output folder, no path
_DIGEST = re.compile(r"[0-9a-f]{64}\Z")


@dataclass(frozen=True)
class Record:
    source: str
    name: str
    key: str
    icons: tuple[str, ...]
    files: dict[str, str]  # format -> sha256 of the file written
    # the blueprint's views, each with a record of its own (only on the whole model's record)
    views: tuple[str, ...] = ()


def icon_files(dot_text: str, image_roots: tuple[str, ...]) -> tuple[str, ...]:
    """The icon files a DOT text names, resolved against the image roots."""
    from ..renderer.dot import icon_names

    files = []
    for name in icon_names(dot_text):
        for root in image_roots:
            candidate = os.path.join(root, name)
            if os.path.isfile(candidate):
                files.append(os.path.realpath(candidate))
                break
    return tuple(files)


def content_key(source: bytes, formats: tuple[str, ...], icons: tuple[str, ...], drawn: str = "") -> str | None:
    """The hash of everything the images depend on; None if an icon cannot be read."""
    digest = hashlib.sha256()
    digest.update(f"sdiagram {__version__}\0{code_version()}\0{','.join(sorted(formats))}\0{drawn}\0".encode())
    digest.update(source)
    for file in icons:
        digest.update(b"\0icon\0")
        if not _hash_regular_file(file, MAX_ICON_BYTES, digest):
            return None
    return digest.hexdigest()


# What draws the images besides the blueprint: sdiagram's own code (which a development
# or git install changes without a new version number) and the packages it draws with.
_DRAWING_PACKAGES = ("diagrams", "pygraphviz")


@functools.lru_cache(maxsize=1)
def code_version() -> str:
    """A hash of the code that makes the images: every Python file and template of the
    sdiagram package (read in about a millisecond) and the installed versions of
    `diagrams` (the icons) and `pygraphviz` (its wheel bundles Graphviz). After an
    upgrade of any of them, or an edit of a development install, every cached image
    is out of date."""
    digest = hashlib.sha256()
    package = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    files = []
    for folder, subfolders, names in os.walk(package):
        subfolders[:] = sorted(d for d in subfolders if d != "__pycache__")
        files += [os.path.join(folder, n) for n in names if n.endswith((".py", ".html", ".css", ".js", ".json"))]
    for file in sorted(files):
        digest.update(os.path.relpath(file, package).encode() + b"\0")
        if not _hash_regular_file(file, MAX_ICON_BYTES, digest):
            digest.update(b"unreadable")
    for name in _DRAWING_PACKAGES:
        digest.update(f"\0{name} {_installed_version(name)}".encode())
    return digest.hexdigest()


def _installed_version(name: str) -> str:
    """The version in the name of the package's `NAME-VERSION.dist-info` folder beside it
    (importlib.metadata would cost more to import than the whole cache check); 'unknown'
    when there is none (a source checkout), 'none' when the package is not installed."""
    import importlib.util

    try:
        spec = importlib.util.find_spec(name)
    except (ImportError, ValueError):
        return "none"
    if spec is None or not spec.origin:
        return "none"
    package_folder = os.path.dirname(os.path.abspath(spec.origin))
    site = os.path.dirname(package_folder) if spec.submodule_search_locations else package_folder
    pattern = re.compile(re.escape(name).replace("_", "[-_]") + r"-([^-]+)\.dist-info\Z", re.IGNORECASE)
    try:
        entries = sorted(os.listdir(site))
    except OSError:
        return "unknown"
    versions = [match.group(1) for match in map(pattern.match, entries) if match]
    return ",".join(versions) or "unknown"


def _hash_regular_file(path: str, limit: int, digest: "hashlib._Hash") -> bool:
    """Feed a regular file of at most `limit` bytes to `digest`, in chunks; False if it is not one
    (the bounded reader of `sdiagram.sourcefile`: no FIFO, device or oversized file is read)."""
    try:
        for chunk in read_chunks(path, limit):
            digest.update(chunk)
    except BlueprintError:
        return False
    return True


def output_heads(output_dir: str, name: str, size: int = 4096) -> tuple[bytes, ...]:
    """The first `size` bytes of the DOT and SVG a previous render left for `name`
    (where it records its layout variant), for the files that are there and regular."""
    heads = []
    for fmt in ("dot", "svg"):
        chunks = read_chunks(output_file(output_dir, name, fmt), MAX_OUTPUT_BYTES, chunk_size=size)
        try:
            heads.append(next(chunks, b""))
        except BlueprintError:
            pass  # not there, or not a regular file
        finally:
            chunks.close()
    return tuple(heads)


def output_file(output_dir: str, name: str, fmt: str) -> str:
    """Where one format of one blueprint is written: OUTPUT/<name>.<extension>."""
    return os.path.join(output_dir, f"{name}.{_EXTENSIONS.get(fmt, fmt)}")


def record_path(output_dir: str, source: str, view: str = "") -> str:
    place = os.path.realpath(source) + (f"\0{view}" if view else "")
    tag = hashlib.sha256(place.encode()).hexdigest()[:20]
    return os.path.join(output_dir, CACHE_FOLDER, f"{tag}.json")


def load_record(output_dir: str, source: str, view: str = "") -> Record | None:
    """The record of a previous render, or None when there is none or it is not one we could have written."""
    try:
        return _record(json.loads(read_bytes(record_path(output_dir, source, view), MAX_RECORD_BYTES)))
    except (BlueprintError, ValueError, RecursionError):
        return None


def _record(raw: object) -> Record | None:
    """A Record from parsed JSON, checked field by field."""
    if not isinstance(raw, dict):
        return None
    source, name, key, icons, files = (raw.get(field) for field in ("source", "name", "key", "icons", "files"))
    views = raw.get("views", [])
    if not (isinstance(source, str) and isinstance(name, str) and _NAME.match(name) and isinstance(key, str)
            and _DIGEST.match(key)):
        return None
    if not (isinstance(icons, list) and all(isinstance(icon, str) and "\0" not in icon for icon in icons)):
        return None
    if not (isinstance(files, dict) and all(isinstance(k, str) and isinstance(v, str) and _DIGEST.match(v)
                                            for k, v in files.items())):
        return None
    if not (isinstance(views, list) and all(isinstance(view, str) for view in views)):
        return None
    return Record(source, name, key, tuple(icons), dict(files), tuple(views))


def _file_digest(path: str) -> str | None:
    digest = hashlib.sha256()
    return digest.hexdigest() if _hash_regular_file(path, MAX_OUTPUT_BYTES, digest) else None


def is_fresh(record: Record, key: str | None, output_dir: str, formats: tuple[str, ...]) -> bool:
    """The record was made for this key and every output file still holds what
    was written then (nobody edited or deleted it)."""
    if key is None or record.key != key:
        return False
    for fmt in formats:
        expected = record.files.get(fmt)
        if expected is None or expected != _file_digest(output_file(output_dir, record.name, fmt)):
            return False
    return True


def record_bytes(record: Record) -> bytes:
    raw = {"source": record.source, "name": record.name, "key": record.key, "icons": list(record.icons),
           "files": record.files, "views": list(record.views)}
    return (json.dumps(raw, indent=1, sort_keys=True) + "\n").encode("utf-8")


def new_record(source: str, name: str, key: str, icons: tuple[str, ...], outputs: dict[str, bytes],
               views: tuple[str, ...] = ()) -> Record:
    files = {fmt: hashlib.sha256(data).hexdigest() for fmt, data in sorted(outputs.items())}
    return Record(os.path.realpath(source), name, key, icons, files, views)
