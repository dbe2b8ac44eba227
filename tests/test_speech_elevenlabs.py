"""synthesize_speech on ElevenLabs: text-to-speech with output_format, voice settings and audio tags,
voices by name (manifest, then the voices endpoint, cached), and dialogue in one request."""

from __future__ import annotations

import wave
from pathlib import Path

import pytest

from tests.fakes.elevenlabs_speech import SECONDS_PER_CHAR

pytestmark = pytest.mark.anyio

RACHEL = "21m00Tcm4TlvDq8ikWAM"


async def speak(client, **args):
    return await client.call_tool("synthesize_speech", args)


async def test_tts_request_with_output_format_voice_settings_and_options(connect, hub_env, fakes):
    fake = fakes["elevenlabs"]
    async with connect(hub_env("elevenlabs")) as client:
        result = await speak(client, text="Guten Tag.", model="elevenlabs/eleven_turbo_v2_5", voice="rachel",
                             language="de", speed=1.1,
                             provider_options={"voice_settings": {"stability": 0.4}, "seed": 7,
                                               "optimize_streaming_latency": 2})
    assert not result.is_error, result.content[0].text
    [call] = fake.calls("/v1/text-to-speech/", "POST")
    assert call.path == f"/v1/text-to-speech/{RACHEL}"
    assert call.headers["xi-api-key"] == fake.key
    assert call.query == {"output_format": ["mp3_44100_128"], "optimize_streaming_latency": ["2"]}
    assert call.json() == {"text": "Guten Tag.", "model_id": "eleven_turbo_v2_5", "language_code": "de",
                           "voice_settings": {"stability": 0.4, "speed": 1.1}, "seed": 7}
    assert fake.calls("/v2/voices") == []  # a manifest voice needs no lookup
    out = result.structured_content
    assert Path(out["audio"]["path"]).read_bytes() == fake.state["speech_audio"]
    assert out["audio"]["mime_type"] == "audio/mpeg" and out["audio"]["duration_seconds"] > 0
    assert (out["model"], out["characters"], out["voice"], out["format"]) == (
        "elevenlabs/eleven_turbo_v2_5", 10, "rachel", "mp3")


async def test_eleven_v3_audio_tags_pass_through_untouched(connect, hub_env, fakes):
    text = "[whispers] I have a secret... [laughs] no, really."
    async with connect(hub_env("elevenlabs")) as client:
        result = await speak(client, text=text, model="elevenlabs/eleven_v3", voice="George")
    assert not result.is_error, result.content[0].text
    call = fakes["elevenlabs"].calls("/v1/text-to-speech/")[0]
    assert call.path == "/v1/text-to-speech/JBFqnCBsd6RMkjVDRZzb"
    assert call.json() == {"text": text, "model_id": "eleven_v3"}


async def test_a_voice_name_outside_the_manifest_is_found_through_the_voices_endpoint_once(
    connect, hub_env, fakes
):
    fake = fakes["elevenlabs"]
    async with connect(hub_env("elevenlabs")) as client:
        first = await speak(client, text="Once upon a time.", model="elevenlabs/eleven_multilingual_v2",
                            voice="narrator nina")
        second = await speak(
            client, text="The end.", model="elevenlabs/eleven_multilingual_v2", voice="Narrator Nina"
        )
    assert not first.is_error and not second.is_error, first.content[0].text
    [lookup] = fake.calls("/v2/voices", "GET")
    assert lookup.param("search") == "narrator nina" and lookup.param("page_size") == "100"
    assert lookup.headers["xi-api-key"] == fake.key
    assert [c.path for c in fake.calls("/v1/text-to-speech/")] == [
        "/v1/text-to-speech/nInA0000000000000001"
    ] * 2


async def test_voice_lookup_follows_pages(connect, hub_env, fakes):
    fake = fakes["elevenlabs"]
    fake.state["extra_voices"] = {
        **{f"zz{i:018d}": f"Echo {i}" for i in range(150)},
        "eChO0000000000000003": "Echo",
    }
    async with connect(hub_env("elevenlabs")) as client:
        result = await speak(client, text="Hi.", model="elevenlabs/eleven_v3", voice="Echo")
    assert not result.is_error, result.content[0].text
    assert [c.param("next_page_token") for c in fake.calls("/v2/voices")] == [None, "100"]
    assert fake.calls("/v1/text-to-speech/")[0].path == "/v1/text-to-speech/eChO0000000000000003"


async def test_an_unknown_voice_name_is_refused_with_the_names_there_are(connect, hub_env, fakes):
    async with connect(hub_env("elevenlabs")) as client:
        result = await speak(client, text="Hi.", model="elevenlabs/eleven_v3", voice="Nobody Here")
    assert result.is_error and result.content[0].text.startswith("[invalid_argument]")
    assert "Nobody Here" in result.content[0].text and "Rachel" in result.content[0].text
    assert fakes["elevenlabs"].calls("/v1/text-to-speech/") == []


async def test_a_voice_id_is_used_as_it_is(connect, hub_env, fakes):
    async with connect(hub_env("elevenlabs")) as client:
        result = await speak(
            client, text="Hi.", model="elevenlabs/eleven_flash_v2_5", voice="bOb00000000000000002"
        )
    assert not result.is_error
    assert fakes["elevenlabs"].calls("/v2/voices") == []
    assert (
        fakes["elevenlabs"].calls("/v1/text-to-speech/")[0].path == "/v1/text-to-speech/bOb00000000000000002"
    )


