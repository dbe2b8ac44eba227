"""list_models and catalog://models through a real MCP client, in both protocol generations."""

from __future__ import annotations

import json
import math

import pytest

pytestmark = [pytest.mark.anyio, pytest.mark.both_generations]


async def call(client, name: str, args: dict | None = None):
    """list_models with full entries (the compact default has its own tests below)."""
    args = dict(args or {})
    if name == "list_models" and "model" not in args:
        args.setdefault("detail", True)
    return await client.call_tool(name, args)


async def test_list_models_with_no_keys_lists_every_provider_unavailable(connect, hub_env):
    async with connect(hub_env()) as client:
        result = await call(client, "list_models")
    assert not result.is_error
    models = result.structured_content["models"]
    assert {m["provider"] for m in models} == {
        "openai", "anthropic", "gemini", "xai", "elevenlabs", "wavespeed", "fal", "together"}
    assert not any(m["available"] for m in models)
    assert "0 available" in result.content[0].text
    assert not any(None in m.values() or "" in m.values() for m in models)  # no field that says nothing


async def test_available_follows_the_keys_that_are_set(connect, hub_env):
    async with connect(hub_env("anthropic", "fal")) as client:
        result = await call(client, "list_models", {"available_only": True})
    providers = {m["provider"] for m in result.structured_content["models"]}
    assert providers == {"anthropic", "fal"}


async def test_filters_by_capability_and_provider(connect, hub_env):
    async with connect(hub_env()) as client:
        video = (await call(client, "list_models", {"capability": "video"})).structured_content
        gemini_speech = (
            await call(client, "list_models", {"capability": "speech", "provider": "gemini"})
        ).structured_content
    assert video["models"] and all("video" in m["capabilities"] for m in video["models"])
    assert {p["capability"] for p in video["presets"].values()} == {"video"}
    assert {m["id"] for m in gemini_speech["models"]} == {
        "gemini/gemini-3.8-flash-tts", "gemini/gemini-3.8-flash-lite-tts",
        "gemini/gemini-2.5-flash-preview-tts", "gemini/gemini-2.5-pro-preview-tts"}


async def test_bad_filter_is_an_invalid_argument_error(connect, hub_env):
    async with connect(hub_env()) as client:
        result = await call(client, "list_models", {"capability": "telepathy"})
    assert result.is_error
    assert result.content[0].text.startswith("[invalid_argument]")


async def test_presets_resolve_to_the_first_candidate_with_a_key(connect, hub_env):
    async with connect(hub_env("gemini")) as client:
        with_gemini = (await call(client, "list_models")).structured_content["presets"]
    async with connect(hub_env("anthropic")) as client:
        with_anthropic = (await call(client, "list_models")).structured_content["presets"]
    assert with_gemini["best-reasoning"]["resolves_to"].startswith("gemini/")
    assert with_anthropic["best-reasoning"]["resolves_to"] == "anthropic/claude-opus-5-5"
    assert with_gemini["best-reasoning"]["available"] and with_anthropic["best-reasoning"]["available"]


async def test_refresh_merges_live_models_from_every_configured_provider(connect, hub_env, fakes):
    env = hub_env("openai", "anthropic", "gemini", "xai", "elevenlabs", "wavespeed", "fal", "together")
    async with connect(env) as client:
        out = (await call(client, "list_models", {"refresh": True})).structured_content
        again = (await call(client, "list_models")).structured_content
    assert out["refresh_errors"] == {}
    live = {m["id"] for m in out["models"] if m["source"] == "live"}
    assert {
        "openai/o9-live-only",
        "anthropic/claude-live-only-9",
        "gemini/gemini-live-only-9",
        "xai/grok-live-only",
        "elevenlabs/eleven_live_only",
        "wavespeed/acme/live-only-video",
        "fal/fal-ai/live-only",
        "together/Qwen/Qwen9-Live-Only",
    } <= live
    # models the catalog already has are not duplicated
    ids = [m["id"] for m in out["models"]]
    assert ids.count("anthropic/claude-opus-5-5") == 1 and ids.count("gemini/gemini-4-carbon") == 1
    # capabilities inferred from the listing where it says them
    by_id = {m["id"]: m for m in out["models"]}
    assert by_id["together/Qwen/Qwen9-Live-Only"]["capabilities"] == ["text"]
    assert by_id["wavespeed/acme/live-only-video"]["capabilities"] == ["video"]
    # the merge is kept for the session
    assert live <= {m["id"] for m in again["models"]}
    # every provider was asked with its real auth
    assert fakes["anthropic"].calls("/v1/models")[0].headers["x-api-key"] == fakes["anthropic"].key
    # paged, two models a page
    assert len(fakes["anthropic"].calls("/v1/models")) == math.ceil(len(fakes["anthropic"].model_ids) / 2)
    assert len(fakes["gemini"].calls("/v1beta/models")) == math.ceil(len(fakes["gemini"].models_data) / 2)


