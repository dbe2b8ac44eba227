"""The job manager against the fal queue and WaveSpeed fakes: persistence before submit, one billed
submit, polling to completion, outputs saved exactly once, failures, cancel, leases shared by two
managers on one state directory, resume, orphaned submits, retention."""

from __future__ import annotations

import itertools
import json
import time
from contextlib import AsyncExitStack
from pathlib import Path

import anyio
import pytest

from mcp_ai_hub.catalog import Catalog
from mcp_ai_hub.config import Settings
from mcp_ai_hub.errors import JobNotFound, ProviderUnavailable
from mcp_ai_hub.hub import Hub
from mcp_ai_hub.jobs.backend import JobSpec, compact_json
from mcp_ai_hub.jobs.manager import JobManager
from mcp_ai_hub.jobs.sqlite_store import SqliteJobStore
from mcp_ai_hub.jobs.store import Job
from mcp_ai_hub.providers.fal import queue as fal_queue
from mcp_ai_hub.providers.wavespeed import predictions
from tests.fakes import samples

pytestmark = pytest.mark.anyio


def make_hub(env: dict[str, str], workdir: Path) -> Hub:
    """A Hub with a job manager over the state dir's SQLite store, as the server builds it."""
    settings = Settings.load(environ=env, cwd=workdir)
    hub = Hub(settings, Catalog.load())
    hub.attach_jobs(JobManager(hub, SqliteJobStore(settings.state_dir / "jobs.sqlite3")))
    return hub


@pytest.fixture
async def hubs(hub_env, workdir):
    """`await hubs("fal", ...)`: a Hub whose job manager runs, sharing the test's state dir."""
    async with AsyncExitStack() as stack:
        async def make(*providers: str, running: bool = True, **extra: str) -> Hub:
            env = hub_env(*providers, **{"AI_HUB_POLL_INTERVAL": "0.01", **extra})
            hub = make_hub(env, workdir)
            stack.push_async_callback(hub.aclose)
            if running:
                await stack.enter_async_context(hub.jobs.running())
            return hub

        yield make


def fal_spec(endpoint: str = "fal-ai/flux/dev", **input) -> JobSpec:
    body = {"prompt": "a red square", **input}
    return JobSpec(fal_queue.BACKEND, endpoint, body, summary=dict(body))


async def test_a_fal_job_is_stored_submitted_once_polled_and_its_outputs_saved(hubs, fakes, workdir):
    hub = await hubs("fal")
    job = await hub.jobs.start("image", "fal", "fal-ai/flux/dev", fal_spec(num_images=2))
    stored = await SqliteJobStore(workdir / "state" / "jobs.sqlite3").get(job.job_id)
    assert stored.state["request_id"] and stored.state["status_url"].endswith(
        f"/requests/{stored.state['request_id']}/status"
    )
    assert stored.phase == "polling" and stored.input == {"prompt": "a red square", "num_images": 2}
    submits = fakes["fal"].calls("/queue/fal-ai/flux/dev$", "POST")
    assert len(submits) == 1 and submits[0].json() == {"prompt": "a red square", "num_images": 2}
    assert submits[0].headers["authorization"] == f"Key {fakes['fal'].key}"

    seen: list[tuple[str, str]] = []

    async def on_update(j: Job) -> None:
        seen.append((j.status, j.message))

    done = await hub.jobs.wait(job.job_id, 5, on_update)
    assert done.status == "succeeded" and done.progress == 1.0 and done.message == "2 files saved"
    assert seen[0][0] == "queued" and "running" in [s for s, _ in seen]
    assert any(m.startswith("in queue, position") for _, m in seen)
    assert any(m.startswith("Generating:") for _, m in seen)
    polls = fakes["fal"].calls("/queue/fal-ai/flux/requests/.+/status$", "GET")
    assert polls and all(p.param("logs") == "1" for p in polls)  # the returned URL (sub-path dropped)
    assert not fakes["fal"].calls("/queue/fal-ai/flux/dev/requests")
    assert len(done.outputs) == 2
    for media in done.outputs:
        assert media["mime_type"] == "image/png" and (media["width"], media["height"]) == (4, 3)
        assert Path(media["path"]).read_bytes() == samples.png(4, 3)
        assert media["source_url"].startswith(fakes["fal"].url("/cdn/"))
    assert done.result["seed"] == 42
    assert len(fakes["fal"].calls("/queue/fal-ai/flux/dev$", "POST")) == 1


