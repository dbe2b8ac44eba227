"""A bug in a tool is a clean `[internal_error]` result, and the server log has its traceback with
every key redacted (the result tells the user to look there)."""

from __future__ import annotations

import pytest
from mcp import Client
from mcp.server.mcpserver import Context
from mcp.types import CallToolResult

from mcp_ai_hub.config import Settings
from mcp_ai_hub.server import build_server
from mcp_ai_hub.server.results import tool_errors

pytestmark = pytest.mark.anyio

async def test_a_bug_gives_internal_error_and_a_redacted_traceback_in_the_log(hub_env, workdir, caplog):
    env = hub_env("openai")
    key = env["OPENAI_API_KEY"]
    server = build_server(Settings.load(environ=env, cwd=workdir))

    @server.tool()
    @tool_errors
    async def broken(ctx: Context) -> CallToolResult:
        raise KeyError(f"lookup with {key} failed")

    with caplog.at_level("ERROR", logger="mcp_ai_hub.server"):
        async with Client(server) as client:
            result = await client.call_tool("broken", {})
    assert result.is_error
    assert (
        result.content[0].text == "[internal_error] broken failed unexpectedly (KeyError); see the server log"
    )
    logged = "\n".join(r.getMessage() for r in caplog.records if r.name == "mcp_ai_hub.server")
    assert "Traceback" in logged and "in broken" in logged and "KeyError" in logged
    assert key not in logged and key[:12] not in logged
