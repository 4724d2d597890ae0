"""Which blueprints need no re-render: a content hash per output set.

The key covers everything an image depends on: the sdiagram version, the
formats, the DOT text (which holds the blueprint's content, the render options
and the lint highlights) and the bytes of every icon the DOT names.
"""

from __future__ import annotations

import hashlib
import json
import os
import re

from .. import __version__, icons

CACHE_FOLDER = ".sdiagram-cache"
_IMAGE = re.compile(r'image="((?:[^"\\]|\\.)*)"')


def icon_files(dot_text: str, image_roots: tuple[str, ...]) -> list[str]:
    """The icon files a DOT text names, resolved against the image roots."""
    files = []
    for name in sorted(set(_IMAGE.findall(dot_text))):
        name = name.replace('\\"', '"').replace("\\\\", "\\")
        for root in image_roots:
            candidate = os.path.join(root, name)
            if os.path.isfile(candidate):
                files.append(candidate)
                break
    return files


def content_key(dot_text: str, formats: tuple[str, ...], image_roots: tuple[str, ...]) -> str:
    digest = hashlib.sha256()
    digest.update(f"sdiagram {__version__}\0{','.join(sorted(formats))}\0".encode())
    digest.update(dot_text.encode("utf-8"))
    for file in icon_files(dot_text, image_roots):
        digest.update(b"\0icon\0")
        digest.update(icons.read_icon(file))
    return digest.hexdigest()


def _record_path(output_dir: str, name: str) -> str:
    return os.path.join(output_dir, CACHE_FOLDER, f"{name}.json")


def _file_digest(path: str) -> str | None:
    try:
        with open(path, "rb") as handle:
            return hashlib.sha256(handle.read()).hexdigest()
    except OSError:
        return None


def is_fresh(output_dir: str, name: str, key: str, outputs: dict[str, str]) -> bool:
    """True when the recorded key matches and every output file is unchanged."""
    try:
        with open(_record_path(output_dir, name), encoding="utf-8") as handle:
            record = json.load(handle)
    except (OSError, ValueError):
        return False
    if not isinstance(record, dict) or record.get("key") != key:
        return False
    files = record.get("files", {})
    return all(files.get(fmt) is not None and files.get(fmt) == _file_digest(path) for fmt, path in outputs.items())


def record(output_dir: str, name: str, key: str, outputs: dict[str, bytes]) -> tuple[str, bytes]:
    """The cache record to write (path, bytes) after a render."""
    files = {fmt: hashlib.sha256(data).hexdigest() for fmt, data in sorted(outputs.items())}
    text = json.dumps({"key": key, "files": files}, indent=1, sort_keys=True) + "\n"
    return _record_path(output_dir, name), text.encode("utf-8")
