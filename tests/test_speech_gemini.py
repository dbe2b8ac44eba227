"""synthesize_speech on Gemini TTS: single voice and two-speaker dialogue; the raw 24 kHz PCM Gemini
returns is saved as a WAV that Python's `wave` module reads back with the right rate and length."""

from __future__ import annotations

import wave
from pathlib import Path

import pytest

pytestmark = pytest.mark.anyio

MODEL = "gemini/gemini-2.5-flash-preview-tts"


async def speak(client, **args):
    return await client.call_tool("synthesize_speech", {"model": MODEL, **args})


async def test_single_voice_request_and_a_wav_that_wave_opens_with_the_right_rate_and_length(
    connect, hub_env, fakes
):
    fake = fakes["gemini"]
    async with connect(hub_env("gemini")) as client:
        result = await speak(
            client,
            text="Have a wonderful day!",
            voice="puck",
            instructions="Say cheerfully",
            language="en-US",
        )
    assert not result.is_error, result.content[0].text
    [call] = fake.calls(r"/v1beta/models/gemini-2\.5-flash-preview-tts:generateContent", "POST")
    assert call.headers["x-goog-api-key"] == fake.key
    assert call.json() == {
        "contents": [{"role": "user", "parts": [{"text": "Say cheerfully:\nHave a wonderful day!"}]}],
        "generationConfig": {"responseModalities": ["AUDIO"], "speechConfig": {
            "voiceConfig": {"prebuiltVoiceConfig": {"voiceName": "Puck"}}, "languageCode": "en-US"}},
    }
    audio = result.structured_content["audio"]
    pcm = fake.state["tts_pcm"]
    with wave.open(audio["path"], "rb") as w:
        assert (w.getframerate(), w.getnchannels(), w.getsampwidth()) == (24000, 1, 2)
        assert w.getnframes() == len(pcm) // 2
        assert w.readframes(w.getnframes()) == pcm
    assert (audio["mime_type"], Path(audio["path"]).suffix, audio["bytes"]) == (
        "audio/wav",
        ".wav",
        len(pcm) + 44,
    )
    assert audio["duration_seconds"] == round(len(pcm) / 48000, 3)
    assert result.structured_content["voice"] == "Puck" and result.structured_content["format"] == "wav"


async def test_two_speaker_dialogue_uses_multi_speaker_voice_config(connect, hub_env, fakes):
    turns = [{"speaker": "Joe", "voice": "Kore", "text": "How's it going today, Jane?"},
             {"speaker": "Jane", "voice": "Puck", "text": "Not too bad, how about you?"},
             {"speaker": "Joe", "text": "Great."}]
    async with connect(hub_env("gemini")) as client:
        result = await speak(client, speakers=turns)
    assert not result.is_error, result.content[0].text
    body = fakes["gemini"].calls("generateContent")[0].json()
    assert body["contents"][0]["parts"][0]["text"] == (
        "TTS the following conversation between Joe and Jane:\n"
        "Joe: How's it going today, Jane?\nJane: Not too bad, how about you?\nJoe: Great.")
    assert body["generationConfig"]["speechConfig"] == {"multiSpeakerVoiceConfig": {"speakerVoiceConfigs": [
        {"speaker": "Joe", "voiceConfig": {"prebuiltVoiceConfig": {"voiceName": "Kore"}}},
        {"speaker": "Jane", "voiceConfig": {"prebuiltVoiceConfig": {"voiceName": "Puck"}}}]}}
    out = result.structured_content
    assert out["voice"] == "Joe=Kore, Jane=Puck"
    assert out["characters"] == sum(len(t["text"]) for t in turns)
    with wave.open(out["audio"]["path"], "rb") as w:
        assert w.readframes(w.getnframes()) == fakes["gemini"].state["tts_pcm"]


