"""HTTP mode is safe to expose: a non-loopback bind needs a bearer token, and the Host/Origin checks
are always on (421 for a foreign Host, 403 for a foreign Origin, 401 without the token)."""

from __future__ import annotations

import subprocess
from contextlib import asynccontextmanager
from pathlib import Path

import anyio
import httpx2
import pytest

from mcp_ai_hub.config import Settings, SettingsError
from mcp_ai_hub.server.http_mode import allowed_hosts, http_token, is_loopback
from tests.http_server import free_port, wait_listening
from tests.test_stdio import child_env, hub_command

pytestmark = pytest.mark.anyio

TOKEN = "t0k3n-for-the-http-tests-0123456789"
INIT = {"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
    "protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "probe", "version": "1"}}}
JSON_HEADERS = {"content-type": "application/json", "accept": "application/json, text/event-stream"}


@asynccontextmanager
async def serving(workdir: Path, env: dict[str, str], host: str):
    port = free_port()
    proc = subprocess.Popen(  # noqa: ASYNC220 - spawning is instant; the wait below is async
        [hub_command(), "--transport", "http", "--host", host, "--port", str(port)], cwd=workdir,
        env=child_env(workdir, env), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        await anyio.to_thread.run_sync(wait_listening, proc, port)
        yield f"http://127.0.0.1:{port}/mcp"
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        if proc.stdout:
            proc.stdout.close()
        if proc.stderr:
            proc.stderr.close()


def test_a_non_loopback_bind_without_a_token_refuses_to_start(workdir, hub_env):
    command = [hub_command(), "--transport", "http", "--host", "0.0.0.0", "--port", str(free_port())]
    result = subprocess.run(command, cwd=workdir, env=child_env(workdir, hub_env()), capture_output=True,
                            timeout=30, check=False)
    assert result.returncode == 2
    assert result.stdout == b""
    lines = result.stderr.decode().strip().splitlines()
    assert len(lines) == 1 and "AI_HUB_HTTP_TOKEN" in lines[0] and "0.0.0.0" in lines[0]


def test_token_rules_and_host_allow_list(tmp_path):
    def settings(**env: str) -> Settings:
        return Settings.load(environ=env, cwd=tmp_path)

    assert all(is_loopback(h) for h in ("127.0.0.1", "::1", "[::1]", "localhost"))
    assert not is_loopback("0.0.0.0") and not is_loopback("10.0.0.5") and not is_loopback("hub.example")
    assert http_token(settings(), "127.0.0.1") == ""
    with pytest.raises(SettingsError, match="AI_HUB_HTTP_TOKEN"):
        http_token(settings(), "::")
    with pytest.raises(SettingsError, match="too short"):
        http_token(settings(AI_HUB_HTTP_TOKEN="short"), "0.0.0.0")
    assert http_token(settings(AI_HUB_HTTP_TOKEN=TOKEN), "0.0.0.0") == TOKEN
    hosts = allowed_hosts(settings(AI_HUB_HTTP_ALLOWED_HOSTS="Hub.Example, proxy.internal"), "10.1.2.3")
    expected = {
        "127.0.0.1:*",
        "localhost:*",
        "10.1.2.3:*",
        "hub.example",
        "hub.example:*",
        "proxy.internal:*",
    }
    assert expected <= set(hosts)
    assert "0.0.0.0" not in allowed_hosts(settings(), "0.0.0.0")
    assert TOKEN in settings(AI_HUB_HTTP_TOKEN=TOKEN).secrets()  # redacted like a provider key


async def test_with_a_token_every_request_needs_it_and_foreign_hosts_and_origins_are_refused(
    workdir, hub_env
):
    from mcp import Client
    from mcp.client.streamable_http import streamable_http_client

    env = hub_env(AI_HUB_HTTP_TOKEN=TOKEN, AI_HUB_HTTP_ALLOWED_HOSTS="hub.example")
    async with serving(workdir, env, "0.0.0.0") as url:
        auth = {"authorization": f"Bearer {TOKEN}"}
        async with httpx2.AsyncClient(timeout=10) as http:
            no_token = await http.post(url, json=INIT, headers=JSON_HEADERS)
            wrong = await http.post(url, json=INIT, headers={**JSON_HEADERS, "authorization": "Bearer nope"})
            evil_origin = await http.post(url, json=INIT, headers={
                **JSON_HEADERS, **auth, "origin": "http://evil.example"})
            evil_host = await http.post(url, json=INIT, headers={
                **JSON_HEADERS, **auth, "host": "evil.example"})
            listed_host = await http.post(url, json=INIT, headers={
                **JSON_HEADERS, **auth, "host": "hub.example:8443", "origin": "https://hub.example:8443"})
        assert no_token.status_code == 401 and wrong.status_code == 401
        assert no_token.headers["www-authenticate"].startswith("Bearer")
        assert TOKEN not in no_token.text
        assert evil_origin.status_code == 403
        assert evil_host.status_code == 421
        assert listed_host.status_code == 200

        async with (httpx2.AsyncClient(headers=auth, timeout=30) as authed,
                    Client(streamable_http_client(url, http_client=authed)) as client):
            tools = [t.name for t in (await client.list_tools()).tools]
            result = await client.call_tool("list_models", {"capability": "video"})
        assert "generate_text" in tools and result.structured_content["models"]


async def test_loopback_without_a_token_still_checks_host_and_origin(workdir, hub_env):
    async with serving(workdir, hub_env(), "127.0.0.1") as url, httpx2.AsyncClient(timeout=10) as http:
        plain = await http.post(url, json=INIT, headers=JSON_HEADERS)
        evil_host = await http.post(url, json=INIT, headers={**JSON_HEADERS, "host": "evil.example"})
        evil_origin = await http.post(url, json=INIT, headers={**JSON_HEADERS, "origin": "http://evil.example"})
    assert plain.status_code == 200
    assert evil_host.status_code == 421
    assert evil_origin.status_code == 403
