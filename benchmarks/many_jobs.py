"""Figure 5, many jobs: 500 fal image jobs submitted at once (generate_image, wait_seconds 0) to
the fake fal queue, held "running" until a set time and then all finishing at their next poll.

Reported: status polls per job and per job-minute by the job's age (a watcher thread stamps every
request the fake receives, 0.1 s resolution), the server's CPU seconds (from /proc), and the lag
from the moment the fake finishes to each job showing `succeeded` in the job store (read-only,
from the outside, so the measurement costs the server nothing). The baseline is a poller at a fixed
interval of the backend's base interval (computed: 60 / interval requests per job-minute).
"""

from __future__ import annotations

import itertools
import sqlite3
import threading
import time
from pathlib import Path
from typing import Any, Self

from harness import HUB, HarnessError, RpcProcess, cpu_of, hub_env, median, percentile

MODEL = "fal/fal-ai/flux/schnell"
BANDS = (0.0, 30.0, 60.0, 90.0)


class Stamper:
    """Stamps the fake's new requests with the time they were first seen (every 0.1 s)."""

    def __init__(self, fake: Any):
        self.fake, self.seen = fake, 0
        self.stamps: list[tuple[float, str]] = []  # (time.time(), path) of status polls
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.wait(0.1):
            self.collect()

    def collect(self) -> None:
        now, requests = time.time(), self.fake.requests
        for rec in requests[self.seen : len(requests)]:
            if rec.path.endswith("/status"):
                self.stamps.append((now, rec.path.rsplit("/", 2)[-2]))
        self.seen = len(requests)

    def __enter__(self) -> Self:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.collect()


def measure(cloud: Any, workdir: Path, jobs: int = 500, hold: float = 90.0) -> dict[str, Any]:
    from mcp_ai_hub.providers.fal.queue import FalQueue

    fal = cloud["fal"]
    fal.reset()
    fal.state["hold"] = True
    env = hub_env(cloud, workdir, "fal")
    db = workdir / "state" / "jobs.sqlite3"
    with RpcProcess([HUB], env, workdir) as hub:
        hub.initialize()
        cpu_start = cpu_of(hub.pid)
        t0 = time.time()
        with Stamper(fal) as stamper:
            ids = hub.call_many(
                "tools/call",
                [
                    {
                        "name": "generate_image",
                        "arguments": {"prompt": f"fox {i}", "model": MODEL, "wait_seconds": 0},
                    }
                    for i in range(jobs)
                ],
            )
            for rid in ids:
                _, answer = hub.wait(rid, timeout=120)
                if "error" in answer or answer["result"].get("isError"):
                    raise HarnessError(f"generate_image failed: {str(answer)[:300]}")
            submitted = time.time() - t0
            cpu_submitted = cpu_of(hub.pid) - cpu_start
            time.sleep(max(0.0, t0 + hold - time.time()))
            cpu_held = cpu_of(hub.pid) - cpu_start
            released = time.time()
            fal.state["hold"] = False  # every job finishes at its next poll
            finished: dict[str, float] = {}
            with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
                while time.time() - released < 120:
                    rows = conn.execute("SELECT status, finished_at FROM jobs").fetchall()
                    if len(rows) >= jobs and all(s in ("succeeded", "failed", "cancelled") for s, _ in rows):
                        break
                    time.sleep(0.25)
                rows = conn.execute("SELECT job_id, status, finished_at, created_at FROM jobs").fetchall()
            for job_id, status, finished_at, _ in rows:
                if status != "succeeded":
                    raise HarnessError(f"job {job_id} ended {status}")
                finished[job_id] = finished_at
            cpu_total = cpu_of(hub.pid) - cpu_start
    lags = [t - released for t in finished.values()]
    per_job: dict[str, list[float]] = {}
    for stamp, request_id in stamper.stamps:
        per_job.setdefault(request_id, []).append(stamp)
    gaps = [
        ts[-1] - ts[-2]
        for ts in (sorted(t for t in v if t < released) for v in per_job.values())
        if len(ts) > 1
    ]
    bands = []
    for low, high in itertools.pairwise(BANDS):
        count = sum(1 for stamp, _ in stamper.stamps if low <= stamp - t0 < high)
        bands.append({"from": low, "to": high, "per_job_minute": count / jobs / ((high - low) / 60)})
    base = FalQueue.poll_interval
    return {
        "jobs": jobs,
        "hold": hold,
        "submit_seconds": submitted,
        "polls_per_job": len(stamper.stamps) / jobs,
        "cpu_submit": cpu_submitted,
        "cpu_held": cpu_held,
        "cpu_total": cpu_total,
        "lag_median": median(lags),
        "lag_p95": percentile(lags, 95),
        "lag_max": max(lags),
        "interval_at_release": median(gaps) if gaps else float("nan"),
        "interval_max": max(gaps) if gaps else float("nan"),
        "bands": bands,
        "fixed_per_job_minute": 60.0 / base,
        "base_interval": base,
        "ceiling": FalQueue.max_poll_interval,
    }
