"""synthesize_speech on OpenAI `audio/speech`, through a real MCP client in both protocol generations."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest
from mcp.types import AudioContent, ResourceLink

from tests.fakes.openai_speech import SECONDS_PER_CHAR

pytestmark = pytest.mark.anyio


async def speak(client, **args):
    return await client.call_tool("synthesize_speech", args)


async def test_openai_speech_sends_the_exact_request_and_saves_the_streamed_audio(connect, hub_env, fakes):
    fake = fakes["openai"]
    async with connect(hub_env("openai")) as client:
        result = await speak(
            client,
            text="Hello there, agent.",
            model="openai/gpt-4o-mini-tts",
            voice="Coral",
            instructions="Cheerful and quick",
            speed=1.25,
        )
    assert not result.is_error, result.content[0].text
    [call] = fake.calls("/v1/audio/speech", "POST")
    assert call.headers["authorization"] == f"Bearer {fake.key}"
    assert call.headers["accept"] == "application/octet-stream"
    assert call.json() == {"model": "gpt-4o-mini-tts", "input": "Hello there, agent.", "voice": "coral",
                           "response_format": "mp3", "instructions": "Cheerful and quick", "speed": 1.25}
    out = result.structured_content
    audio = out["audio"]
    path = Path(audio["path"])
    assert path.is_absolute() and path.read_bytes() == fake.state["speech_audio"]
    assert (audio["mime_type"], path.suffix, audio["bytes"]) == ("audio/mpeg", ".mp3", path.stat().st_size)
    frames = round(len("Hello there, agent.") * SECONDS_PER_CHAR * 44100 / 1152)
    assert audio["duration_seconds"] == round(frames * 1152 / 44100, 3)
    assert (out["model"], out["provider"], out["characters"], out["voice"], out["format"]) == (
        "openai/gpt-4o-mini-tts", "openai", 19, "coral", "mp3")
    text, link, inline = result.content
    assert str(path) in text.text
    assert isinstance(link, ResourceLink) and str(link.uri) == audio["resource_uri"]
    assert isinstance(inline, AudioContent) and inline.mime_type == "audio/mpeg"
    assert base64.b64decode(inline.data) == path.read_bytes()


@pytest.mark.parametrize("fmt, mime, suffix", [
    ("wav", "audio/wav", ".wav"), ("pcm", "audio/pcm", ".pcm"), ("opus", "audio/ogg", ".ogg"),
    ("aac", "audio/aac", ".aac"), ("flac", "audio/flac", ".flac"),
])
async def test_each_openai_format_is_saved_with_its_type_and_duration_where_known(
    connect, hub_env, fakes, fmt, mime, suffix
):
    async with connect(hub_env("openai")) as client:
        result = await speak(client, text="x" * 50, model="openai/gpt-4o-mini-tts", format=fmt)
    assert not result.is_error, result.content[0].text
    assert fakes["openai"].calls("/v1/audio/speech")[0].json()["response_format"] == fmt
    audio = result.structured_content["audio"]
    assert (audio["mime_type"], Path(audio["path"]).suffix) == (mime, suffix)
    assert Path(audio["path"]).read_bytes() == fakes["openai"].state["speech_audio"]
    if fmt in ("wav", "pcm"):  # 24 kHz 16-bit mono
        assert audio["duration_seconds"] == 0.5
    else:
        assert "duration_seconds" not in audio


async def test_a_custom_voice_id_is_sent_as_an_object(connect, hub_env, fakes):
    async with connect(hub_env("openai")) as client:
        result = await speak(client, text="Hi", model="openai/gpt-4o-mini-tts", voice="voice_1234abcd")
    assert not result.is_error
    assert fakes["openai"].calls("/v1/audio/speech")[0].json()["voice"] == {"id": "voice_1234abcd"}


async def test_audio_over_the_inline_cap_gets_a_link_but_no_inline_block(connect, hub_env):
    async with connect(hub_env("openai", AI_HUB_INLINE_MAX_BYTES="100")) as client:
        result = await speak(client, text="A longer sentence to speak.", model="openai/gpt-4o-mini-tts")
    assert not result.is_error
    assert [type(b).__name__ for b in result.content] == ["TextContent", "ResourceLink"]


@pytest.mark.parametrize(
    "args, code, words",
    [
        ({"language": "fr"}, "invalid_argument", "speaks the language of the text"),
        ({"text": "x" * 4097}, "invalid_argument", "4096 characters"),
        ({"speed": 5}, "invalid_argument", "0.25 to 4.0"),
        ({"format": "ulaw"}, "invalid_argument", "mp3, opus, aac, flac, wav, pcm"),
        (
            {"text": "", "speakers": [{"speaker": "A", "text": "hi"}, {"speaker": "B", "text": "yo"}]},
            "invalid_argument",
            "cannot voice a multi-speaker dialogue",
        ),
        (
            {"provider_options": {"response_format": "wav"}},
            "invalid_argument",
            "provider_options.response_format",
        ),
    ],
)
async def test_what_openai_cannot_do_is_refused_before_any_call(connect, hub_env, fakes, args, code, words):
    async with connect(hub_env("openai")) as client:
        result = await speak(client, **{"text": "Hello", "model": "openai/gpt-4o-mini-tts", **args})
    assert result.is_error
    assert result.content[0].text.startswith(f"[{code}]") and words in result.content[0].text
    assert fakes["openai"].calls("/v1/audio/speech") == []


async def test_openai_errors_and_a_missing_key_come_back_with_their_codes(connect, hub_env, fakes):
    async with connect(hub_env("openai")) as client:
        bad_voice = await speak(client, text="Hi", model="openai/gpt-4o-mini-tts", voice="robot")
    assert bad_voice.is_error and bad_voice.content[0].text.startswith("[provider_bad_request]")
    assert "Invalid value: 'robot'" in bad_voice.content[0].text and "HTTP 400" in bad_voice.content[0].text
    async with connect(hub_env()) as client:
        no_key = await speak(client, text="Hi", model="openai/gpt-4o-mini-tts")
    assert (
        no_key.content[0].text.startswith("[missing_api_key]") and "OPENAI_API_KEY" in no_key.content[0].text
    )


async def test_a_connection_dropped_mid_audio_is_an_error_and_leaves_no_file(
    connect, hub_env, fakes, workdir
):
    fakes["openai"].inject("/v1/audio/speech", drop=True)
    async with connect(hub_env("openai")) as client:
        result = await speak(client, text="Hello", model="openai/gpt-4o-mini-tts")
    assert result.is_error and result.content[0].text.startswith("[provider_unavailable]")
    assert len(fakes["openai"].calls("/v1/audio/speech")) == 1  # a billed call is not sent twice
    out = workdir / "ai-hub-output"
    assert not out.exists() or list(out.iterdir()) == []
