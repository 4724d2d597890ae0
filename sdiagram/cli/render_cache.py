"""Which blueprints need no re-render: a content hash per blueprint and output folder.

The key covers everything an image depends on: the sdiagram version, the
formats, the blueprint's bytes, the bytes of every icon it draws and, with
`--lint`, the findings drawn on it. The record remembers the icon files, so an
unchanged blueprint is recognised without parsing it at all.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from dataclasses import dataclass

from .. import __version__

CACHE_FOLDER = ".sdiagram-cache"
# Output formats whose file extension is not the format's name.
_EXTENSIONS = {"mermaid": "mmd"}
_IMAGE = re.compile(r'image="((?:[^"\\]|\\.)*)"')


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
    files = []
    for name in sorted(set(_IMAGE.findall(dot_text))):
        name = name.replace('\\"', '"').replace("\\\\", "\\")
        for root in image_roots:
            candidate = os.path.join(root, name)
            if os.path.isfile(candidate):
                files.append(os.path.realpath(candidate))
                break
    return tuple(files)


def content_key(source: bytes, formats: tuple[str, ...], icons: tuple[str, ...], drawn: str = "") -> str | None:
    """The hash of everything the images depend on; None if an icon cannot be read."""
    digest = hashlib.sha256()
    digest.update(f"sdiagram {__version__}\0{','.join(sorted(formats))}\0{drawn}\0".encode())
    digest.update(source)
    for file in icons:
        try:
            with open(file, "rb") as handle:
                digest.update(b"\0icon\0" + handle.read())
        except OSError:
            return None
    return digest.hexdigest()


def output_file(output_dir: str, name: str, fmt: str) -> str:
    """Where one format of one blueprint is written: OUTPUT/<name>.<extension>."""
    return os.path.join(output_dir, f"{name}.{_EXTENSIONS.get(fmt, fmt)}")


def record_path(output_dir: str, source: str, view: str = "") -> str:
    place = os.path.realpath(source) + (f"\0{view}" if view else "")
    tag = hashlib.sha256(place.encode()).hexdigest()[:20]
    return os.path.join(output_dir, CACHE_FOLDER, f"{tag}.json")


def load_record(output_dir: str, source: str, view: str = "") -> Record | None:
    try:
        with open(record_path(output_dir, source, view), encoding="utf-8") as handle:
            raw = json.load(handle)
        return Record(raw["source"], raw["name"], raw["key"], tuple(raw["icons"]), dict(raw["files"]),
                      tuple(raw.get("views", ())))
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _file_digest(path: str) -> str | None:
    try:
        with open(path, "rb") as handle:
            return hashlib.sha256(handle.read()).hexdigest()
    except OSError:
        return None


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
