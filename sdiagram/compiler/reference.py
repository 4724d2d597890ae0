"""docs/blueprint.md: the reference page of the format, generated from the field tables.

`python -m sdiagram.compiler.reference > docs/blueprint.md` (or `make docs`)
regenerates it; a test fails while the checked-in page is stale.
"""

from __future__ import annotations

from ..catalog import KINDS
from .components import COMPONENT_FIELDS, GROUP_FIELDS, MAX_GROUP_DEPTH
from .connections import CONNECTION_FIELDS, MAX_EXPANSION
from .document import TOP_LEVEL_FIELDS
from .fields import Table
from .settings import LINT_FIELDS, PLACEMENT_FIELDS, TRAFFIC_FIELDS
from .views import VIEW_FIELDS
from .suppressions import SUPPRESSION_FIELDS

SECTIONS: tuple[tuple[str, str, Table], ...] = (
    ("Top level", "The keys of the blueprint file itself.", TOP_LEVEL_FIELDS),
    ("Components", "`components: {<id>: {...}}`: the boxes of the diagram. Ids are `[a-z][a-z0-9_-]*`.",
     COMPONENT_FIELDS),
    ("Groups", "`groups: {<id>: {...}}`: clusters drawn around components (`group:` on a component). "
     f"Groups nest through `parent:`, at most {MAX_GROUP_DEPTH} deep.", GROUP_FIELDS),
    ("Connection options", "`- a -> b: {...}` in `connections:`; `- a -> b: text` is the same as "
     "`{label: text}`.", CONNECTION_FIELDS),
    ("traffic", "`traffic: {...}`: back-of-envelope load inputs.", TRAFFIC_FIELDS),
    ("placement", "`placement: {...}`: defaults for every component's `zones` and `regions`.", PLACEMENT_FIELDS),
    ("views", "`views: {name: {...}}`: named subsets of the model, each drawn as `<name>.<view>.<format>`; a "
              "view holds the union of what its keys select (see docs/publishing.md).", VIEW_FIELDS),
    ("lint", "`lint: {...}`: lint settings that travel with the blueprint (see docs/lint.md).", LINT_FIELDS),
    ("Suppressions with a lifecycle", "`ignore: {<rule>: {...}}` on a component or in `lint:`, instead of "
     "`{<rule>: \"reason\"}`: a suppression that stops suppressing after `until` (see docs/lint.md).",
     SUPPRESSION_FIELDS),
)

_HEADER = f"""\
# Blueprint format reference

<!-- Generated from the field tables in sdiagram/compiler/ by `make docs`; do not edit. -->

A blueprint is a YAML file: `sdiagram: 1`, then `components`, and optionally
`groups`, `connections` and the settings below. Every key is optional unless
marked required; unknown keys are errors with a "did you mean". Editors that
speak the YAML language server get completion and hover help from the JSON
Schema (`sdiagram schema`) with this first line:

```yaml
# yaml-language-server: $schema=https://raw.githubusercontent.com/sdiagram/sdiagram/main/sdiagram/blueprint.schema.json
```
"""

_APPENDIX = f"""
## Connections

```yaml
connections:
  - users -> lb: HTTPS                  # a -> b, with an optional label
  - lb -> [api, web]                    # fan-out
  - "[api, worker] -> db"               # fan-in: quote it, YAML reads a leading [ as a list
  - api <-> cache                       # both ways, one drawn edge
  - web -> api -> db: {{op: read}}        # a chain: two connections with the same options
  - api -> users: {{reply: true}}         # a response path: drawn, but not a call
  - lb -> backend                       # an endpoint may be a group
```

Duplicate names in a list count once. One line may connect at most
{MAX_EXPANSION:,} pairs; connect a group instead of listing its members.

**`op` when it is not written** is inferred from the label's words:
*read* words (read, get, fetch, query, lookup, load, search, select, scan,
download, serve, hit, miss) make a read; *write* words (write, store, save,
insert, update, put, delete, upsert, persist, append, upload, publish,
produce, enqueue, record, create, ingest) make a write; no label, neither, or
both make `read_write`.

## Kinds

| kind | meaning |
| --- | --- |
""" + "".join(f"| `{kind.name}` | {kind.description} |\n" for kind in KINDS.values()) + """
`sdiagram kinds` lists them with the known technologies (`tech:`), their
aliases and icons.

How lint reads the kinds: """


def _kinds_for_lint() -> str:
    from ..lint import graph

    def names(kinds: frozenset[str]) -> str:
        return ", ".join(f"`{k}`" for k in sorted(kinds))

    return (
        f"callers ({names(graph.CALLER_KINDS)}) make synchronous calls, which cycle and chain rules follow; "
        f"front doors ({names(graph.FRONT_DOOR_KINDS)}) spread traffic over replicas; "
        f"delivery from {names(graph.DELIVERY_KINDS)} to a consumer is decoupled, never a call; "
        f"stateful kinds ({names(graph.STATEFUL_KINDS)}) without redundancy are single points of failure "
        f"wherever traffic reaches them; {names(graph.OFF_PATH_KINDS)} is off the request path and never a "
        f"single point of failure; {names(graph.SELF_STARTING_KINDS)} can start work with nothing upstream "
        "(a `scheduler` runs on its timetable); an `identity` provider is judged like any component it "
        "stands for (a managed `tech` such as okta or cognito is redundant by contract)."
    )


def _default(field) -> str:
    if field.required:
        return "required"
    if field.computed_default:
        return field.computed_default
    if field.default is None or field.default in ((), {}):
        return "-"
    if isinstance(field.default, bool):
        return "`true`" if field.default else "`false`"
    return f"`{field.default}`"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def reference_page() -> str:
    parts = [_HEADER]
    for title, intro, table in SECTIONS:
        parts.append(f"\n## {title}\n\n{intro}\n\n| key | type | default | meaning | example |\n"
                     "| --- | --- | --- | --- | --- |\n")
        for field in table:
            parts.append(f"| `{field.name}` | {field.reader.type_text()} | {_cell(_default(field))} | "
                         f"{_cell(field.help)} | `{_cell(field.example)}` |\n")
    parts.append(_APPENDIX + _kinds_for_lint() + "\n")
    return "".join(parts)


if __name__ == "__main__":
    print(reference_page(), end="")
