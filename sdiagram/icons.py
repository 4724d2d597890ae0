"""Icons: `diagrams` class paths and custom image files -> PNG/JPEG files.

The icons are the PNGs that ship inside the `diagrams` package. A class such
as `diagrams.aws.database.RDS` names its file through two class attributes,
`_icon_dir` (on the category base class) and `_icon`. Importing `diagrams`
costs ~90 ms (it pulls in the `graphviz` package), so this module reads those
two attributes from the module's source with `ast` instead; the tests check the
result against the imported classes.

Custom icons must be PNG or JPEG files inside the blueprint's folder: a
blueprint from a pull request must never pull `/etc/passwd` or `~/.ssh/id_rsa`
into a published SVG.
"""

from __future__ import annotations

import ast
import base64
import functools
import importlib.util
import os
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .diagnostics import did_you_mean

if TYPE_CHECKING:
    from .model import Component

MAX_ICON_BYTES = 2 * 1024 * 1024
# A PNG or JPEG compresses a plain 20,000 x 20,000 image into 400 KB, and
# Graphviz (cairo) decodes it whole: 1.6 GB. An icon is drawn about 100 px
# wide, so its header must say at most this many pixels on a side.
MAX_ICON_SIDE = 4096
# All the distinct custom icons of one blueprint together: for PNG and PDF
# Graphviz holds each one decoded (4 bytes a pixel), and the SVG embeds each
# file once. These bound both to about 256 MB and 45 MB.
MAX_CUSTOM_ICON_PIXELS = 64 * 1024 * 1024
MAX_CUSTOM_ICON_BYTES = 32 * 1024 * 1024
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg")
_CLASS_PATH = re.compile(r"[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*\.[A-Za-z_][A-Za-z0-9_]*\Z")
_MAGIC = {b"\x89PNG\r\n\x1a\n": "image/png", b"\xff\xd8\xff": "image/jpeg"}


@dataclass(frozen=True)
class Icon:
    """An icon as the DOT names it (`name`, relative to `root`) and where it is."""

    name: str
    root: str

    @property
    def file(self) -> str:
        return os.path.join(self.root, self.name)


class DiagramsUnavailable(RuntimeError):
    """The `diagrams` package, whose icons sdiagram draws, cannot be found or used.
    The command line reports it as an error (exit status 2), not a traceback."""


@functools.lru_cache(maxsize=1)
def diagrams_root() -> str:
    """The folder that holds the `diagrams` package (its icons are in `resources/` beside it).
    Raises DiagramsUnavailable saying what failed and how to fix it."""
    fix = "install it into the same environment as sdiagram: `pip install diagrams` (or reinstall sdiagram)"
    try:
        spec = importlib.util.find_spec("diagrams")
    except (ImportError, ValueError) as error:  # a broken install, or a finder that refuses it
        raise DiagramsUnavailable(f"cannot import the 'diagrams' package (its icons are drawn): {error}; {fix}") from None
    if spec is None:
        raise DiagramsUnavailable(f"the 'diagrams' package (its icons are drawn) is not installed; {fix}")
    if not spec.submodule_search_locations:
        raise DiagramsUnavailable(f"'diagrams' at {spec.origin} is a module, not the diagrams package (a file named "
                                  f"diagrams.py on the path shadows it); rename that file, or {fix}")
    root = os.path.dirname(os.path.abspath(list(spec.submodule_search_locations)[0]))
    if not os.path.isdir(os.path.join(root, "resources")):
        raise DiagramsUnavailable(f"the 'diagrams' package at {root} has no icons (no resources/ folder beside it); "
                                  f"reinstall it: `pip install --force-reinstall diagrams`")
    return root


