"""Jobs across real `mcp-ai-hub` processes sharing one state directory: a job survives SIGKILL of
the server that started it (a new server completes it and saves the file exactly once), and with
two live servers one polls while both read."""

from __future__ import annotations

import json
import os
import signal
import subprocess
from pathlib import Path

import anyio
import pytest

from tests.test_stdio import INITIALIZE, child_env, hub_command

pytestmark = pytest.mark.anyio

MODEL = "fal/fal-ai/minimax/video-01"


def spawn_raw(env: dict[str, str], workdir: Path, log: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [hub_command(), "--log-level", "DEBUG"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=open(log, "wb"),
        env=env,
        cwd=workdir,
        text=True,
    )


def rpc(proc: subprocess.Popen, messages: list[dict], want_id: int) -> dict:
    """Send JSON-RPC lines; return the response with `want_id`."""
    proc.stdin.write("".join(json.dumps(m) + "\n" for m in messages))
    proc.stdin.flush()
    while True:
        line = proc.stdout.readline()
        assert line, "the server closed stdout"
        message = json.loads(line)
        if message.get("id") == want_id:
            return message


def start_job_raw(proc: subprocess.Popen) -> str:
    rpc(proc, [INITIALIZE], 1)
    response = rpc(
        proc,
        [
            {"jsonrpc": "2.0", "method": "notifications/initialized"},
            {
                "jsonrpc": "2.0",
                "id": 2,
                "method": "tools/call",
                "params": {
                    "name": "generate_video",
                    "arguments": {"prompt": "a fox", "model": MODEL, "wait_seconds": 0},
                },
            },
        ],
        2,
    )
    result = response["result"]
    assert not result.get("isError"), result
    return result["structuredContent"]["job_id"]


def stdio_client(env: dict[str, str], workdir: Path, log: Path):
    from mcp import Client, StdioServerParameters

    command = f'exec "{hub_command()}" --log-level DEBUG 2>>"{log}"'
    return Client(StdioServerParameters(command="/bin/sh", args=["-c", command], env=env, cwd=str(workdir)))


async def until(predicate, timeout: float = 30.0) -> None:
    with anyio.fail_after(timeout):
        while not predicate():
            await anyio.sleep(0.02)


def mp4s(workdir: Path) -> list[Path]:
    out = workdir / "ai-hub-output"
    return sorted(out.glob("*.mp4")) if out.exists() else []


async def test_a_job_survives_sigkill_and_a_new_server_saves_it_exactly_once(
    workdir, hub_env, fakes, tmp_path
):
    fake = fakes["fal"]
    fake.state["hold"] = True
    env = child_env(workdir, hub_env("fal", AI_HUB_POLL_INTERVAL="0.05"))
    first = spawn_raw(env, workdir, tmp_path / "first.log")
    try:
        job_id = start_job_raw(first)
        await until(lambda: len(fake.calls("/status$")) >= 3)  # the first server is polling
    finally:
        os.kill(first.pid, signal.SIGKILL)
        first.wait(timeout=10)
    assert first.returncode == -signal.SIGKILL
    polls_before = len(fake.calls("/status$"))
    fake.state["hold"] = False

    async with stdio_client(env, workdir, tmp_path / "second.log") as client:
        result = await client.call_tool("get_job", {"job_id": job_id, "wait_seconds": 20})
        again = await client.call_tool("get_job", {"job_id": job_id})
    job = result.structured_content
    assert not result.is_error and job["status"] == "succeeded", result.content[0].text
    assert len(fake.calls("/status$")) > polls_before  # the second server polled it to the end
    assert len(fake.calls(r"/queue/fal-ai/minimax/video-01$", "POST")) == 1  # never resubmitted
    assert len(fake.calls(r"/cdn/.+\.mp4$", "GET")) == 1
    assert [str(p) for p in mp4s(workdir)] == [job["outputs"][0]["path"]]
    assert again.structured_content["outputs"] == job["outputs"]


async def test_two_servers_on_one_state_dir_one_polls_and_both_read(workdir, hub_env, fakes, tmp_path):
    fake = fakes["fal"]
    fake.state["hold"] = True
    env = child_env(workdir, hub_env("fal", AI_HUB_POLL_INTERVAL="0.05"))
    logs = tmp_path / "a.log", tmp_path / "b.log"
    async with stdio_client(env, workdir, logs[0]) as a, stdio_client(env, workdir, logs[1]) as b:
        started = await a.call_tool("generate_video", {"prompt": "a fox", "model": MODEL, "wait_seconds": 0})
        job_id = started.structured_content["job_id"]
        await until(lambda: len(fake.calls("/status$")) >= 3)
        seen_by_b = json.loads((await b.read_resource(f"jobs://{job_id}")).contents[0].text)
        assert seen_by_b["status"] in ("queued", "running") and seen_by_b["job_id"] == job_id
        await anyio.sleep(0.5)  # the second server scans several times meanwhile
        fake.state["hold"] = False
        done_b = await b.call_tool("get_job", {"job_id": job_id, "wait_seconds": 20})
        done_a = await a.call_tool("get_job", {"job_id": job_id})
        listed_b = await b.call_tool("list_jobs", {})
    assert done_b.structured_content["status"] == "succeeded"
    assert done_a.structured_content["outputs"] == done_b.structured_content["outputs"]
    assert [j["job_id"] for j in listed_b.structured_content["jobs"]] == [job_id]
    polled = [f"polling job {job_id}" in log.read_text() for log in logs]
    assert polled == [True, False], "exactly the starting server polls the job"
    assert len(mp4s(workdir)) == 1 and len(fake.calls(r"/cdn/.+\.mp4$", "GET")) == 1
