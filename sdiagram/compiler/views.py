"""`views:` (named subsets of one model) and the `tags:` of components they select by."""

from __future__ import annotations

from typing import Any

from ..model import View
from ..yamlsource import YMapping, YScalar, YSequence, YValue
from .fields import Field, Table, read_section
from .readers import INVALID, Context, Identifier, Integer, Reader, Text

MAX_VIEW_DEPTH = 100


class IdentifierList(Reader):
    """Ids: one, or a list of them (duplicates dropped, order kept)."""

    type_name = "id or list of ids"

    def read(self, ctx: Context, value: YValue, what: str) -> Any:
        items = value.items if isinstance(value, YSequence) else (value,)
        ids = [Identifier().read(ctx, item, what) for item in items]
        return tuple(dict.fromkeys(i for i in ids if i is not INVALID))

    def schema(self) -> dict[str, Any]:
        from .readers import ID_SCHEMA_PATTERN

        one = {"type": "string", "pattern": ID_SCHEMA_PATTERN}
        return {"anyOf": [one, {"type": "array", "items": one}]}


VIEW_FIELDS: Table = (
    Field("title", Text(), computed_default="the blueprint's title and the view's name",
          help="The title drawn above this view.", example="title: Storage tier"),
    Field("groups", IdentifierList(), default=(), help="Groups whose members (nested groups too) are in the view.",
          example="groups: [storage]"),
    Field("components", IdentifierList(), default=(), help="Components in the view.",
          example="components: [api, db]"),
    Field("tags", IdentifierList(), default=(), help="Components carrying any of these `tags:` are in the view.",
          example="tags: [pii]"),
    Field("around", Identifier(), help="A component: it and its neighbours up to `depth` connections away "
                                       "(either direction) are in the view.", example="around: chat"),
    Field("depth", Integer(0, MAX_VIEW_DEPTH), default=1, help="How many connections away from `around` to go.",
          example="depth: 2"),
)


class ViewsReader(Reader):
    """`views:`: name -> view; checked against the components, groups and tags."""

    type_name = "mapping of name to view"

    def read(self, ctx: Context, value: YValue, what: str) -> dict[str, View]:
        views: dict[str, View] = {}
        tags = {tag for component in ctx.components.values() for tag in component.tags}
        for name, key, spec in ctx.mapping_items(value, "views"):
            if Identifier().read(ctx, key, "view name") is INVALID:
                continue
            read = read_section(ctx, spec, f"view '{name}'", VIEW_FIELDS)
            if not isinstance(spec, YMapping):
                continue
            values, nodes = read.values, read.nodes
            for field_name, known, noun in (("groups", ctx.groups, "group"), ("components", ctx.components, "component"),
                                            ("tags", tags, "tag")):
                node = nodes.get(field_name)
                for item in node.items if isinstance(node, YSequence) else (node,) if node else ():
                    # the valid ids (invalid ones were reported by the reader), each at its own position
                    if isinstance(item, YScalar) and item.value in values.get(field_name, ()):
                        word = str(item.value)
                        if word not in known:
                            ctx.error(item.span, f"view '{name}': unknown {noun} '{word}'{ctx.did_you_mean(word, known)}")
            around = values.get("around")
            if around is not None and around not in ctx.components:
                ctx.error(nodes["around"].span,
                          f"view '{name}': unknown component '{around}'{ctx.did_you_mean(around, ctx.components)}")
            if "depth" in nodes and "around" not in nodes:
                ctx.error(nodes["depth"].span, f"view '{name}': depth counts from `around:`; add one")
            if not any(k in nodes for k in ("groups", "components", "tags", "around")):
                ctx.error(key.span, f"view '{name}' selects nothing: give groups, components, tags or around")
            views[name] = View(name=name, span=key.span, **values)
        return views

    def schema(self) -> dict[str, Any]:
        from .schema import id_mapping_schema, table_schema

        return id_mapping_schema(table_schema(VIEW_FIELDS))
