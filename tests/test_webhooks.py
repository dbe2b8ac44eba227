"""Webhooks (AI_HUB_PUBLIC_URL): fal and WaveSpeed submits ask for a callback to
`/webhooks/{provider}/{job_id}?t=<token>`, the fakes call it back when the job ends (signed as each
provider signs), and the HTTP mode's route makes the poller poll at once. With a poll interval of a
minute a job still ends within a second or so; forged, unsigned, stale or wrong-token deliveries
change nothing and are refused; without AI_HUB_PUBLIC_URL no webhook is asked for."""

from __future__ import annotations

import json
import logging
import socket
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import anyio
import httpx2
import pytest
import uvicorn
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from mcp_ai_hub.config import Settings, SettingsError
from mcp_ai_hub.server import build_server
from mcp_ai_hub.server.http_mode import HideWebhookTokens, http_app
from tests import pg_server
from tests.fakes.wavespeed_predictions import sign as wavespeed_sign

pytestmark = pytest.mark.anyio

SLOW = {"AI_HUB_POLL_INTERVAL": "60"}  # only the first poll (right after the submit) would come soon
MODELS = {"fal": "fal/fal-ai/flux/dev", "wavespeed": "wavespeed/wavespeed-ai/flux-dev"}
STATUS_POLLS = {"fal": r"/requests/.+/status$", "wavespeed": r"/predictions/.+/result$"}
TOKEN = "Q7vX2mK9pR4tW8zB3nL6cF1hJ5dG0sYe"  # random-looking: redaction hides its 6-character runs