async def test_speakers_without_voices_get_distinct_ones_and_instructions_lead_the_dialogue(
    connect, hub_env, fakes
):
    turns = [{"speaker": "Ann", "text": "Hi."}, {"speaker": "Ben", "text": "Hello."}]
    async with connect(hub_env("gemini")) as client:
        result = await speak(client, speakers=turns, instructions="Make Ann sound tired and Ben excited")
    assert not result.is_error, result.content[0].text
    body = fakes["gemini"].calls("generateContent")[0].json()
    assert (
        body["contents"][0]["parts"][0]["text"]
        == "Make Ann sound tired and Ben excited:\nAnn: Hi.\nBen: Hello."
    )
    voices = [
        c["voiceConfig"]["prebuiltVoiceConfig"]["voiceName"]
        for c in body["generationConfig"]["speechConfig"]["multiSpeakerVoiceConfig"]["speakerVoiceConfigs"]
    ]
    assert voices == ["Kore", "Zephyr"]


async def test_pcm_format_saves_the_raw_samples(connect, hub_env, fakes):
    async with connect(hub_env("gemini")) as client:
        result = await speak(client, text="Raw please.", format="pcm", provider_options={"temperature": 0.3})
    assert not result.is_error, result.content[0].text
    assert fakes["gemini"].calls("generateContent")[0].json()["generationConfig"]["temperature"] == 0.3
    audio = result.structured_content["audio"]
    assert Path(audio["path"]).read_bytes() == fakes["gemini"].state["tts_pcm"]
    assert (audio["mime_type"], Path(audio["path"]).suffix) == ("audio/pcm", ".pcm")
    assert audio["duration_seconds"] == round(len(fakes["gemini"].state["tts_pcm"]) / 48000, 3)


@pytest.mark.parametrize(
    "args, words",
    [
        ({"text": "Hi", "format": "mp3"}, "Use one of: wav, pcm"),
        ({"text": "Hi", "speed": 1.5}, "no speed setting"),
        ({"speakers": [{"speaker": s, "text": "hi"} for s in "ABC"]}, "at most 2 speakers"),
        ({"text": "Hi", "speakers": [{"speaker": "A", "text": "hi"}]}, "either text or speakers"),
        (
            {
                "speakers": [
                    {"speaker": "A", "voice": "Kore", "text": "hi"},
                    {"speaker": "A", "voice": "Puck", "text": "yo"},
                ]
            },
            "two voices",
        ),
    ],
)
async def test_what_gemini_tts_cannot_do_is_refused_before_any_call(connect, hub_env, fakes, args, words):
    async with connect(hub_env("gemini")) as client:
        result = await speak(client, **args)
    assert result.is_error and result.content[0].text.startswith("[invalid_argument]")
    assert words in result.content[0].text
    assert fakes["gemini"].calls("generateContent") == []


async def test_a_gemini_refusal_of_the_voice_is_a_provider_bad_request(connect, hub_env):
    async with connect(hub_env("gemini")) as client:
        result = await speak(client, text="Hi", voice="Nobody")
    assert result.is_error and result.content[0].text.startswith("[provider_bad_request]")
    assert "Voice name Nobody is not supported" in result.content[0].text


@pytest.mark.parametrize("fmt", ["wav", "pcm"])
async def test_a_whole_wav_answer_is_saved_once_not_wrapped_again(connect, hub_env, fakes, fmt):
    async with connect(hub_env("gemini")) as client:
        result = await speak(client, text="A whole file.", model="gemini/gemini-3.8-flash-tts", format=fmt)
    assert not result.is_error, result.content[0].text
    assert len(fakes["gemini"].calls(r"/v1beta/models/gemini-3\.8-flash-tts:generateContent", "POST")) == 1
    audio, pcm = result.structured_content["audio"], fakes["gemini"].state["tts_pcm"]
    if fmt == "wav":
        with wave.open(audio["path"], "rb") as w:
            assert (w.getframerate(), w.getnchannels()) == (24000, 1)
            assert w.readframes(w.getnframes()) == pcm
        assert Path(audio["path"]).read_bytes().count(b"RIFF") == 1
    else:
        assert Path(audio["path"]).read_bytes() == pcm
    assert audio["duration_seconds"] == round(len(pcm) / 48000, 3)
