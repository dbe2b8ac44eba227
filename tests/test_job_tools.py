"""The job tools and resources through a real MCP client (both protocol generations): returning
at once, waiting with increasing progress, jobs:// reads, notifications to subscribers, and
cancellation of the creating call versus a get_job wait."""

from __future__ import annotations

import itertools
import json

import anyio
import pytest
from mcp.shared.exceptions import MCPError

from tests.subscriptions import UpdateListener

pytestmark = [pytest.mark.anyio, pytest.mark.both_generations,
              pytest.mark.filterwarnings("ignore:resources/subscribe is removed")]

FAST = {"AI_HUB_POLL_INTERVAL": "0.01"}
MODEL = "fal/fal-ai/minimax/video-01"


async def start(client, **extra):
    result = await client.call_tool(
        "generate_video", {"prompt": "a fox", "model": MODEL, "wait_seconds": 0, **extra}
    )
    assert not result.is_error, result.content[0].text
    return result


async def read_job(client, job_id: str) -> dict:
    read = await client.read_resource(f"jobs://{job_id}")
    assert read.contents[0].mime_type == "application/json" and read.ttl_ms == 0  # never served from a cache
    return json.loads(read.contents[0].text)


async def until(predicate, timeout: float = 20.0) -> None:
    with anyio.fail_after(timeout):
        while not await predicate():
            await anyio.sleep(0.01)


async def test_wait_seconds_zero_returns_the_job_at_once_and_get_job_finishes_it(connect, hub_env, fakes):
    fakes["fal"].state["hold"] = True
    progress: list[tuple[float, float | None, str]] = []

    async def on_progress(value: float, total: float | None, message: str | None) -> None:
        progress.append((value, total, message or ""))

    async with connect(hub_env("fal", **FAST)) as client:
        began = anyio.current_time()
        result = await start(client)
        assert anyio.current_time() - began < 10  # the held job would never finish: it did not wait
        job = result.structured_content
        # returned at once: still waiting at fal (a busy machine may already have polled it once)
        assert job["status"] in ("queued", "running") and job["outputs"] == [] and job["error"] is None
        text = result.content[0].text
        assert f'get_job with job_id="{job["job_id"]}"' in text and f"jobs://{job['job_id']}" in text
        await until(lambda: _polled(fakes, 4))
        fakes["fal"].state["hold"] = False
        done = await client.call_tool("get_job", {"job_id": job["job_id"], "wait_seconds": 10},
                                      progress_callback=on_progress)
    assert not done.is_error and done.structured_content["status"] == "succeeded"
    assert done.structured_content["outputs"][0]["mime_type"] == "video/mp4"
    values = [v for v, _, _ in progress]
    assert len(values) >= 2 and all(b > a for a, b in itertools.pairwise(values)) and values[-1] == 100
    assert all(total == 100 for _, total, _ in progress)
    assert any("Generating: " in m for _, _, m in progress) and progress[-1][2].startswith("succeeded")


async def _polled(fakes, n: int) -> bool:
    return len(fakes["fal"].calls("/status$")) >= n


async def test_the_jobs_resource_reads_the_live_status(connect, hub_env, fakes):
    fakes["fal"].state["hold"] = True
    async with connect(hub_env("fal", **FAST)) as client:
        job_id = (await start(client)).structured_content["job_id"]

        async def running() -> bool:
            return (await read_job(client, job_id))["status"] == "running"

        await until(running)
        live = await read_job(client, job_id)
        assert live["progress"] is not None and live["message"].startswith("Generating: ")
        fakes["fal"].state["hold"] = False
        await client.call_tool("get_job", {"job_id": job_id, "wait_seconds": 10})
        final = await read_job(client, job_id)
        templates = await client.list_resource_templates()
        with pytest.raises(MCPError):
            await client.read_resource("jobs://job_unknown")
    assert final["status"] == "succeeded" and final["outputs"][0]["mime_type"] == "video/mp4"
    assert "jobs://{job_id}" in [t.uri_template for t in templates.resource_templates]


async def test_subscribers_hear_of_status_changes(connect, hub_env, fakes, mode):
    fakes["fal"].state["hold"] = True
    listener = UpdateListener(mode)
    async with connect(hub_env("fal", **FAST), **listener.client_kwargs()) as client:
        job_id = (await start(client)).structured_content["job_id"]
        uri = f"jobs://{job_id}"
        assert client.server_capabilities.resources.subscribe is True
        await listener.first_update(client, uri, lambda: fakes["fal"].state.update(hold=False), 15)
        await client.call_tool("get_job", {"job_id": job_id, "wait_seconds": 10})
        final = await read_job(client, job_id)
    assert listener.heard and set(listener.heard) == {uri}
    assert final["status"] == "succeeded"


