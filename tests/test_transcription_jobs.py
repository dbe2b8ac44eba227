"""A fal Whisper transcription that outlasts transcribe_audio's wait, picked up later with get_job
and the jobs:// resource, through a real MCP client in both protocol generations: the job object
carries the transcript in transcribe_audio's shape (parsed with what the call asked: timestamps,
diarize, the measured duration) and the text block shows it; other jobs carry none, and a result
that does not parse leaves the job as it is."""

from __future__ import annotations

import json

import pytest

from tests.fakes import samples
from tests.fakes.fal_queue import WHISPER_TURNS

pytestmark = pytest.mark.anyio

FAST = {"AI_HUB_POLL_INTERVAL": "0.03"}
WHISPER = "fal/fal-ai/whisper"


async def start_held(client, fake, **args):
    """transcribe_audio with wait_seconds=0 while the fake holds the job: the job comes back unfinished."""
    fake.state["hold"] = True
    result = await client.call_tool("transcribe_audio", {"model": WHISPER, "wait_seconds": 0, **args})
    assert not result.is_error, result.content[0].text
    job = result.structured_content["job"]
    assert job["kind"] == "transcription" and job["status"] in ("queued", "running")
    assert "transcript" not in job or job["transcript"] is None
    return job["job_id"]


async def test_get_job_on_a_finished_diarized_transcription_gives_the_transcript(
    connect, hub_env, fakes, workdir
):
    fake = fakes["fal"]
    (workdir / "two.mp3").write_bytes(samples.mp3())
    async with connect(hub_env("fal", **FAST)) as client:
        job_id = await start_held(client, fake, audio="two.mp3", diarize=True, timestamps=True)
        fake.state["hold"] = False
        done = await client.call_tool("get_job", {"job_id": job_id, "wait_seconds": 20})
        read = await client.read_resource(f"jobs://{job_id}")
    assert not done.is_error, done.content[0].text
    (submit,) = fake.calls(r"^/queue/fal-ai/whisper$", "POST")
    assert submit.json()["diarize"] is True and submit.json()["chunk_level"] == "segment"

    job = done.structured_content
    segments = [{"start": s, "end": e, "text": t.strip(), "speaker": who} for (s, e), t, who in WHISPER_TURNS]
    expected = {
        "text": "Hello from the fake studio. And a second voice answers.",
        "language": "en",
        "duration_seconds": round(1152 / 44100, 3),  # the MP3 measured before the upload, kept with the job
        "segments": segments,
    }
    assert job["status"] == "succeeded" and job["kind"] == "transcription" and job["job_id"] == job_id
    assert job["transcript"] == expected
    assert job["result"]["text"] == expected["text"]  # the raw result stays
    assert {s["speaker"] for s in job["transcript"]["segments"]} == {"SPEAKER_00", "SPEAKER_01"}
    text = done.content[0].text
    assert f"Job {job_id} (transcription, fal/fal-ai/whisper) succeeded" in text
    assert "Transcript (fal/fal-ai/whisper, language en, 0.0 s):" in text
    assert "[00:00.0-00:01.5] SPEAKER_00: Hello from the fake studio." in text
    assert "[00:01.6-00:03.2] SPEAKER_01: And a second voice answers." in text

    resource = json.loads(read.contents[0].text)
    assert resource["status"] == "succeeded" and resource["transcript"] == expected


async def test_a_transcription_without_timestamps_gives_the_plain_text_and_no_segments(
    connect, hub_env, fakes
):
    fake = fakes["fal"]
    async with connect(hub_env("fal", **FAST)) as client:
        job_id = await start_held(client, fake, audio="https://example.invalid/talk.ogg", language="de")
        fake.state["hold"] = False
        done = await client.call_tool("get_job", {"job_id": job_id, "wait_seconds": 20})
    assert not done.is_error, done.content[0].text
    (submit,) = fake.calls(r"^/queue/fal-ai/whisper$", "POST")
    assert "chunk_level" not in submit.json() and submit.json()["language"] == "de"
    transcript = done.structured_content["transcript"]
    # fal's inferred language wins over the asked one; no measured duration: the last chunk's end
    assert transcript == {"text": "hello from the fake whisper", "language": "en", "duration_seconds": 1.5,
                          "segments": []}
    assert done.content[0].text.endswith("Transcript (fal/fal-ai/whisper, language en, 1.5 s):\n"
                                         "hello from the fake whisper")


async def test_a_result_that_does_not_parse_leaves_the_job_without_a_transcript(
    connect, hub_env, fakes, caplog
):
    fake = fakes["fal"]
    fake.state["results"] = {"fal-ai/whisper": {"chunks": [], "note": "no text here"}}
    env = hub_env("fal", **FAST)
    with caplog.at_level("WARNING", logger="mcp_ai_hub.server"):
        async with connect(env) as client:
            job_id = await start_held(client, fake, audio="https://example.invalid/talk.ogg", timestamps=True)
            fake.state["hold"] = False
            done = await client.call_tool("get_job", {"job_id": job_id, "wait_seconds": 20})
            read = await client.read_resource(f"jobs://{job_id}")
    assert not done.is_error, done.content[0].text
    job = done.structured_content
    assert job["status"] == "succeeded" and job.get("transcript") is None
    assert job["result"] == {"chunks": [], "note": "no text here"}
    assert "Transcript (" not in done.content[0].text
    assert json.loads(read.contents[0].text).get("transcript") is None
    logged = "\n".join(r.getMessage() for r in caplog.records if r.name == "mcp_ai_hub.server")
    assert f"the transcript of job {job_id} could not be read" in logged and "Traceback" in logged
    assert env["FAL_KEY"] not in logged


async def test_a_video_job_has_no_transcript(connect, hub_env, fakes):
    fake = fakes["fal"]
    fake.state["hold"] = True
    async with connect(hub_env("fal", **FAST)) as client:
        started = await client.call_tool(
            "generate_video",
            {"prompt": "a red kite", "model": "fal/fal-ai/minimax/video-01", "wait_seconds": 0},
        )
        assert not started.is_error, started.content[0].text
        job_id = started.structured_content["job_id"]
        fake.state["hold"] = False
        done = await client.call_tool("get_job", {"job_id": job_id, "wait_seconds": 20})
        read = await client.read_resource(f"jobs://{job_id}")
    assert not done.is_error, done.content[0].text
    job = done.structured_content
    assert job["status"] == "succeeded" and job["kind"] == "video" and job.get("transcript") is None
    assert "Transcript (" not in done.content[0].text
    assert "transcript" not in json.loads(read.contents[0].text)
