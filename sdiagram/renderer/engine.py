"""DOT -> Graphviz layout -> image bytes.

The engine is libgraphviz in-process through pygraphviz (its wheels bundle
Graphviz); a `dot` binary on PATH is the fallback. Either way the graph is laid
out once and every requested format is rendered from that one layout.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import importlib.util
import math
import os
import re
import shutil
from dataclasses import dataclass
from typing import Any, Iterator

from .. import icons
from . import packing
from .packed_graph import pack_graph
from .fonts import use_bundled_fonts
from .metrics import LayoutMetrics, measure as measure_layout, measure_geometry, xdot_ops
from .title import centre_title

# Graphviz's laid-out geometry with its draw operations (for the metrics) from
# the `dot` binary. In process, the metrics are read from the laid-out graph
# after an `xdot` render attached the draw operations to it (`_layout_geometry`):
# the same numbers (Graphviz's json is written from those attributes), without
# the cost of writing and reading 50-100 kB of JSON for every candidate.
LAYOUT_FORMAT = "json"
# What the in-process engine renders to attach the draw operations to the graph.
GEOMETRY_FORMAT = b"xdot"
_AGEDGE = 2  # cgraph's kind of object for an edge attribute

# json0: the layout itself (positions, no drawing operations), which the draw.io export is built from.
RENDER_FORMATS = ("svg", "png", "pdf", "json0")
FORMATS = RENDER_FORMATS + ("dot",)
PNG_DPI = 96.0
# cairo refuses bitmaps wider or taller than this many pixels.
PNG_MAX_PIXELS = 32_767
# What a scaled-down PNG aims for: a little under the limit, so that Graphviz's
# own rounding does not trip its "too large for cairo" rescale on top of ours.
PNG_TARGET_PIXELS = 32_000
# And at most this many pixels in all: cairo holds the whole bitmap (4 bytes a
# pixel) while it draws, so this bounds a PNG's memory to about 400 MB.
PNG_MAX_AREA = 100_000_000


class RenderError(Exception):
    """Rendering failed; the message is meant for the user."""


@dataclass(frozen=True)
class Rendered:
    outputs: dict[str, bytes]
    warnings: tuple[str, ...] = ()
    # The layout's quality (renderer.metrics), when asked for with `measure`.
    metrics: LayoutMetrics | None = None


# The system libraries the pygraphviz wheels load (`ldd` of their bundled
# Graphviz, cairo and pango) -> the Debian/Ubuntu package that provides each.
SYSTEM_LIBRARIES = {
    "libglib-2.0.so.0": "libglib2.0-0", "libgobject-2.0.so.0": "libglib2.0-0", "libX11.so.6": "libx11-6",
    "libXext.so.6": "libxext6", "libXrender.so.1": "libxrender1", "libxcb.so.1": "libxcb1",
    "libXau.so.6": "libxau6", "libXdmcp.so.6": "libxdmcp6", "libexpat.so.1": "libexpat1", "libz.so.1": "zlib1g",
    "libbsd.so.0": "libbsd0", "libmd.so.0": "libmd0", "libpcre2-8.so.0": "libpcre2-8-0", "libffi.so.8": "libffi8",
    "libstdc++.so.6": "libstdc++6", "libgcc_s.so.1": "libgcc-s1",
}
_MISSING_LIBRARY = re.compile(r"([\w.+-]+\.so[\w.]*): cannot open shared object file")


def engine_name() -> str:
    """'pygraphviz', 'dot' (the binary), or raises RenderError when there is neither."""
    try:
        import pygraphviz  # noqa: F401

        return "pygraphviz"
    except ImportError as error:
        if shutil.which("dot"):
            return "dot"
        if importlib.util.find_spec("pygraphviz") is not None:
            raise RenderError(_cannot_load(error)) from None
    raise RenderError(
        "no Graphviz engine: install pygraphviz (`pip install pygraphviz`, its wheels bundle Graphviz) "
        "or put Graphviz's `dot` on PATH"
    )


def in_process() -> bool:
    """Is the in-process engine (pygraphviz) the one layouts run with?"""
    try:
        return engine_name() == "pygraphviz"
    except RenderError:
        return False


def _cannot_load(error: ImportError) -> str:
    """Why an installed pygraphviz does not import: usually a system library its wheel expects."""
    text = str(error).strip()
    missing = _MISSING_LIBRARY.search(text)
    if missing is None:
        return f"pygraphviz is installed but cannot be loaded: {text}"
    library = missing.group(1)
    package = SYSTEM_LIBRARIES.get(library)
    hint = (f"install it (Debian/Ubuntu: apt-get install {package}); " if package else "install it; ")
    return (
        f"pygraphviz is installed but cannot be loaded: the system library {library} is missing; "
        f"{hint}the README lists every system package the wheels need"
    )


def layout_and_render(
    dot_text: str, formats: tuple[str, ...], image_roots: tuple[str, ...], measure: bool = False
) -> Rendered:
    """Lay `dot_text` out once and render each format in `formats`.

    `image_roots` are the folders icon names in the DOT are relative to. SVG
    output gets its icons embedded as data URIs. With `measure`, the layout's
    metrics come along (formats may then be empty: a layout, measured).
    `formats` may also name LAYOUT_FORMAT: the layout with its draw operations.
    """
    wanted = tuple(f for f in RENDER_FORMATS + (LAYOUT_FORMAT,) if f in formats)
    outputs: dict[str, bytes] = {}
    warnings: list[str] = []
    geometry: dict[str, Any] | None = None
    if wanted or measure:
        use_bundled_fonts()
        if engine_name() == "pygraphviz":
            outputs, warnings, geometry = _render_in_process(dot_text, wanted, image_roots, measure)
        else:
            wanted += (LAYOUT_FORMAT,) if measure and LAYOUT_FORMAT not in wanted else ()
            outputs, warnings = _render_with_binary(dot_text, wanted, image_roots)
    for fmt in wanted:
        if not outputs.get(fmt):
            # Seen when cairo cannot allocate an image: Graphviz reports success with no bytes.
            raise RenderError(f"Graphviz produced an empty {fmt}; nothing was written")
    if "svg" in outputs:
        outputs["svg"] = centre_title(embed_icons(outputs["svg"], image_roots))
    if "dot" in formats:
        outputs["dot"] = dot_text.encode("utf-8")
    metrics = None
    if measure:
        metrics = measure_geometry(geometry) if geometry is not None else measure_layout(outputs[LAYOUT_FORMAT])
    return Rendered({f: outputs[f] for f in formats}, tuple(warnings), metrics)


def _png_scale(width_pt: float, height_pt: float) -> float | None:
    """The dpi factor that keeps a PNG under cairo's side and area limits, or None if it fits."""
    width, height = (side * PNG_DPI / 72.0 for side in (width_pt, height_pt))
    if max(width, height) <= PNG_MAX_PIXELS and width * height <= PNG_MAX_AREA:
        return None
    return min(PNG_TARGET_PIXELS / max(width, height), 0.98 * math.sqrt(PNG_MAX_AREA / (width * height)))