@asynccontextmanager
async def hub_over_http(
    workdir: Path, env: dict[str, str], *, public: bool = True
) -> AsyncIterator[tuple[str, Any]]:
    """The hub's HTTP app served in this event loop on a loopback port (its URL the public URL when
    `public`): yields (base URL, the hub's MCP server)."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    base = f"http://127.0.0.1:{sock.getsockname()[1]}"
    env = {**env, "AI_HUB_HTTP_TOKEN": TOKEN, **({"AI_HUB_PUBLIC_URL": base} if public else {})}
    settings = Settings.load(environ=env, cwd=workdir)
    server = build_server(settings)
    config = uvicorn.Config(http_app(server, settings, "127.0.0.1"), log_level="warning", lifespan="on")
    uv = uvicorn.Server(config)
    uv.install_signal_handlers = lambda: None  # type: ignore[method-assign] - the test runner's signals
    async with anyio.create_task_group() as tg:
        tg.start_soon(uv.serve, [sock])
        with anyio.fail_after(10):
            while not uv.started:
                await anyio.sleep(0.01)
        try:
            yield base, server
        finally:
            uv.should_exit = True


@asynccontextmanager
async def mcp_client(base: str):
    from mcp import Client
    from mcp.client.streamable_http import streamable_http_client

    auth = {"authorization": f"Bearer {TOKEN}"}
    async with (
        httpx2.AsyncClient(headers=auth, timeout=30) as http,
        Client(streamable_http_client(f"{base}/mcp", http_client=http)) as client,
    ):
        yield client


async def start_job(client, provider: str) -> dict:
    result = await client.call_tool(
        "generate_image", {"prompt": "a fox", "model": MODELS[provider], "wait_seconds": 0}
    )
    assert not result.is_error, result.content[0].text
    return result.structured_content["job"]


def submitted_hook(fake, provider: str) -> str:
    (submit,) = [
        r
        for r in fake.calls("^/queue/" if provider == "fal" else "^/api/v3/", "POST")
        if "/media/" not in r.path
    ]
    return submit.param("fal_webhook" if provider == "fal" else "webhook") or ""


@pytest.mark.parametrize("provider", ["fal", "wavespeed"])
async def test_a_job_ends_at_the_webhook_not_at_the_next_poll(provider, workdir, hub_env, fakes):
    fake = fakes[provider]
    fake.state["finish_after"] = 0.5
    async with hub_over_http(workdir, hub_env(provider, **SLOW)) as (base, _), mcp_client(base) as client:
        job = await start_job(client, provider)
        started = time.monotonic()
        done = await client.call_tool("get_job", {"job_id": job["job_id"], "wait_seconds": 15})
        took = time.monotonic() - started
    assert not done.is_error and done.structured_content["status"] == "succeeded", done.content[0].text
    assert took < 5, f"took {took:.1f}s: the webhook did not wake the poller"
    hook = submitted_hook(fake, provider)
    assert hook.startswith(f"{base}/webhooks/{provider}/{job['job_id']}?t=")
    assert len(hook.split("?t=")[1]) >= 40  # 32 random bytes
    (delivery,) = fake.state["deliveries"]
    assert delivery["url"] == hook and delivery["status"] == 200
    # the first poll (right after the submit), then the one the webhook asked for: no more
    assert len(fake.calls(STATUS_POLLS[provider], "GET")) == 2
    assert Path(done.structured_content["outputs"][0]["path"]).is_file()


def forgeries(fake, provider: str, job_id: str, hook: str) -> list[tuple[str, bytes, dict[str, str], int]]:
    """(url, body, headers, the expected answer) for deliveries that must change nothing."""
    wrong_token = hook.split("?t=")[0] + "?t=" + "x" * 43
    other_job = hook.replace(job_id, "job_" + "0" * 32)
    if provider == "fal":
        body = json.dumps(
            {"request_id": "req", "gateway_request_id": "req", "status": "OK", "payload": {"images": []}}
        ).encode()
        impostor = Ed25519PrivateKey.generate()
        signed = fake.sign("req", body)
        return [
            (wrong_token, body, signed, 404),
            (other_job, body, signed, 404),
            (hook.split("?")[0], body, signed, 404),  # no token at all
            (hook.replace("/fal/", "/wavespeed/"), body, signed, 404),
            (hook, body, {}, 401),  # unsigned
            (hook, body, fake.sign("req", body, key=impostor), 401),  # signed by someone else
            (hook, body + b" ", signed, 401),  # the body changed after signing
            (hook, body, fake.sign("req", body, timestamp=int(time.time()) - 3600), 401),  # a replay
            (hook, body, {**signed, "X-Fal-Webhook-Signature": "zz"}, 401),
        ]
    body = json.dumps({"id": "pred", "status": "completed", "outputs": []}).encode()
    signed = wavespeed_sign(body)
    return [
        (wrong_token, body, signed, 404),
        (other_job, body, signed, 404),
        (hook, body, {}, 401),
        (hook, body, wavespeed_sign(body, secret="whsec_someone-elses-secret"), 401),
        (hook, body + b" ", signed, 401),
        (hook, body, wavespeed_sign(body, timestamp=int(time.time()) - 3600), 401),
        (hook, body, {**signed, "webhook-signature": "v1,abc"}, 401),
    ]


@pytest.mark.parametrize("provider", ["fal", "wavespeed"])
async def test_forged_unsigned_and_wrong_token_webhooks_change_nothing(
    provider, workdir, hub_env, fakes, caplog
):
    fake = fakes[provider]
    fake.state["hold"] = True  # the job runs until released
    caplog.set_level(logging.INFO, logger="mcp_ai_hub")
    async with hub_over_http(workdir, hub_env(provider, **SLOW)) as (base, _), mcp_client(base) as client:
        job = await start_job(client, provider)
        hook = submitted_hook(fake, provider)
        await anyio.sleep(0.2)  # the first poll
        polls = len(fake.calls(STATUS_POLLS[provider], "GET"))
        async with httpx2.AsyncClient(timeout=10) as http:
            answers = [
                (await http.post(url, content=body, headers=headers)).status_code
                for url, body, headers, _ in forgeries(fake, provider, job["job_id"], hook)
            ]
            garbage = await http.post(hook, content=b"\xff" * 100, headers={"content-type": "text/plain"})
            too_big = await http.post(hook, content=b"x" * (9 * 1024 * 1024))
            wrong_method = await http.get(hook)
        await anyio.sleep(0.3)
        after = await client.call_tool("get_job", {"job_id": job["job_id"]})
    assert answers == [expected for *_, expected in forgeries(fake, provider, job["job_id"], hook)]
    assert garbage.status_code == 401 and too_big.status_code == 413 and wrong_method.status_code == 405
    assert len(fake.calls(STATUS_POLLS[provider], "GET")) == polls  # not one extra poll
    assert after.structured_content["status"] in ("queued", "running")
    token = hook.split("?t=")[1]
    assert token not in caplog.text and "refused" in caplog.text


@pytest.mark.parametrize("store", ["sqlite", "postgresql"])
async def test_a_verified_webhook_for_a_job_polled_by_another_replica_wakes_that_replica(
    store, workdir, hub_env, fakes, tmp_path
):
    """Two hubs on one job store: the webhook reaches the one not polling; the other polls at once
    (PostgreSQL: told by NOTIFY; a shared SQLite file: at its next scan, within 2 s)."""
    fake = fakes["fal"]
    fake.state["finish_after"] = 0.6
    env = hub_env("fal", **SLOW)
    if store == "postgresql":
        if why := pg_server.missing():
            pytest.skip(why)
        env["AI_HUB_JOB_STORE"] = pg_server.database()
    other = tmp_path / "other"
    other.mkdir()
    async with (
        hub_over_http(workdir, env) as (first, _),
        mcp_client(first) as client,
        hub_over_http(other, env, public=False) as (second, _),
    ):
        job = await start_job(client, "fal")
        hook = submitted_hook(fake, "fal")
        # the provider's callback reaches the second replica instead (a load balancer's choice)
        (scripted,) = fake.state["jobs"].values()
        scripted.extra.pop("on_finish")
        await fake_delivery_to(fake, hook.replace(first, second), scripted)
        delivered = time.monotonic()
        done = await client.call_tool("get_job", {"job_id": job["job_id"], "wait_seconds": 15})
        took = time.monotonic() - delivered
    assert done.structured_content["status"] == "succeeded", done.content[0].text
    # NOTIFY wakes it at once (about 0.03 s here); a shared SQLite file at the next scan (2 s apart)
    assert took < (0.75 if store == "postgresql" else 4), f"done {took:.2f}s after the delivery"


async def fake_delivery_to(fake, url: str, scripted) -> None:
    """Wait for the fake's job to end, then deliver its signed webhook to `url` (as fal would)."""
    from tests.fakes.fal_queue import webhook_delivery

    with anyio.fail_after(10):
        while not scripted.finished:
            await anyio.sleep(0.02)
    body, headers = webhook_delivery(fake, scripted)
    async with httpx2.AsyncClient(timeout=10) as http:
        answer = await http.post(url, content=body, headers=headers)
    assert answer.status_code == 200, answer.text


