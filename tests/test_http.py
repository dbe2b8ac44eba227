"""The shared HTTP stack against a loopback fake: retries, retry-after, billed submits, faults."""

from __future__ import annotations

import socket
import time

import pytest

from mcp_ai_hub.errors import ProviderAuth, ProviderRateLimited, ProviderUnavailable, redact, redact_data
from mcp_ai_hub.http import Http
from mcp_ai_hub.providers.openai import api as openai

pytestmark = pytest.mark.anyio
ERROR_500 = {
    "error": {
        "message": "The server had an error while processing your request.",
        "type": "server_error",
        "code": None,
    }
}


@pytest.fixture
async def http():
    client = Http()
    yield client
    await client.aclose()


async def test_429_is_retried_after_the_retry_after_delay(http, fakes):
    fake = fakes["openai"]
    fake.inject(
        "/v1/models",
        status=429,
        headers={"retry-after": "1"},
        body={"error": {"message": "Rate limit reached", "type": "requests", "code": "rate_limit_exceeded"}},
    )
    started = time.monotonic()
    response = await http.request(openai.API, fake.key, "GET", fake.url("/v1/models"))
    assert response.status_code == 200
    assert len(fake.calls("/v1/models")) == 2
    assert time.monotonic() - started >= 0.9


async def test_5xx_retries_are_bounded(http, fakes):
    fake = fakes["openai"]
    fake.inject("/v1/models", status=500, body=ERROR_500, headers={"retry-after": "0"}, times=10)
    with pytest.raises(ProviderUnavailable) as info:
        await http.request(openai.API, fake.key, "GET", fake.url("/v1/models"))
    assert len(fake.calls("/v1/models")) == 3
    assert "HTTP 500" in info.value.render() and "server had an error" in info.value.render()


async def test_a_billed_submit_is_not_resent_after_a_server_error(http, fakes):
    fake = fakes["openai"]
    fake.inject(
        "/v1/models", status=502, body=ERROR_500, headers={"retry-after": "0"}, times=10, method="POST"
    )
    with pytest.raises(ProviderUnavailable):
        await http.request(openai.API, fake.key, "POST", fake.url("/v1/models"), retry="submit", json={})
    assert len(fake.calls("/v1/models")) == 1


async def test_a_long_retry_after_is_reported_not_waited_out(http, fakes):
    fake = fakes["openai"]
    fake.inject(
        "/v1/models",
        status=429,
        headers={"retry-after": "3600"},
        times=5,
        body={"error": {"message": "Quota", "type": "insufficient_quota", "code": "insufficient_quota"}},
    )
    with pytest.raises(ProviderRateLimited) as info:
        await http.request(openai.API, fake.key, "GET", fake.url("/v1/models"))
    assert len(fake.calls("/v1/models")) == 1
    assert "retry after 3600s" in info.value.render()


async def test_a_dropped_connection_is_retried_for_idempotent_calls(http, fakes):
    fake = fakes["openai"]
    fake.inject("/v1/models", drop=True)
    response = await http.request(openai.API, fake.key, "GET", fake.url("/v1/models"))
    assert response.json()["object"] == "list"
    assert len(fake.calls("/v1/models")) == 2


async def test_a_dropped_generation_is_not_resent(http, fakes):
    fake = fakes["openai"]
    fake.inject("/v1/models", drop=True, method="POST")
    with pytest.raises(ProviderUnavailable):
        await http.request(openai.API, fake.key, "POST", fake.url("/v1/models"), retry="generate", json={})
    assert len(fake.calls("/v1/models")) == 1


async def test_wrong_key_is_provider_auth_from_the_real_error_body(http, fakes):
    fake = fakes["openai"]
    with pytest.raises(ProviderAuth) as info:
        await http.request(openai.API, "not-the-key", "GET", fake.url("/v1/models"))
    assert "Incorrect API key" in info.value.render() and info.value.status == 401


async def test_a_malformed_error_body_still_maps_by_status(http, fakes):
    fake = fakes["openai"]
    fake.inject("/v1/models", status=503, body=b"<html>upstream down</html>", times=5)
    with pytest.raises(ProviderUnavailable) as info:
        await http.request(openai.API, fake.key, "GET", fake.url("/v1/models"), retry="none")
    assert "HTTP 503" in info.value.render()


def test_redaction_hides_keys_and_their_echoes():
    key = "sk-abcd1234-efgh_5678ijkl"
    assert redact(f"bad key {key} and abcd1234xyz", [key]) == "bad key *** and ***xyz"
    # any run of 6+ of its characters, upper-cased or without its dashes/underscores
    assert redact("echo SK-ABCD12 / efgh5678 / 4efgh_5 / EFGH-5678-IJ", [key]) == "echo *** / *** / *** / ***"
    assert redact("sk-abc and 5678i stay", [key]) == "sk-abc and 5678i stay"  # 5 characters: not a fragment
    assert redact("nothing here", []) == "nothing here"
    nested = {"error": {"message": "key abcd1234efgh rejected", "n": 3}, "list": ["ijkl5678", "fine"]}
    assert redact_data(nested, [key]) == {
        "error": {"message": "key *** rejected", "n": 3},
        "list": ["ijkl5678", "fine"],
    }


def test_the_guard_refuses_non_loopback_addresses():
    with socket.socket() as sock, pytest.raises(RuntimeError, match="non-loopback"):
        sock.connect(("93.184.216.34", 443))


async def test_a_success_that_is_not_json_is_provider_unavailable(http, fakes):
    from mcp_ai_hub.http import json_of

    fake = fakes["openai"]
    fake.inject("/v1/models", malformed=True)
    response = await http.request(openai.API, fake.key, "GET", fake.url("/v1/models"))
    with pytest.raises(ProviderUnavailable) as info:
        json_of(response, openai.API)
    assert info.value.render().startswith("[provider_unavailable] openai sent a reply that is not JSON")
