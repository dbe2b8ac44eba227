"""transcribe_audio on ElevenLabs Scribe: multipart fields, diarize, and timed words grouped into
segments by speaker and pauses."""

from __future__ import annotations

import pytest

from tests.fakes import samples

pytestmark = pytest.mark.anyio


async def transcribe(client, **args):
    return await client.call_tool("transcribe_audio", {"model": "elevenlabs/scribe_v2", **args})


async def test_diarized_words_become_speaker_segments(connect, hub_env, fakes, workdir):
    fake = fakes["elevenlabs"]
    (workdir / "panel.wav").write_bytes(samples.wav(0.3, 16000))
    async with connect(hub_env("elevenlabs")) as client:
        result = await transcribe(client, audio="panel.wav", language="en", diarize=True,
                                  provider_options={"num_speakers": 2, "tag_audio_events": True,
                                                    "keyterms": ["Acme", "Zoë"],
                                                    "additional_formats": [{"format": "srt"}]})
    assert not result.is_error, result.content[0].text
    [call] = fake.calls("/v1/speech-to-text", "POST")
    assert call.headers["xi-api-key"] == fake.key
    assert call.headers["content-length"] == str(len(call.body))
    assert call.multipart() == {
        "model_id": "scribe_v2",
        "language_code": "en",
        "diarize": "true",
        "timestamps_granularity": "word",
        "num_speakers": "2",
        "tag_audio_events": "true",
        "keyterms": ["Acme", "Zoë"],
        "additional_formats": '[{"format": "srt"}]',
        "file": ("panel.wav", "audio/wav", samples.wav(0.3, 16000)),
    }
    out = result.structured_content
    assert out == {
        "text": "Hello there. (laughs) How are you?", "language": "en", "duration_seconds": 3.4,
        "segments": [{"start": 0.0, "end": 1.3, "text": "Hello there. (laughs)", "speaker": "speaker_0"},
                     {"start": 2.6, "end": 3.4, "text": "How are you?", "speaker": "speaker_1"}],
        "model": "elevenlabs/scribe_v2", "provider": "elevenlabs"}
    assert "[00:02.6-00:03.4] speaker_1: How are you?" in result.content[0].text


async def test_timestamps_without_diarize_split_on_pauses(connect, hub_env, fakes, workdir):
    (workdir / "solo.mp3").write_bytes(samples.mp3())
    async with connect(hub_env("elevenlabs")) as client:
        result = await transcribe(client, audio="solo.mp3", timestamps=True)
    assert not result.is_error, result.content[0].text
    fields = fakes["elevenlabs"].calls("/v1/speech-to-text")[0].multipart()
    assert "diarize" not in fields and fields["timestamps_granularity"] == "word"
    assert result.structured_content["segments"] == [
        {"start": 0.0, "end": 1.3, "text": "Hello there. (laughs)", "speaker": None},
        {"start": 2.6, "end": 3.4, "text": "How are you?", "speaker": None}]


async def test_plain_transcripts_skip_timestamps_and_measure_a_local_wav(connect, hub_env, fakes, workdir):
    (workdir / "memo.wav").write_bytes(samples.wav(0.75, 8000))
    async with connect(hub_env("elevenlabs")) as client:
        result = await transcribe(client, audio="memo.wav")
    assert not result.is_error, result.content[0].text
    assert fakes["elevenlabs"].calls("/v1/speech-to-text")[0].multipart()["timestamps_granularity"] == "none"
    out = result.structured_content
    assert (out["segments"], out["duration_seconds"], out["language"]) == ([], 0.75, "en")


async def test_scribe_takes_no_prompt(connect, hub_env, fakes, workdir):
    (workdir / "memo.wav").write_bytes(samples.wav(0.1))
    async with connect(hub_env("elevenlabs")) as client:
        result = await transcribe(client, audio="memo.wav", prompt="Acme Corp")
    assert result.is_error and result.content[0].text.startswith("[invalid_argument]")
    assert "keyterms" in result.content[0].text
    assert fakes["elevenlabs"].calls("/v1/speech-to-text") == []