def _png_warning(width_pt: float, height_pt: float, dpi: float) -> str:
    full = (round(width_pt * PNG_DPI / 72), round(height_pt * PNG_DPI / 72))
    limit = (
        f"over cairo's limit of {PNG_MAX_PIXELS:,} px" if max(full) > PNG_MAX_PIXELS
        else f"over the limit of {PNG_MAX_AREA // 1_000_000:,} million pixels"
    )
    return (
        f"PNG would be {full[0]:,} x {full[1]:,} px, {limit}; "
        f"scaled down to {dpi:.0f} dpi (use SVG or PDF for full detail)"
    )


def _render_in_process(
    dot_text: str, formats: tuple[str, ...], image_roots: tuple[str, ...], measure: bool = False
) -> tuple[dict[str, bytes], list[str], dict[str, Any] | None]:
    """The outputs, Graphviz's warnings and, with `measure`, the layout's geometry (`_layout_geometry`)."""
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
        geometry = _layout_and_render_all(context, graph, formats, outputs, warnings, measure)
    return outputs, warnings, geometry


def _layout_and_render_all(
    context: Any, graph: Any, formats: tuple[str, ...], outputs: dict[str, bytes], warnings: list[str],
    measure: bool = False,
) -> dict[str, Any] | None:
    import pygraphviz.graphviz as gv

    deferred = _take_deferred_edges(graph)
    try:
        if gv.gvLayout(context, graph.handle, b"dot") != 0:
            raise RenderError("Graphviz layout failed")
        # The `packed` variant: blocks moved into the empty corners (renderer/packing.py);
        # not with a large layout's second pass, which draws its own straight connections.
        wants_packing = not deferred and graph.graph_attr.get("sdiagram") == packing.PACKED
        packed = _packed_graph(context, graph) if wants_packing else None
        if packed is not None:
            gv.gvFreeLayout(context, graph.handle)
            graph.close()
            graph = packed
            if gv.gvLayout(context, graph.handle, b"nop2") != 0:
                raise RenderError("Graphviz could not draw the packed layout")
        elif deferred:
            # Pass 2 of the large-graph layout (see renderer/large.py).
            laid_out = _with_deferred_edges(context, graph, deferred)
            gv.gvFreeLayout(context, graph.handle)
            graph.close()
            graph = laid_out
            if gv.gvLayout(context, graph.handle, b"nop2") != 0:
                raise RenderError("Graphviz could not add the connections between groups")
        try:
            for fmt in formats:
                if fmt == "png":
                    outputs[fmt] = _png(context, graph, warnings)
                    continue
                error, data = gv.gvRenderData(context, graph.handle, fmt.encode())
                if error:
                    raise RenderError(f"Graphviz could not render {fmt}")
                outputs[fmt] = data
            if measure:  # last: the attributes it attaches must not reach the images
                return _layout_geometry(context, graph)
            return None
        finally:
            gv.gvFreeLayout(context, graph.handle)
    finally:
        gv.gvFreeContext(context)
        graph.close()


