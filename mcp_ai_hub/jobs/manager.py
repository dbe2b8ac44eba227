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

Several processes may share `AI_HUB_STATE_DIR`: every process reads every job, a lease decides
which one polls, and each process takes over jobs whose lease expired or whose holder died (also
at start-up: that is how unfinished jobs resume). Status changes, local or seen in the database,
go to listeners (the server layer turns them into resource-updated notifications).

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
from typing import TYPE_CHECKING, Any

import anyio

from ..errors import (
    HubError,
    InvalidArgument,
    JobNotFound,
    ProviderRateLimited,
    ProviderTimeout,
    ProviderUnavailable,
    StorageError,
    redact_data,
)
from .backend import JobBackend, JobSpec, OutputRef, PollResult, compact_json, load_backend, summarize_input
from .outputs import save_output
from .states import ACTIVE, STATUSES
from .store import Job, JobStore, owner_id, owner_is_dead

if TYPE_CHECKING:
    from ..context import ProviderContext

log = logging.getLogger("mcp_ai_hub.jobs")

Listener = Callable[[str], Awaitable[None]]
TRANSIENT = (ProviderUnavailable, ProviderTimeout, ProviderRateLimited)
MAX_TRANSIENT_FAILURES = 40  # consecutive; with the backoff ceiling that is many minutes of outage
MAX_OTHER_FAILURES = 3
MAX_DOWNLOAD_ATTEMPTS = 4
PURGE_EVERY = 3600.0
HEARTBEAT = 5.0  # seconds between progress updates while waiting, even without news


def _float_env(hub: ProviderContext, name: str, default: float) -> float:
    try:
        value = float(hub.settings.env.get(name, "") or default)
    except ValueError:
        return default
    return value if value > 0 else default