@pytest.mark.parametrize("provider", ["fal", "wavespeed"])
async def test_without_a_public_url_no_webhook_is_asked_for(provider, workdir, hub_env, fakes):
    fake = fakes[provider]
    env = hub_env(provider, AI_HUB_POLL_INTERVAL="0.02")
    async with hub_over_http(workdir, env, public=False) as (base, _), mcp_client(base) as client:
        result = await client.call_tool("generate_image", {"prompt": "a fox", "model": MODELS[provider]})
    assert not result.is_error and result.structured_content["images"], result.content[0].text
    (submit,) = [
        r
        for r in fake.calls("^/queue/" if provider == "fal" else "^/api/v3/", "POST")
        if "/media/" not in r.path
    ]
    assert submit.query == {} and "deliveries" not in fake.state


def test_the_public_url_setting_is_checked_at_start(tmp_path):
    def load(**env: str) -> Settings:
        return Settings.load(environ=env, cwd=tmp_path)

    assert load().public_url == ""
    assert load(AI_HUB_PUBLIC_URL="https://hub.example.com/").public_url == "https://hub.example.com"
    assert load(AI_HUB_PUBLIC_URL="https://example.com/hub").public_url == "https://example.com/hub"
    for bad in (
        "hub.example.com",
        "ftp://hub.example.com",
        "https://hub.example.com/?a=1",
        "https://user:pw@hub.example.com",
        "https://hub.example.com:99999",
    ):
        with pytest.raises(SettingsError, match="AI_HUB_PUBLIC_URL"):
            load(AI_HUB_PUBLIC_URL=bad)
    with pytest.raises(SettingsError, match="AI_HUB_FAL_JWKS_URL"):
        load(AI_HUB_FAL_JWKS_URL="jwks.json")


def test_the_access_log_never_shows_a_webhook_token():
    record = logging.LogRecord(
        "uvicorn.access",
        logging.INFO,
        __file__,
        1,
        '%s - "%s %s HTTP/%s" %d',
        ("127.0.0.1:5", "POST", "/webhooks/fal/job_1?t=s3cr3t-token&x=1", "1.1", 200),
        None,
    )
    assert HideWebhookTokens().filter(record)
    assert "s3cr3t" not in record.getMessage() and "/webhooks/fal/job_1?t=***&x=1" in record.getMessage()


@pytest.mark.parametrize("public", [True, False])
async def test_polls_are_4x_rarer_while_a_webhook_is_expected(public, workdir, hub_env, fakes):
    """fal FLUX is polled every 0.5 s at first; with a webhook expected, every 2 s."""
    fake = fakes["fal"]
    fake.state["hold"] = True
    async with hub_over_http(workdir, hub_env("fal"), public=public) as (base, _), mcp_client(base) as client:
        await start_job(client, "fal")
        await anyio.sleep(1.3)
        polls = len(fake.calls(STATUS_POLLS["fal"], "GET"))
    assert (polls == 1) if public else (polls >= 2), polls
