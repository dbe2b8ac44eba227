"""The job manager: provider-side asynchronous work (video, queued images and audio) as hub jobs
that survive client timeouts and server restarts. Provider-agnostic: the protocol of each
provider lives in a `JobBackend` (`backend.py`), the records in a `JobStore` (`store.py`).

Life of a job (`JobManager.start`):
1. The record is written (status "queued", phase "submitting", leased to this process) before
   anything is sent, so the job exists even if the process dies next.
2. The billed submit is sent once (retry policy "submit"), shielded from the caller's
   cancellation, and its provider state (ids, URLs) recorded at once; a caller cancelled meanwhile
   then cancels a job the provider knows by id. A process that dies between
   submit and record leaves a "submitting" job behind; whoever finds it with a dead lease marks it
   failed, saying the provider may still have run it. It is never resubmitted blindly: none of
   the six providers offers an idempotency key, so a resubmit could bill twice.
3. One poller per job (in the process holding the lease) polls with the backend's interval and
   backoff, renews the lease, and records status, progress and message when they change.
4. On success every output is downloaded at once into `AI_HUB_OUTPUT_DIR` (streamed), each
   recorded as it lands, so a restart saves only what is missing: each file exactly once.

Several processes may share `AI_HUB_STATE_DIR` (replicas: `AI_HUB_JOB_STORE`'s PostgreSQL
database, whose change notifications are announced as they arrive): every process reads every
job, a lease decides which one polls, and each process takes over jobs whose lease expired or
whose holder died (also at start-up: that is how unfinished jobs resume). Status changes, local or
seen in the database, go to listeners (the server layer turns them into resource-updated notifications).

Webhooks (`AI_HUB_PUBLIC_URL` set, a backend with `submit_with_webhook`): the submit asks the
provider to POST to `{AI_HUB_PUBLIC_URL}/webhooks/{provider}/{job_id}?t=<token>`, the token a random
value kept in the job's state from its first write. The HTTP mode's route (`server/webhooks.py`)
checks it and the provider's signature, then calls `poke`: the poller polls at once, in whichever
process holds the lease (see `poke`). Polling stays, 4x slower (at most 60 s) while a webhook is
expected, so a lost webhook only delays a job.

Settings: `AI_HUB_POLL_INTERVAL` (seconds; overrides every backend's first interval, the backoff
ceiling becomes 4x it), `AI_HUB_JOB_LEASE_SECONDS` (default 30), `AI_HUB_JOB_RETENTION_DAYS`
(finished jobs are deleted after this many days; default 7; saved files are never deleted).
"""

from __future__ import annotations

import logging
import secrets
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AsyncExitStack, asynccontextmanager
from typing import Any

import anyio

from ..errors import HubError, InvalidArgument, StorageError
from .backend import JobSpec, load_backend, summarize_input
from .polling import WEBHOOK_TOKEN, JobPolling
from .states import ACTIVE, STATUSES
from .store import Job, owner_is_dead

log = logging.getLogger("mcp_ai_hub.jobs")

PURGE_EVERY = 3600.0
HEARTBEAT = 2.0  # seconds between progress updates while waiting, even without news