@functools.lru_cache(maxsize=None)
def _module_icons(provider: str, category: str) -> dict[str, str] | None:
    """Class name -> icon path relative to diagrams_root(), for one diagrams module."""
    source_file = os.path.join(diagrams_root(), "diagrams", provider, f"{category}.py")
    try:
        with open(source_file, encoding="utf-8") as handle:
            tree = ast.parse(handle.read(), source_file)
    except (OSError, SyntaxError):
        return None
    icon_dirs: dict[str, str] = {}
    icons: dict[str, str] = {}
    aliases: dict[str, str] = {}
    for statement in tree.body:
        if isinstance(statement, ast.ClassDef):
            attributes = _string_attributes(statement)
            base = statement.bases[0].id if statement.bases and isinstance(statement.bases[0], ast.Name) else None
            icon_dir = attributes.get("_icon_dir") or icon_dirs.get(base or "")
            if icon_dir:
                icon_dirs[statement.name] = icon_dir
            if "_icon" in attributes and icon_dir:
                icons[statement.name] = f"{icon_dir}/{attributes['_icon']}"
        elif (
            isinstance(statement, ast.Assign)
            and len(statement.targets) == 1
            and isinstance(statement.targets[0], ast.Name)
            and isinstance(statement.value, ast.Name)
        ):
            aliases[statement.targets[0].id] = statement.value.id
    for alias, target in aliases.items():
        if target in icons:
            icons[alias] = icons[target]
    return icons


def _string_attributes(node: ast.ClassDef) -> dict[str, str]:
    found = {}
    for statement in node.body:
        if (
            isinstance(statement, ast.Assign)
            and len(statement.targets) == 1
            and isinstance(statement.targets[0], ast.Name)
            and isinstance(statement.value, ast.Constant)
            and isinstance(statement.value.value, str)
        ):
            found[statement.targets[0].id] = statement.value.value
    return found


def is_class_path(spec: str) -> bool:
    """`provider.category.Class` names a diagrams icon; anything else is a file path."""
    return spec.count(".") == 2 and not spec.lower().endswith(IMAGE_SUFFIXES) and "/" not in spec and "\\" not in spec


@functools.lru_cache(maxsize=4096)
def resolve_class_path(class_path: str) -> Icon:
    """`aws.database.RDS` -> its icon; raises ValueError with a helpful message."""
    if not _CLASS_PATH.match(class_path):
        raise ValueError(
            f"icon '{class_path}' is neither a diagrams class path like 'aws.database.RDS' nor a .png/.jpg file"
        )
    provider, category, name = class_path.split(".")
    icons = _module_icons(provider, category)
    if icons is None:
        raise ValueError(f"icon '{class_path}': diagrams has no module 'diagrams.{provider}.{category}'")
    if name not in icons:
        hint = did_you_mean(name, icons)
        raise ValueError(f"icon '{class_path}': diagrams.{provider}.{category} has no class '{name}'{hint}")
    return Icon(icons[name], diagrams_root())


def resolve_file(spec: str, base_dir: str) -> Icon:
    """A custom icon file inside `base_dir`; raises ValueError when it is not a safe image."""
    if any(c in '"\\' or ord(c) < 32 or ord(c) == 127 for c in spec):
        # Graphviz cannot name such a file in DOT: validate refuses what render could not draw
        raise ValueError(f"icon {spec!r}: a file name with a quote, backslash or control character cannot be drawn")
    if os.path.isabs(spec) or spec.startswith("~"):
        raise ValueError(f"icon '{spec}' must be a path relative to the blueprint's folder")
    root = os.path.realpath(base_dir)
    target = os.path.realpath(os.path.join(root, spec))
    if os.path.commonpath([root, target]) != root:
        raise ValueError(f"icon '{spec}' is outside the blueprint's folder")
    if not spec.lower().endswith(IMAGE_SUFFIXES):
        raise ValueError(
            f"icon '{spec}' must be a diagrams class path like 'aws.database.RDS' or a .png/.jpg file"
        )
    try:
        if not os.path.isfile(target):
            raise ValueError(f"icon file '{spec}' does not exist")
        if os.path.getsize(target) > MAX_ICON_BYTES:
            raise ValueError(f"icon file '{spec}' is larger than {MAX_ICON_BYTES:,} bytes")
        with open(target, "rb") as handle:
            head = handle.read(64 * 1024)
            if image_size(head) is None and head.startswith(b"\xff\xd8\xff"):
                head += handle.read(MAX_ICON_BYTES)  # a JPEG's frame header may follow large metadata
    except OSError as error:
        raise ValueError(f"icon file '{spec}' cannot be read: {error.strerror}") from None
    if not any(head.startswith(magic) for magic in _MAGIC):
        raise ValueError(f"icon file '{spec}' is not a PNG or JPEG image")
    size = image_size(head)
    if size is None:
        raise ValueError(f"icon file '{spec}' is a damaged image: its header gives no width and height")
    if max(size) > MAX_ICON_SIDE or min(size) < 1:
        raise ValueError(
            f"icon file '{spec}' is {size[0]:,} x {size[1]:,} px; an icon may be at most "
            f"{MAX_ICON_SIDE:,} px on a side (it is drawn about 100 px wide)"
        )
    return Icon(os.path.relpath(target, root).replace(os.sep, "/"), root)


