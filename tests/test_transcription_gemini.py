"""transcribe_audio on Gemini: inline audio for small files, the Files API resumable upload for
large ones, and JSON segments (responseSchema) when timestamps or speakers are asked for."""

from __future__ import annotations

import base64

import pytest

from mcp_ai_hub.providers.gemini.transcription import INLINE_MAX_BYTES, PLAIN, SEGMENTED, SPEAKER
from tests.fakes import samples

pytestmark = pytest.mark.anyio

MODEL = "gemini/gemini-3.5-flash-lite"


async def transcribe(client, **args):
    return await client.call_tool("transcribe_audio", {"model": MODEL, **args})


async def test_small_audio_goes_inline_and_comes_back_as_plain_text(connect, hub_env, fakes, workdir):
    fake = fakes["gemini"]
    (workdir / "note.mp3").write_bytes(samples.mp3())
    async with connect(hub_env("gemini")) as client:
        result = await transcribe(client, audio="note.mp3", language="fr", prompt="Speaker: Amélie")
    assert not result.is_error, result.content[0].text
    [call] = fake.calls(r"/v1beta/models/gemini-3\.5-flash-lite:generateContent", "POST")
    assert call.headers["x-goog-api-key"] == fake.key
    instruction = (
        PLAIN
        + " The audio is in the language with code 'fr'.\nContext and spellings to follow: Speaker: Amélie"
    )
    assert call.json() == {"contents": [{"role": "user", "parts": [
        {"inlineData": {"mimeType": "audio/mp3", "data": base64.b64encode(samples.mp3()).decode()}},
        {"text": instruction}]}]}
    out = result.structured_content
    assert out == {
        "text": "Good morning, this is the fake. Morning to you.",
        "language": "fr",
        "duration_seconds": round(1152 / 44100, 3),
        "segments": [],
        "model": MODEL,
        "provider": "gemini",
    }


async def test_timestamps_and_speakers_come_from_json_segments(connect, hub_env, fakes, workdir):
    (workdir / "duo.wav").write_bytes(samples.wav(0.2))
    async with connect(hub_env("gemini")) as client:
        result = await transcribe(client, audio="duo.wav", timestamps=True, diarize=True,
                                  provider_options={"temperature": 0})
    assert not result.is_error, result.content[0].text
    body = fakes["gemini"].calls("generateContent")[0].json()
    assert body["contents"][0]["parts"][1] == {"text": SEGMENTED.format(speaker=SPEAKER)}
    config = body["generationConfig"]
    assert config["responseMimeType"] == "application/json" and config["temperature"] == 0
    segment_schema = config["responseSchema"]["properties"]["segments"]["items"]
    assert segment_schema["required"] == ["start", "end", "text", "speaker"]
    assert segment_schema["properties"]["start"] == {"type": "NUMBER"}
    out = result.structured_content
    assert out["segments"] == [
        {"start": 0.0, "end": 1.5, "text": "Good morning, this is the fake.", "speaker": "Speaker 1"},
        {"start": 1.7, "end": 3.1, "text": "Morning to you.", "speaker": "Speaker 2"}]
    assert (out["text"], out["language"], out["duration_seconds"]) == (
        "Good morning, this is the fake. Morning to you.", "en", 0.2)


async def test_large_audio_goes_through_the_files_api_and_is_deleted_afterwards(
    connect, hub_env, fakes, workdir
):
    fake = fakes["gemini"]
    big = workdir / "lecture.wav"
    header = samples.wav(0.1)[:44]
    data = header + bytes(range(256)) * ((INLINE_MAX_BYTES + 4096) // 256)
    big.write_bytes(data)
    async with connect(hub_env("gemini")) as client:
        result = await transcribe(client, audio="lecture.wav", timestamps=True)
    assert not result.is_error, result.content[0].text
    start, finish = fake.calls("/upload/v1beta/files", "POST")
    assert start.headers["x-goog-upload-protocol"] == "resumable"
    assert start.headers["x-goog-upload-command"] == "start"
    assert start.headers["x-goog-upload-header-content-length"] == str(len(data))
    assert start.headers["x-goog-upload-header-content-type"] == "audio/wav"
    assert start.json() == {"file": {"display_name": "lecture.wav"}}
    assert finish.param("upload_id") and finish.headers["x-goog-upload-command"] == "upload, finalize"
    assert finish.headers["x-goog-upload-offset"] == "0" and finish.body == data
    assert "transfer-encoding" not in finish.headers
    [name] = fake.state["deleted_files"]
    assert fake.state["file_used"] == name
    parts = fake.calls("generateContent")[0].json()["contents"][0]["parts"]
    assert parts[0] == {"fileData": {"mimeType": "audio/wav", "fileUri": fake.url(f"/v1beta/{name}")}}
    assert [c.method for c in fake.calls(f"/v1beta/{name}$")] == ["GET", "DELETE"]
    assert [s["speaker"] for s in result.structured_content["segments"]] == [None, None]


async def test_unparseable_json_segments_are_a_provider_error(connect, hub_env, fakes, workdir):
    (workdir / "a.wav").write_bytes(samples.wav(0.1))
    fakes["gemini"].inject(
        "generateContent",
        status=200,
        body={
            "candidates": [
                {
                    "content": {"role": "model", "parts": [{"text": "Sure! Here is the transcript:"}]},
                    "finishReason": "STOP",
                }
            ]
        },
    )
    async with connect(hub_env("gemini")) as client:
        result = await transcribe(client, audio="a.wav", timestamps=True)
    assert result.is_error and result.content[0].text.startswith("[provider_unavailable]")
    assert "not the JSON" in result.content[0].text
