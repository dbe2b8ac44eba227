"""transcribe_audio on xAI Grok STT (`POST /v1/stt`) through a real MCP client: the multipart form
(fields first, the file last), diarized words grouped into speaker segments, multichannel,
key terms, and the prompt it does not take."""

from __future__ import annotations

import pytest

from tests.fakes import samples

pytestmark = pytest.mark.anyio


async def transcribe(connect, env, **args):
    async with connect(env) as client:
        return await client.call_tool("transcribe_audio", {"model": "xai/grok-stt", **args})


async def test_diarized_words_become_speaker_segments_and_the_file_goes_last(
    connect, hub_env, fakes, workdir
):
    fake = fakes["xai"]
    (workdir / "panel.wav").write_bytes(samples.wav(0.3, 16000))
    result = await transcribe(connect, hub_env("xai"), audio="panel.wav", language="en", diarize=True,
                              provider_options={"format": True, "keyterm": ["Grok", "Colossus"]})
    assert not result.is_error, result.content[0].text
    [call] = fake.calls("/v1/stt", "POST")
    assert call.headers["authorization"] == f"Bearer {fake.key}"
    assert call.headers["content-length"] == str(len(call.body))
    assert call.multipart() == {"language": "en", "diarize": "true", "format": "true",
                                "keyterm": ["Grok", "Colossus"],
                                "file": ("panel.wav", "audio/wav", samples.wav(0.3, 16000))}
    assert [k for k, _ in fake.state["transcription_fields"]][-1] == "file"
    assert result.structured_content == {
        "text": "Hello there. How are you?", "language": "en", "duration_seconds": 3.52,
        "segments": [{"start": 0.0, "end": 0.9, "text": "Hello there.", "speaker": "speaker_0"},
                     {"start": 2.6, "end": 3.4, "text": "How are you?", "speaker": "speaker_1"}],
        "model": "xai/grok-stt", "provider": "xai"}


async def test_a_plain_transcript_sends_only_the_file_and_has_no_segments(connect, hub_env, fakes, workdir):
    (workdir / "solo.mp3").write_bytes(samples.mp3())
    result = await transcribe(connect, hub_env("xai"), audio="solo.mp3")
    assert not result.is_error, result.content[0].text
    fields = fakes["xai"].calls("/v1/stt")[0].multipart()
    assert list(fields) == ["file"]
    out = result.structured_content
    assert (out["text"], out["language"], out["segments"], out["duration_seconds"]) == (
        "Hello there. How are you?", None, [], 3.52)


async def test_timestamps_split_on_pauses_and_multichannel_labels_channels(connect, hub_env, fakes, workdir):
    (workdir / "call.wav").write_bytes(samples.wav(0.2))
    result = await transcribe(connect, hub_env("xai"), audio="call.wav", timestamps=True)
    assert result.structured_content["segments"] == [
        {"start": 0.0, "end": 0.9, "text": "Hello there.", "speaker": None},
        {"start": 2.6, "end": 3.4, "text": "How are you?", "speaker": None}]
    result = await transcribe(connect, hub_env("xai"), audio="call.wav", timestamps=True,
                              provider_options={"multichannel": True})
    assert not result.is_error, result.content[0].text
    assert [(s["speaker"], s["text"]) for s in result.structured_content["segments"]] == [
        ("channel_0", "Hello there."), ("channel_1", "How are you?")]


async def test_grok_stt_takes_no_prompt_and_the_fake_enforces_format_needs_language(connect, hub_env, fakes,
                                                                                     workdir):
    (workdir / "a.wav").write_bytes(samples.wav(0.1))
    result = await transcribe(connect, hub_env("xai"), audio="a.wav", prompt="Names: Grok")
    assert result.content[0].text.startswith("[invalid_argument]") and "keyterm" in result.content[0].text
    assert fakes["xai"].calls("/v1/stt") == []
    result = await transcribe(connect, hub_env("xai"), audio="a.wav", provider_options={"format": True})
    assert result.content[0].text.startswith("[provider_bad_request]")
    assert "requires language" in result.content[0].text
