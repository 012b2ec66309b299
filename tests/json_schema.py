"""A JSON Schema validator for the keywords docs/check.schema.json uses (type, const, enum, pattern,
minimum, required, properties, additionalProperties, items, $ref to #/$defs): errors as paths."""

from __future__ import annotations

import re

TYPES = {
    "object": lambda v: isinstance(v, dict),
    "array": lambda v: isinstance(v, list),
    "string": lambda v: isinstance(v, str),
    "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "number": lambda v: isinstance(v, int | float) and not isinstance(v, bool),
    "boolean": lambda v: isinstance(v, bool),
    "null": lambda v: v is None,
}
KNOWN = {"$schema", "$id", "$defs", "$ref", "title", "description", "type", "const", "enum", "pattern", "minimum",
         "required", "properties", "additionalProperties", "items"}


def errors(instance, schema: dict, root: dict | None = None, path: str = "$") -> list[str]:
    root = root or schema
    unknown = set(schema) - KNOWN
    if unknown:  # a keyword this validator would silently ignore
        raise ValueError(f"{path}: keywords not supported: {sorted(unknown)}")
    if "$ref" in schema:
        name = schema["$ref"].removeprefix("#/$defs/")
        return errors(instance, root["$defs"][name], root, path)
    found = []
    if "type" in schema:
        types = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
        if not any(TYPES[t](instance) for t in types):
            return [f"{path}: {instance!r} is not of type {types}"]
    if "const" in schema and instance != schema["const"]:
        found.append(f"{path}: {instance!r} is not {schema['const']!r}")
    if "enum" in schema and not any(instance == e and type(instance) is type(e) for e in schema["enum"]):
        found.append(f"{path}: {instance!r} is not one of {schema['enum']}")
    if "pattern" in schema and isinstance(instance, str) and not re.search(schema["pattern"], instance):
        found.append(f"{path}: {instance!r} does not match {schema['pattern']}")
    if "minimum" in schema and TYPES["number"](instance) and instance < schema["minimum"]:
        found.append(f"{path}: {instance!r} is below {schema['minimum']}")
    if isinstance(instance, dict):
        found += [f"{path}: {name!r} is required" for name in schema.get("required", ()) if name not in instance]
        properties = schema.get("properties", {})
        for name, value in instance.items():
            if name in properties:
                found += errors(value, properties[name], root, f"{path}.{name}")
            elif schema.get("additionalProperties") is False:
                found.append(f"{path}: {name!r} is not allowed")
    if isinstance(instance, list) and "items" in schema:
        for i, item in enumerate(instance):
            found += errors(item, schema["items"], root, f"{path}[{i}]")
    return found
