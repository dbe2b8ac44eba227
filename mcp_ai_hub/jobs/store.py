"""Job records and the `JobStore` interface the manager works against.

A store holds every job of every server process sharing it. Every state change is a
compare-and-set: a lease (`lease_owner`, `lease_until`) says which process polls a job, and only
the holder writes poll results; finishing a job only succeeds on an active one, so a cancel from
one process and a result from another cannot both win. `SqliteJobStore` (`sqlite_store.py`) is the
embedded implementation; another engine fills the same Protocol.
"""

from __future__ import annotations

import os
import socket
import time
from dataclasses import dataclass, field
from typing import Any, Protocol

from ..shapes import JobOut
from .states import TERMINAL


@dataclass
class Job:
    """One job as stored. `to_dict()` is the contract's job object."""

    job_id: str
    kind: str
    provider: str
    model: str
    backend: str
    status: str = "queued"
    phase: str = "submitting"
    progress: float | None = None
    message: str = ""
    state: dict[str, Any] = field(default_factory=dict)
    input: dict[str, Any] = field(default_factory=dict)
    pending: list[dict[str, Any]] = field(default_factory=list)  # output refs still to save
    outputs: list[dict[str, Any]] = field(default_factory=list)  # saved media objects
    result: Any = None
    error: dict[str, str] | None = None
    meta: dict[str, Any] = field(default_factory=dict)  # what the creating tool wants kept
    cancel_requested: bool = False
    lease_owner: str | None = None
    lease_until: float = 0.0
    created_at: float = 0.0
    updated_at: float = 0.0
    finished_at: float | None = None

    @property
    def terminal(self) -> bool:
        return self.status in TERMINAL

    @property
    def resource_uri(self) -> str:
        return f"jobs://{self.job_id}"

    def to_dict(self) -> dict[str, Any]:
        """The contract's job object (plus `result`, the provider's final JSON, when there is one)."""
        return self.out().to_dict()

    def out(self) -> JobOut:
        return JobOut.model_validate(
            {
                "job_id": self.job_id,
                "resource_uri": self.resource_uri,
                "kind": self.kind,
                "status": self.status,
                "progress": self.progress,
                "message": self.message,
                "provider": self.provider,
                "model": self.model,
                "outputs": list(self.outputs),
                "error": self.error,
                "created_at": iso(self.created_at),
                "updated_at": iso(self.updated_at),
                "result": self.result,
            }
        )


def iso(ts: float) -> str:
    """An RFC 3339 UTC timestamp with milliseconds."""
    whole = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(ts))
    return f"{whole}.{int(ts * 1000) % 1000:03d}Z"


def owner_id() -> str:
    """A lease owner name for this process: host, pid and a random part."""
    return f"{socket.gethostname()}:{os.getpid()}:{os.urandom(4).hex()}"


def owner_is_dead(owner: str | None) -> bool:
    """True when `owner` names a process on this host that no longer exists."""
    if not owner:
        return True
    host, _, rest = owner.partition(":")
    pid_text = rest.partition(":")[0]
    if os.name == "nt" or host != socket.gethostname() or not pid_text.isdigit():
        return False  # on Windows signal 0 is CTRL_C_EVENT, not a probe: wait for the lease to expire
    pid = int(pid_text)
    if pid == os.getpid():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except (PermissionError, OSError):
        return False
    return False


def recent_filter(status: str, kind: str, mark: str) -> tuple[str, list[str]]:
    """The WHERE clause (or "") and its arguments of a store's `recent`, in the driver's
    placeholder style (`?` for SQLite, `%s` for PostgreSQL)."""
    where, args = [], []
    if status:
        where.append(f"status = {mark}")
        args.append(status)
    if kind:
        where.append(f"kind = {mark}")
        args.append(kind)
    return (f"WHERE {' AND '.join(where)}" if where else ""), args


class JobStore(Protocol):
    """Where jobs live. Every method runs without blocking the event loop."""

    def exists(self) -> bool:
        """Whether the store has been created (a fresh server has nothing to resume)."""
        ...

    async def close(self) -> None: ...

    def check_writable(self) -> None:
        """Raise StorageError if jobs could not be written (called from a worker thread at start)."""
        ...

    async def get(self, job_id: str) -> Job | None: ...

    async def recent(self, status: str = "", limit: int = 20, kind: str = "") -> list[Job]:
        """Newest first, optionally one status and one kind."""
        ...

    async def active(self) -> list[Job]:
        """Every unfinished job (for resuming and failover)."""
        ...

    async def changed_since(self, since: float) -> list[tuple[str, float]]:
        """(job_id, updated_at) of jobs changed after `since`, oldest first."""
        ...

    async def insert(self, job: Job) -> None: ...

    async def update(self, job_id: str, changes: dict[str, Any], *, owner: str | None = None,
                     active_only: bool = True, not_phase: str = "") -> bool:
        """Apply `changes` (and bump `updated_at`) if the job is still active and, when `owner` is
        given, still leased by it. Returns whether the job changed."""
        ...

    async def acquire(self, job_id: str, owner: str, seconds: float, previous: str | None) -> bool:
        """Take the lease on an active job if it is free, expired, ours, or held by `previous`."""
        ...

    async def renew(self, job_id: str, owner: str, seconds: float) -> bool: ...

    async def release(self, owner: str, job_ids: list[str] | None = None) -> None:
        """Give up leases (on shutdown) so another process can take the jobs over at once."""
        ...

    async def purge(self, finished_before: float) -> int:
        """Delete finished jobs whose end is older than `finished_before`; returns how many."""
        ...
