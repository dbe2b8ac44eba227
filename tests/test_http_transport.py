"""`mcp-ai-hub --transport http` serves Streamable HTTP at /mcp."""

from __future__ import annotations

import subprocess

import anyio
import pytest

from tests.http_server import free_port, wait_listening
from tests.test_stdio import child_env, hub_command

pytestmark = pytest.mark.anyio



async def test_streamable_http_transport_lists_tools_and_calls_them(workdir, hub_env):
    from mcp import Client

    port = free_port()
    proc = subprocess.Popen(  # noqa: ASYNC220 - spawning is instant; the wait below is async
       [hub_command(), "--transport", "http", "--port", str(port)], cwd=workdir,
                            env=child_env(workdir, hub_env()), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        await anyio.to_thread.run_sync(wait_listening, proc, port)
        async with Client(f"http://127.0.0.1:{port}/mcp") as client:
            tools = [t.name for t in (await client.list_tools()).tools]
            result = await client.call_tool("list_models", {"capability": "video"})
        assert "list_models" in tools
        assert result.structured_content["models"]
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    assert proc.stdout.read() == b""  # logs go to stderr, even over HTTP
