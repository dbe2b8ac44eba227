"""Hostile or broken inputs end in a stable code: an aggregator model id that is not a model path
never reaches the provider, and a fal storage token answer that is not JSON is
[provider_unavailable], not an internal error."""

from __future__ import annotations

import pytest

from mcp_ai_hub.catalog import Catalog
from mcp_ai_hub.config import Settings
from mcp_ai_hub.errors import InvalidArgument
from tests.fakes import samples

pytestmark = pytest.mark.anyio

BAD_IDS = [
    "../../_fake/reset",
    "fal-ai/../secrets",
    "https://evil.example/x",
    "fal-ai/flux?x=1",
    "fal-ai//flux",
    "fal-ai/flux dev",
    "fal-ai/flux#frag",
    "./flux",
    "fal-ai/%2e%2e/x",
]


@pytest.mark.parametrize("provider", ["fal", "wavespeed", "together"])
def test_an_aggregator_id_outside_the_catalog_must_be_a_model_path(provider, tmp_path):
    catalog, settings = Catalog.load(), Settings.load(environ={}, cwd=tmp_path)
    for bad in BAD_IDS:
        with pytest.raises(InvalidArgument, match="is not a model path"):
            catalog.resolve(f"{provider}/{bad}", "image", settings)
    good = catalog.resolve(f"{provider}/some-owner/Model_v2.1-dev", "image", settings)
    assert (good.provider, good.model, good.entry) == (provider, "some-owner/Model_v2.1-dev", None)
    tagged = catalog.resolve(f"{provider}/owner/qwen3:4b", "image", settings)
    assert tagged.model == "owner/qwen3:4b"


async def test_a_traversing_fal_id_sends_nothing(connect, hub_env, fakes):
    async with connect(hub_env("fal")) as client:
        result = await client.call_tool("generate_image", {"prompt": "x", "model": "fal/../../_fake/reset"})
    assert result.is_error and result.content[0].text.startswith("[invalid_argument]")
    assert fakes["fal"].requests == []


async def test_a_fal_storage_token_that_is_not_json_is_provider_unavailable(hub_env, fakes, workdir):
    from mcp_ai_hub.errors import ProviderUnavailable
    from mcp_ai_hub.hub import Hub
    from mcp_ai_hub.inputs import resolve_input
    from mcp_ai_hub.providers.fal import storage

    hub = Hub(Settings.load(environ=hub_env("fal"), cwd=workdir), Catalog.load())
    (workdir / "still.png").write_bytes(samples.png(6, 5))
    fakes["fal"].inject("/rest/storage/auth/token$", malformed=True)
    try:
        with pytest.raises(ProviderUnavailable, match="storage token that is not JSON"):
            await storage.upload(hub, resolve_input("still.png", hub.settings))
    finally:
        await hub.aclose()
    assert len(fakes["fal"].calls("/rest/storage/auth/token$")) == 1
    assert fakes["fal"].calls("/cdn/v3/files/upload$") == []


@pytest.mark.parametrize(
    "value", ["a\x00b.png", "file:///tmp/a%00b.png", "dir/\x00", "x" * 5000 + ".png", "new\nline.png"]
)
def test_a_path_with_nul_control_characters_or_too_long_is_invalid_argument(value, tmp_path):
    from mcp_ai_hub.inputs import resolve_input

    with pytest.raises(InvalidArgument):
        resolve_input(value, Settings.load(environ={}, cwd=tmp_path), what="image")


async def test_a_nul_byte_in_every_file_taking_tool_is_invalid_argument(connect, hub_env):
    calls = {"generate_text": {"prompt": "x", "images": ["a\x00.png"], "model": "openai/gpt-5.2"},
             "generate_image": {"prompt": "x", "input_images": ["a\x00.png"], "model": "openai/gpt-image-2"},
             "transcribe_audio": {"audio": "a\x00.mp3", "model": "openai/whisper-1"},
             "generate_video": {"prompt": "x", "image": "a\x00.png", "model": "fal/fal-ai/minimax/video-01"}}
    async with connect(hub_env("openai", "fal")) as client:
        for tool, args in calls.items():
            result = await client.call_tool(tool, args)
            assert result.is_error and result.content[0].text.startswith("[invalid_argument]"), (
                tool,
                result.content,
            )


@pytest.mark.parametrize(("tool", "args", "said"), [
    ("generate_image", {"prompt": "x", "n": "abc"}, "n: Input should be a valid integer"),
    ("synthesize_speech", {"text": "hi", "speed": "fast"}, "speed: Input should be a valid number"),
    ("transcribe_audio", {}, "audio is required"),
    ("generate_video", {"prompt": 5}, "prompt: Input should be a valid string"),
    ("get_job", {}, "job_id is required"),
    ("list_models", {"refresh": "maybe"}, "refresh: Input should be a valid boolean"),
])
async def test_arguments_the_schema_refuses_are_invalid_argument_naming_the_parameter(
    connect, hub_env, fakes, tool, args, said
):
    async with connect(hub_env("openai")) as client:
        result = await client.call_tool(tool, args)
    text = result.content[0].text
    assert result.is_error and text.startswith(f"[invalid_argument] {tool}: {said}"), text
    assert "(parameter " in text and "Error executing tool" not in text
    assert fakes["openai"].requests == []


@pytest.mark.parametrize(("tool", "args"), [
    ("generate_text", {"prompt": "x", "model": "openai/gpt-6-luna"}),
    ("generate_image", {"prompt": "x", "model": "openai/gpt-image-2"}),
    ("synthesize_speech", {"text": "x", "model": "openai/gpt-4o-mini-tts"}),
    ("transcribe_audio", {"audio": "a.wav", "model": "openai/gpt-transcribe"}),
    ("generate_video", {"prompt": "x", "model": "fal/kling/v4"}),
])
@pytest.mark.parametrize("key", ["model", "model_id"])
async def test_provider_options_cannot_swap_the_model_that_is_checked_and_costed(
    connect, hub_env, fakes, workdir, tool, args, key
):
    (workdir / "a.wav").write_bytes(samples.wav(0.1))
    async with connect(hub_env("openai", "fal")) as client:
        result = await client.call_tool(tool, {**args, "provider_options": {key: "something-cheaper"}})
    text = result.content[0].text
    assert result.is_error, text
    assert text.startswith(f"[invalid_argument] provider_options cannot set '{key}'"), text
    assert fakes["openai"].requests == [] and fakes["fal"].requests == []