async def test_a_transcription_job_keeps_the_result_json_and_has_no_files(hubs, fakes):
    hub = await hubs("fal")
    job = await hub.jobs.start("transcription", "fal", "fal-ai/whisper",
                               JobSpec(fal_queue.BACKEND, "fal-ai/whisper", {"audio_url": "https://x/a.mp3"}))
    done = await hub.jobs.wait(job.job_id, 5)
    assert done.status == "succeeded" and done.outputs == [] and done.message == "completed"
    assert done.result["text"] == "hello from the fake whisper"
    assert done.result["chunks"][0]["timestamp"] == [0.0, 1.5]


@pytest.mark.parametrize("outcome, code, reason", [
    ("content_policy", "content_policy", "content policy violation: The content could not be processed"),
    ("error", "job_failed", "Runner crashed: CUDA out of memory (runner_server_error)"),
])
async def test_a_failed_fal_job_records_the_providers_reason(hubs, fakes, outcome, code, reason):
    fakes["fal"].state["outcome"] = outcome
    hub = await hubs("fal")
    job = await hub.jobs.start("image", "fal", "fal-ai/flux/dev", fal_spec())
    done = await hub.jobs.wait(job.job_id, 5)
    assert done.status == "failed" and done.outputs == []
    assert done.error["code"] == code and done.error["message"].startswith(f"fal: {reason}")


async def test_a_failed_submit_is_not_resent_and_is_reported(hubs, fakes):
    fakes["fal"].inject(
        "/queue/fal-ai/flux/dev$", status=500, body={"detail": "Internal error"}, method="POST"
    )
    hub = await hubs("fal")
    with pytest.raises(ProviderUnavailable) as info:
        await hub.jobs.start("image", "fal", "fal-ai/flux/dev", fal_spec())
    assert "Internal error" in info.value.render()
    assert len(fakes["fal"].calls("/queue/fal-ai/flux/dev$", "POST")) == 1
    (job,) = await hub.jobs.recent()
    assert job.status == "failed" and job.error["code"] == "provider_unavailable"


async def test_a_rate_limited_submit_is_retried_because_nothing_was_started(hubs, fakes):
    fakes["fal"].inject("/queue/fal-ai/flux/dev$", status=429, body={"detail": "Too many requests"},
                        headers={"retry-after": "0"}, method="POST")
    hub = await hubs("fal")
    job = await hub.jobs.start("image", "fal", "fal-ai/flux/dev", fal_spec())
    assert len(fakes["fal"].calls("/queue/fal-ai/flux/dev$", "POST")) == 2
    assert (await hub.jobs.wait(job.job_id, 5)).status == "succeeded"


async def test_polling_survives_transient_errors(hubs, fakes):
    fakes["fal"].inject("/status$", status=503, body={"detail": "ingress busy"}, headers={"retry-after": "0"},
                        times=4)
    hub = await hubs("fal")
    job = await hub.jobs.start("image", "fal", "fal-ai/flux/dev", fal_spec())
    assert (await hub.jobs.wait(job.job_id, 10)).status == "succeeded"


async def test_cancel_sends_fals_put_cancel_and_stops_polling(hubs, fakes):
    fakes["fal"].state["hold"] = True
    hub = await hubs("fal")
    job = await hub.jobs.start("video", "fal", "fal-ai/minimax/video-01", fal_spec("fal-ai/minimax/video-01"))
    running = await hub.jobs.wait(job.job_id, 0.2)
    assert running.status == "running"
    cancelled = await hub.jobs.cancel(job.job_id)
    assert cancelled.status == "cancelled" and "cancel request" in cancelled.message
    (put,) = fakes["fal"].calls("/queue/fal-ai/minimax/requests/.+/cancel$", "PUT")
    assert put.headers["authorization"] == f"Key {fakes['fal'].key}"
    polls = len(fakes["fal"].calls("/status$"))
    await anyio.sleep(0.1)
    assert len(fakes["fal"].calls("/status$")) == polls
    assert (await hub.jobs.cancel(job.job_id)).status == "cancelled"  # idempotent


