"""DOT -> Graphviz layout -> image bytes.

The engine is libgraphviz in-process through pygraphviz (its wheels bundle
Graphviz); a `dot` binary on PATH is the fallback. Either way the graph is laid
out once and every requested format is rendered from that one layout.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
from dataclasses import dataclass
from typing import Any, Iterator

from .. import icons

# json0: the layout itself (positions, no drawing operations), which the draw.io export is built from.
RENDER_FORMATS = ("svg", "png", "pdf", "json0")
FORMATS = RENDER_FORMATS + ("dot",)
PNG_DPI = 96.0
# cairo refuses bitmaps wider or taller than this many pixels.
PNG_MAX_PIXELS = 32_767
# What a scaled-down PNG aims for: a little under the limit, so that Graphviz's
# own rounding does not trip its "too large for cairo" rescale on top of ours.
PNG_TARGET_PIXELS = 32_000


class RenderError(Exception):
    """Rendering failed; the message is meant for the user."""


@dataclass(frozen=True)
class Rendered:
    outputs: dict[str, bytes]
    warnings: tuple[str, ...] = ()


def engine_name() -> str:
    """'pygraphviz', 'dot' (the binary), or raises RenderError when there is neither."""
    try:
        import pygraphviz  # noqa: F401

        return "pygraphviz"
    except ImportError:
        if shutil.which("dot"):
            return "dot"
    raise RenderError(
        "no Graphviz engine: install pygraphviz (`pip install pygraphviz`, its wheels bundle Graphviz) "
        "or put Graphviz's `dot` on PATH"
    )


def layout_and_render(dot_text: str, formats: tuple[str, ...], image_roots: tuple[str, ...]) -> Rendered:
    """Lay `dot_text` out once and render each format in `formats`.

    `image_roots` are the folders icon names in the DOT are relative to. SVG
    output gets its icons embedded as data URIs.
    """
    wanted = tuple(f for f in RENDER_FORMATS if f in formats)
    outputs: dict[str, bytes] = {}
    warnings: list[str] = []
    if wanted:
        if engine_name() == "pygraphviz":
            outputs, warnings = _render_in_process(dot_text, wanted, image_roots)
        else:
            outputs, warnings = _render_with_binary(dot_text, wanted, image_roots)
    if "svg" in outputs:
        outputs["svg"] = embed_icons(outputs["svg"], image_roots)
    if "dot" in formats:
        outputs["dot"] = dot_text.encode("utf-8")
    return Rendered({f: outputs[f] for f in formats}, tuple(warnings))


def _png_scale(width_pt: float, height_pt: float) -> float | None:
    """The dpi factor that keeps a PNG under cairo's pixel ceiling, or None if it fits."""
    largest = max(width_pt, height_pt) * PNG_DPI / 72.0
    if largest <= PNG_MAX_PIXELS:
        return None
    return PNG_TARGET_PIXELS / largest


def _png_warning(width_pt: float, height_pt: float, dpi: float) -> str:
    full = (round(width_pt * PNG_DPI / 72), round(height_pt * PNG_DPI / 72))
    return (
        f"PNG would be {full[0]:,} x {full[1]:,} px, over cairo's limit of {PNG_MAX_PIXELS:,} px; "
        f"scaled down to {dpi:.0f} dpi (use SVG or PDF for full detail)"
    )


def _render_in_process(
    dot_text: str, formats: tuple[str, ...], image_roots: tuple[str, ...]
) -> tuple[dict[str, bytes], list[str]]:
    import pygraphviz
    import pygraphviz.graphviz as gv

    try:
        graph = pygraphviz.AGraph(string=dot_text)
    except (ValueError, TypeError) as error:
        raise RenderError(f"Graphviz could not read the generated DOT: {error}") from None
    graph.graph_attr["imagepath"] = os.pathsep.join(image_roots)
    outputs: dict[str, bytes] = {}
    warnings: list[str] = []
    with _native_stderr(warnings):
        context = gv.gvContextWithBuiltins()
        _layout_and_render_all(context, graph, formats, outputs, warnings)
    return outputs, warnings


def _layout_and_render_all(
    context: Any, graph: Any, formats: tuple[str, ...], outputs: dict[str, bytes], warnings: list[str]
) -> None:
    import pygraphviz.graphviz as gv

    try:
        if gv.gvLayout(context, graph.handle, b"dot") != 0:
            raise RenderError("Graphviz layout failed")
        try:
            for fmt in formats:
                if fmt == "png":
                    width, height = _size_after_layout(context, graph)
                    scale = _png_scale(width, height)
                    if scale is not None:
                        outputs[fmt] = _scaled_png(context, graph, scale)
                        warnings.append(_png_warning(width, height, PNG_DPI * scale))
                        continue
                error, data = gv.gvRenderData(context, graph.handle, fmt.encode())
                if error:
                    raise RenderError(f"Graphviz could not render {fmt}")
                outputs[fmt] = data
        finally:
            gv.gvFreeLayout(context, graph.handle)
    finally:
        gv.gvFreeContext(context)
        graph.close()