def _layout_geometry(context: Any, graph: Any) -> dict[str, Any]:
    """What `metrics.measure_geometry` reads, from the laid-out graph itself."""
    import pygraphviz.graphviz as gv

    error, _ = gv.gvRenderData(context, graph.handle, GEOMETRY_FORMAT)  # attaches bb, pos and the draw lists
    if error:
        raise RenderError("Graphviz could not attach the layout")

    def text(obj: Any, name: bytes) -> str:
        value = gv.agget(obj, name)
        return value.decode("utf-8") if value else ""

    def ops(obj: Any, name: bytes) -> list[dict[str, Any]]:
        value = text(obj, name)
        try:
            return xdot_ops(value) if value else []
        except ValueError as error:  # not the xdot this reader knows (another Graphviz)
            raise RenderError(f"could not read Graphviz's layout ({name.decode()}): {error}") from None

    root = graph.handle
    objects: list[dict[str, Any]] = []
    pending = [root]
    while pending:  # every subgraph, at any depth
        parent = pending.pop(0)
        subgraph = gv.agfstsubg(parent)
        while subgraph is not None:
            entry: dict[str, Any] = {"_ldraw_": ops(subgraph, b"_ldraw_")}
            box = text(subgraph, b"bb")
            if box:
                entry["bb"] = box
            objects.append(entry)
            pending.append(subgraph)
            subgraph = gv.agnxtsubg(subgraph)
    ids: dict[bytes, int] = {}
    edges: list[dict[str, Any]] = []
    node = gv.agfstnode(root)
    while node is not None:
        ids[gv.agnameof(node)] = len(ids)
        objects.append({
            "_gvid": ids[gv.agnameof(node)], "pos": text(node, b"pos"), "width": text(node, b"width"),
            "height": text(node, b"height"), "_ldraw_": ops(node, b"_ldraw_"),
        })
        node = gv.agnxtnode(root, node)
    node = gv.agfstnode(root)
    while node is not None:
        edge = gv.agfstout(root, node)
        while edge is not None:
            edges.append({
                "tail": ids[gv.agnameof(gv.agtail(edge))], "head": ids[gv.agnameof(gv.aghead(edge))],
                "_draw_": ops(edge, b"_draw_"), "_hdraw_": ops(edge, b"_hdraw_"), "_ldraw_": ops(edge, b"_ldraw_"),
            })
            edge = gv.agnxtout(root, edge)
        node = gv.agnxtnode(root, node)
    return {"bb": text(root, b"bb"), "_ldraw_": ops(root, b"_ldraw_"), "objects": objects, "edges": edges}


