"""The real entry point: the installed `mcp-ai-hub` command spawned over stdio."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.anyio


# the initialize request of a raw JSON-RPC client on the pipes (the handshake generation)
INITIALIZE = {"jsonrpc": "2.0", "id": 1, "method": "initialize",
              "params": {"protocolVersion": "2025-11-25", "capabilities": {},
                         "clientInfo": {"name": "raw", "version": "0"}}}


def hub_command() -> str:
    beside = Path(sys.executable).parent / "mcp-ai-hub"
    found = str(beside) if beside.exists() else shutil.which("mcp-ai-hub")
    assert found, "the mcp-ai-hub console script is not installed"
    return found


def child_env(workdir: Path, extra: dict[str, str]) -> dict[str, str]:
    """The environment of a spawned server. Any request to a non-loopback host goes to a dead proxy
    on loopback and fails: the network guard for child processes."""
    keep = {k: v for k, v in os.environ.items() if k in ("PATH", "LANG", "SYSTEMROOT", "TMPDIR")}
    guard = {"HTTP_PROXY": "http://127.0.0.1:9", "HTTPS_PROXY": "http://127.0.0.1:9", "ALL_PROXY": "http://127.0.0.1:9",
             "NO_PROXY": "127.0.0.1,localhost"}
    return {**keep, **guard, "HOME": str(workdir), "AI_HUB_STATE_DIR": str(workdir / "state"), **extra}


async def test_installed_command_serves_tools_over_stdio_with_zero_keys(workdir, hub_env):
    from mcp import Client, StdioServerParameters

    params = StdioServerParameters(command=hub_command(), args=[], env=child_env(workdir, hub_env()),
                                   cwd=str(workdir))
    async with Client(params) as client:
        tools = [t.name for t in (await client.list_tools()).tools]
        result = await client.call_tool("list_models", {"detail": True, "provider": "anthropic"})
    assert "list_models" in tools
    assert not result.is_error
    assert {m["id"] for m in result.structured_content["models"]} >= {"anthropic/claude-opus-4-6"}


async def test_installed_command_speaks_the_handshake_generation(workdir, hub_env, fakes):
    from mcp import Client, StdioServerParameters

    params = StdioServerParameters(command=hub_command(), args=[], env=child_env(workdir, hub_env("xai")),
                                   cwd=str(workdir))
    async with Client(params, mode="legacy") as client:
        result = await client.call_tool("list_models", {"detail": True, "provider": "xai", "refresh": True})
    assert result.structured_content["refresh_errors"] == {}
    assert "xai/grok-live-only" in {m["id"] for m in result.structured_content["models"]}
    assert fakes["xai"].calls("/v1/models")  # the child process reached the loopback fake


def test_stdout_carries_only_protocol_messages(workdir, hub_env):
    """Raw JSON-RPC over the pipe: every stdout line must parse as a JSON-RPC message."""
    requests = [
        INITIALIZE,
        {"jsonrpc": "2.0", "method": "notifications/initialized"},
        {"jsonrpc": "2.0", "id": 2, "method": "tools/list"},
        {
            "jsonrpc": "2.0",
            "id": 3,
            "method": "tools/call",
            "params": {"name": "list_models", "arguments": {"capability": "nonsense"}},
        },
    ]
    proc = subprocess.Popen(
        [hub_command(), "--log-level", "DEBUG"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=child_env(workdir, hub_env()),
        cwd=workdir,
    )
    try:
        proc.stdin.write("".join(json.dumps(r) + "\n" for r in requests))
        proc.stdin.flush()
        lines = []
        while not any('"id": 3' in line or '"id":3' in line for line in lines):
            line = proc.stdout.readline()
            assert line, "server closed stdout before answering"
            lines.append(line)
        proc.stdin.close()
        proc.wait(timeout=30)
        rest, stderr = proc.stdout.read(), proc.stderr.read()
    finally:
        proc.kill()
    lines += rest.splitlines()
    messages = [json.loads(line) for line in lines if line.strip()]  # raises on any stray output
    assert all(m.get("jsonrpc") == "2.0" for m in messages)
    by_id = {m.get("id"): m for m in messages}
    assert {1, 2, 3} <= set(by_id)
    assert by_id[3]["result"]["isError"] is True
    assert by_id[3]["result"]["content"][0]["text"].startswith("[invalid_argument]")
    assert proc.returncode == 0, stderr