class JobManager:
    """Starts, polls, waits on and cancels jobs; one per server process, built by the server's
    composition root over the provider context (keys, HTTP, media) and a store."""

    def __init__(self, hub: ProviderContext, store: JobStore):
        self.hub = hub
        self.store = store
        self.owner = owner_id()
        self.poll_override = _float_env(hub, "AI_HUB_POLL_INTERVAL", 0.0) or None
        self.lease_seconds = _float_env(hub, "AI_HUB_JOB_LEASE_SECONDS", 30.0)
        self.retention_seconds = hub.settings.job_retention_days * 86400
        self.scan_every = min(2.0, max(0.05, self.poll_override or 2.0))
        self.reread_every = min(1.0, max(0.05, self.poll_override or 1.0))
        self._listeners: list[Listener] = []
        self._changed: dict[str, anyio.Event] = {}
        self._wake: dict[str, anyio.Event] = {}
        self._pollers: set[str] = set()
        self._submitting: set[str] = set()
        self._seen: dict[str, float] = {}
        self._watch_mark = time.time()
        self._last_purge = 0.0
        self._tg: anyio.abc.TaskGroup | None = None
        self._users = 0
        self._stack: AsyncExitStack | None = None

    # --- lifecycle --------------------------------------------------------------------------------

    @asynccontextmanager
    async def running(self) -> AsyncIterator[JobManager]:
        """Run the background work (resume, failover, change watch, retention) while inside."""
        self._users += 1
        if self._users == 1:
            self._stack = AsyncExitStack()
            self._tg = await self._stack.enter_async_context(anyio.create_task_group())
            self._tg.start_soon(self._maintain)
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

    def add_listener(self, listener: Listener) -> None:
        """Call `listener(job_id)` after every status change of any job (from any process)."""
        self._listeners.append(listener)

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
        await self.store.insert(self._redacted_job(job))
        await self._announce(job.job_id)
        self._submitting.add(job.job_id)
        keeper = self._keep_lease(job.job_id)
        # Shielded: a caller cancelled mid-submit still gets the provider id recorded, so the job can
        # be cancelled at the provider (the submit's own timeouts bound the wait).
        with anyio.CancelScope(shield=True):
            try:
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

    async def get(self, job_id: str) -> Job:
        """The job as stored now, or JobNotFound."""
        job = await self.store.get(job_id) if job_id.startswith("job_") else None
        if job is None:
            days = self.hub.settings.job_retention_days
            raise JobNotFound(
                f"no job {job_id!r}",
                hint=f"Job ids come from the tool that started the job; finished "
                f"jobs are kept {days:g} days. See list_jobs",
            )
        return job

    async def recent(self, status: str = "", limit: int = 20, kind: str = "") -> list[Job]:
        """Jobs newest first, optionally of one status and kind."""
        if status and status not in STATUSES:
            raise InvalidArgument(f"unknown status {status!r}",
                                  hint="Use queued, running, succeeded, failed or cancelled")
        return await self.store.recent(status, max(1, min(limit, 200)), kind)

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
            await self._finish(job.job_id, "failed", "the server stopped while submitting", error={
                "code": "job_failed", "message": (
                    f"the server stopped while submitting this job, before {job.provider} returned its id. "
                    f"{job.provider} may have started it (check your dashboard); it was not resubmitted, to "
                    "avoid paying twice")})
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
                        if on_lost is not None and job is not None and job.lease_owner != self.owner \
                                and not job.terminal:
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
                await self._finish(job_id, "failed", "internal error while polling", error={
                    "code": "job_failed", "message": f"internal error while polling ({type(exc).__name__}); "
                                                     "see the server log"})
        finally:
            keeper.cancel()
            self._pollers.discard(job_id)

    def _intervals(self, backend: JobBackend, job: Job) -> tuple[float, float]:
        if self.poll_override:
            return self.poll_override, self.poll_override * 4
        base = float(job.meta.get("poll_interval") or backend.poll_interval)
        return base, max(base, backend.max_poll_interval)

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
            if (
                result.status != job.status
                or result.progress != job.progress
                or result.message != job.message
            ):
                interval = base
            else:
                interval = min(ceiling, interval * 1.5)
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
            changes = {"phase": "downloading", "status": "running", "progress": 1.0 if result.progress is None
                       else result.progress, "message": "saving outputs",
                       "pending": [ref.to_dict() for ref in result.outputs],
                       "result": compact_json(result.result)}
        elif result.status in ("failed", "cancelled"):
            reason = result.error or result.message or f"{job.provider} reported the job {result.status}"
            status = result.status
            if status == "failed" and (await self.get(job.job_id)).meta.get("cancel_sent"):
                # the end of a job we asked the provider to cancel
                status, reason = "cancelled", f"{job.provider} ended it after the cancel request ({reason})"
            error = ({"code": result.error_code or "job_failed", "message": f"{job.provider}: {reason}"}
                     if status == "failed" else None)
            await self._finish(job.job_id, status, reason, error=error,
                               result=compact_json(result.result), owner=self.owner)
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
                    await self._sleep(job.job_id, min(60.0, 2.0 ** storage_failures))
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
                    await anyio.sleep(min(30.0, (self.poll_override or 1.0) * 2 ** attempts))
            outputs.append(media.to_dict())
            if not await self._update(job.job_id, {"outputs": outputs}, owner=self.owner):
                return
        count = len(outputs)
        message = "completed" if not count else f"{count} file{'s' if count > 1 else ''} saved"
        await self._finish(job.job_id, "succeeded", message, owner=self.owner,
                           progress=1.0)

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

    # --- writing records: keys (and echoes of them) never reach the store ---------------------------

    def _redacted_job(self, job: Job) -> Job:
        from dataclasses import replace

        secrets = self.hub.settings.secrets()
        return replace(job, message=redact_data(job.message, secrets), input=redact_data(job.input, secrets),
                       meta=redact_data(job.meta, secrets))

    async def _update(self, job_id: str, changes: dict[str, Any], **kwargs: Any) -> bool:
        """`store.update` with every field but the provider state (needed to poll) redacted."""
        secrets = self.hub.settings.secrets()
        clean = {k: v if k == "state" else redact_data(v, secrets) for k, v in changes.items()}
        return await self.store.update(job_id, clean, **kwargs)

    async def _finish(self, job_id: str, status: str, message: str, *, error: dict | None = None,
                      result: Any = None, owner: str | None = None, not_phase: str = "",
                      progress: float | None = None) -> bool:
        changes: dict[str, Any] = {"status": status, "phase": "done", "message": message, "error": error,
                                   "finished_at": time.time(), "lease_owner": None, "lease_until": 0}
        if result is not None:
            changes["result"] = result
        if progress is not None:
            changes["progress"] = progress
        done = await self._update(job_id, changes, owner=owner, not_phase=not_phase)
        if done:
            log.info("job %s %s: %s", job_id, status, message)
            if event := self._wake.pop(job_id, None):
                event.set()
            await self._announce(job_id)
        return done

    async def _note(self, job: Job, message: str) -> None:
        if await self._update(job.job_id, {"message": message}):
            await self._announce(job.job_id)

    async def _announce(self, job_id: str) -> None:
        """Wake local waiters and tell listeners that the job changed."""
        job = await self.store.get(job_id)
        if job is not None:
            self._seen[job_id] = job.updated_at
        if event := self._changed.pop(job_id, None):
            event.set()
        for listener in list(self._listeners):
            try:
                with anyio.move_on_after(5):
                    await listener(job_id)
            except Exception:  # a listener (a gone client) must never break polling
                log.debug("job listener failed", exc_info=True)

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
