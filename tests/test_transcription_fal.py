"""transcribe_audio on fal Whisper as a hub job, through a real MCP client in both protocol
generations: local files and data URIs uploaded to fal storage (streamed, bytes intact) and their
CDN URL submitted, URLs passed as they are, the queue result parsed into the one transcript shape."""

from __future__ import annotations

import base64
import os

import pytest

from tests.fakes import samples
from tests.fakes.fal_queue import WHISPER_TURNS

pytestmark = pytest.mark.anyio

FAST = {"AI_HUB_POLL_INTERVAL": "0.03"}
WHISPER = "fal/fal-ai/whisper"


async def transcribe(client, progress=None, **args):
    return await client.call_tool("transcribe_audio", {"model": WHISPER, **args}, progress_callback=progress)


def uploaded(fake):
    """The single storage upload: (token request, CDN request, access URL)."""
    (token,) = fake.calls(r"^/rest/storage/auth/token$", "POST")
    (cdn,) = fake.calls(r"^/cdn/v3/files/upload$", "POST")
    (upload,) = fake.state["uploads"]
    return token, cdn, upload


@pytest.mark.parametrize("source", ["file", "data_uri"])
async def test_a_local_file_or_data_uri_is_uploaded_to_fal_storage_and_its_cdn_url_transcribed(
        connect, hub_env, fakes, workdir, source):
    fake = fakes["fal"]
    audio = samples.wav(0.4)
    (workdir / "talk.wav").write_bytes(audio)
    arg = "talk.wav" if source == "file" else "data:audio/wav;base64," + base64.b64encode(audio).decode()
    seen: list[tuple[float, str]] = []

    async def on_progress(value: float, total: float | None, message: str | None) -> None:
        seen.append((value, message or ""))

    async with connect(hub_env("fal", **FAST)) as client:
        result = await transcribe(client, on_progress, audio=arg, language="en", prompt="Names: Ada Lovelace",
                                  timestamps=True)
    assert not result.is_error, result.content[0].text

    token, cdn, upload = uploaded(fake)
    assert token.headers["authorization"] == f"Key {fake.key}" and token.param("storage_type") == "fal-cdn-v3"
    assert token.json() == {}
    assert cdn.headers["authorization"] == "Bearer cdn-token-1" and fake.key not in str(cdn.headers)
    assert cdn.body == audio and upload["data"] == audio and upload["content_type"] == "audio/wav"
    assert upload["content_length"] == str(len(audio))
    assert upload["name"] == ("talk.wav" if source == "file" else "input.wav")
    access_url = fake.url(f"/cdn/uploads/1-{upload['name']}")
    assert fake.files[f"uploads/1-{upload['name']}"][0] == audio

    (submit,) = fake.calls(r"^/queue/fal-ai/whisper$", "POST")
    assert submit.headers["authorization"] == f"Key {fake.key}"
    assert submit.json() == {"audio_url": access_url, "task": "transcribe", "version": "3", "language": "en",
                             "prompt": "Names: Ada Lovelace", "chunk_level": "segment"}
    (job,) = fake.state["jobs"].values()
    assert fake.calls(rf"^/queue/fal-ai/whisper/requests/{job.id}/status$", "GET")
    assert fake.calls(rf"^/queue/fal-ai/whisper/requests/{job.id}$", "GET")

    out = result.structured_content
    assert out == {
        "text": "hello from the fake whisper",
        "language": "en",
        "duration_seconds": 0.4 if source == "file" else 1.5,  # a local WAV is measured
        "segments": [{"start": 0.0, "end": 1.5, "text": "hello from the fake whisper", "speaker": None}],
        "model": WHISPER,
        "provider": "fal",
    }
    assert "[00:00.0-00:01.5] hello from the fake whisper" in result.content[0].text
    values = [v for v, _ in seen]
    assert values == sorted(values) and len(set(values)) == len(values)
    assert seen[0] == (1, f"uploading {upload['name']} to fal storage")
    assert seen[-1][1].startswith("succeeded")


async def test_an_http_url_is_passed_to_whisper_as_it_is(connect, hub_env, fakes):
    fake, elsewhere = fakes["fal"], fakes["openai"]
    url = elsewhere.publish("podcast/episode-1.mp3", samples.mp3(), "audio/mpeg") + "?sig=abc"
    async with connect(hub_env("fal", **FAST)) as client:
        result = await transcribe(client, audio=url)
    assert not result.is_error, result.content[0].text
    assert fake.calls(r"^/rest/") == [] and fake.calls(r"^/cdn/v3/") == [] and "uploads" not in fake.state
    assert elsewhere.requests == []  # nothing fetched it: fal reads the URL itself
    (submit,) = fake.calls(r"^/queue/fal-ai/whisper$", "POST")
    assert submit.json() == {"audio_url": url, "task": "transcribe", "version": "3"}
    out = result.structured_content
    assert (out["text"], out["language"], out["duration_seconds"], out["segments"]) == (
        "hello from the fake whisper", "en", 1.5, [])


