"""Tool definitions are built once per process: later servers reuse them, yet each answers from its
own settings, and a definition that differs (a description naming other providers) is built anew."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.anyio


async def test_a_second_server_reuses_the_definitions_but_keeps_its_own_settings(connect, hub_env, fakes):
    fakes["openai"].state["text"] = {"reply": "From A."}
    async with connect(hub_env("openai")) as with_key, connect(hub_env()) as without_key:
        listed_a = (await with_key.list_tools()).tools
        listed_b = (await without_key.list_tools()).tools
        assert [t.model_dump() for t in listed_a] == [t.model_dump() for t in listed_b]
        args = {"model": "openai/gpt-4.1-mini", "prompt": "Hi", "provider_options": {"stream": False}}
        answered = await with_key.call_tool("generate_text", args)
        refused = await without_key.call_tool("generate_text", args)
    assert not answered.is_error and answered.structured_content["text"] == "From A."
    assert refused.is_error and refused.content[0].text.startswith("[missing_api_key]")
    assert len(fakes["openai"].calls("/v1/chat/completions", "POST")) == 1


async def test_a_description_that_differs_gets_its_own_definition(connect, hub_env):
    endpoint = hub_env(AI_HUB_OPENAI_COMPATIBLE="lab=http://127.0.0.1:9/v1")
    async with connect(hub_env()) as builtins, connect(endpoint) as with_endpoint:
        plain = {t.name: t for t in (await builtins.list_tools()).tools}
        added = {t.name: t for t in (await with_endpoint.list_tools()).tools}
    assert "Together AI." in plain["generate_text"].description
    assert "Together AI or lab (OpenAI-compatible endpoint)." in added["generate_text"].description
    assert added["generate_text"].input_schema == plain["generate_text"].input_schema


COUNTING = """
import json, sys, anyio
from mcp.server.mcpserver.tools.base import Tool
built = []
original = Tool.from_function.__func__
Tool.from_function = classmethod(lambda cls, fn, **kw: built.append(fn.__name__) or original(cls, fn, **kw))
from mcp_ai_hub.server import build_server
server = build_server()
before = list(built)
tools = anyio.run(server.list_tools)
print(json.dumps({"at_build": before, "for_list": built[len(before):],
                  "tools": [t.model_dump(mode="json", exclude_none=True) for t in tools]}))
"""


def _fresh_process(tmp_path, **env: str) -> dict:
    import json
    import subprocess
    import sys

    environ = {
        "PATH": "/usr/bin:/bin",
        "HOME": str(tmp_path),
        "AI_HUB_STATE_DIR": str(tmp_path / "state"),
        **env,
    }
    out = subprocess.run(
        [sys.executable, "-c", COUNTING],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        cwd=tmp_path,
        env=environ,
    )
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


def test_tools_are_built_when_needed_and_the_list_comes_from_its_cache(tmp_path):
    first = _fresh_process(tmp_path)
    second = _fresh_process(tmp_path)
    assert first["at_build"] == [] and len(first["for_list"]) == 9  # nothing built before tools/list
    assert second["at_build"] == [] and second["for_list"] == []  # the cached list, nothing built
    assert second["tools"] == first["tools"] and len(first["tools"]) == 9
    cache = tmp_path / "state" / "tools-list.json"
    assert cache.exists()
    # a different tool list (a user endpoint changes generate_text's description) is built anew
    endpoint = _fresh_process(tmp_path, AI_HUB_OPENAI_COMPATIBLE="lab=http://127.0.0.1:9/v1")
    assert len(endpoint["for_list"]) == 9 and endpoint["tools"] != first["tools"]
    # a cache that cannot be read is ignored, and rewritten
    cache.write_text("{not json")
    again = _fresh_process(tmp_path)
    assert again["tools"] == first["tools"] and len(again["for_list"]) == 9
    assert _fresh_process(tmp_path)["for_list"] == []


async def test_a_call_builds_only_its_own_tool(hub_env, workdir):
    from mcp import Client

    from mcp_ai_hub.config import Settings
    from mcp_ai_hub.server import build_server

    settings = Settings.load(environ=hub_env(), cwd=workdir)
    await build_server(settings).list_tools()  # the cached list, as an earlier session leaves it
    server = build_server(settings)
    assert server._tool_manager._tools == {}
    async with Client(server) as client:  # the client lists the tools (from the cache), then calls one
        listed = await client.list_tools()
        result = await client.call_tool("list_models", {"capability": "video"})
    assert len(listed.tools) == 9 and listed.tools[0].input_schema["properties"]
    assert not result.is_error and list(server._tool_manager._tools) == ["list_models"]
