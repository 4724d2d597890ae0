"""The JSON Schema (draft 2020-12) of the format, generated from the field tables."""

from __future__ import annotations

import json
from typing import Any

from .fields import Table

SCHEMA_ID = "https://raw.githubusercontent.com/sdiagram/sdiagram/main/sdiagram/blueprint.schema.json"
ID_PROPERTY_NAMES = {"pattern": "^[a-z][a-z0-9_-]*$"}


def table_schema(table: Table) -> dict[str, Any]:
    """A closed object schema: one property per row, with its help, default and example."""
    properties = {}
    for field in table:
        schema = dict(field.reader.schema())
        schema["description"] = field.help
        schema["markdownDescription"] = f"{field.help}\n\nExample: `{field.example}`"
        if not field.computed_default and isinstance(field.default, (str, int, float, bool)):
            schema["default"] = field.default
        properties[field.name] = schema
    result: dict[str, Any] = {"type": "object", "properties": properties, "additionalProperties": False}
    required = [field.name for field in table if field.required]
    if required:
        result["required"] = required
    return result


def id_mapping_schema(item: dict[str, Any], min_properties: int = 0, max_properties: int = 0) -> dict[str, Any]:
    """A mapping from ids to `item`."""
    result: dict[str, Any] = {"type": "object", "propertyNames": ID_PROPERTY_NAMES, "additionalProperties": item}
    if min_properties:
        result["minProperties"] = min_properties
    if max_properties:
        result["maxProperties"] = max_properties
    return result


def blueprint_schema() -> dict[str, Any]:
    from .document import TOP_LEVEL_FIELDS

    schema = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "title": "sdiagram blueprint",
        "description": "An architecture diagram as code: components, groups and connections. "
                       "See docs/blueprint.md.",
    }
    schema.update(table_schema(TOP_LEVEL_FIELDS))
    return schema


def schema_text() -> str:
    """The schema as the file shipped in the package and printed by `sdiagram schema`."""
    return json.dumps(blueprint_schema(), indent=2, ensure_ascii=False) + "\n"