def _take_deferred_edges(graph: Any) -> list[tuple[str, str, dict[str, str]]]:
    """Remove the edges marked for pass 2 of a large layout; returns them."""
    import pygraphviz.graphviz as gv

    from .large import DEFERRED

    try:
        gv.agattr(graph.handle, _AGEDGE, b"sdiagram", None)
    except KeyError:  # no edge has the attribute: not a large layout (the usual case; reading every edge costs more)
        return []
    taken = []
    for edge in graph.edges():
        if edge.attr.get("sdiagram") == DEFERRED:
            attributes = {k: v for k, v in edge.attr.items() if v and k != "sdiagram"}
            taken.append((edge[0], edge[1], attributes))
            graph.delete_edge(edge)
    return taken


def _with_deferred_edges(context: Any, graph: Any, deferred: list[tuple[str, str, dict[str, str]]]) -> Any:
    """The laid-out graph (positions attached) with the deferred edges added back, unrouted."""
    import pygraphviz
    import pygraphviz.graphviz as gv

    error, _ = gv.gvRenderData(context, graph.handle, b"dot")  # attaches pos, bb, lp
    if error:
        raise RenderError("Graphviz could not attach the layout")
    laid_out = pygraphviz.AGraph(string=graph.string())
    for tail, head, attributes in deferred:
        laid_out.add_edge(tail, head, **attributes)
    return laid_out


def _packed_graph(context: Any, graph: Any) -> Any:
    """The dot layout of `graph` (laid out in `context`) with its top-level blocks packed
    (`packing.pack`), as a new graph for `nop2` to draw; None when packing does not pay.

    Connections between blocks that moved apart are routed again around what is
    in their way (`packing.route`) and their labels placed beside the new path
    (`packing.place_label`); the rest keep dot's drawing, moved with their block."""
    import pygraphviz
    import pygraphviz.graphviz as gv

    error, _ = gv.gvRenderData(context, graph.handle, GEOMETRY_FORMAT)  # attaches pos, bb, lp and draw lists
    if error:
        raise RenderError("Graphviz could not attach the layout")
    laid_out = pygraphviz.AGraph(string=graph.string())
    try:
        packed = pack_graph(laid_out)
    except (ValueError, KeyError, IndexError):  # geometry this reader does not know: dot's own picture
        packed = False
    except BaseException:
        laid_out.close()
        raise
    if not packed:
        laid_out.close()
        return None
    return laid_out


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
        # A label a little wider than its icon is drawn in full; not worth a warning.
        # The layout JSON carries no images: it has no loader for them, rightly.
        if (
            line
            and not line.startswith("Fontconfig")
            and not line.endswith("size too small for label")
            and ":json" not in line
            and ":xdot" not in line
        ):
            warnings.append(f"Graphviz: {line.removeprefix('Warning: ')}")


def _png(context: Any, graph: Any, warnings: list[str]) -> bytes:
    """The laid-out graph as a PNG: at PNG_DPI, or scaled down (with a warning) past cairo's limits."""
    import pygraphviz.graphviz as gv

    box_width, box_height = _size_after_layout(context, graph)
    pad = _pad_points(str(graph.graph_attr.get("pad") or ""))
    width, height = box_width + 2 * pad[0], box_height + 2 * pad[1]
    scale = _png_scale(width, height)
    if scale is not None:
        warnings.append(_png_warning(width, height, PNG_DPI * scale))
        return _scaled_png(context, graph, scale)
    written = graph.graph_attr.get("pad")
    if written:
        graph.graph_attr["pad"] = _whole_pixel_pad(box_width, box_height, pad)
    try:
        error, data = gv.gvRenderData(context, graph.handle, b"png")
    finally:
        if written:
            graph.graph_attr["pad"] = written
    if error:
        raise RenderError("Graphviz could not render png")
    return data