async def test_cancelling_a_finished_job_changes_nothing(hubs, fakes):
    hub = await hubs("fal")
    job = await hub.jobs.start("image", "fal", "fal-ai/flux/dev", fal_spec())
    await hub.jobs.wait(job.job_id, 5)
    assert (await hub.jobs.cancel(job.job_id)).status == "succeeded"
    assert not fakes["fal"].calls("/cancel$")


async def test_unknown_job_ids_give_job_not_found(hubs):
    hub = await hubs()
    with pytest.raises(JobNotFound) as info:
        await hub.jobs.get("job_nope")
    assert info.value.render().startswith("[job_not_found]")


async def test_a_wavespeed_prediction_runs_to_a_saved_video(hubs, fakes):
    hub = await hubs("wavespeed")
    spec = JobSpec(predictions.BACKEND, "google/veo3.1/text-to-video", {"prompt": "waves", "duration": 4})
    job = await hub.jobs.start("video", "wavespeed", "google/veo-3.1", spec)
    done = await hub.jobs.wait(job.job_id, 5)
    assert done.status == "succeeded" and done.outputs[0]["mime_type"] == "video/mp4"
    (submit,) = fakes["wavespeed"].calls("/api/v3/google/veo3.1/text-to-video$", "POST")
    assert submit.json() == {"prompt": "waves", "duration": 4}
    assert submit.headers["authorization"] == f"Bearer {fakes['wavespeed'].key}"
    assert fakes["wavespeed"].calls(f"/api/v3/predictions/{job.state['id']}/result$", "GET")
    assert done.result["status"] == "completed"


async def test_wavespeed_base64_outputs_are_saved_as_files(hubs, fakes):
    hub = await hubs("wavespeed")
    spec = JobSpec(
        predictions.BACKEND, "wavespeed-ai/flux-dev", {"prompt": "x", "enable_base64_output": True}
    )
    done = await hub.jobs.wait(
        (await hub.jobs.start("image", "wavespeed", "wavespeed-ai/flux-dev", spec)).job_id, 5
    )
    assert done.status == "succeeded" and done.outputs[0]["mime_type"] == "image/png"
    assert "source_url" not in done.outputs[0]
    assert "data URI" in done.result["outputs"][0]  # the stored result JSON keeps no blob


async def test_wavespeed_has_no_cancel_endpoint_so_the_job_is_cancelled_here(hubs, fakes):
    fakes["wavespeed"].state["hold"] = True
    hub = await hubs("wavespeed")
    spec = JobSpec(predictions.BACKEND, "bytedance/seedance-v1.5-pro/text-to-video", {"prompt": "x"})
    job = await hub.jobs.start("video", "wavespeed", "bytedance/seedance", spec)
    cancelled = await hub.jobs.cancel(job.job_id)
    assert cancelled.status == "cancelled" and "wavespeed has no cancel endpoint" in cancelled.message
    await anyio.sleep(0.1)
    assert (await hub.jobs.get(job.job_id)).status == "cancelled"


async def test_a_failed_wavespeed_prediction_says_why(hubs, fakes):
    fakes["wavespeed"].state["outcome"] = "content_policy"
    hub = await hubs("wavespeed")
    spec = JobSpec(predictions.BACKEND, "wavespeed-ai/flux-dev", {"prompt": "x"})
    done = await hub.jobs.wait((await hub.jobs.start("image", "wavespeed", "m", spec)).job_id, 5)
    assert done.status == "failed" and done.error["message"].startswith(
        "wavespeed: content policy: The prompt was"
    )


async def test_two_managers_on_one_state_dir_poll_a_job_once_and_both_read_it(hubs, fakes):
    fakes["fal"].state["hold"] = True
    first, second = await hubs("fal"), await hubs("fal")
    job = await first.jobs.start(
        "video", "fal", "fal-ai/minimax/video-01", fal_spec("fal-ai/minimax/video-01")
    )
    await anyio.sleep(0.2)  # several scans of the second manager
    assert job.job_id in first.jobs._pollers and job.job_id not in second.jobs._pollers
    assert (await second.jobs.get(job.job_id)).lease_owner == first.jobs.owner
    fakes["fal"].state["hold"] = False
    done = await second.jobs.wait(job.job_id, 5)  # waits on a job the other manager polls
    assert done.status == "succeeded" and (await first.jobs.get(job.job_id)).outputs == done.outputs
    assert len(list(fakes["fal"].files)) == 1 and len(fakes["fal"].calls("/cdn/.+mp4$", "GET")) == 1