class JobManager(JobPolling):
    """Starts, polls, waits on and cancels jobs; one per server process, built by the server's
    composition root over the provider context (keys, HTTP, media) and a store."""

    # --- lifecycle --------------------------------------------------------------------------------

    @asynccontextmanager
    async def running(self) -> AsyncIterator[JobManager]:
        """Run the background work (resume, failover, change watch, retention) while inside."""
        self._users += 1
        if self._users == 1:
            self._stack = AsyncExitStack()
            self._tg = await self._stack.enter_async_context(anyio.create_task_group())
            self._tg.start_soon(self._maintain)
            if (listen := getattr(self.store, "listen", None)) is not None:  # a store with notifications
                self._tg.start_soon(listen, self._changed_elsewhere)
        try:
            yield self
        finally:
            self._users -= 1
            if self._users == 0:
                assert self._tg is not None and self._stack is not None
                self._tg.cancel_scope.cancel()
                await self._stack.aclose()
                self._tg = self._stack = None
                with anyio.CancelScope(shield=True):
                    try:
                        if self.store.exists():
                            await self.store.release(self.owner)
                            await self.store.close()
                    except StorageError as exc:  # e.g. the state directory went away: nothing to hand over
                        log.warning("could not release job leases at shutdown: %s", exc.render())
                    self._pollers.clear()

    # --- the public operations ----------------------------------------------------------------------

    async def start(self, kind: str, provider: str, model: str, spec: JobSpec, *,
                    meta: dict[str, Any] | None = None) -> Job:
        """Persist a job, submit it once, record the provider's ids and start polling.

        `model` is the hub's model id (shown in the job); `spec.model` the endpoint called.
        A submit failure raises its HubError after recording the job as failed.
        """
        now = time.time()
        job = Job(
            job_id="job_" + secrets.token_hex(16), kind=kind, provider=provider, model=model,
            backend=spec.backend.ref, message=f"submitting to {provider}",
            input=spec.summary or summarize_input(spec.input),
            meta={**(meta or {}), "endpoint": spec.model, "notes": list(spec.notes),
                  **({"poll_interval": spec.poll_interval} if spec.poll_interval else {})},
            lease_owner=self.owner, lease_until=now + self.lease_seconds, created_at=now, updated_at=now,
        )
        hooked = getattr(spec.backend, "submit_with_webhook", None)
        public = self.hub.settings.public_url
        token = secrets.token_urlsafe(32) if hooked is not None and public else ""
        if token:  # recorded before the submit: a webhook may arrive before the submit's answer
            job.state = {WEBHOOK_TOKEN: token}
        await self.store.insert(self._redacted_job(job))
        await self._announce(job.job_id)
        self._submitting.add(job.job_id)
        keeper = self._keep_lease(job.job_id)
        # Shielded: a caller cancelled mid-submit still gets the provider id recorded, so the job can
        # be cancelled at the provider (the submit's own timeouts bound the wait).
        with anyio.CancelScope(shield=True):
            try:
                if token and hooked is not None:
                    url = f"{public}/webhooks/{spec.backend.provider}/{job.job_id}?t={token}"
                    state = {**await hooked(self.hub, spec.model, spec.input, url), WEBHOOK_TOKEN: token}
                else:
                    state = await spec.backend.submit(self.hub, spec.model, spec.input)
            except Exception as exc:
                keeper.cancel()
                self._submitting.discard(job.job_id)
                if isinstance(exc, HubError):
                    await self._finish(job.job_id, "failed", f"submit failed: {exc.message}",
                                       error={"code": exc.code, "message": exc.render()})
                else:
                    log.exception("job %s: submit crashed", job.job_id)
                    await self._finish(
                        job.job_id,
                        "failed",
                        "submitting failed unexpectedly",
                        error={
                            "code": "job_failed",
                            "message": (
                                f"submitting failed unexpectedly ({type(exc).__name__}); {provider} may have "
                                f"received "
                                f"it. It was not resubmitted, to avoid paying twice; check your {provider} "
                                f"dashboard"
                            ),
                        },
                    )
                raise
            keeper.cancel()
            await self._update(job.job_id, {"state": state, "phase": "polling",
                                                 "message": f"submitted to {provider}"}, owner=self.owner)
            self._submitting.discard(job.job_id)
            await self._announce(job.job_id)
            self._spawn_poller(job.job_id)
            # inside the shield: the caller, even one cancelled meanwhile, gets the job to cancel
            return await self.get(job.job_id)
        raise AssertionError("unreachable: the shielded submit returns or raises")

    async def recent(self, status: str = "", limit: int = 20, kind: str = "") -> list[Job]:
        """Jobs newest first, optionally of one status and kind."""
        if status and status not in STATUSES:
            raise InvalidArgument(f"unknown status {status!r}",
                                  hint="Use queued, running, succeeded, failed or cancelled")
        jobs = await self.store.recent(status, max(1, min(limit, 200)), kind)
        for job in jobs:
            job.outputs = [self.hub.media.present(o) for o in job.outputs]
        return jobs

    async def wait(
        self,
        job_id: str,
        timeout: float,
        on_update: Callable[[Job], Awaitable[None]] | None = None,
        *,
        heartbeat: float = HEARTBEAT,
    ) -> Job:
        """Wait up to `timeout` seconds for the job to end; call `on_update(job)` on every change
        and at least every `heartbeat` seconds. Returns the job as it is then."""
        job = await self.get(job_id)
        await self.ensure_polling(job)
        if job.phase == "downloading" and (retry := self._wake.get(job_id)):
            retry.set()  # a save waiting to retry (e.g. after a storage error) retries now
        deadline = anyio.current_time() + max(0.0, timeout)
        last_key: tuple | None = None
        last_sent = -1e9
        while True:
            now = anyio.current_time()
            key = (job.status, job.progress, job.message)
            if on_update and (key != last_key or now - last_sent >= heartbeat):
                await on_update(job)
                last_key, last_sent = key, now
            if job.terminal or now >= deadline:
                return job
            event = self._changed.setdefault(job_id, anyio.Event())
            with anyio.move_on_after(min(deadline - now, self.reread_every, heartbeat)):
                await event.wait()
            job = await self.get(job_id)
            await self.ensure_polling(job)

    async def cancel(self, job_id: str) -> Job:
        """Cancel at the provider where it can, and end the job "cancelled".

        Too late (outputs already downloading, or the provider says it finished): the job goes on
        to succeed and the returned job says so. A provider without a cancel endpoint: the job is
        cancelled here and its result ignored."""
        job = await self.get(job_id)
        if job.terminal:
            return job
        if job.phase == "downloading":
            await self._note(job, "too late to cancel: the outputs are being saved")
            return await self.get(job_id)
        if job.phase == "submitting":
            await self._update(
                job_id,
                {
                    "cancel_requested": True,
                    "message": "cancel requested; it is sent once the submit completes",
                },
            )
            await self._announce(job_id)
            return await self.get(job_id)
        backend = load_backend(job.backend)
        # Recorded before the provider is asked, so a poll that then sees the job end (fal reports a
        # cancelled request as an error) records it as cancelled, in whichever process polls it.
        await self._update(job_id, {"meta": {**job.meta, "cancel_sent": True}})
        outcome, detail = await self._provider_cancel(backend, job)
        if outcome == "too_late":
            await self._note(job, f"too late to cancel: {job.provider} had already finished")
            return await self.get(job_id)
        await self._finish(job_id, "cancelled", detail, not_phase="downloading")
        return await self.get(job_id)

    async def ensure_polling(self, job: Job) -> None:
        """Poll `job` here if nobody live does (a waiter never waits on an orphan)."""
        if job.status not in ACTIVE or job.job_id in self._pollers or job.job_id in self._submitting \
                or self._tg is None or not self._can_poll(job):
            return
        if job.lease_owner and job.lease_owner != self.owner and job.lease_until > time.time() \
                and not owner_is_dead(job.lease_owner):
            return
        await self._claim(job)

    # --- background: resume, failover, other processes' changes, retention --------------------------

    async def _maintain(self) -> None:
        reported = ""
        try:
            await anyio.to_thread.run_sync(self.store.check_writable)
        except StorageError as exc:  # said once at start; the job tools answer [storage_error] meanwhile
            reported = exc.render()
            log.error("jobs cannot be stored: %s", reported)
        while True:
            try:
                if self.store.exists():
                    await self._scan()
                reported = ""
            except StorageError as exc:
                if exc.render() != reported:  # one line per new problem, not one every scan
                    reported = exc.render()
                    log.error("job maintenance cannot use the store: %s", reported)
            except Exception:
                log.exception("job maintenance failed; retrying")
            await anyio.sleep(self.scan_every)

    async def _scan(self) -> None:
        now = time.time()
        if now - self._last_purge > PURGE_EVERY:
            self._last_purge = now
            if removed := await self.store.purge(now - self.retention_seconds):
                log.info(
                    "removed %d finished jobs older than %g days",
                    removed,
                    self.hub.settings.job_retention_days,
                )
        for job in await self.store.active():
            if job.job_id in self._pollers or job.job_id in self._submitting or not self._can_poll(job):
                continue
            if job.lease_owner is None or job.lease_until < now or owner_is_dead(job.lease_owner):
                await self._claim(job)
        mark = self._watch_mark
        for job_id, updated in await self.store.changed_since(mark - 5.0):
            self._watch_mark = max(self._watch_mark, updated)
            if updated > self._seen.get(job_id, 0.0):
                await self._announce(job_id)
        if len(self._seen) > 10_000:
            self._seen = {k: v for k, v in self._seen.items() if v > now - 60}
