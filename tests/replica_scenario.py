"""The team scenario: N `mcp-ai-hub` processes (stdio, raw JSON-RPC of the handshake generation)
on one PostgreSQL database and the fal fake; jobs started round-robin, every replica subscribed to
every job, one replica SIGKILLed mid-run. Used by tests/test_replicas.py (small) and
benchmarks/replicas.py (the acceptance run: 3 replicas, 300 jobs).

What it measures: jobs succeeded, submits and downloads per job, files saved, fal status polls,
(subscriber, job) pairs notified, wall time.
"""

from __future__ import annotations

import itertools
import json
import os
import signal
import subprocess
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.fakes import FakeCloud
from tests.test_stdio import INITIALIZE, child_env, hub_command

MODEL = "fal/fal-ai/minimax/video-01"
STEPS = ("queued", "queued", "running", "running", "running", "running", "running", "running", "done")


class Replica:
    """One hub process and a reader thread sorting its stdout into responses and notifications."""

    def __init__(self, env: dict[str, str], workdir: Path, log: Path):
        self.proc = subprocess.Popen(
            [hub_command(), "--log-level", "INFO"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=open(log, "wb"),  # noqa: SIM115
            env=env,
            cwd=workdir,
        )
        self.responses: dict[int, dict] = {}
        self.updated: dict[str, int] = {}  # uri -> notifications/resources/updated heard
        self.on_answer: dict[int, Any] = {}  # request id -> called (in the reader thread) with the answer
        self._ids = itertools.count(1000)
        self._cond = threading.Condition()
        self._write = threading.Lock()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            message = json.loads(line)
            with self._cond:
                if message.get("method") == "notifications/resources/updated":
                    uri = message["params"]["uri"]
                    self.updated[uri] = self.updated.get(uri, 0) + 1
                elif "id" in message:
                    self.responses[message["id"]] = message
                    self._cond.notify_all()
            if (hook := self.on_answer.pop(message.get("id", -1), None)) is not None:
                hook(message)

    def next_id(self) -> int:
        return next(self._ids)

    def send(
        self, method: str, params: dict | None = None, *, notify: bool = False, request_id: int | None = None
    ) -> int:
        message: dict[str, Any] = {"jsonrpc": "2.0", "method": method}
        if params is not None:
            message["params"] = params
        if notify:
            request_id = -1
        else:
            request_id = self.next_id() if request_id is None else request_id
            message["id"] = request_id
        assert self.proc.stdin is not None
        with self._write:
            self.proc.stdin.write((json.dumps(message) + "\n").encode())
            self.proc.stdin.flush()
        return request_id

    def wait(self, request_id: int, timeout: float = 60) -> dict:
        with self._cond:
            if not self._cond.wait_for(lambda: request_id in self.responses, timeout):
                raise TimeoutError(f"no answer to request {request_id}")
            return self.responses.pop(request_id)

    def open(self) -> None:
        self.proc.stdin.write((json.dumps(INITIALIZE) + "\n").encode())  # type: ignore[union-attr]
        self.proc.stdin.flush()  # type: ignore[union-attr]
        self.wait(1)
        self.send("notifications/initialized", notify=True)

    def kill(self) -> None:
        os.kill(self.proc.pid, signal.SIGKILL)
        self.proc.wait(timeout=10)

    def close(self) -> None:
        """Close stdin (the server shuts down and releases its leases); `reap()` waits for it."""
        if self.proc.poll() is None:
            self.proc.stdin.close()  # type: ignore[union-attr]

    def reap(self) -> None:
        try:
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=10)


@dataclass
class Figures:
    replicas: int
    jobs: int
    killed: bool
    succeeded: int = 0
    submits: int = 0
    downloads: int = 0
    files: int = 0
    polls: int = 0
    taken_over: int = 0  # jobs a surviving replica took over from the killed one
    notified_pairs: int = 0
    expected_pairs: int = 0
    seconds: float = 0.0
    statuses: dict[str, int] = field(default_factory=dict)

    def line(self) -> str:
        return (
            f"{self.replicas} replica(s), {self.jobs} jobs, killed one: {self.killed}: "
            f"{self.succeeded} succeeded, {self.submits} submits, {self.downloads} downloads, "
            f"{self.files} files, {self.taken_over} jobs taken over, {self.polls} status polls "
            f"({self.polls / self.jobs:.2f} per job), "
            f"subscribers notified {self.notified_pairs}/{self.expected_pairs}, {self.seconds:.1f} s"
        )


