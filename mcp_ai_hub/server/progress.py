"""Progress notifications of one tool call, for every tool: one `CallProgress` per call.

Values only ever increase across the call's phases (a provider request counted in seconds or
steps, a stream counted in characters, then a hub job's wait counted 0..100 on top), a client
that went away never breaks the work, and while a provider is silent a heartbeat keeps clients
from timing out. Notifications only go out when the request carries a progress token (the SDK's
`Context.report_progress` does nothing otherwise).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any, Protocol, Self, TypeVar

import anyio

from ..jobs.store import Job

log = logging.getLogger("mcp_ai_hub.server")
T = TypeVar("T")
HEARTBEAT_SECONDS = 2.0  # a notification at least this often while a provider is silent


class ProgressSink(Protocol):
    """What sends the notifications: the request's `Context` (or a recorder in tests)."""

    async def report_progress(self, progress: float, total: float | None = None,
                              message: str | None = None) -> None: ...


def describe(job: Job) -> str:
    """`running 40%: Generating frames` and the like."""
    pct = f" {job.progress * 100:.0f}%" if job.progress is not None and not job.terminal else ""
    detail = f": {job.message}" if job.message and job.message != job.status else ""
    return f"{job.status}{pct}{detail}"


class CallProgress:
    """The progress notifications of one call, strictly increasing across its phases."""

    def __init__(self, sink: ProgressSink):
        self.sink = sink
        self.last: float | None = None
        self.offset = 0.0
        self.steps = 0
        self._job_value = -1.0
        self._lock = anyio.Lock()  # a stream and its heartbeat both send; values go out in order

    async def report_progress(self, progress: float, total: float | None = None,
                              message: str | None = None) -> None:
        """Send `offset + progress` unless it would not increase; never raises."""
        async with self._lock:
            value = self.offset + progress
            if self.last is not None and value <= self.last:
                return
            self.last = value
            try:
                await self.sink.report_progress(
                    value, None if total is None else self.offset + total, message
                )
            except Exception:  # a client that went away must not break the work
                log.debug("progress notification failed", exc_info=True)

    def next_phase(self) -> None:
        """Count what comes next from above everything sent so far."""
        self.offset = 0.0 if self.last is None else self.last + 1.0
        self.steps = 0
        self._job_value = -1.0

    async def step(self, message: str) -> None:
        """One more step of a multi-step request (upload, submit, ...)."""
        self.steps += 1
        await self.report_progress(self.steps, None, message)

    async def job(self, job: Job) -> None:
        """A hub job's state as 0..100 (the job manager calls this on every change and heartbeat):
        it creeps up without news and reaches 100 only when the job ends."""
        if job.terminal:
            value = 100.0
        else:
            value = max(self._job_value + 0.1, (job.progress or 0.0) * 100)
            if value >= 99.0:
                value = max(self._job_value, 99.0) + (100.0 - max(self._job_value, 99.0)) * 0.05
        if value <= self._job_value:
            return
        self._job_value = value
        await self.report_progress(value, 100.0, describe(job))

    async def while_waiting(self, label: str, work: Awaitable[T]) -> T:
        """Await `work` (one provider request) with a notification when it starts and every
        HEARTBEAT_SECONDS after, counting seconds."""
        started = time.monotonic()

        async def beat() -> None:
            await self.report_progress(0, None, f"{label}: request sent")
            while True:
                await anyio.sleep(HEARTBEAT_SECONDS)
                elapsed = time.monotonic() - started
                await self.report_progress(elapsed, None, f"{label}: generating ({elapsed:.0f}s)")

        outcome: list[T] = []
        failure: list[BaseException] = []
        async with anyio.create_task_group() as tg:
            tg.start_soon(beat)
            try:
                outcome.append(await work)
            except Exception as exc:  # noqa: BLE001 - re-raised after the group closes, so not wrapped in a group
                failure.append(exc)
            finally:
                tg.cancel_scope.cancel()
        if failure:
            raise failure[0]
        return outcome[0]


class StreamProgress:
    """Progress while text streams in: characters received (answer + reasoning), throttled to one
    notification per `interval`, with a heartbeat while the model is silent."""

    def __init__(self, progress: CallProgress, interval: float):
        self.progress = progress
        self.interval = interval
        self.started = time.monotonic()
        self.sent_at = 0.0
        self.value = 0.0
        self.text_chars = 0
        self.thinking_chars = 0

    async def __call__(self, text_chars: int, thinking_chars: int) -> None:
        self.text_chars, self.thinking_chars = text_chars, thinking_chars
        if time.monotonic() - self.sent_at >= self.interval:
            await self._send()

    async def heartbeat(self) -> None:
        """Every HEARTBEAT_SECONDS of silence, a notification so clients do not time out (counted
        from the last one sent, or the start: it may start late, see `Beating`)."""
        while True:
            silent = time.monotonic() - max(self.sent_at, self.started)
            if silent >= HEARTBEAT_SECONDS:
                await self._send()
            else:
                await anyio.sleep(HEARTBEAT_SECONDS - silent)

    async def _send(self) -> None:
        # a silent heartbeat still moves the value on by 1
        self.value = max(self.value + 1, float(self.text_chars + self.thinking_chars))
        self.sent_at = time.monotonic()
        if self.text_chars:
            message = f"writing: {self.text_chars} characters"
        elif self.thinking_chars:
            message = f"reasoning: {self.thinking_chars} characters of thought"
        else:
            message = f"waiting for the model ({int(self.sent_at - self.started)} s)"
        await self.progress.report_progress(self.value, None, message)


class Beating:
    """`async with Beating(reporter.heartbeat):` runs the heartbeat only if the work lasts longer
    than half a heartbeat: a timer, not a task group, for the many calls that end sooner (a task
    group and its task cost about 80 us a call; the timer 6 us). The heartbeat must never raise."""

    def __init__(self, heartbeat: Callable[[], Coroutine[Any, Any, None]]):
        self.heartbeat = heartbeat
        self.task: asyncio.Task | None = None
        self.timer: asyncio.TimerHandle | None = None

    async def __aenter__(self) -> Self:
        loop = asyncio.get_running_loop()
        self.timer = loop.call_later(HEARTBEAT_SECONDS / 2, self._start, loop)
        return self

    def _start(self, loop: asyncio.AbstractEventLoop) -> None:
        self.task = loop.create_task(self.heartbeat())

    async def __aexit__(self, *exc: object) -> None:
        if self.timer is not None:
            self.timer.cancel()
        if self.task is not None:
            self.task.cancel()
            with anyio.CancelScope(shield=True), contextlib.suppress(asyncio.CancelledError):
                await self.task
