"""Scripted provider jobs for the fakes: a job advances one step per status poll.

Tests steer every fake through its `state`:
- `state["steps"]`: the phases polls walk through (default queued, queued, running, running, done);
- `state["outcome"]`: "succeeded" (default), "content_policy" or "error" when the job ends;
- `state["hold"] = True`: a job that reached "running" stays there until the flag is cleared;
- `state["results"][endpoint]`: the result a fal/WaveSpeed endpoint returns, instead of the default;
- `state["finish_after"] = seconds`: the job ends that long after its submit, polled or not (polls
  before then see it running); a job with a webhook (`webhooks.py`) calls it back then.
"""

from __future__ import annotations

import itertools
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from . import samples
from .base import FakeProvider

DEFAULT_STEPS = ("queued", "queued", "running", "running", "done")
_ids = itertools.count(1)
_lock = threading.Lock()


@dataclass
class ScriptedJob:
    id: str
    endpoint: str
    input: Any
    steps: tuple[str, ...]
    outcome: str
    polls: int = 0
    cancelled: bool = False
    finished: bool = False
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def fraction(self) -> float:
        """How far along the job is (0..1), for providers that report progress."""
        return min(1.0, self.polls / len(self.steps))

    def finish(self) -> None:
        """End the job now (unless cancelled); its `on_finish` (a webhook) runs once."""
        with _lock:
            if self.cancelled or self.finished:
                return
            self.finished = True
            on_finish = self.extra.pop("on_finish", None)
        if on_finish is not None:
            on_finish()

    def advance(self, fake: FakeProvider) -> str:
        """The phase this poll sees: queued, running, cancelled or done (then see `outcome`)."""
        if self.cancelled:
            return "cancelled"
        if self.finished:
            return "done"
        ready_at = self.extra.get("ready_at")
        if ready_at is not None:
            self.polls += 1
            if time.monotonic() < ready_at:
                return "running"
            self.finish()
            return "done"
        phase = self.steps[min(self.polls, len(self.steps) - 1)]
        if fake.state.get("hold") and phase == "done":
            return "running"
        self.polls += 1
        if phase == "done":
            self.finish()
        return phase


def new_job(fake: FakeProvider, endpoint: str, input: Any, prefix: str = "") -> ScriptedJob:
    job = ScriptedJob(id=f"{prefix}{next(_ids):06d}-{fake.name}", endpoint=endpoint, input=input,
                      steps=tuple(fake.state.get("steps") or DEFAULT_STEPS),
                      outcome=fake.state.get("outcome", "succeeded"))
    if (after := fake.state.get("finish_after")) is not None:
        job.extra["ready_at"] = time.monotonic() + float(after)
    fake.state.setdefault("jobs", {})[job.id] = job
    return job


def job_of(fake: FakeProvider, job_id: str) -> ScriptedJob | None:
    return fake.state.get("jobs", {}).get(job_id)


def publish_video(fake: FakeProvider, job: ScriptedJob) -> tuple[str, int]:
    """Publish the job's MP4 on the fake's CDN; returns (url, size)."""
    data = samples.mp4(4096)
    return fake.publish(f"{job.id}.mp4", data, "video/mp4"), len(data)