async def test_cancelling_the_creating_call_cancels_the_provider_job(connect, hub_env, fakes):
    fakes["fal"].state["hold"] = True
    async with connect(hub_env("fal", **FAST)) as client:
        async with anyio.create_task_group() as tg:
            async def call() -> None:
                await client.call_tool(
                    "generate_video", {"prompt": "a fox", "model": MODEL, "wait_seconds": 30}
                )

            tg.start_soon(call)
            await until(lambda: _polled(fakes, 4))
            tg.cancel_scope.cancel()

        async def cancelled() -> bool:
            return bool(fakes["fal"].calls("/cancel$", "PUT"))

        await until(cancelled)
        listing = await client.call_tool("list_jobs", {})

        async def ended() -> bool:
            jobs = (await client.call_tool("list_jobs", {})).structured_content["jobs"]
            return jobs[0]["status"] == "cancelled"

        await until(ended)
        (job,) = (await client.call_tool("list_jobs", {"status": "cancelled"})).structured_content["jobs"]
    assert len(listing.structured_content["jobs"]) == 1
    assert "cancel request" in job["message"]  # said by the cancel, or by the poll that saw it end
    (put,) = fakes["fal"].calls("/cancel$", "PUT")
    assert put.path.startswith("/queue/fal-ai/minimax/requests/")


async def test_cancel_job_cancels_at_the_provider(connect, hub_env, fakes):
    fakes["fal"].state["hold"] = True
    async with connect(hub_env("fal", **FAST)) as client:
        job_id = (await start(client)).structured_content["job_id"]
        result = await client.call_tool("cancel_job", {"job_id": job_id})
        later = await client.call_tool("get_job", {"job_id": job_id})
    assert not result.is_error and result.structured_content["status"] == "cancelled"
    assert "cancelled" in result.content[0].text
    assert later.structured_content["status"] == "cancelled" and not later.is_error
    assert len(fakes["fal"].calls("/cancel$", "PUT")) == 1


async def test_cancelling_a_get_job_wait_only_stops_the_wait(connect, hub_env, fakes):
    fakes["fal"].state["hold"] = True
    async with connect(hub_env("fal", **FAST)) as client:
        job_id = (await start(client)).structured_content["job_id"]
        with anyio.move_on_after(0.3):
            await client.call_tool("get_job", {"job_id": job_id, "wait_seconds": 30})
        await anyio.sleep(0.1)
        assert (await read_job(client, job_id))["status"] in ("queued", "running")
        fakes["fal"].state["hold"] = False
        done = await client.call_tool("get_job", {"job_id": job_id, "wait_seconds": 10})
    assert done.structured_content["status"] == "succeeded"
    assert not fakes["fal"].calls("/cancel$")


async def test_list_jobs_filters_and_unknown_ids_are_job_not_found(connect, hub_env, fakes):
    async with connect(hub_env("fal", **FAST)) as client:
        first = (await start(client)).structured_content["job_id"]
        await client.call_tool("get_job", {"job_id": first, "wait_seconds": 10})
        fakes["fal"].state["hold"] = True
        second = (await start(client)).structured_content["job_id"]
        await client.call_tool("cancel_job", {"job_id": second})
        everything = (await client.call_tool("list_jobs", {})).structured_content["jobs"]
        done = (await client.call_tool("list_jobs", {"status": "succeeded"})).structured_content["jobs"]
        missing = await client.call_tool("get_job", {"job_id": "job_0123"})
        bad = await client.call_tool("list_jobs", {"status": "nonsense"})
    assert [j["job_id"] for j in everything] == [second, first] and [j["job_id"] for j in done] == [first]
    assert missing.is_error and missing.content[0].text.startswith("[job_not_found]")
    assert bad.is_error


async def test_job_tools_have_flat_inputs_and_the_job_as_output_schema(connect, hub_env):
    async with connect(hub_env()) as client:
        tools = {t.name: t for t in (await client.list_tools()).tools}
    video = tools["generate_video"]
    props = video.input_schema["properties"]
    assert (
        props["wait_seconds"]["default"] == 50
        and tools["get_job"].input_schema["properties"]["wait_seconds"]["default"] == 0
    )
    assert not any("anyOf" in p for p in props.values()) and video.input_schema["required"] == ["prompt"]
    assert video.annotations.read_only_hint is False and video.annotations.open_world_hint is True
    for name in ("generate_video", "get_job", "cancel_job"):
        schema = tools[name].output_schema
        assert {"job_id", "resource_uri", "status", "progress", "outputs", "error"} <= set(
            schema["properties"]
        )
    assert "jobs" in tools["list_jobs"].output_schema["properties"]


async def test_a_call_cancelled_mid_submit_still_cancels_the_job_at_the_provider(connect, hub_env, fakes):
    fakes["fal"].state["hold"] = True
    fakes["fal"].inject(r"/queue/fal-ai/minimax/video-01$", delay=0.3, method="POST")
    async with connect(hub_env("fal", **FAST)) as client:
        async with anyio.create_task_group() as tg:
            async def call() -> None:
                await client.call_tool(
                    "generate_video", {"prompt": "a fox", "model": MODEL, "wait_seconds": 30}
                )

            tg.start_soon(call)
            await until(lambda: _submitted(fakes))
            tg.cancel_scope.cancel()

        async def ended() -> bool:
            jobs = (await client.call_tool("list_jobs", {})).structured_content["jobs"]
            return bool(jobs) and jobs[0]["status"] == "cancelled"

        await until(ended)
    assert len(fakes["fal"].calls(r"/queue/fal-ai/minimax/video-01$", "POST")) == 1
    assert len(fakes["fal"].calls("/cancel$", "PUT")) == 1


async def _submitted(fakes) -> bool:
    return bool(fakes["fal"].calls(r"/queue/fal-ai/minimax/video-01$", "POST"))