def run(
    cloud: FakeCloud,
    db_url: str,
    workdir: Path,
    *,
    replicas: int,
    jobs: int,
    kill: bool,
    poll_interval: float = 0.05,
    timeout: float = 300,
) -> Figures:
    """Run the scenario on a fresh database; the fal fake's log is read for submits, polls, downloads."""
    fake = cloud["fal"]
    fake.reset()
    fake.state["steps"] = list(STEPS)
    env = child_env(
        workdir,
        {
            **cloud.env("fal"),
            "AI_HUB_JOB_STORE": db_url,
            "AI_HUB_LISTING_TTL": "0",
            "AI_HUB_ALLOW_PRIVATE_URLS": "1",
            "AI_HUB_POLL_INTERVAL": str(poll_interval),
        },
    )
    figures = Figures(replicas, jobs, kill)
    began = time.monotonic()
    hubs = [Replica(env, workdir, workdir / f"replica{i}.log") for i in range(replicas)]
    try:
        for hub in hubs:
            hub.open()

        def subscribe_everywhere(answer: dict) -> None:  # as soon as a job exists, before its first poll
            job = answer.get("result", {}).get("structuredContent") or {}
            if "job_id" in job:
                for hub in hubs:
                    hub.send("resources/subscribe", {"uri": f"jobs://{job['job_id']}"})

        pending = []
        for i in range(jobs):
            hub = hubs[i % replicas]
            request_id = hub.next_id()
            hub.on_answer[request_id] = subscribe_everywhere
            hub.send(
                "tools/call",
                {
                    "name": "generate_video",
                    "arguments": {"prompt": f"fox {i}", "model": MODEL, "wait_seconds": 0},
                },
                request_id=request_id,
            )
            pending.append((hub, request_id))
        job_ids = []
        for hub, request_id in pending:
            result = hub.wait(request_id)["result"]
            assert not result.get("isError"), result
            job_ids.append(result["structuredContent"]["job_id"])
        survivors = hubs
        if kill:
            expected = jobs * len(STEPS)
            deadline = time.monotonic() + timeout
            while len(fake.calls("/status$")) < expected * 0.4 and time.monotonic() < deadline:
                time.sleep(0.01)
            hubs[0].kill()
            survivors = hubs[1:]
        reader = survivors[-1]
        statuses: dict[str, int] = {}
        for job_id in job_ids:
            answer = reader.wait(
                reader.send(
                    "tools/call",
                    {"name": "get_job", "arguments": {"job_id": job_id, "wait_seconds": int(timeout)}},
                ),
                timeout + 30,
            )
            status = answer["result"]["structuredContent"]["status"]
            statuses[status] = statuses.get(status, 0) + 1
        time.sleep(0.5)  # the last notifications in flight
        figures.seconds = time.monotonic() - began
        figures.statuses = statuses
        figures.succeeded = statuses.get("succeeded", 0)
        figures.expected_pairs = len(survivors) * jobs
        figures.notified_pairs = sum(1 for h in survivors for j in job_ids if h.updated.get(f"jobs://{j}"))
    finally:
        for hub in hubs:
            hub.close()
        for hub in hubs:
            hub.reap()
    figures.submits = len(fake.calls(r"/queue/fal-ai/minimax/video-01$", "POST"))
    figures.downloads = len(fake.calls(r"/cdn/.+\.mp4$", "GET"))
    figures.polls = len(fake.calls("/status$"))
    out = workdir / "ai-hub-output"
    figures.files = len(list(out.glob("*.mp4"))) if out.exists() else 0
    if kill:
        logs = "".join((workdir / f"replica{i}.log").read_text(errors="replace") for i in range(1, replicas))
        figures.taken_over = logs.count("polling here")
    return figures