@contextlib.contextmanager
def _native_stderr(warnings: list[str]) -> Iterator[None]:
    """Collect what libgraphviz prints on file descriptor 2 as warnings.

    Graphviz reports problems (a missing image, a layout it had to give up on)
    on the C stderr; they belong in sdiagram's own output, and the bundled
    fontconfig's complaints about the system's configuration do not.
    """
    import tempfile

    try:
        saved = os.dup(2)
    except OSError:  # pragma: no cover - no stderr at all
        yield
        return
    with tempfile.TemporaryFile() as sink:
        os.dup2(sink.fileno(), 2)
        try:
            yield
        finally:
            os.dup2(saved, 2)
            os.close(saved)
            sink.seek(0)
            text = sink.read().decode("utf-8", errors="replace")
    for line in text.splitlines():
        line = line.strip()
        # A label a little wider than its icon is drawn in full; not worth a
        # warning. The JSON layout output cannot load images and needs not.
        if (line and not line.startswith("Fontconfig") and not line.endswith("size too small for label")
                and 'No loadimage plugin for "png:json' not in line):
            warnings.append(f"Graphviz: {line.removeprefix('Warning: ')}")


def _size_after_layout(context: Any, graph: Any) -> tuple[float, float]:
    """Width and height in points of the laid-out graph (its bounding box)."""
    import pygraphviz.graphviz as gv

    # Rendering to "dot" attaches the layout (bb, pos) to the graph's attributes.
    error, _ = gv.gvRenderData(context, graph.handle, b"dot")
    if error:
        raise RenderError("Graphviz could not attach the layout")
    box = [float(v) for v in str(graph.graph_attr["bb"]).split(",")]
    pad = 2 * 0.5 * 72  # the graph's pad, on both sides
    return box[2] - box[0] + pad, box[3] - box[1] + pad


def _scaled_png(context: Any, graph: Any, scale: float) -> bytes:
    """Render the PNG at a lower dpi, keeping the layout (the `nop2` engine reuses positions)."""
    import pygraphviz
    import pygraphviz.graphviz as gv

    laid_out = pygraphviz.AGraph(string=graph.string())
    laid_out.graph_attr["dpi"] = f"{PNG_DPI * scale:.3f}"
    inner = gv.gvContextWithBuiltins()
    try:
        if gv.gvLayout(inner, laid_out.handle, b"nop2") != 0:
            raise RenderError("Graphviz could not re-render the PNG at a lower resolution")
        error, data = gv.gvRenderData(inner, laid_out.handle, b"png")
        gv.gvFreeLayout(inner, laid_out.handle)
        if error:
            raise RenderError("Graphviz could not render png")
        return data
    finally:
        gv.gvFreeContext(inner)
        laid_out.close()


def _render_with_binary(
    dot_text: str, formats: tuple[str, ...], image_roots: tuple[str, ...]
) -> tuple[dict[str, bytes], list[str]]:
    import subprocess
    import tempfile

    with tempfile.TemporaryDirectory(prefix="sdiagram-") as folder:
        command = ["dot", f"-Gimagepath={os.pathsep.join(image_roots)}"]
        for fmt in formats:
            command += [f"-T{fmt}", f"-o{os.path.join(folder, 'out.' + fmt)}"]
        result = subprocess.run(command, input=dot_text.encode(), capture_output=True, check=False)
        if result.returncode != 0:
            raise RenderError(f"dot failed: {result.stderr.decode(errors='replace').strip()}")
        outputs = {}
        for fmt in formats:
            with open(os.path.join(folder, "out." + fmt), "rb") as handle:
                outputs[fmt] = handle.read()
    warnings = [line for line in result.stderr.decode(errors="replace").splitlines() if line.strip()]
    return outputs, warnings


_IMAGE_HREF = re.compile(rb'(<image\b[^>]*?\bxlink:href=")([^"]*)(")')


def embed_icons(svg: bytes, image_roots: tuple[str, ...]) -> bytes:
    """Replace every icon reference in an SVG with a data URI.

    Graphviz writes the path it found the image at; only files inside
    `image_roots` are embedded. Anything else is an error rather than a path
    of the rendering machine left in a published file.
    """

    def replace(match: re.Match[bytes]) -> bytes:
        return match.group(1) + image_data_uri(match.group(2).decode("utf-8"), image_roots).encode("ascii") + match.group(3)

    return _IMAGE_HREF.sub(replace, svg)


def image_data_uri(reference: str, image_roots: tuple[str, ...]) -> str:
    """The data URI of an image named in a layout; RenderError unless it is a file inside `image_roots`."""
    roots = [os.path.realpath(root) for root in image_roots]
    candidates = [reference] if os.path.isabs(reference) else [os.path.join(r, reference) for r in roots]
    for candidate in candidates:
        real = os.path.realpath(candidate)
        if any(os.path.commonpath([root, real]) == root for root in roots) and os.path.isfile(real):
            return icons.data_uri(real)
    raise RenderError(f"the layout references an image outside the icon folders: {reference!r}")
