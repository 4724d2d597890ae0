"""The top level of a blueprint: its table, and compiling a whole document."""

from __future__ import annotations

import gc
import os

from ..catalog import KINDS
from ..diagnostics import BlueprintError, Diagnostic, Span
from ..model import DIRECTIONS, Blueprint, LayoutHints
from ..yamlsource import YMapping, YValue, describe
from .components import MAX_COMPONENTS, ComponentsReader, GroupsReader
from .connections import ConnectionsReader
from .fields import Field, Table, read_section
from .layout import LAYOUT
from .readers import Choice, Context, Identifier, Text, Version
from .settings import LINT, PLACEMENT, SLO, TRAFFIC
from .views import ViewsReader

FORMAT_VERSION = 1

TOP_LEVEL_FIELDS: Table = (
    Field("sdiagram", Version(FORMAT_VERSION), attr="format_version", default=FORMAT_VERSION,
          help="The format version.", example="sdiagram: 1"),
    Field("name", Identifier(), computed_default="the file's name",
          help="The output file name (`output/<name>.svg`).", example="name: chat"),
    Field("title", Text(), computed_default="the name", help="The title drawn above the diagram.",
          example="title: Chat System"),
    Field("summary", Text(), help="One or two sentences drawn under the title.",
          example="summary: Real-time messaging with groups and presence."),
    Field("direction", Choice(DIRECTIONS, normalize=lambda text: text.upper() if text.upper() in DIRECTIONS else None,
                              spellings=tuple(d.lower() for d in DIRECTIONS)),
          default="LR", help="The direction the diagram flows: left to right, top to bottom, ...",
          example="direction: TB"),
    Field("traffic", TRAFFIC, help="Back-of-envelope load inputs: `sdiagram estimate` turns them into load per "
                                   "component (lint also uses `read_write_ratio`).",
          example="traffic: {dau: 50M, requests_per_user: 40, read_write_ratio: \"10:1\", peak_factor: 3}"),
    Field("slo", SLO, help="Objectives every client entry path is checked against (`sdiagram estimate`, lint).",
          example="slo: {availability: 99.99%, latency_ms: 200}"),
    Field("placement", PLACEMENT, computed_default="1 zone, 1 region",
          help="Where components run unless they say otherwise (`zones`, `regions`).",
          example="placement: {zones: 3, regions: 1}"),
    Field("groups", GroupsReader(), default={}, help="Id -> group: clusters drawn around components.",
          example="groups: {storage: {label: Storage}}"),
    Field("components", ComponentsReader(), required=True,
          help=f"Id -> component (at most {MAX_COMPONENTS:,}); ids are `[a-z][a-z0-9_-]*`. Kinds: {', '.join(KINDS)}.",
          example="components: {api: {kind: service, replicas: 3}}"),
    Field("connections", ConnectionsReader(), default=(),
          help="`a -> b`, `a <-> b`, `a -> [b, c]`, `\"[a, b] -> c\"` (quoted), `a -> b -> c`; then an optional "
               "`: label` or `: {options}`. An endpoint may be a group.",
          example="connections: [\"api -> db: {op: write}\"]"),
    Field("layout", LAYOUT, default=LayoutHints(),
          help="Layout hints: `same_rank`, `order`, `group_order`, a pinned `variant` (see docs/blueprint.md).",
          example="layout: {same_rank: [[api, cache]], group_order: [[edge, storage]]}"),
    Field("views", ViewsReader(), default={},
          help="Name -> view: a subset of the model (by groups, components, tags, or `around` a component up to "
               "`depth`) drawn as `<name>.<view>.<format>`. The whole model is always drawn too; lint always "
               "checks the whole model.",
          example="views: {storage: {groups: [storage]}, checkout: {around: api, depth: 1}}"),
    Field("lint", LINT, help="Lint settings for this blueprint: `select`, `ignore`, `rules`.",
          example="lint: {ignore: {orphan-component: \"drawn for context\"}}"),
)


def compile_blueprint(document: YValue | None, path: str, problems: list[Diagnostic] | None = None) -> Blueprint:
    """Compile parsed YAML; `problems` are earlier ones from parsing, reported together."""
    ctx = Context(path)
    ctx.problems.extend(problems or ())
    # Compiling allocates an object or more per key and frees none in cycles;
    # the cyclic garbage collector would only rescan them, again and again.
    collecting = gc.isenabled()
    gc.disable()
    try:
        blueprint = _document(ctx, document)
    finally:
        if collecting:
            gc.enable()
    if ctx.problems or blueprint is None:
        raise BlueprintError(ctx.problems)
    return blueprint


def _document(ctx: Context, document: YValue | None) -> Blueprint | None:
    if document is None:
        ctx.error(Span(ctx.path, 1, 1), "the file is empty; a blueprint is a mapping with 'components'")
        return None
    if not isinstance(document, YMapping):
        ctx.error(document.span, f"a blueprint must be a mapping, not {describe(document)}")
        return None
    table = TOP_LEVEL_FIELDS
    if not any(key.value == "components" for key, _ in document.entries):
        ctx.error(document.span, "the blueprint has no 'components'")
        # without components every connection would be "unknown": don't read them
        table = tuple(field for field in table if field.name != "connections")
    read = read_section(ctx, document, "the blueprint", table)
    if "components" not in read.nodes:
        return None
    values = read.values
    placement = values.get("placement")
    if placement is not None and placement.zones < placement.regions:
        ctx.error(placement.span, f"placement: zones ({placement.zones}) must be at least regions "
                                  f"({placement.regions}): every region has a zone of its own")
    stem = os.path.splitext(os.path.basename(ctx.path))[0]
    values.setdefault("name", stem)
    values.setdefault("title", values["name"])
    return Blueprint(path=ctx.path, span=document.span, **values)
