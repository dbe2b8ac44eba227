"""synthesize_speech as a tool: default preset, argument checks before any call, the media:// copy,
and progress from transcribe_audio."""

from __future__ import annotations

import base64

import pytest

from tests.fakes import samples

pytestmark = [pytest.mark.anyio, pytest.mark.both_generations]


async def test_no_model_uses_the_best_tts_preset_for_the_keys_that_are_set(connect, hub_env, fakes):
    async with connect(hub_env("gemini")) as client:
        result = await client.call_tool("synthesize_speech", {"text": "Hello."})
    assert not result.is_error, result.content[0].text
    assert result.structured_content["model"] == "gemini/gemini-3.8-flash-tts"
    assert fakes["gemini"].calls(r"gemini-3\.8-flash-tts:generateContent")


@pytest.mark.parametrize(
    "args, code, words",
    [
        ({"text": "   "}, "invalid_argument", "text is empty"),
        ({"speakers": [{"speaker": "A", "text": ""}]}, "invalid_argument", "speakers[0] has no text"),
        ({"speakers": [{"text": "hello"}]}, "invalid_argument", "names neither a speaker nor a voice"),
        (
            {"text": "Hi", "model": "openai/gpt-4o-mini-transcribe"},
            "unsupported_capability",
            "does not do speech",
        ),
        ({"text": "Hi", "model": "openai/tts-9"}, "unknown_model", "unknown model"),
        ({"text": "Hi", "model": "elevenlabs/eleven_v3"}, "missing_api_key", "ELEVENLABS_API_KEY"),
    ],
)
async def test_bad_arguments_are_refused_with_their_codes(connect, hub_env, fakes, args, code, words):
    async with connect(hub_env("openai")) as client:
        result = await client.call_tool("synthesize_speech", {"model": "openai/gpt-4o-mini-tts", **args})
    assert result.is_error and result.content[0].text.startswith(f"[{code}]"), result.content[0].text
    assert words in result.content[0].text
    assert fakes["openai"].calls("/v1/audio/speech") == []


async def test_the_saved_audio_is_readable_as_a_media_resource(connect, hub_env, fakes):
    async with connect(hub_env("openai")) as client:
        result = await client.call_tool(
            "synthesize_speech", {"text": "Readable.", "model": "openai/gpt-4o-mini-tts", "format": "wav"}
        )
        read = await client.read_resource(result.structured_content["audio"]["resource_uri"])
    content = read.contents[0]
    assert content.mime_type == "audio/wav"
    assert base64.b64decode(content.blob) == fakes["openai"].state["speech_audio"]


async def test_transcription_reports_progress_while_it_uploads(connect, hub_env, workdir):
    from mcp_ai_hub.providers.gemini.transcription import INLINE_MAX_BYTES

    (workdir / "big.wav").write_bytes(samples.wav(0.1)[:44] + bytes(INLINE_MAX_BYTES))
    seen = []

    async def on_progress(progress: float, total: float | None, message: str | None) -> None:
        seen.append((progress, message))

    async with connect(hub_env("gemini")) as client:
        result = await client.call_tool(
            "transcribe_audio",
            {"audio": "big.wav", "model": "gemini/gemini-3.5-flash-lite"},
            progress_callback=on_progress,
        )
    assert not result.is_error, result.content[0].text
    assert seen == [
        (1, "uploading big.wav to the Gemini Files API"),
        (2, "transcribing with gemini/gemini-3.5-flash-lite"),
    ]


def test_every_speech_and_transcription_model_has_a_provider_module_that_can_do_its_formats():
    import importlib

    from mcp_ai_hub.catalog import Catalog

    catalog = Catalog.load()
    for provider, entry in catalog.entries():
        for capability in ("speech", "transcription"):
            if capability not in entry.capabilities:
                continue
            module = importlib.import_module(f"mcp_ai_hub.providers.{provider}.{capability}")
            if capability == "transcription":
                assert callable(module.transcribe) and module.MAX_INPUT_BYTES > 0
                continue
            assert callable(module.synthesize)
            if provider == "wavespeed" and module.is_music(entry.wire_id):
                # music: no voices, and WaveSpeed picks the format (the manifest promises none)
                assert not entry.formats and not entry.default_voice, entry.id
                continue
            supported = {"openai": "FORMAT_MIME", "gemini": "FORMATS", "elevenlabs": "OUTPUT_FORMATS",
                         "wavespeed": "FORMATS", "xai": "FORMATS"}[provider]
            assert entry.formats and set(entry.formats) <= set(getattr(module, supported)), (
                provider,
                entry.id,
            )
            assert entry.default_voice, (provider, entry.id)