async def test_a_job_is_taken_over_when_its_poller_goes_away(hubs, fakes, hub_env, workdir):
    fakes["fal"].state["hold"] = True
    second = await hubs("fal")
    env = hub_env("fal", AI_HUB_POLL_INTERVAL="0.01")
    first = make_hub(env, workdir)
    async with first.jobs.running():
        job = await first.jobs.start(
            "video", "fal", "fal-ai/minimax/video-01", fal_spec("fal-ai/minimax/video-01")
        )
        await anyio.sleep(0.05)
    await first.aclose()
    fakes["fal"].state["hold"] = False
    done = await second.jobs.wait(job.job_id, 5)
    assert done.status == "succeeded" and len(done.outputs) == 1


async def test_unfinished_downloads_resume_and_save_only_what_is_missing(hubs, fakes, workdir):
    a = fakes["fal"].publish("a.png", samples.png(1, 1), "image/png")
    b = fakes["fal"].publish("b.png", samples.png(2, 2), "image/png")
    store = SqliteJobStore(workdir / "state" / "jobs.sqlite3")
    now = time.time()
    saved = {"path": str(workdir / "a.png"), "mime_type": "image/png", "bytes": 1, "source_url": a}
    await store.insert(Job(job_id="job_resume", kind="image", provider="fal", model="m", backend="fal.queue",
                           status="running", phase="downloading", pending=[{"url": a}, {"url": b}],
                           outputs=[saved], created_at=now, updated_at=now))
    await store.close()
    hub = await hubs("fal")
    done = await hub.jobs.wait("job_resume", 5)
    assert done.status == "succeeded" and done.outputs[0] == saved and done.outputs[1]["source_url"] == b
    assert not fakes["fal"].calls("/cdn/a.png") and len(fakes["fal"].calls("/cdn/b.png")) == 1


async def test_a_job_left_mid_submit_by_a_dead_process_fails_without_resubmitting(hubs, fakes, workdir):
    store = SqliteJobStore(workdir / "state" / "jobs.sqlite3")
    now = time.time()
    await store.insert(
        Job(
            job_id="job_orphan",
            kind="video",
            provider="fal",
            model="m",
            backend="fal.queue",
            lease_owner=f"{__import__('socket').gethostname()}:999999999:dead",
            lease_until=now + 60,
            created_at=now,
            updated_at=now,
        )
    )
    await store.close()
    hub = await hubs("fal")
    done = await hub.jobs.wait("job_orphan", 2)
    assert done.status == "failed" and "not resubmitted" in done.error["message"]
    assert not fakes["fal"].calls("/queue/")


async def test_finished_jobs_older_than_the_retention_are_deleted(hubs, workdir):
    store = SqliteJobStore(workdir / "state" / "jobs.sqlite3")
    now = time.time()
    for job_id, age_days in (("job_old", 3.0), ("job_new", 1.0)):
        ts = now - age_days * 86400
        await store.insert(
            Job(
                job_id=job_id,
                kind="video",
                provider="fal",
                model="m",
                backend="fal.queue",
                status="succeeded",
                phase="done",
                created_at=ts,
                updated_at=ts,
                finished_at=ts,
            )
        )
    await store.close()
    hub = await hubs(AI_HUB_JOB_RETENTION_DAYS="2")
    await anyio.sleep(0.2)
    assert [j.job_id for j in await hub.jobs.recent()] == ["job_new"]


async def test_waiting_reports_at_least_every_heartbeat_without_news(hubs, fakes):
    fakes["fal"].state.update(hold=True, steps=["running"] * 2 + ["done"])
    hub = await hubs("fal", AI_HUB_POLL_INTERVAL="0.5")
    job = await hub.jobs.start("video", "fal", "fal-ai/minimax/video-01", fal_spec("fal-ai/minimax/video-01"))
    times: list[float] = []

    async def on_update(_job: Job) -> None:
        times.append(anyio.current_time())

    await hub.jobs.wait(job.job_id, 0.5, on_update, heartbeat=0.1)
    assert (
        len(times) >= 3 and max(b - a for a, b in itertools.pairwise(times)) < 0.45
    )  # heartbeat 0.1 s, slack for load