def _pad_points(pad: str) -> tuple[float, float]:
    """The graph's `pad` ("x" or "x,y", inches) in points; Graphviz's 4 pt when unset or unreadable."""
    try:
        sides = [float(v) * 72.0 for v in pad.split(",")] if pad else []
    except ValueError:
        sides = []
    if not sides or len(sides) > 2 or not all(math.isfinite(v) and v >= 0 for v in sides):
        return (4.0, 4.0)
    return (sides[0], sides[-1])


def _whole_pixel_pad(box_width: float, box_height: float, pad: tuple[float, float]) -> str:
    """A `pad` (inches, "x,y") at most 1 px larger than `pad` on each side that makes the
    PNG's background cover every pixel.

    cairo writes an opaque image as RGB and anything else as RGBA: a third more
    bytes to filter and compress (~25% of the time of a whole render goes into
    that) and a 10% larger file. Graphviz rounds the padded drawing's size to the
    nearest pixel, so when it rounds up, the last column or row is only partly
    covered by the background and the PNG needs an alpha channel. A size a
    quarter pixel over a whole number rounds down instead.
    """
    sides = []
    for box, side in zip((box_width, box_height), pad):
        pixels = (box + 2 * side) * PNG_DPI / 72.0
        fraction = pixels - math.floor(pixels)
        extra = 0.0 if 0.05 <= fraction <= 0.45 else (0.25 - fraction) % 1.0
        sides.append((side + extra * 72.0 / PNG_DPI / 2) / 72.0)
    return f"{sides[0]:.6f},{sides[1]:.6f}"


def _size_after_layout(context: Any, graph: Any) -> tuple[float, float]:
    """Width and height in points of the laid-out graph's bounding box (without its pad)."""
    import pygraphviz.graphviz as gv

    # Rendering to "dot" attaches the layout (bb, pos) to the graph's attributes.
    error, _ = gv.gvRenderData(context, graph.handle, b"dot")
    if error:
        raise RenderError("Graphviz could not attach the layout")
    box = [float(v) for v in str(graph.graph_attr["bb"]).split(",")]
    return box[2] - box[0], box[3] - box[1]


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
    """The `dot` binary's layout; a large graph's deferred edges are added in a second
    pass (`-Knop2`, which keeps the positions), as in-process."""
    import tempfile

    first_pass, deferred = split_deferred_edges(dot_text)
    stderr: list[str] = []
    with tempfile.TemporaryDirectory(prefix="sdiagram-") as folder:
        command = ["dot", f"-Gimagepath={os.pathsep.join(image_roots)}"]
        if deferred:
            # Pass 2 of the large-graph layout (see renderer/large.py).
            laid_out = _run_dot(command + ["-Tdot"], first_pass, stderr)
            text = laid_out.decode("utf-8").rstrip()
            if not text.endswith("}"):
                raise RenderError("dot wrote no layout for the connections between groups")
            dot_text = text[:-1] + "".join(line + "\n" for line in deferred) + "}\n"
            command.append("-Knop2")
        for fmt in formats:
            command += [f"-T{fmt}", f"-o{os.path.join(folder, 'out.' + fmt)}"]
        _run_dot(command, dot_text, stderr)
        outputs = {}
        for fmt in formats:
            with open(os.path.join(folder, "out." + fmt), "rb") as handle:
                outputs[fmt] = handle.read()
    warnings = [line for line in stderr if line.strip()]
    return outputs, warnings


def _run_dot(command: list[str], dot_text: str, stderr: list[str]) -> bytes:
    import subprocess

    result = subprocess.run(command, input=dot_text.encode(), capture_output=True, check=False)
    if result.returncode != 0:
        raise RenderError(f"dot failed: {result.stderr.decode(errors='replace').strip()}")
    stderr += result.stderr.decode(errors="replace").splitlines()
    return result.stdout