async def test_diarize_asks_for_speakers_and_returns_labelled_segments(connect, hub_env, fakes, workdir):
    (workdir / "two.mp3").write_bytes(samples.mp3())
    async with connect(hub_env("fal", **FAST)) as client:
        result = await transcribe(client, audio="two.mp3", diarize=True, provider_options={"num_speakers": 2})
    assert not result.is_error, result.content[0].text
    (submit,) = fakes["fal"].calls(r"^/queue/fal-ai/whisper$", "POST")
    body = submit.json()
    assert {k: v for k, v in body.items() if k != "audio_url"} == {
        "task": "transcribe", "version": "3", "chunk_level": "segment", "diarize": True, "num_speakers": 2}
    out = result.structured_content
    assert out["segments"] == [{"start": s, "end": e, "text": t.strip(), "speaker": who}
                               for (s, e), t, who in WHISPER_TURNS]
    assert out["duration_seconds"] == round(1152 / 44100, 3)  # the MP3 measured before the upload
    assert "SPEAKER_01: And a second voice answers." in result.content[0].text


async def test_chunks_without_speakers_take_the_diarization_turn_they_overlap_most(
    connect, hub_env, fakes, workdir
):
    fakes["fal"].state["results"] = {"fal-ai/whisper": {
        "text": "One. Two. Three.", "inferred_languages": ["de"],
        "chunks": [{"timestamp": [0.0, 2.0], "text": " One."}, {"timestamp": [2.1, 4.0], "text": " Two."},
                   {"timestamp": [4.2, None], "text": " Three."}],
        "diarization_segments": [{"timestamp": [0.0, 2.5], "speaker": "SPEAKER_00"},
                                 {"timestamp": [2.5, 9.0], "speaker": "SPEAKER_01"}]}}
    async with connect(hub_env("fal", **FAST)) as client:
        result = await transcribe(client, audio="https://example.invalid/a.ogg", diarize=True)
    assert not result.is_error, result.content[0].text
    out = result.structured_content
    assert [(s["text"], s["speaker"], s["end"]) for s in out["segments"]] == [
        ("One.", "SPEAKER_00", 2.0), ("Two.", "SPEAKER_01", 4.0), ("Three.", "SPEAKER_01", None)]
    assert (out["language"], out["duration_seconds"]) == ("de", 4.0)


async def test_a_long_transcript_without_spaces_survives_the_job_record(connect, hub_env, fakes):
    text = "今天我们讨论语音识别。" * 600  # 6,000 characters, no spaces
    fakes["fal"].state["results"] = {
        "fal-ai/whisper": {
            "text": text,
            "inferred_languages": ["zh"],
            "chunks": [{"timestamp": [0.0, 600.0], "text": text}],
        }
    }
    async with connect(hub_env("fal", **FAST)) as client:
        result = await transcribe(client, audio="https://example.invalid/lecture.mp3", timestamps=True)
    assert not result.is_error, result.content[0].text
    out = result.structured_content
    assert out["text"] == text and out["segments"][0]["text"] == text and out["language"] == "zh"


async def test_an_unfinished_transcription_comes_back_as_a_job(connect, hub_env, fakes):
    fake = fakes["fal"]
    fake.state["hold"] = True
    async with connect(hub_env("fal", **FAST)) as client:
        result = await transcribe(client, audio="https://example.invalid/long.mp3", wait_seconds=0)
        assert not result.is_error, result.content[0].text
        out = result.structured_content
        assert (out["text"], out["segments"], out["model"], out["provider"]) == ("", [], WHISPER, "fal")
        assert out["job"]["kind"] == "transcription" and out["job"]["status"] in ("queued", "running")
        assert "call get_job" in result.content[0].text
        fake.state["hold"] = False
        done = await client.call_tool("get_job", {"job_id": out["job"]["job_id"], "wait_seconds": 20})
    assert not done.is_error and done.structured_content["status"] == "succeeded"
    assert done.structured_content["result"]["text"] == "hello from the fake whisper"


@pytest.mark.parametrize("outcome, reason", [
    ("error", "[job_failed] fal: Runner crashed: CUDA out of memory (runner_server_error)"),
    ("content_policy", "[content_policy] fal: content policy violation:"),
])
async def test_a_failed_transcription_is_an_error_with_its_code(connect, hub_env, fakes, outcome, reason):
    fakes["fal"].state["outcome"] = outcome
    async with connect(hub_env("fal", **FAST)) as client:
        result = await transcribe(client, audio="https://example.invalid/a.mp3")
    assert result.is_error and result.content[0].text.startswith(reason), result.content[0].text


async def test_bad_fal_inputs_are_refused_before_any_upload(connect, hub_env, fakes, workdir):
    (workdir / "huge.wav").write_bytes(samples.wav(0.1))
    os.truncate(workdir / "huge.wav", 100 * 1024 * 1024 + 1)  # sparse: quick to make
    (workdir / "a.wav").write_bytes(samples.wav(0.1))
    async with connect(hub_env("fal", **FAST)) as client:
        huge = await transcribe(client, audio="huge.wav")
        clash = await transcribe(client, audio="a.wav", provider_options={"audio_url": "https://x.invalid/a.wav"})
    assert huge.is_error and huge.content[0].text.startswith("[invalid_argument]")
    assert "over the 100 MB limit of fal/fal-ai/whisper" in huge.content[0].text
    assert clash.is_error and "provider_options.audio_url is set by the hub" in clash.content[0].text
    assert fakes["fal"].requests == []
