"""synthesize_speech on xAI Grok TTS (`POST /v1/tts`) through a real MCP client: the exact JSON
body, each codec saved with its type and duration, voices, speech tags, and what is refused
before any call."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.fakes.xai_speech import SECONDS_PER_CHAR

pytestmark = pytest.mark.anyio


async def speak(connect, env, **args):
    async with connect(env) as client:
        return await client.call_tool("synthesize_speech", {"model": "xai/grok-tts", **args})


def only_body(fake):
    calls = fake.calls("/v1/tts", "POST")
    assert len(calls) == 1
    return calls[0]


async def test_xai_speech_sends_the_exact_request_and_saves_the_streamed_audio(connect, hub_env, fakes):
    fake = fakes["xai"]
    text = "Hello there [laugh] <whisper>agent</whisper>."
    result = await speak(connect, hub_env("xai"), text=text, voice="Ara", speed=1.2, language="en",
                         provider_options={"text_normalization": True})
    assert not result.is_error, result.content[0].text
    call = only_body(fake)
    assert call.headers["authorization"] == f"Bearer {fake.key}"
    assert call.json() == {"text": text, "voice_id": "ara", "language": "en", "speed": 1.2,
                           "output_format": {"codec": "mp3", "sample_rate": 24000, "bit_rate": 128000},
                           "text_normalization": True}
    out = result.structured_content
    audio = out["audio"]
    path = Path(audio["path"])
    assert path.read_bytes() == fake.state["speech_audio"]
    assert (audio["mime_type"], path.suffix) == ("audio/mpeg", ".mp3")
    frames = round(len(text) * SECONDS_PER_CHAR * 44100 / 1152)
    assert audio["duration_seconds"] == round(frames * 1152 / 44100, 3)
    assert (out["model"], out["provider"], out["characters"], out["voice"], out["format"]) == (
        "xai/grok-tts", "xai", len(text), "ara", "mp3")


async def test_the_default_voice_and_language_detection_are_sent_when_none_is_given(connect, hub_env, fakes):
    result = await speak(connect, hub_env("xai"), text="Hi")
    assert not result.is_error, result.content[0].text
    body = only_body(fakes["xai"]).json()
    assert (body["voice_id"], body["language"]) == ("eve", "auto") and "speed" not in body


@pytest.mark.parametrize(("fmt", "codec", "mime", "suffix", "duration"), [
    ("wav", {"codec": "wav", "sample_rate": 24000}, "audio/wav", ".wav", 0.5),
    ("pcm", {"codec": "pcm", "sample_rate": 24000}, "audio/pcm", ".pcm", 0.5),
    ("ulaw", {"codec": "mulaw", "sample_rate": 8000}, "audio/basic", ".ulaw", 0.5),
])
async def test_each_xai_format_is_saved_with_its_type_and_duration(
    connect, hub_env, fakes, fmt, codec, mime, suffix, duration
):
    result = await speak(connect, hub_env("xai"), text="x" * 50, format=fmt)
    assert not result.is_error, result.content[0].text
    assert only_body(fakes["xai"]).json()["output_format"] == codec
    audio = result.structured_content["audio"]
    assert (audio["mime_type"], Path(audio["path"]).suffix, audio["duration_seconds"]) == (
        mime,
        suffix,
        duration,
    )
    assert Path(audio["path"]).read_bytes() == fakes["xai"].state["speech_audio"]


@pytest.mark.parametrize(("args", "words"), [
    ({"speed": 2.0}, "0.7 to 1.5"),
    ({"format": "opus"}, "cannot produce 'opus'"),
    ({"instructions": "calm"}, "no delivery instructions"),
    ({"text": "", "speakers": [{"speaker": "A", "voice": "eve", "text": "Hi"}]}, "dialogue"),
    ({"text": "x" * 15001}, "at most 15000 characters"),
    ({"provider_options": {"voice_id": "rex"}}, "set by the hub"),
])
async def test_what_xai_cannot_do_is_refused_before_any_call(connect, hub_env, fakes, args, words):
    result = await speak(connect, hub_env("xai"), **{"text": "Hello", **args})
    assert result.is_error and result.content[0].text.startswith("[invalid_argument]"), result.content[0].text
    assert words in result.content[0].text
    assert fakes["xai"].calls("/v1/tts") == []


async def test_an_xai_rejection_is_a_bad_request_and_a_missing_key_names_the_variable(
    connect, hub_env, fakes
):
    result = await speak(connect, hub_env("xai"), text="Hi", voice="nobody")
    assert (
        result.content[0].text.startswith("[provider_bad_request]")
        and "unknown voice" in result.content[0].text
    )
    result = await speak(connect, hub_env(), text="Hi")
    assert result.content[0].text.startswith("[missing_api_key]") and "XAI_API_KEY" in result.content[0].text