# JPEG start-of-frame markers (the ones that carry the size): C0-CF but DHT, JPG, DAC.
_JPEG_FRAMES = frozenset(range(0xC0, 0xD0)) - {0xC4, 0xC8, 0xCC}


def image_size(data: bytes) -> tuple[int, int] | None:
    """(width, height) from a PNG's IHDR or a JPEG's start-of-frame, without decoding; None if absent."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        if len(data) < 24 or data[12:16] != b"IHDR":
            return None
        return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    position = 2  # after the SOI marker
    while position + 4 <= len(data):
        if data[position] != 0xFF:
            return None
        marker = data[position + 1]
        if marker == 0xFF:  # fill byte
            position += 1
            continue
        if marker == 0x01 or 0xD0 <= marker <= 0xD8:  # markers without a length
            position += 2
            continue
        length = int.from_bytes(data[position + 2 : position + 4], "big")
        if marker in _JPEG_FRAMES:
            if position + 9 > len(data):
                return None
            return int.from_bytes(data[position + 7 : position + 9], "big"), int.from_bytes(data[position + 5 : position + 7], "big")
        if marker == 0xD9 or length < 2:  # end of image, or a broken segment
            return None
        position += 2 + length
    return None


def custom_icons_problem(files: set[str]) -> str | None:
    """What is wrong with a blueprint's distinct custom icon files taken together, or None."""
    pixels = size = 0
    for file in sorted(files):
        try:
            with open(file, "rb") as handle:
                head = handle.read(64 * 1024)
            size += os.path.getsize(file)
        except OSError:
            continue  # reported where the icon is resolved
        width, height = image_size(head) or (0, 0)
        pixels += width * height
    if pixels > MAX_CUSTOM_ICON_PIXELS or size > MAX_CUSTOM_ICON_BYTES:
        return (
            f"its {len(files):,} custom icon files hold {pixels / 1e6:,.0f} million pixels in {size / 2**20:,.1f} MiB; "
            f"a blueprint's custom icons may hold at most {MAX_CUSTOM_ICON_PIXELS / 1e6:,.0f} million pixels "
            f"and {MAX_CUSTOM_ICON_BYTES // 2**20} MiB in all"
        )
    return None


def check_icon(spec: str, base_dir: str) -> str | None:
    """The problem with an `icon:` value, or None when it resolves."""
    try:
        if is_class_path(spec):
            resolve_class_path(spec)
        else:
            resolve_file(spec, base_dir)
    except ValueError as error:
        return str(error)
    return None


@functools.lru_cache(maxsize=None)
def read_icon(file: str) -> bytes:
    """Icon bytes, read once per process."""
    with open(file, "rb") as handle:
        return handle.read()


@functools.lru_cache(maxsize=None)
def data_uri(file: str) -> str:
    """An icon as a `data:` URI, encoded once per process."""
    data = read_icon(file)
    mime = next((m for magic, m in _MAGIC.items() if data.startswith(magic)), "image/png")
    return f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"


def component_icon(component: "Component", base_dir: str) -> Icon:
    """The icon a component is drawn with: its `icon`, else its tech's, else its kind's."""
    from .catalog import KINDS, TECHS

    if component.icon:
        spec = component.icon
    elif component.tech:
        spec = TECHS[component.tech].icon
    else:
        spec = KINDS[component.kind].icon
    return resolve_class_path(spec) if is_class_path(spec) else resolve_file(spec, base_dir)