def test_result_json_is_stored_without_blobs():
    big = "data:image/png;base64," + "A" * 5000
    out = compact_json({"images": [{"url": big}], "text": "words " * 1000, "b64": "Q" * 10000})
    assert out["images"][0]["url"].startswith("<data URI") and out["text"] == "words " * 1000
    assert out["b64"].startswith("<10000 characters")
    assert len(json.dumps(out)) < 7000


async def test_fal_storage_streams_a_local_file_and_passes_urls_through(hubs, fakes, workdir):
    from mcp_ai_hub.inputs import resolve_input
    from mcp_ai_hub.providers.fal import storage

    hub = await hubs("fal")
    (workdir / "still.png").write_bytes(samples.png(6, 5))
    url = await storage.upload(hub, resolve_input("still.png", hub.settings))
    (token_call,) = fakes["fal"].calls("/rest/storage/auth/token$", "POST")
    assert token_call.param("storage_type") == "fal-cdn-v3" and token_call.json() == {}
    assert token_call.headers["authorization"] == f"Key {fakes['fal'].key}"
    (up,) = fakes["fal"].calls("/cdn/v3/files/upload$", "POST")
    assert up.headers["authorization"] == "Bearer " + fakes["fal"].state["tokens"][0]
    assert up.headers["content-type"] == "image/png" and up.headers["x-fal-file-name"] == "still.png"
    assert up.headers["content-length"] == str(len(samples.png(6, 5))) and up.body == samples.png(6, 5)
    assert url.startswith(fakes["fal"].url("/cdn/uploads/"))
    assert await storage.upload(hub, resolve_input("https://example.com/a.png", hub.settings)) == \
        "https://example.com/a.png"


async def test_wavespeed_upload_sends_the_file_as_multipart(hubs, fakes, workdir):
    from mcp_ai_hub.inputs import resolve_input

    hub = await hubs("wavespeed")
    (workdir / "still.jpg").write_bytes(samples.jpeg(8, 6))
    url = await predictions.upload(hub, resolve_input("still.jpg", hub.settings))
    (up,) = fakes["wavespeed"].calls("/api/v3/media/upload/binary$", "POST")
    assert up.multipart()["file"] == ("still.jpg", "image/jpeg", samples.jpeg(8, 6))
    assert int(up.headers["content-length"]) == len(up.body)
    assert up.headers["authorization"] == f"Bearer {fakes['wavespeed'].key}"
    assert url.startswith(fakes["wavespeed"].url("/cdn/"))


async def test_a_server_without_the_providers_key_reads_the_job_but_leaves_its_polling_to_others(
        hubs, fakes, hub_env, workdir):
    fakes["fal"].state["hold"] = True
    keyless = await hubs()
    first = make_hub(hub_env("fal", AI_HUB_POLL_INTERVAL="0.01"), workdir)
    async with first.jobs.running():
        job = await first.jobs.start(
            "video", "fal", "fal-ai/minimax/video-01", fal_spec("fal-ai/minimax/video-01")
        )
        await anyio.sleep(0.05)
    await first.aclose()
    # a poll the closing hub had already sent may still be reaching the fake: count once it settles
    polls = -1
    while polls != (now := len(fakes["fal"].calls("/status$"))):
        polls = now
        await anyio.sleep(0.05)
    seen = await keyless.jobs.wait(job.job_id, 0.3)
    assert seen.status in ("queued", "running") and seen.lease_owner is None and seen.error is None
    assert job.job_id not in keyless.jobs._pollers and len(fakes["fal"].calls("/status$")) == polls
    fakes["fal"].state["hold"] = False
    keyed = await hubs("fal")
    assert (await keyed.jobs.wait(job.job_id, 5)).status == "succeeded"


async def test_an_output_over_the_size_cap_fails_the_job_with_output_too_large(hubs, fakes):
    hub = await hubs("wavespeed", AI_HUB_MAX_OUTPUT_BYTES="1000")
    spec = JobSpec(predictions.BACKEND, "google/veo3.1/text-to-video", {"prompt": "waves"})
    done = await hub.jobs.wait((await hub.jobs.start("video", "wavespeed", "google/veo-3.1", spec)).job_id, 5)
    assert done.status == "failed" and done.error["code"] == "output_too_large"
    assert "the provider's URL was " + fakes["wavespeed"].url("/cdn/") in done.error["message"]


