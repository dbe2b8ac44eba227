"""synthesize_speech on WaveSpeed (MiniMax Speech-02 and ACE-Step music) as hub jobs, through a real
MCP client in both protocol generations: the exact prediction submitted, the MP3 the job saves,
what the models lack refused before anything is sent, unfinished and failed jobs."""

from __future__ import annotations

import base64
from pathlib import Path

import anyio
import pytest
from mcp.types import AudioContent, ResourceLink

from tests.fakes import samples

pytestmark = pytest.mark.anyio

FAST = {"AI_HUB_POLL_INTERVAL": "0.03"}


async def speak(client, progress=None, **args):
    return await client.call_tool("synthesize_speech", args, progress_callback=progress)


def only_job(fake):
    (job,) = fake.state["jobs"].values()
    return job


async def test_minimax_speech_is_submitted_as_a_prediction_and_the_mp3_is_saved(connect, hub_env, fakes):
    fake = fakes["wavespeed"]
    seen: list[tuple[float, str]] = []

    async def on_progress(value: float, total: float | None, message: str | None) -> None:
        seen.append((value, message or ""))

    async with connect(hub_env("wavespeed", **FAST)) as client:
        result = await speak(
            client,
            on_progress,
            text="Hello from MiniMax.",
            model="wavespeed/minimax/speech-02",
            voice="Wise_Woman",
            speed=1.25,
            language="en-US",
            provider_options={"emotion": "happy", "volume": 1.5, "pitch": -2},
        )
        assert not result.is_error, result.content[0].text
        jobs = await client.call_tool("list_jobs", {})
    (submit,) = fake.calls(r"^/api/v3/minimax/speech-02-hd$", "POST")
    assert submit.headers["authorization"] == f"Bearer {fake.key}"
    assert submit.json() == {"text": "Hello from MiniMax.", "voice_id": "Wise_Woman", "speed": 1.25,
                             "language_boost": "English", "emotion": "happy", "volume": 1.5, "pitch": -2}
    job = only_job(fake)
    polls = fake.calls(rf"^/api/v3/predictions/{job.id}/result$", "GET")
    assert len(polls) >= 5 and all(p.headers["authorization"] == f"Bearer {fake.key}" for p in polls)

    out = result.structured_content
    audio = out["audio"]
    path = Path(audio["path"])
    assert path.is_absolute() and path.read_bytes() == samples.mp3()
    assert fake.files[f"{job.id}.mp3"][0] == path.read_bytes()
    assert audio["source_url"] == job.extra["outputs"][0]
    assert (audio["mime_type"], path.suffix, audio["bytes"]) == ("audio/mpeg", ".mp3", len(samples.mp3()))
    assert audio["duration_seconds"] == round(1152 / 44100, 3)  # one MPEG-1 Layer III frame
    assert (out["model"], out["provider"], out["characters"], out["voice"], out["format"]) == (
        "wavespeed/minimax/speech-02", "wavespeed", 19, "Wise_Woman", "mp3")
    assert out.get("job") is None
    text, link, inline = result.content
    assert str(path) in text.text and "voice Wise_Woman" in text.text
    assert isinstance(link, ResourceLink) and str(link.uri) == audio["resource_uri"]
    assert isinstance(inline, AudioContent) and base64.b64decode(inline.data) == samples.mp3()

    values = [v for v, _ in seen]
    assert values == sorted(values) and len(set(values)) == len(values) and values[-1] == 100
    assert seen[0][1].startswith("queued") and seen[-1][1].startswith("succeeded")
    (listed,) = jobs.structured_content["jobs"]
    assert (listed["kind"], listed["provider"], listed["model"], listed["status"]) == (
        "speech", "wavespeed", "minimax/speech-02", "succeeded")
    assert listed["outputs"][0]["path"] == str(path)


