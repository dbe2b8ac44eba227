"""The PostgreSQL job store (a real server, see tests/pg_server.py): schema created and migrated
once, leases claimed exactly once under contention, compare-and-set writes, notifications across
stores, and job managers of several replicas on one database: one polls, all read, a dead one's
job is taken over, every replica's subscribers hear of changes another replica made."""

from __future__ import annotations

import time
from contextlib import AsyncExitStack

import anyio
import pytest

from mcp_ai_hub.catalog import Catalog
from mcp_ai_hub.config import Settings, SettingsError
from mcp_ai_hub.errors import StorageError
from mcp_ai_hub.hub import Hub
from mcp_ai_hub.jobs.backend import JobSpec
from mcp_ai_hub.jobs.manager import JobManager
from mcp_ai_hub.jobs.pg_store import SCHEMA_VERSION, PgJobStore, display_url
from mcp_ai_hub.jobs.store import Job
from mcp_ai_hub.jobs.stores import open_job_store
from mcp_ai_hub.providers.fal import queue as fal_queue
from tests import pg_server
from tests.subscriptions import UpdateListener

pytestmark = pytest.mark.anyio
VIDEO = "fal-ai/minimax/video-01"


@pytest.fixture
def pg_url() -> str:
    return pg_server.database()


@pytest.fixture
async def stores(pg_url):
    async with AsyncExitStack() as stack:

        def make() -> PgJobStore:
            store = PgJobStore(pg_url)
            stack.push_async_callback(store.close)
            return store

        yield make


@pytest.fixture
async def replicas(hub_env, workdir, pg_url):
    """`await replicas("fal")`: a Hub whose job manager runs over the test's database."""
    async with AsyncExitStack() as stack:

        async def make(*providers: str, **extra: str) -> Hub:
            env = hub_env(*providers, AI_HUB_JOB_STORE=pg_url, **{"AI_HUB_POLL_INTERVAL": "0.01", **extra})
            settings = Settings.load(environ=env, cwd=workdir)
            hub = Hub(settings, Catalog.load())
            hub.attach_jobs(JobManager(hub, open_job_store(settings)))
            stack.push_async_callback(hub.aclose)
            await stack.enter_async_context(hub.jobs.running())
            return hub

        yield make


def new_job(job_id: str = "job_1", **fields) -> Job:
    now = time.time()
    return Job(
        job_id=job_id,
        kind="video",
        provider="fal",
        model="m",
        backend="fal",
        created_at=now,
        updated_at=now,
        **fields,
    )


def video_spec() -> JobSpec:
    body = {"prompt": "a fox"}
    return JobSpec(fal_queue.BACKEND, VIDEO, body, summary=dict(body))


async def test_the_schema_is_created_once_and_its_version_recorded(stores, pg_url):
    first, second = stores(), stores()
    async with anyio.create_task_group() as tg:  # replicas starting together migrate once
        tg.start_soon(first.get, "job_x")
        tg.start_soon(second.get, "job_x")
    import psycopg

    async with await psycopg.AsyncConnection.connect(pg_url) as conn:
        cur = await conn.execute("SELECT version FROM ai_hub_schema WHERE component = 'jobs'")
        row = await cur.fetchone()
    assert row == (SCHEMA_VERSION,)
    await first.insert(new_job(message="hello", meta={"a": [1, "é"]}, state={"url": "https://x"}))
    got = await second.get("job_1")
    assert got is not None and got.message == "hello" and got.meta == {"a": [1, "é"]} and got.result is None
    assert got.state == {"url": "https://x"} and got.cancel_requested is False and got.outputs == []


async def test_exactly_one_of_many_racing_owners_gets_the_lease(stores):
    store = stores()
    await store.insert(new_job())
    contenders = [stores() for _ in range(6)]
    won: list[str] = []

    async def claim(index: int) -> None:
        if await contenders[index].acquire("job_1", f"owner{index}", 30, None):
            won.append(f"owner{index}")

    async with anyio.create_task_group() as tg:
        for i in range(len(contenders)):
            tg.start_soon(claim, i)
    assert len(won) == 1
    job = await store.get("job_1")
    assert job is not None and job.lease_owner == won[0]
    assert not await store.acquire("job_1", "late", 30, None)  # held and not expired
    assert await store.acquire("job_1", "heir", 30, won[0])  # its holder found dead
    assert await store.renew("job_1", "heir", 30) and not await store.renew("job_1", won[0], 30)


async def test_writes_are_compare_and_set_on_owner_status_and_phase(stores):
    store = stores()
    await store.insert(new_job(lease_owner="me", lease_until=time.time() + 30, phase="polling"))
    assert not await store.update("job_1", {"message": "x"}, owner="other")
    assert await store.update("job_1", {"message": "x", "progress": 0.5}, owner="me")
    assert not await store.update("job_1", {"status": "cancelled"}, not_phase="polling")
    assert await store.update("job_1", {"status": "succeeded", "finished_at": time.time() - 100})
    assert not await store.update("job_1", {"status": "failed"})  # finished jobs stay finished
    assert [j.job_id for j in await store.recent(status="succeeded")] == ["job_1"]
    assert await store.active() == []
    with pytest.raises(ValueError):
        await store.update("job_1", {"status = 'x'; --": 1}, active_only=False)
    assert await store.purge(time.time() - 50) == 1 and await store.get("job_1") is None


