"""Polling a job where this process holds its lease: the lease kept alive, the backend polled
with backoff (sooner after news, slower as the job ages, the provider's retry hint honoured), the
outcome recorded, and on success every output saved exactly once. The middle layer of
`JobManager` (`manager.py`)."""

from __future__ import annotations

import logging
import time

import anyio

from ..errors import HubError, ProviderRateLimited, ProviderTimeout, ProviderUnavailable, StorageError
from .backend import JobBackend, OutputRef, PollResult, compact_json, load_backend
from .outputs import save_output
from .records import WEBHOOK_POKE, WEBHOOK_TOKEN, JobRecords
from .store import Job, owner_is_dead

log = logging.getLogger("mcp_ai_hub.jobs")

TRANSIENT = (ProviderUnavailable, ProviderTimeout, ProviderRateLimited)
MAX_TRANSIENT_FAILURES = 40  # consecutive; with the backoff ceiling that is many minutes of outage
MAX_OTHER_FAILURES = 3
MAX_DOWNLOAD_ATTEMPTS = 4
AGING = 60.0  # seconds of a job's age that add one base interval to its shortest poll interval
WEBHOOK_SLOWDOWN = 4.0  # polls this many times rarer while a webhook is expected...
WEBHOOK_MAX_INTERVAL = 60.0  # ...but never more than this many seconds apart

__all__ = ["WEBHOOK_POKE", "WEBHOOK_TOKEN", "JobPolling", "aged_floor"]


MAX_CEILING = 60.0  # seconds: the longest a job ever waits between polls


def aged_floor(base: float, ceiling: float, age: float) -> float:
    """The shortest interval for a job `age` seconds old: the base at first, one base more per
    AGING seconds, up to the ceiling; so a long job costs fewer status requests per minute as it
    ages (providers rate-limit status polls too), even when it reports progress at every poll."""
    return min(ceiling, base * (1.0 + max(0.0, age) / AGING))


def aged_ceiling(ceiling: float, age: float) -> float:
    """The longest interval for a job `age` seconds old: the backend's ceiling, half of it more per
    AGING seconds, up to MAX_CEILING; a job that has said nothing new for minutes is asked less and
    less often (a 10 s ceiling: 6 polls a minute at first, 4 after a minute, 2 after three)."""
    return max(ceiling, min(MAX_CEILING, ceiling * (1.0 + max(0.0, age) / (2 * AGING))))


