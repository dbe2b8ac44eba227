"""Tool schemas as a client receives them: the SDK's pydantic-generated JSON Schemas, made compact.

Every session of every client pays for the tool list in its model's context (and the client's
memory), so the published schemas carry what a caller needs and nothing that repeats itself:
- input schemas: no `title` keys (the property name says it), no default that is the type's empty
  value (`""`, `[]`, `{}`, `false`: "leave it out" says the same), no `additionalProperties: true`
  (the JSON Schema default); descriptions and every other default stay;
- output schemas: types and structure only (no titles, descriptions or defaults; the contract in
  the README documents the fields): the top level's properties with their types, nested objects
  typed `object`, unions as `anyOf` of single types (no `type` lists, which single-type dialects
  reject), and no property without a schema keyword.

The SDK still validates arguments and builds results with the full pydantic models; these are
only what `tools/list` shows, and each is a faithful (never stricter) reading of the model's schema.
"""

from __future__ import annotations

from typing import Any

EMPTY_DEFAULTS = ("", [], {}, False)


def _inlined(schema: dict[str, Any]) -> dict[str, Any]:
    """The schema with every local `$ref` replaced by its definition (tool schemas have no cycles)."""
    defs = schema.get("$defs", {})

    def inline(node: Any) -> Any:
        if isinstance(node, list):
            return [inline(v) for v in node]
        if not isinstance(node, dict):
            return node
        if isinstance(node.get("$ref"), str) and node["$ref"].startswith("#/$defs/"):
            return inline(defs[node["$ref"].removeprefix("#/$defs/")])
        return {k: inline(v) for k, v in node.items() if k != "$defs"}

    return inline(schema)


def compact_input(schema: dict[str, Any]) -> dict[str, Any]:
    """An input schema without titles, `$defs` and defaults that only say "empty"."""

    def walk(node: Any) -> Any:
        if isinstance(node, list):
            return [walk(v) for v in node]
        if not isinstance(node, dict):
            return node
        out = {}
        for key, value in node.items():
            if key == "title" and isinstance(value, str):
                continue
            if key == "default" and any(value == e and type(value) is type(e) for e in EMPTY_DEFAULTS):
                continue
            if key == "additionalProperties" and value is True:
                continue  # the JSON Schema default
            out[key] = value if key in ("enum", "const", "default", "examples") else walk(value)
        if "properties" in node and isinstance(node["properties"], dict):  # property names, not keywords
            out["properties"] = {name: walk(prop) for name, prop in node["properties"].items()}
        return out

    return walk(schema)


OUTPUT_DEPTH = 1  # object levels whose properties an output schema spells out


def _types(node: dict[str, Any]) -> list[str]:
    """The JSON types a (ref-free) schema admits, as far as its `type`/`anyOf` say."""
    if isinstance(node.get("anyOf"), list):
        return [t for branch in node["anyOf"] if isinstance(branch, dict) for t in _types(branch)]
    kind = node.get("type")
    if isinstance(kind, list):
        return [str(k) for k in kind]
    if isinstance(kind, str):
        return [kind]
    if "enum" in node or "const" in node:
        return []
    return ["object"] if "properties" in node else []


def _typed(kinds: list[str]) -> dict[str, Any]:
    """One `type`, or `anyOf` single-type branches (a `type` list is legal but less portable: clients
    mapping schemas onto a single-type dialect, such as Gemini's function declarations, reject it)."""
    unique = list(dict.fromkeys(kinds))
    if not unique:
        return {}
    if len(unique) == 1:
        return {"type": unique[0]}
    return {"anyOf": [{"type": kind} for kind in unique]}


def compact_output(schema: dict[str, Any], depth: int = OUTPUT_DEPTH) -> dict[str, Any]:
    """An output schema with its structure and types only: `$ref`s inlined, the properties of the
    first `depth` object levels spelled out (deeper objects are just `object`), `anyOf` branches
    reduced to their types, no titles, descriptions, defaults or `additionalProperties: true`.
    Every instance the full schema admits, this one admits."""

    def walk(node: Any, level: int) -> dict[str, Any]:
        if not isinstance(node, dict):
            return {}
        if isinstance(node.get("anyOf"), list):
            branches = [walk(b, level) for b in node["anyOf"]]
            if all(set(b) <= {"type"} for b in branches):
                return _typed([t for b in branches for t in _types(b)])
            return {"anyOf": branches}
        kinds = _types(node)
        if "object" in kinds and level >= depth and "properties" in node:
            return {"type": "object"}
        out: dict[str, Any] = {}
        for key, value in node.items():
            if key in ("title", "description", "default", "examples"):
                continue
            if key == "additionalProperties" and value is True:
                continue
            if key == "properties" and isinstance(value, dict):
                out[key] = {name: walk(prop, level + 1) or {"type": "object"} for name, prop in value.items()}
            elif key == "items":
                if value:
                    out[key] = walk(value, level) or {}
                    if not out[key]:
                        del out[key]
            elif key in ("enum", "const", "required", "type"):
                out[key] = value
            elif isinstance(value, dict):
                out[key] = walk(value, level)
            else:
                out[key] = value
        return out

    return walk(_inlined(schema), 0)