async def test_an_output_that_cannot_be_downloaded_fails_the_job_naming_the_url(hubs, fakes):
    missing = fakes["wavespeed"].url("/cdn/gone.mp4")
    fakes["wavespeed"].state["results"] = {"google/veo3.1/text-to-video": [missing]}
    hub = await hubs("wavespeed")
    spec = JobSpec(predictions.BACKEND, "google/veo3.1/text-to-video", {"prompt": "waves"})
    done = await hub.jobs.wait((await hub.jobs.start("video", "wavespeed", "google/veo-3.1", spec)).job_id, 5)
    assert done.status == "failed" and done.error["code"] == "job_failed"
    assert "saving output 1 failed" in done.error["message"] and missing in done.error["message"]


async def test_a_poll_that_sees_a_cancelled_request_end_records_it_cancelled(hubs, fakes):
    """fal reports a cancelled request as COMPLETED with an error: after our cancel that is a
    cancellation, even when a poll sees it before the cancel call has its answer."""
    fake = fakes["fal"]
    fake.state["hold"] = True
    hub = await hubs("fal", AI_HUB_POLL_INTERVAL="0.02")
    job = await hub.jobs.start("video", "fal", "fal-ai/minimax/video-01", fal_spec("fal-ai/minimax/video-01"))
    # fal's answer to the cancel is slow; meanwhile the request already ends as cancelled
    fake.inject("/cancel$", method="PUT", delay=0.5, status=202, body={"status": "CANCELLATION_REQUESTED"})
    async with anyio.create_task_group() as tg:
        tg.start_soon(hub.jobs.cancel, job.job_id)
        with anyio.fail_after(10):
            while not fake.calls("/cancel$", "PUT"):
                await anyio.sleep(0.01)
        for scripted in fake.state["jobs"].values():
            scripted.cancelled = True
    ended = await hub.jobs.get(job.job_id)
    assert ended.status == "cancelled" and ended.error is None, (ended.status, ended.message)


def test_the_shortest_poll_interval_grows_with_the_jobs_age_up_to_the_ceiling():
    from mcp_ai_hub.jobs.polling import AGING, aged_floor

    floors = [aged_floor(2.0, 15.0, age) for age in (0, AGING / 2, AGING, 3 * AGING, 100 * AGING)]
    assert floors == [2.0, 3.0, 4.0, 8.0, 15.0]
    assert aged_floor(2.0, 15.0, -5) == 2.0  # a clock step back never polls faster than the base


def test_the_longest_poll_interval_grows_with_the_jobs_age_up_to_a_minute():
    from mcp_ai_hub.jobs.polling import AGING, MAX_CEILING, aged_ceiling

    ceilings = [aged_ceiling(10.0, age) for age in (0, AGING, 3 * AGING, 100 * AGING)]
    assert ceilings == [10.0, 15.0, 25.0, MAX_CEILING] and MAX_CEILING == 60.0
    assert aged_ceiling(90.0, 0) == 90.0  # a backend asking for longer keeps its own ceiling
    assert aged_ceiling(10.0, -5) == 10.0


async def test_a_long_job_reporting_news_at_every_poll_is_polled_less_often_as_it_ages(
    hubs, fakes, monkeypatch
):
    from mcp_ai_hub.jobs import polling

    monkeypatch.setattr(polling, "AGING", 0.25)  # a minute of age in a quarter second
    fakes["fal"].state["steps"] = ("running",) * 500  # "Generating: n%" changes at every poll
    hub = await hubs("fal", AI_HUB_POLL_INTERVAL="0.05")  # base 0.05 s, ceiling 0.2 s
    job = await hub.jobs.start("image", "fal", "fal-ai/flux/dev", fal_spec())
    statuses = lambda: len(fakes["fal"].calls("/status$", "GET"))
    start = statuses()
    await anyio.sleep(0.5)
    young = (statuses() - start) / 0.5
    await anyio.sleep(1.0)
    middle = statuses()
    await anyio.sleep(1.0)
    old = (statuses() - middle) / 1.0
    await hub.jobs.cancel(job.job_id)
    # news resets the interval to the aged floor, not to the base: 0.05-0.15 s young, 0.2 s old
    assert old <= 6 and old < young / 1.3, (young, old)