class JobPolling(JobRecords):
    """Pollers, one per job this process polls, run in the manager's task group."""

    # --- polling ------------------------------------------------------------------------------------

    def _can_poll(self, job: Job) -> bool:
        """A process without the provider's key (or with it disabled) leaves the job to others."""
        return self.hub.settings.has_key(job.provider)

    def _spawn_poller(self, job_id: str) -> None:
        if self._tg is None:
            log.warning(
                "job %s submitted outside a running job manager; it resumes at the next start", job_id
            )
            return
        if job_id not in self._pollers:
            self._pollers.add(job_id)
            self._tg.start_soon(self._run_poller, job_id)

    async def _claim(self, job: Job) -> None:
        previous = job.lease_owner if owner_is_dead(job.lease_owner) else None
        if not await self.store.acquire(job.job_id, self.owner, self.lease_seconds, previous):
            return
        if job.phase == "submitting" and job.lease_owner != self.owner:
            await self._finish(
                job.job_id,
                "failed",
                "the server stopped while submitting",
                error={
                    "code": "job_failed",
                    "message": (
                        f"the server stopped while submitting this job, before {job.provider} returned "
                        f"its id. {job.provider} may have started it (check your dashboard); it was not "
                        "resubmitted, to avoid paying twice"
                    ),
                },
            )
            return
        log.info("job %s (%s): polling here", job.job_id, job.provider)
        self._spawn_poller(job.job_id)

    def _keep_lease(self, job_id: str, on_lost: anyio.CancelScope | None = None) -> anyio.CancelScope:
        """Renew the job's lease every third of its length until the returned scope is cancelled;
        if another process took the lease over, cancel `on_lost`."""
        scope = anyio.CancelScope()

        async def renew() -> None:
            with scope:
                while True:
                    await anyio.sleep(self.lease_seconds / 3)
                    if not await self.store.renew(job_id, self.owner, self.lease_seconds):
                        job = await self.store.get(job_id)
                        if (
                            on_lost is not None
                            and job is not None
                            and job.lease_owner != self.owner
                            and not job.terminal
                        ):
                            log.warning("job %s: lease lost to %s; stopping here", job_id, job.lease_owner)
                            on_lost.cancel()
                        return

        if self._tg is not None:
            self._tg.start_soon(renew)
        return scope

    async def _run_poller(self, job_id: str) -> None:
        worker = anyio.CancelScope()
        keeper = self._keep_lease(job_id, on_lost=worker)
        try:
            with worker:
                await self._poll_job(job_id)
        except Exception as exc:  # a bug must not leave the job polled by nobody, forever
            log.exception("job %s: poller crashed", job_id)
            with anyio.CancelScope(shield=True):
                await self._finish(
                    job_id,
                    "failed",
                    "internal error while polling",
                    error={
                        "code": "job_failed",
                        "message": f"internal error while polling ({type(exc).__name__}); see the server log",
                    },
                )
        finally:
            keeper.cancel()
            self._pollers.discard(job_id)
            self._pokes.pop(job_id, None)
            self._wake.pop(job_id, None)

    async def poke(self, job_id: str) -> bool:
        """A webhook said the job moved: poll it now. Polled here, its poller is woken; otherwise the
        time is recorded in the job's state, a write every process hears of (PostgreSQL's NOTIFY at once,
        a shared SQLite file at the next scan), and the lease holder's `_announce` wakes its poller.
        False when the job already ended. Never changes the job's status."""
        job = await self.get(job_id)
        if job.terminal:
            return False
        if job_id in self._pollers:
            self._wake_poller(job_id)
        elif job.phase != "submitting":  # while submitting, the submit's own write would replace it
            # its first poll comes right after the submit is recorded anyway
            await self._update(job_id, {"state": {**job.state, WEBHOOK_POKE: time.time()}},
                               not_phase="submitting")
            await self._announce(job_id)
        return True

    def _intervals(self, backend: JobBackend, job: Job) -> tuple[float, float]:
        if self.poll_override:
            return self.poll_override, self.poll_override * 4
        base = float(job.meta.get("poll_interval") or backend.poll_interval)
        ceiling = max(base, backend.max_poll_interval)
        if job.state.get(WEBHOOK_TOKEN):  # the provider calls back when it ends: polling is the fallback
            slow, most = WEBHOOK_SLOWDOWN, WEBHOOK_MAX_INTERVAL
            return min(most, base * slow), min(most, ceiling * slow)
        return base, ceiling

    async def _poll_job(self, job_id: str) -> None:
        job = await self.get(job_id)
        backend = load_backend(job.backend)
        base, ceiling = self._intervals(backend, job)
        interval, failures = base, 0
        while True:
            job = await self.get(job_id)
            if job.terminal or job.lease_owner != self.owner:
                return
            if job.cancel_requested:
                outcome, detail = await self._provider_cancel(backend, job)
                if outcome != "too_late":
                    await self._finish(job_id, "cancelled", detail, not_phase="downloading")
                    return
                await self._update(job_id, {"cancel_requested": False}, owner=self.owner)
            if job.phase == "downloading":
                await self._save_outputs(job)
                return
            log.debug("polling job %s (%s)", job_id, job.provider)
            try:
                result = await backend.poll(self.hub, job.state)
            except HubError as exc:
                failures += 1
                limit = MAX_TRANSIENT_FAILURES if isinstance(exc, TRANSIENT) else MAX_OTHER_FAILURES
                if failures >= limit:
                    await self._finish(
                        job_id,
                        "failed",
                        f"polling {job.provider} kept failing",
                        error={
                            "code": "job_failed",
                            "message": f"polling {job.provider} failed {failures} times: {exc.render()}",
                        },
                    )
                    return
                log.info("job %s: poll failed (%s), retrying", job_id, exc.render())
                interval = min(ceiling, max(interval, base) * 2)
                await self._sleep(job_id, interval)
                continue
            failures = 0
            if not await self._apply(job, result):
                return
            age = time.time() - job.created_at
            floor, top = aged_floor(base, ceiling, age), aged_ceiling(ceiling, age)
            if (
                result.status != job.status
                or result.progress != job.progress
                or result.message != job.message
            ):
                interval = floor
            else:
                interval = min(top, max(floor, interval * 1.5))
            if result.poll_after is not None and not self.poll_override:
                interval = min(ceiling, max(result.poll_after, 0.1))
            if result.status == "succeeded":
                await self._save_outputs(await self.get(job_id))
                return
            await self._sleep(job_id, interval)

    async def _apply(self, job: Job, result: PollResult) -> bool:
        """Record what a poll learned; False when polling should stop (the job ended, here or
        elsewhere, or the lease went to another process)."""
        if result.status == "succeeded":
            changes = {
                "phase": "downloading",
                "status": "running",
                "progress": 1.0 if result.progress is None else result.progress,
                "message": "saving outputs",
                "pending": [ref.to_dict() for ref in result.outputs],
                "result": compact_json(result.result),
            }
        elif result.status in ("failed", "cancelled"):
            reason = result.error or result.message or f"{job.provider} reported the job {result.status}"
            status = result.status
            if status == "failed" and (await self.get(job.job_id)).meta.get("cancel_sent"):
                # the end of a job we asked the provider to cancel
                status, reason = "cancelled", f"{job.provider} ended it after the cancel request ({reason})"
            error = (
                {"code": result.error_code or "job_failed", "message": f"{job.provider}: {reason}"}
                if status == "failed"
                else None
            )
            await self._finish(
                job.job_id, status, reason, error=error, result=compact_json(result.result), owner=self.owner
            )
            return False
        else:
            changes = {"status": result.status, "progress": result.progress, "message": result.message}
            if all(getattr(job, k) == v for k, v in changes.items()) and result.state is None:
                return True
        if result.state is not None:
            changes["state"] = result.state
        if not await self._update(job.job_id, changes, owner=self.owner):
            return False
        await self._announce(job.job_id)
        return True

    async def _sleep(self, job_id: str, seconds: float) -> None:
        event = self._wake.setdefault(job_id, anyio.Event())
        with anyio.move_on_after(seconds):
            await event.wait()
        if event.is_set():
            self._wake.pop(job_id, None)

    # --- outputs ------------------------------------------------------------------------------------

    async def _save_outputs(self, job: Job) -> None:
        """Save every pending output not saved yet (each recorded as it lands), then succeed."""
        backend = load_backend(job.backend)
        outputs = list(job.outputs)
        attempts = storage_failures = 0
        for index, raw in enumerate(job.pending):
            if index < len(outputs):
                continue
            ref = OutputRef.from_dict(raw)
            while True:
                try:
                    media = await save_output(self.hub, backend.api, ref)
                    break
                except StorageError as exc:
                    # the provider's result is paid for: keep the job (and its URLs) and retry the save,
                    # sooner when someone asks (get_job), until the directory can be written
                    storage_failures += 1
                    urls = [r["url"] for r in job.pending if not str(r.get("url", "")).startswith("data:")]
                    where = f"; the provider's result: {', '.join(urls)}" if urls else ""
                    await self._note(
                        job,
                        f"{job.provider} finished, but saving failed: {exc.render()}{where}. "
                        "Retrying; get_job retries at once",
                    )
                    await self._sleep(job.job_id, min(60.0, 2.0**storage_failures))
                except HubError as exc:
                    attempts += 1
                    if attempts >= MAX_DOWNLOAD_ATTEMPTS or not isinstance(exc, TRANSIENT):
                        where = "" if ref.url.startswith("data:") else f"; the provider's URL was {ref.url}"
                        await self._finish(
                            job.job_id,
                            "failed",
                            "saving an output failed",
                            owner=self.owner,
                            error={
                                "code": exc.code if exc.code == "output_too_large" else "job_failed",
                                "message": f"{job.provider} finished but saving output {index + 1} failed: "
                                f"{exc.render()}{where}",
                            },
                        )
                        return
                    await anyio.sleep(min(30.0, (self.poll_override or 1.0) * 2**attempts))
            outputs.append(media.to_dict())
            if not await self._update(job.job_id, {"outputs": outputs}, owner=self.owner):
                await self.hub.media.discard(media)  # the job went on elsewhere: not saved twice
                return
        count = len(outputs)
        message = "completed" if not count else f"{count} file{'s' if count > 1 else ''} saved"
        await self._finish(job.job_id, "succeeded", message, owner=self.owner, progress=1.0)

    # --- state changes ------------------------------------------------------------------------------

    async def _provider_cancel(self, backend: JobBackend, job: Job) -> tuple[str, str]:
        try:
            outcome = await backend.cancel(self.hub, job.state)
        except HubError as exc:
            return "failed", (
                f"cancelled here; the cancel request to {job.provider} failed ({exc.render()}), so it "
                "may still run and bill; its result will be ignored"
            )
        if outcome == "cancelled":
            return outcome, f"cancelled; {job.provider} accepted the cancel request"
        if outcome == "unsupported":
            return outcome, (
                f"cancelled here; {job.provider} has no cancel endpoint, so it may still run (and "
                "bill) there; its result will be ignored"
            )
        return outcome, ""
