"""A speech response that is not audio of the requested format (a JSON or text body with 200, or
bytes whose container does not match) is [provider_unavailable] naming what came back, and no
file is saved: OpenAI, ElevenLabs and xAI, whose speech endpoints answer raw audio."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.anyio

CASES = {  # provider: (model, speech path, format)
    "openai": ("openai/gpt-4o-mini-tts", r"/v1/audio/speech$", "mp3"),
    "elevenlabs": ("elevenlabs/eleven_v3", r"/v1/text-to-speech/", "mp3"),
    "xai": ("xai/grok-tts", r"/v1/tts$", "mp3"),
}


@pytest.mark.parametrize("provider", sorted(CASES))
async def test_a_json_body_with_200_is_not_saved_as_audio(connect, hub_env, fakes, workdir, provider):
    model, path, fmt = CASES[provider]
    fakes[provider].inject(path, status=200, body={"error": {"message": "quota exceeded"}})
    async with connect(hub_env(provider)) as client:
        result = await client.call_tool("synthesize_speech", {"text": "Hello", "model": model, "format": fmt})
    text = result.content[0].text
    assert result.is_error and text.startswith(
        f"[provider_unavailable] {provider} answered the speech request with application/json, not mp3 audio"
    ), text
    assert "quota exceeded" in text
    out = workdir / "ai-hub-output"
    assert not out.exists() or list(out.iterdir()) == []


@pytest.mark.parametrize(
    ("fmt", "body"),
    [
        ("mp3", b"RIFF\x00\x00\x00\x00WAVEfmt "),
        ("wav", b"ID3\x04" + bytes(40)),
        ("flac", b"OggS" + bytes(40)),
    ],
)
async def test_bytes_of_another_container_are_refused(connect, hub_env, fakes, workdir, fmt, body):
    fakes["openai"].inject(
        r"/v1/audio/speech$", status=200, body=body, headers={"content-type": "audio/mpeg"}
    )
    async with connect(hub_env("openai")) as client:
        result = await client.call_tool(
            "synthesize_speech", {"text": "Hello", "model": "openai/gpt-4o-mini-tts", "format": fmt}
        )
    text = result.content[0].text
    assert result.is_error and text.startswith("[provider_unavailable]") and f"not {fmt} audio" in text, text
    out = workdir / "ai-hub-output"
    assert not out.exists() or list(out.iterdir()) == []