async def test_wav_is_24khz_pcm_saved_behind_a_header(connect, hub_env, fakes):
    async with connect(hub_env("elevenlabs")) as client:
        result = await speak(client, text="Twenty characters!!", model="elevenlabs/eleven_v3", format="wav")
    assert not result.is_error, result.content[0].text
    assert fakes["elevenlabs"].calls("/v1/text-to-speech/")[0].param("output_format") == "pcm_24000"
    audio = result.structured_content["audio"]
    with wave.open(audio["path"], "rb") as w:
        assert (w.getframerate(), w.getnchannels(), w.getsampwidth()) == (24000, 1, 2)
        assert w.readframes(w.getnframes()) == fakes["elevenlabs"].state["speech_audio"]
    assert audio["mime_type"] == "audio/wav"
    assert audio["duration_seconds"] == round(len(fakes["elevenlabs"].state["speech_audio"]) / 48000, 3)


@pytest.mark.parametrize("fmt, output_format, mime, seconds", [
    ("pcm", "pcm_24000", "audio/pcm", 0.19), ("opus", "opus_48000_128", "audio/ogg", None),
    ("ulaw", "ulaw_8000", "audio/basic", 0.19),
])
async def test_formats_map_to_output_format(connect, hub_env, fakes, fmt, output_format, mime, seconds):
    async with connect(hub_env("elevenlabs")) as client:
        result = await speak(client, text="Nineteen characters", model="elevenlabs/eleven_v3", format=fmt)
    assert not result.is_error, result.content[0].text
    assert fakes["elevenlabs"].calls("/v1/text-to-speech/")[0].param("output_format") == output_format
    audio = result.structured_content["audio"]
    assert audio["mime_type"] == mime and audio.get("duration_seconds") == seconds
    assert Path(audio["path"]).read_bytes() == fakes["elevenlabs"].state["speech_audio"]


async def test_dialogue_sends_every_turn_in_one_request(connect, hub_env, fakes):
    fake = fakes["elevenlabs"]
    turns = [{"speaker": "Host", "voice": "Rachel", "text": "[excited] Welcome to the show!"},
             {"speaker": "Guest", "voice": "Narrator Nina", "text": "Thanks for having me."},
             {"speaker": "Host", "text": "Let's begin."}]
    async with connect(hub_env("elevenlabs")) as client:
        result = await speak(client, model="elevenlabs/eleven_v3", speakers=turns, language="en")
    assert not result.is_error, result.content[0].text
    [call] = fake.calls("/v1/text-to-dialogue", "POST")
    assert call.param("output_format") == "mp3_44100_128"
    assert call.json() == {"inputs": [
        {"text": "[excited] Welcome to the show!", "voice_id": RACHEL},
        {"text": "Thanks for having me.", "voice_id": "nInA0000000000000001"},
        {"text": "Let's begin.", "voice_id": RACHEL}], "model_id": "eleven_v3", "language_code": "en"}
    assert fake.calls("/v1/text-to-speech/") == []
    out = result.structured_content
    assert out["voice"] == "Host=Rachel, Guest=Narrator Nina"
    assert out["characters"] == sum(len(t["text"]) for t in turns)
    assert Path(out["audio"]["path"]).read_bytes() == fake.state["speech_audio"]
    chars = out["characters"]
    assert out["audio"]["duration_seconds"] == pytest.approx(chars * SECONDS_PER_CHAR, abs=0.03)


@pytest.mark.parametrize(
    "args, words",
    [
        (
            {
                "model": "elevenlabs/eleven_turbo_v2_5",
                "speakers": [{"speaker": "A", "text": "a"}, {"speaker": "B", "text": "b"}],
            },
            "cannot voice a multi-speaker dialogue",
        ),
        (
            {"model": "elevenlabs/eleven_v3", "text": "Hi", "instructions": "whisper"},
            "audio tags such as [whispers]",
        ),
        ({"model": "elevenlabs/eleven_v3", "text": "Hi", "speed": 2}, "0.7 to 1.2"),
        (
            {"model": "elevenlabs/eleven_v3", "text": "Hi", "format": "flac"},
            "Use one of: mp3, opus, wav, pcm, ulaw",
        ),
    ],
)
async def test_what_elevenlabs_cannot_do_is_refused_before_any_call(connect, hub_env, fakes, args, words):
    async with connect(hub_env("elevenlabs")) as client:
        result = await speak(client, **args)
    assert result.is_error and result.content[0].text.startswith("[invalid_argument]")
    assert words in result.content[0].text
    assert fakes["elevenlabs"].calls("/v1/text-") == []


async def test_a_rejected_key_is_provider_auth_without_the_key(connect, hub_env):
    env = hub_env("elevenlabs", ELEVENLABS_API_KEY="sk_wrong_key_that_must_not_leak")
    async with connect(env) as client:
        result = await speak(client, text="Hi.", model="elevenlabs/eleven_v3")
    assert result.is_error and result.content[0].text.startswith("[provider_auth]")
    assert "Invalid API key" in result.content[0].text and "sk_wrong" not in result.content[0].text
