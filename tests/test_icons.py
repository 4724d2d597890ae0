"""Icons: the ast-based resolver agrees with the diagrams classes themselves."""

from __future__ import annotations

import importlib
import os
from pathlib import Path

import pytest

from sdiagram import icons
from sdiagram.catalog import KINDS, TECHS

CATALOG_ICONS = sorted({k.icon for k in KINDS.values()} | {t.icon for t in TECHS.values()})


def diagrams_icon_file(class_path: str) -> str:
    """The file diagrams itself would draw (what `Node._load_icon` computes)."""
    provider, category, name = class_path.split(".")
    cls = getattr(importlib.import_module(f"diagrams.{provider}.{category}"), name)
    package_parent = Path(importlib.import_module("diagrams").__file__).resolve().parent.parent
    return os.path.join(package_parent, cls._icon_dir, cls._icon)


@pytest.mark.parametrize("class_path", CATALOG_ICONS)
def test_every_catalog_icon_resolves_like_diagrams(class_path):
    icon = icons.resolve_class_path(class_path)
    assert os.path.realpath(icon.file) == os.path.realpath(diagrams_icon_file(class_path))
    assert os.path.isfile(icon.file)


@pytest.mark.parametrize("class_path", ["aws.database.DDB", "onprem.network.HAProxy", "aws.database.ElastiCache"])
def test_aliases_resolve(class_path):
    assert os.path.realpath(icons.resolve_class_path(class_path).file) == os.path.realpath(diagrams_icon_file(class_path))


def test_data_uri_is_cached_per_process():
    file = icons.resolve_class_path("onprem.inmemory.Redis").file
    first = icons.data_uri(file)
    assert first.startswith("data:image/png;base64,")
    assert icons.data_uri(file) is first


def _png_header(width: int, height: int) -> bytes:
    import struct
    import zlib

    body = b"IHDR" + struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + struct.pack(">I", 13) + body + struct.pack(">I", zlib.crc32(body))


def _jpeg_header(width: int, height: int, metadata: int = 0) -> bytes:
    """SOI, an APP1 segment of `metadata` bytes (EXIF, say), then a baseline start-of-frame."""
    app = b"\xff\xe1" + (metadata + 2).to_bytes(2, "big") + b"\0" * metadata
    frame = b"\xff\xc0\x00\x11\x08" + height.to_bytes(2, "big") + width.to_bytes(2, "big") + b"\x03" + b"\0" * 9
    return b"\xff\xd8" + app + frame + b"\xff\xd9"


def test_image_size_reads_png_and_jpeg_headers():
    assert icons.image_size(_png_header(300, 200)) == (300, 200)
    assert icons.image_size(_jpeg_header(640, 480)) == (640, 480)
    assert icons.image_size(_jpeg_header(640, 480, metadata=60_000)) == (640, 480)
    assert icons.image_size(b"\x89PNG\r\n\x1a\n") is None
    assert icons.image_size(b"\xff\xd8\xff\xd9") is None


@pytest.mark.parametrize("header", [_png_header(20_000, 20_000), _jpeg_header(60_000, 100), _png_header(0, 10)])
def test_an_icon_too_large_to_decode_is_refused_from_its_header(tmp_path, header):
    (tmp_path / "big.png").write_bytes(header + b"\0" * 64)
    with pytest.raises(ValueError, match=r"icon file 'big.png' is [\d,]+ x [\d,]+ px; an icon may be at most 4,096 px"):
        icons.resolve_file("big.png", str(tmp_path))


def test_a_large_jpeg_header_after_metadata_is_found(tmp_path):
    (tmp_path / "photo.jpg").write_bytes(_jpeg_header(256, 256, metadata=65_000) + b"\0" * 64)
    assert icons.resolve_file("photo.jpg", str(tmp_path)).name == "photo.jpg"