async def test_every_change_but_a_lease_renewal_is_notified_to_other_stores(stores):
    writer, reader = stores(), stores()
    await writer.get("job_0")  # schema in place before listening
    heard: list[tuple[str, float]] = []

    async def on_change(job_id: str, updated: float) -> None:
        heard.append((job_id, updated))

    async with anyio.create_task_group() as tg:
        tg.start_soon(reader.listen, on_change)
        await anyio.sleep(0.3)  # LISTEN issued
        await writer.insert(new_job(lease_owner="me", lease_until=time.time() + 30))
        await writer.renew("job_1", "me", 60)
        await writer.update("job_1", {"message": "running"}, owner="me")
        with anyio.fail_after(5):
            while len(heard) < 2:
                await anyio.sleep(0.01)
        await anyio.sleep(0.2)
        tg.cancel_scope.cancel()
    stored = await writer.get("job_1")
    assert stored is not None
    assert [job_id for job_id, _ in heard] == ["job_1", "job_1"] and heard[-1][1] == stored.updated_at


async def test_an_unreachable_database_is_a_storage_error_without_the_password():
    store = PgJobStore("postgresql://hub:s3cret@127.0.0.1:9/none")
    with pytest.raises(StorageError) as err:
        await store.get("job_1")
    assert "s3cret" not in err.value.render() and "AI_HUB_JOB_STORE" in err.value.render()
    with pytest.raises(StorageError):
        await anyio.to_thread.run_sync(store.check_writable)
    await store.close()
    assert display_url("postgresql://a:b@h:5/d") == "postgresql://a:***@h:5/d"


@pytest.mark.parametrize(
    "value, says",
    [
        ("mysql://h/db", "not a postgresql:// URL"),
        ("postgresql://u:pw@h:99999/db", "not a URL"),
    ],
)
def test_a_bad_job_store_url_is_a_start_up_error_naming_the_variable(value, says, workdir):
    with pytest.raises(SettingsError) as err:
        Settings.load(environ={"AI_HUB_JOB_STORE": value}, cwd=workdir)
    assert str(err.value).startswith("AI_HUB_JOB_STORE:") and says in str(err.value)
    assert ":pw@" not in str(err.value)


def test_the_database_password_is_redacted_like_a_key(workdir):
    settings = Settings.load(environ={"AI_HUB_JOB_STORE": "postgresql://hub:p%40ss@db/hub"}, cwd=workdir)
    assert {"p%40ss", "p@ss"} <= set(settings.secrets())


async def test_replicas_poll_a_job_once_all_read_it_and_all_hear_its_changes(replicas, fakes):
    fakes["fal"].state["hold"] = True
    hubs = [await replicas("fal") for _ in range(3)]
    heard: list[list[str]] = [[] for _ in hubs]
    for hub, log in zip(hubs, heard):

        async def listener(job_id: str, log: list[str] = log) -> None:
            log.append(job_id)

        hub.jobs.add_listener(listener)
    job = await hubs[0].jobs.start("video", "fal", VIDEO, video_spec())
    await anyio.sleep(0.3)
    pollers = [h for h in hubs if job.job_id in h.jobs._pollers]
    assert pollers == [hubs[0]]
    fakes["fal"].state["hold"] = False
    done = await hubs[2].jobs.wait(job.job_id, 10)
    assert done.status == "succeeded" and len(done.outputs) == 1
    assert (await hubs[1].jobs.get(job.job_id)).outputs == done.outputs
    assert len(fakes["fal"].calls(r"/cdn/.+\.mp4$", "GET")) == 1
    assert len(fakes["fal"].calls(rf"/queue/{VIDEO}$", "POST")) == 1
    with anyio.fail_after(5):
        while not all(log.count(job.job_id) >= 2 for log in heard[1:]):
            await anyio.sleep(0.02)


async def test_a_replica_that_goes_away_has_its_job_taken_over(replicas, fakes, hub_env, workdir, pg_url):
    fakes["fal"].state["hold"] = True
    survivor = await replicas("fal")
    env = hub_env("fal", AI_HUB_JOB_STORE=pg_url, AI_HUB_POLL_INTERVAL="0.01")
    settings = Settings.load(environ=env, cwd=workdir)
    gone = Hub(settings, Catalog.load())
    gone.attach_jobs(JobManager(gone, open_job_store(settings)))
    async with gone.jobs.running():
        job = await gone.jobs.start("video", "fal", VIDEO, video_spec())
        await anyio.sleep(0.05)
    await gone.aclose()
    fakes["fal"].state["hold"] = False
    done = await survivor.jobs.wait(job.job_id, 10)
    assert done.status == "succeeded" and len(done.outputs) == 1


@pytest.mark.both_generations
@pytest.mark.filterwarnings("ignore:resources/subscribe is removed")
async def test_a_subscriber_on_one_replica_hears_of_a_job_another_replica_runs(
    connect, hub_env, fakes, mode, pg_url
):
    fakes["fal"].state["hold"] = True
    listener = UpdateListener(mode)

    # the reader's key-less replica never polls fal jobs: every change it hears comes from the other
    env = hub_env("fal", AI_HUB_JOB_STORE=pg_url, AI_HUB_POLL_INTERVAL="0.01")
    reader_env = {k: v for k, v in env.items() if k != "FAL_KEY"}
    async with connect(env) as runner, connect(reader_env, **listener.client_kwargs()) as reader:
        started = await runner.call_tool(
            "generate_video", {"prompt": "a fox", "model": f"fal/{VIDEO}", "wait_seconds": 0}
        )
        job_id = started.structured_content["job_id"]
        uri = f"jobs://{job_id}"
        await listener.first_update(reader, uri, lambda: fakes["fal"].state.update(hold=False), 10)
        final = await reader.call_tool("get_job", {"job_id": job_id, "wait_seconds": 10})
    assert listener.heard and set(listener.heard) == {uri}
    assert final.structured_content["status"] == "succeeded"