# An edge statement of the DOT `renderer.dot` writes whose first attribute marks it for pass 2.
_DEFERRED_EDGE = re.compile(r'^\s*"(?:[^"\\]|\\.)*" -> "(?:[^"\\]|\\.)*" \[sdiagram=deferred[,\]]')


def split_deferred_edges(dot_text: str) -> tuple[str, list[str]]:
    """The DOT without the edges marked for pass 2 of a large layout, and those edge lines."""
    if "sdiagram=deferred" not in dot_text:
        return dot_text, []
    kept: list[str] = []
    deferred: list[str] = []
    for line in dot_text.splitlines():
        (deferred if _DEFERRED_EDGE.match(line) else kept).append(line)
    return "\n".join(kept) + "\n", deferred


_IMAGE_HREF = re.compile(rb'(<image\b[^>]*?\bxlink:href=")([^"]*)(")')
# An icon as Graphviz 14's SVG renderer writes it.
_ICON = re.compile(
    rb'<image xlink:href="([^"]*)" width="([^"]*)" height="([^"]*)" preserveAspectRatio="xMinYMin meet" '
    rb'x="([^"]*)" y="([^"]*)"/>'
)
_SVG_START = re.compile(rb"<svg\b[^>]*>")


def embed_icons(svg: bytes, image_roots: tuple[str, ...]) -> bytes:
    """Replace every icon reference in an SVG with a data URI.

    Graphviz writes the path it found the image at; only files inside
    `image_roots` are embedded. Anything else is an error rather than a path
    of the rendering machine left in a published file.

    Each icon is embedded once, in `<defs>`, and drawn with `<use>`: a
    diagram of 3,000 components with a handful of distinct icons is 2 MB
    rather than 68 MB, and a 2 MB custom icon on every component cannot blow
    the file up. The ids are content hashes, so two diagrams inlined in one
    HTML page cannot point at each other's icons.
    """

    @functools.lru_cache(maxsize=None)
    def data_uri(reference: str) -> bytes:
        return image_data_uri(reference, image_roots).encode("ascii")

    definitions: dict[bytes, bytes] = {}  # id -> <image> element

    @functools.lru_cache(maxsize=None)
    def definition(href: bytes, width: bytes, height: bytes) -> bytes:
        uri = data_uri(href.decode("utf-8"))
        shape = b'" width="' + width + b'" height="' + height + b'" preserveAspectRatio="xMinYMin meet"/>'
        key = b"icon-" + hashlib.sha256(uri + shape).hexdigest()[:16].encode("ascii")
        definitions.setdefault(key, b'<image id="' + key + b'" xlink:href="' + uri + shape)
        return key

    def use(match: re.Match[bytes]) -> bytes:
        href, width, height, x, y = match.groups()
        return b'<use xlink:href="#' + definition(href, width, height) + b'" x="' + x + b'" y="' + y + b'"/>'

    svg = _ICON.sub(use, svg)
    # Any other image reference (another Graphviz's layout of the element) is embedded where it is.
    svg = _IMAGE_HREF.sub(lambda m: m.group(1) + data_uri(m.group(2).decode("utf-8")) + m.group(3), svg)
    start = _SVG_START.search(svg)
    if definitions and start is not None:
        defs = b"\n<defs>\n" + b"\n".join(definitions.values()) + b"\n</defs>"
        svg = svg[: start.end()] + defs + svg[start.end() :]
    return svg


def image_data_uri(reference: str, image_roots: tuple[str, ...]) -> str:
    """The data URI of an image named in a layout; RenderError unless it is a file inside `image_roots`."""
    roots = [os.path.realpath(root) for root in image_roots]
    candidates = [reference] if os.path.isabs(reference) else [os.path.join(r, reference) for r in roots]
    for candidate in candidates:
        real = os.path.realpath(candidate)
        if any(os.path.commonpath([root, real]) == root for root in roots) and os.path.isfile(real):
            return icons.data_uri(real)
    raise RenderError(f"the layout references an image outside the icon folders: {reference!r}")