async def test_refresh_reports_a_failing_provider_and_lists_the_rest(connect, hub_env, fakes):
    fakes["openai"].inject(
        "/v1/models",
        status=500,
        body={"error": {"message": "The server had an error", "type": "server_error", "code": None}},
        times=5,
    )
    async with connect(hub_env("openai", "xai")) as client:
        out = (await call(client, "list_models", {"refresh": True})).structured_content
    assert set(out["refresh_errors"]) == {"openai"}
    assert out["refresh_errors"]["openai"].startswith("[provider_unavailable]")
    assert "HTTP 500" in out["refresh_errors"]["openai"]
    ids = {m["id"] for m in out["models"]}
    assert "xai/grok-live-only" in ids and "openai/gpt-5.2" in ids


async def test_refresh_with_a_wrong_key_reports_provider_auth_without_the_key(connect, hub_env, fakes):
    env = hub_env("openai", OPENAI_API_KEY="wrong-key-that-must-not-leak-123456")
    async with connect(env) as client:
        result = await call(client, "list_models", {"refresh": True})
    message = result.structured_content["refresh_errors"]["openai"]
    assert message.startswith("[provider_auth]") and "HTTP 401" in message
    assert "wrong-key" not in json.dumps(result.structured_content) + result.content[0].text


async def test_catalog_resource_is_json_of_every_model(connect, hub_env):
    async with connect(hub_env()) as client:
        resources = await client.list_resources()
        read = await client.read_resource("catalog://models")
    assert "catalog://models" in [str(r.uri) for r in resources.resources]
    data = json.loads(read.contents[0].text)
    assert len(data["models"]) > 50 and "best-code" in data["presets"]


async def test_tool_schema_is_flat_with_plain_optional_parameters(connect, hub_env):
    async with connect(hub_env()) as client:
        tools = {t.name: t for t in (await client.list_tools()).tools}
    schema = tools["list_models"].input_schema
    assert set(schema["properties"]) == {
        "capability", "provider", "model", "detail", "available_only", "refresh", "include_retired"}
    assert not any("anyOf" in p for p in schema["properties"].values())
    assert "text" in schema["properties"]["capability"]["enum"]
    assert tools["list_models"].output_schema["properties"]["models"]
    assert tools["list_models"].annotations.read_only_hint is True


async def test_a_listing_the_parser_cannot_read_is_provider_unavailable_with_the_traceback_logged(
    connect, hub_env, fakes, caplog
):
    fakes["elevenlabs"].inject("/v1/models", status=200, body=[{"name": "no model_id here"}])
    env = hub_env("elevenlabs", "xai")
    with caplog.at_level("WARNING", logger="mcp_ai_hub.listing"):
        async with connect(env) as client:
            out = (await call(client, "list_models", {"refresh": True})).structured_content
    assert set(out["refresh_errors"]) == {"elevenlabs"}
    message = out["refresh_errors"]["elevenlabs"]
    assert message.startswith("[provider_unavailable] unexpected model listing from elevenlabs (KeyError)")
    logged = "\n".join(r.getMessage() for r in caplog.records if r.name == "mcp_ai_hub.listing")
    assert "Traceback" in logged and "KeyError: 'model_id'" in logged
    assert env["ELEVENLABS_API_KEY"] not in logged
    assert "xai/grok-live-only" in {m["id"] for m in out["models"]}