@pytest.mark.parametrize("model, endpoint", [
    ("wavespeed/minimax/speech-02-turbo", "minimax/speech-02-turbo"),
    ("wavespeed/minimax/speech-2.6-hd", "minimax/speech-2.6-hd"),  # an id outside the catalog
])
async def test_other_minimax_ids_get_the_default_voice_and_only_the_fields_asked_for(
    connect, hub_env, fakes, model, endpoint
):
    fake = fakes["wavespeed"]
    async with connect(hub_env("wavespeed", **FAST)) as client:
        result = await speak(client, text="Plain.", model=model)
    assert not result.is_error, result.content[0].text
    (submit,) = fake.calls(r"^/api/v3/", "POST")
    assert submit.path == f"/api/v3/{endpoint}"
    assert submit.json() == {"text": "Plain.", "voice_id": "English_Trustworth_Man"}
    assert Path(result.structured_content["audio"]["path"]).read_bytes() == samples.mp3()
    assert result.structured_content["voice"] == "English_Trustworth_Man"


async def test_ace_step_music_sends_the_text_as_style_tags_with_the_lyrics(connect, hub_env, fakes):
    fake = fakes["wavespeed"]
    lyrics = "[verse] Ticking clocks and rainy streets\n[chorus] Round we go"
    async with connect(hub_env("wavespeed", **FAST)) as client:
        result = await speak(client, text="lo-fi, piano, rainy mood", model="wavespeed/ace-step/ace-step-1.5",
                             provider_options={"lyrics": lyrics, "duration": 30, "seed": 7})
    assert not result.is_error, result.content[0].text
    (submit,) = fake.calls(r"^/api/v3/", "POST")
    assert submit.path == "/api/v3/wavespeed-ai/ace-step-1.5"
    assert submit.json() == {"tags": "lo-fi, piano, rainy mood", "lyrics": lyrics, "duration": 30, "seed": 7}
    out = result.structured_content
    assert Path(out["audio"]["path"]).read_bytes() == samples.mp3()
    assert (out["model"], out["voice"], out["format"]) == ("wavespeed/ace-step/ace-step-1.5", "", "mp3")
    assert "voice" not in result.content[0].text


@pytest.mark.parametrize(
    "args, words",
    [
        (
            {"model": "wavespeed/minimax/speech-02", "instructions": "whisper it"},
            "takes no delivery instructions",
        ),
        (
            {"model": "wavespeed/minimax/speech-2.6-hd", "instructions": "whisper it"},
            "takes no delivery instructions",
        ),
        (
            {
                "model": "wavespeed/minimax/speech-2.6-hd",
                "text": "",
                "speakers": [
                    {"speaker": "A", "voice": "Wise_Woman", "text": "Hi"},
                    {"speaker": "B", "voice": "Calm_Woman", "text": "Yo"},
                ],
            },
            "cannot voice a multi-speaker dialogue",
        ),
        ({"model": "wavespeed/minimax/speech-02", "format": "wav"}, "cannot produce 'wav' audio"),
        ({"model": "wavespeed/minimax/speech-2.6-hd", "format": "opus"}, "cannot produce 'opus' audio"),
        ({"model": "wavespeed/minimax/speech-02", "speed": 3}, "takes speed from 0.5 to 2.0"),
        ({"model": "wavespeed/minimax/speech-02", "text": "x" * 10_001}, "at most 10,000 characters"),
        ({"model": "wavespeed/minimax/speech-02", "language": "tlh"}, "cannot be steered to language 'tlh'"),
        (
            {"model": "wavespeed/minimax/speech-02", "provider_options": {"voice_id": "x"}},
            "provider_options.voice_id",
        ),
        (
            {"model": "wavespeed/ace-step/ace-step-1.5", "voice": "Wise_Woman"},
            "makes music and takes no voice",
        ),
        ({"model": "wavespeed/ace-step/ace-step-1.5", "format": "mp3"}, "format cannot be set"),
        (
            {"model": "wavespeed/ace-step/ace-step-1.5", "provider_options": {"tags": "rock"}},
            "provider_options.tags",
        ),
    ],
)
async def test_what_wavespeed_models_lack_is_refused_before_anything_is_sent(
    connect, hub_env, fakes, args, words
):
    async with connect(hub_env("wavespeed", **FAST)) as client:
        result = await speak(client, **{"text": "Hello.", **args})
    assert result.is_error and result.content[0].text.startswith("[invalid_argument]"), result.content[0].text
    assert words in result.content[0].text
    assert fakes["wavespeed"].requests == []


