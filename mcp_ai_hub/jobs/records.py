"""A job's records: reading a job, writing changes (keys and echoes of them never reach the
store), and announcing every change to local waiters and listeners. The base of `JobManager`
(`manager.py`); the polling it does lives in `polling.py`."""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable
from contextlib import AsyncExitStack
from dataclasses import replace
from typing import TYPE_CHECKING, Any

import anyio

from ..errors import JobNotFound, redact_data
from .store import Job, JobStore, owner_id

if TYPE_CHECKING:
    from ..context import ProviderContext

log = logging.getLogger("mcp_ai_hub.jobs")

Listener = Callable[[str], Awaitable[None]]

# keys of a job's provider state kept by the hub for webhooks: the URL's token, the last webhook's time
WEBHOOK_TOKEN = "webhook_token"
WEBHOOK_POKE = "webhook_poke"


def _float_env(hub: ProviderContext, name: str, default: float) -> float:
    try:
        value = float(hub.settings.env.get(name, "") or default)
    except ValueError:
        return default
    return value if value > 0 else default


class JobRecords:
    """The state one server process keeps about jobs, and the writes every job operation shares."""

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
        self._pokes: dict[str, float] = {}  # job -> the last webhook time its poller here acted on
        self._watch_mark = time.time()
        self._last_purge = 0.0
        self._tg: anyio.abc.TaskGroup | None = None
        self._users = 0
        self._stack: AsyncExitStack | None = None

    def add_listener(self, listener: Listener) -> None:
        """Call `listener(job_id)` after every status change of any job (from any process)."""
        self._listeners.append(listener)

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
        job.outputs = [self.hub.media.present(o) for o in job.outputs]  # e.g. presigned URLs renewed
        return job

    # --- writing records: keys (and echoes of them) never reach the store ---------------------------

    def _redacted_job(self, job: Job) -> Job:
        secrets = self.hub.settings.secrets()
        return replace(
            job,
            message=redact_data(job.message, secrets),
            input=redact_data(job.input, secrets),
            meta=redact_data(job.meta, secrets),
        )

    async def _update(self, job_id: str, changes: dict[str, Any], **kwargs: Any) -> bool:
        """`store.update` with every field but the provider state (needed to poll) redacted."""
        secrets = self.hub.settings.secrets()
        clean = {k: v if k == "state" else redact_data(v, secrets) for k, v in changes.items()}
        return await self.store.update(job_id, clean, **kwargs)

    async def _finish(
        self,
        job_id: str,
        status: str,
        message: str,
        *,
        error: dict | None = None,
        result: Any = None,
        owner: str | None = None,
        not_phase: str = "",
        progress: float | None = None,
    ) -> bool:
        changes: dict[str, Any] = {
            "status": status,
            "phase": "done",
            "message": message,
            "error": error,
            "finished_at": time.time(),
            "lease_owner": None,
            "lease_until": 0,
        }
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

    def _wake_poller(self, job_id: str) -> None:
        """End the wait of the job's poller in this process (before its next wait, if it is busy)."""
        if job_id in self._pollers:
            self._wake.setdefault(job_id, anyio.Event()).set()

    async def _changed_elsewhere(self, job_id: str, updated_at: float) -> None:
        """A change the store notified (any process's): announced unless already seen."""
        if updated_at > self._seen.get(job_id, 0.0):
            await self._announce(job_id)

    async def _announce(self, job_id: str) -> None:
        """Wake local waiters and tell listeners that the job changed."""
        job = await self.store.get(job_id)
        if job is not None:
            self._seen[job_id] = job.updated_at
            poke = job.state.get(WEBHOOK_POKE)
            if isinstance(poke, (int, float)) and poke > self._pokes.get(job_id, 0.0):
                self._pokes[job_id] = poke  # a webhook recorded by any process: poll now if polled here
                self._wake_poller(job_id)
        if event := self._changed.pop(job_id, None):
            event.set()
        for listener in list(self._listeners):
            try:
                with anyio.move_on_after(5):
                    await listener(job_id)
            except Exception:  # a listener (a gone client) must never break polling
                log.debug("job listener failed", exc_info=True)
