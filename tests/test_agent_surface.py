"""What every session pays for in its context: the tool list and the default list_models result,
measured through a real MCP client, plus the compact and full list_models views and the
catalog://guide resource that the detail moved to."""

from __future__ import annotations

import json

import pytest

pytestmark = [pytest.mark.anyio, pytest.mark.both_generations]

MODEL_VISIBLE_MAX = 8192  # name + description + inputSchema of every tool
TOOLS_LIST_MAX = 16384  # the whole tools/list result
LIST_MODELS_MAX = 8192  # structured content of list_models with no arguments, whole catalog


def size(data) -> int:
    return len(json.dumps(data, separators=(",", ":"), ensure_ascii=False).encode())


def walk(node, path=""):
    """Every (path, schema object) in a JSON Schema."""
    if isinstance(node, dict):
        yield path, node
        for key, value in node.items():
            yield from walk(value, f"{path}/{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from walk(value, f"{path}/{i}")


async def test_the_tool_list_fits_its_budget(connect, hub_env):
    async with connect(hub_env()) as client:
        listed = await client.list_tools()
    tools = [t.model_dump(by_alias=True, exclude_none=True, mode="json") for t in listed.tools]
    visible = [{k: t[k] for k in ("name", "description", "inputSchema")} for t in tools]
    assert len(tools) == 9
    assert size(visible) <= MODEL_VISIBLE_MAX, size(visible)
    assert size({"tools": tools}) <= TOOLS_LIST_MAX, size({"tools": tools})
    for tool in tools:
        for where, node in walk(tool["inputSchema"]):
            assert "title" not in node or not isinstance(node["title"], str), (tool["name"], where)
            assert not any(b == {"type": "null"} for b in node.get("anyOf", [])), (tool["name"], where)
        output = tool["outputSchema"]
        assert "$defs" not in output and output["type"] == "object"
        for where, node in walk(output):
            if where.endswith("/properties"):
                for name, prop in node.items():  # no property without a schema keyword
                    assert {"type", "enum", "anyOf"} & set(prop), (tool["name"], where, name)
            assert "title" not in node or not isinstance(node["title"], str), (tool["name"], where)
        # every parameter says what it takes: a description, or a plain type its name explains
        for name, prop in tool["inputSchema"]["properties"].items():
            assert prop.get("description") or prop.get("type") in ("string", "boolean", "integer"), name


async def test_the_default_list_models_result_is_compact(connect, hub_env):
    async with connect(hub_env("anthropic")) as client:
        result = await client.call_tool("list_models", {})
        full = await client.call_tool("list_models", {"detail": True})
    out = result.structured_content
    assert size(out) <= LIST_MODELS_MAX, size(out)
    assert len(out["models"]) == len(full.structured_content["models"]) > 100  # the whole catalog
    lines = {line.split(" ", 1)[0]: line for line in out["models"]}
    assert lines["anthropic/claude-opus-5-5"] == "anthropic/claude-opus-5-5 [text] $4/$20/M (best-reasoning)"
    assert lines["openai/gpt-5.1"].endswith("DEPRECATED>openai/gpt-6.2-sol")
    assert any("/min" in line and "[transcription]" in line for line in out["models"])
    assert out["presets"]["best-reasoning"] == "anthropic/claude-opus-5-5" and out["keys_set"] == [
        "anthropic"
    ]
    assert "refresh_errors" not in out  # nothing was refreshed: nothing to say
    assert result.content[0].text.splitlines()[1] == out["models"][0]  # the text says the same


async def test_one_model_by_id_or_preset_gives_its_full_entry_with_parameter_notes(connect, hub_env):
    async with connect(hub_env()) as client:
        by_id = (
            await client.call_tool("list_models", {"model": "anthropic/claude-opus-5-5"})
        ).structured_content
        by_preset = (await client.call_tool("list_models", {"model": "best-reasoning"})).structured_content
        missing = await client.call_tool("list_models", {"model": "openai/gpt-nope"})
        retired = await client.call_tool("list_models", {"model": "gemini/imagen-4"})
    assert by_id["models"] == by_preset["models"]
    entry = by_id["models"][0]
    assert entry["id"] == "anthropic/claude-opus-5-5" and entry["context_window"] > 0
    assert "adaptive thinking" in entry["params"] and "provider_options" in entry["params"]
    assert "best-reasoning" in by_id["presets"] and not any(v is None for v in entry.values())
    assert missing.is_error and missing.content[0].text.startswith("[unknown_model]")
    assert not retired.is_error and retired.structured_content["models"][0]["status"] == "retired"


async def test_the_guide_resource_has_every_capability_and_provider(connect, hub_env):
    async with connect(hub_env()) as client:
        resources = {str(r.uri): r for r in (await client.list_resources()).resources}
        text = (await client.read_resource("catalog://guide")).contents[0].text
    assert resources["catalog://guide"].mime_type == "text/markdown"
    for capability in ("text", "image", "speech", "transcription", "video"):
        assert f"## {capability}" in text
    sections = dict(part.split("\n", 1) for part in text.split("## ")[1:])
    assert "**fal**" in sections["image"] and "**fal**" not in sections["text"]  # only where it serves
    assert "reasoning_effort" in sections["text"] and "image_size" in sections["image"]
    assert "no provider-specific notes" not in text  # every built-in provider documents its part