async def test_an_unfinished_job_is_returned_and_get_job_later_gives_the_audio(connect, hub_env, fakes):
    fake = fakes["wavespeed"]
    fake.state["hold"] = True
    async with connect(hub_env("wavespeed", **FAST)) as client:
        result = await speak(client, text="Later.", model="wavespeed/minimax/speech-02", wait_seconds=0)
        assert not result.is_error, result.content[0].text
        out = result.structured_content
        job_id = out["job"]["job_id"]
        assert out["audio"] is None and out["job"]["status"] in ("queued", "running")
        assert (out["model"], out["provider"], out["voice"], out["format"]) == (
            "wavespeed/minimax/speech-02", "wavespeed", "English_Trustworth_Man", "mp3")
        assert f'get_job with job_id="{job_id}"' in result.content[0].text
        fake.state["hold"] = False
        done = await client.call_tool("get_job", {"job_id": job_id, "wait_seconds": 20})
    assert not done.is_error and done.structured_content["status"] == "succeeded"
    (media,) = done.structured_content["outputs"]
    assert Path(media["path"]).read_bytes() == samples.mp3() and media["mime_type"] == "audio/mpeg"


@pytest.mark.parametrize(
    "outcome, reason",
    [
        (
            "content_policy",
            "[content_policy] wavespeed: content policy: The prompt was flagged as sensitive content",
        ),
        ("error", "[job_failed] wavespeed: Internal error: inference failed on the worker"),
    ],
)
async def test_a_failed_speech_job_is_an_error_with_the_providers_reason(connect, hub_env, fakes, outcome,
                                                                                   reason):
    fakes["wavespeed"].state["outcome"] = outcome
    async with connect(hub_env("wavespeed", **FAST)) as client:
        result = await speak(client, text="Nope.", model="wavespeed/minimax/speech-02")
    assert result.is_error and result.content[0].text.startswith(reason), result.content[0].text
    assert result.structured_content["status"] == "failed"


async def test_a_refused_submit_is_the_providers_error_and_no_job_runs_on(connect, hub_env, fakes):
    fake = fakes["wavespeed"]
    fake.inject(
        r"^/api/v3/minimax/", status=401, body={"code": 401, "message": "Invalid API key", "data": None}
    )
    async with connect(hub_env("wavespeed", **FAST)) as client:
        result = await speak(client, text="Hi.", model="wavespeed/minimax/speech-02")
        jobs = await client.call_tool("list_jobs", {})
    assert result.is_error and result.content[0].text.startswith("[provider_auth]"), result.content[0].text
    assert fake.key not in result.content[0].text
    (job,) = jobs.structured_content["jobs"]
    assert job["status"] == "failed" and job["error"]["code"] == "provider_auth"


async def test_cancelling_the_call_cancels_the_job_on_the_hub(connect, hub_env, fakes):
    fake = fakes["wavespeed"]
    fake.state["hold"] = True
    async with connect(hub_env("wavespeed", **FAST)) as client:
        async with anyio.create_task_group() as tg:
            tg.start_soon(
                lambda: speak(client, text="Stop me.", model="wavespeed/minimax/speech-02", wait_seconds=60)
            )
            for _ in range(250):  # cancel once the prediction exists at the provider
                if fake.calls(r"^/api/v3/predictions/", "GET"):
                    break
                await anyio.sleep(0.02)
            tg.cancel_scope.cancel()
        for _ in range(100):
            jobs = (await client.call_tool("list_jobs", {})).structured_content["jobs"]
            if jobs and jobs[0]["status"] == "cancelled":
                break
            await anyio.sleep(0.05)
    assert jobs[0]["status"] == "cancelled" and "no cancel endpoint" in jobs[0]["message"]
