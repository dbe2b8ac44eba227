"""The embedded job store: SQLite under `AI_HUB_STATE_DIR` (`jobs.sqlite3`).

Several server processes may share the database (an editor often starts one per window), so: WAL
journal, a busy timeout, and every state change a compare-and-set `UPDATE` (see `store.py`).
sqlite3 is imported on first use and every call runs in a worker thread (`anyio.to_thread`), so
the event loop never blocks on the disk.
"""

from __future__ import annotations

import json
import os
import threading
import time
from dataclasses import fields
from pathlib import Path
from typing import Any

import anyio

from ..errors import StorageError
from .states import ACTIVE
from .store import Job, recent_filter

SCHEMA_VERSION = 1
OPEN_ATTEMPTS = 5
SCHEMA = """
CREATE TABLE IF NOT EXISTS jobs (
    job_id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    provider TEXT NOT NULL,
    model TEXT NOT NULL,
    backend TEXT NOT NULL,
    status TEXT NOT NULL,
    phase TEXT NOT NULL,
    progress REAL,
    message TEXT NOT NULL DEFAULT '',
    state TEXT NOT NULL DEFAULT '{}',
    input TEXT NOT NULL DEFAULT '{}',
    pending TEXT NOT NULL DEFAULT '[]',
    outputs TEXT NOT NULL DEFAULT '[]',
    result TEXT,
    error TEXT,
    meta TEXT NOT NULL DEFAULT '{}',
    cancel_requested INTEGER NOT NULL DEFAULT 0,
    lease_owner TEXT,
    lease_until REAL NOT NULL DEFAULT 0,
    created_at REAL NOT NULL,
    updated_at REAL NOT NULL,
    finished_at REAL
);
CREATE INDEX IF NOT EXISTS jobs_status ON jobs (status);
CREATE INDEX IF NOT EXISTS jobs_updated ON jobs (updated_at);
"""
JSON_COLUMNS = {"state", "input", "pending", "outputs", "result", "error", "meta"}
ACTIVE_SQL = "(" + ",".join(f"'{s}'" for s in ACTIVE) + ")"
_COLUMNS = [f.name for f in fields(Job)]


def _row_to_job(row: tuple) -> Job:
    values = dict(zip(_COLUMNS, row))
    for key in JSON_COLUMNS:
        raw = values[key]
        values[key] = json.loads(raw) if raw is not None else None
    values["cancel_requested"] = bool(values["cancel_requested"])
    values["state"] = values["state"] or {}
    values["input"] = values["input"] or {}
    values["pending"] = values["pending"] or []
    values["outputs"] = values["outputs"] or []
    values["meta"] = values["meta"] or {}
    return Job(**values)


def _encode(key: str, value: Any) -> Any:
    if key in JSON_COLUMNS:
        if value is None and key in ("result", "error"):
            return None
        return json.dumps(value, ensure_ascii=False, default=str)  # anything odd is stored as its text
    if key == "cancel_requested":
        return int(bool(value))
    return value


class SqliteJobStore:
    """The jobs database; opened lazily, one connection guarded by a lock, used from threads."""

    def __init__(self, path: Path):
        self.path = path
        self._conn: Any = None
        self._lock = threading.Lock()

    def exists(self) -> bool:
        return self.path.is_file()

    async def _run(self, fn: Any, *args: Any) -> Any:
        def call() -> Any:
            import sqlite3

            with self._lock:
                try:
                    if self._conn is None:
                        self._open()
                    return fn(*args)
                except (OSError, sqlite3.OperationalError, sqlite3.DatabaseError) as exc:
                    raise self._storage_error(exc) from None

        return await anyio.to_thread.run_sync(call)

    def _storage_error(self, exc: Exception) -> StorageError:
        reason = getattr(exc, "strerror", None) or str(exc) or type(exc).__name__
        return StorageError(
            f"the job database {self.path} cannot be used ({reason})",
            hint="Make its directory writable or set AI_HUB_STATE_DIR to a writable directory",
        )

    def check_writable(self) -> None:
        """Prove the state directory can hold the database (StorageError otherwise); cheap, no SQLite."""
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            probe = self.path.parent / f".write-check-{os.getpid()}-{threading.get_ident()}"
            probe.write_bytes(b"")
            probe.unlink()
        except OSError as exc:
            raise self._storage_error(exc) from None

    def _open(self) -> None:
        import sqlite3

        self.path.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(self.path, timeout=30, isolation_level=None, check_same_thread=False)
        conn.execute("PRAGMA busy_timeout = 30000")
        for attempt in range(OPEN_ATTEMPTS):
            # switching to WAL while another process closes (and checkpoints) the database can be
            # refused at once with "database is locked", without the busy timeout: try again shortly
            try:
                conn.execute("PRAGMA journal_mode = WAL")
                break
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) or attempt == OPEN_ATTEMPTS - 1:
                    conn.close()
                    raise
                time.sleep(0.05 * (attempt + 1))
        conn.execute("PRAGMA synchronous = NORMAL")
        conn.executescript(SCHEMA)
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        self._conn = conn

    async def close(self) -> None:
        def shut() -> None:
            with self._lock:
                if self._conn is not None:
                    self._conn.close()
                    self._conn = None

        await anyio.to_thread.run_sync(shut)

    # --- reads ----------------------------------------------------------------------------------

    async def get(self, job_id: str) -> Job | None:
        def read() -> Job | None:
            row = self._conn.execute(
                f"SELECT {','.join(_COLUMNS)} FROM jobs WHERE job_id = ?", (job_id,)
            ).fetchone()
            return _row_to_job(row) if row else None

        return await self._run(read)

    async def recent(self, status: str = "", limit: int = 20, kind: str = "") -> list[Job]:
        def read() -> list[Job]:
            clause, args = recent_filter(status, kind, "?")
            rows = self._conn.execute(
                f"SELECT {','.join(_COLUMNS)} FROM jobs {clause} ORDER BY created_at DESC LIMIT ?",
                (*args, limit),
            ).fetchall()
            return [_row_to_job(r) for r in rows]

        return await self._run(read)

    async def active(self) -> list[Job]:
        """Every unfinished job (for resuming and failover)."""
        def read() -> list[Job]:
            rows = self._conn.execute(
                f"SELECT {','.join(_COLUMNS)} FROM jobs WHERE status IN {ACTIVE_SQL} ORDER BY created_at"
            ).fetchall()
            return [_row_to_job(r) for r in rows]

        return await self._run(read)

    async def changed_since(self, since: float) -> list[tuple[str, float]]:
        def read() -> list[tuple[str, float]]:
            return self._conn.execute(
                "SELECT job_id, updated_at FROM jobs WHERE updated_at > ? ORDER BY updated_at", (since,)
            ).fetchall()

        return await self._run(read)

    # --- writes ---------------------------------------------------------------------------------

    async def insert(self, job: Job) -> None:
        def write() -> None:
            values = [_encode(name, getattr(job, name)) for name in _COLUMNS]
            self._conn.execute(
                f"INSERT INTO jobs ({','.join(_COLUMNS)}) VALUES ({','.join('?' * len(_COLUMNS))})", values
            )

        await self._run(write)

    async def update(self, job_id: str, changes: dict[str, Any], *, owner: str | None = None,
                     active_only: bool = True, not_phase: str = "") -> bool:
        """Apply `changes` (and bump `updated_at`) if the job is still active and, when `owner` is
        given, still leased by it. Returns whether the row changed."""
        changes = {**changes, "updated_at": max(time.time(), changes.get("updated_at", 0))}

        def write() -> bool:
            sets = ", ".join(f"{k} = ?" for k in changes)
            args = [_encode(k, v) for k, v in changes.items()]
            where = ["job_id = ?"]
            args.append(job_id)
            if active_only:
                where.append(f"status IN {ACTIVE_SQL}")
            if owner is not None:
                where.append("lease_owner = ?")
                args.append(owner)
            if not_phase:
                where.append("phase != ?")
                args.append(not_phase)
            cur = self._conn.execute(f"UPDATE jobs SET {sets} WHERE {' AND '.join(where)}", args)
            return cur.rowcount == 1

        return await self._run(write)

    async def acquire(self, job_id: str, owner: str, seconds: float, previous: str | None) -> bool:
        """Take the lease on an active job if it is free, expired, ours, or held by `previous`
        (an owner found dead). Returns whether this process now holds it."""
        def write() -> bool:
            now = time.time()
            cur = self._conn.execute(
                f"UPDATE jobs SET lease_owner = ?, lease_until = ? WHERE job_id = ? AND status IN "
                f"{ACTIVE_SQL} "
                "AND (lease_owner IS NULL OR lease_owner = ? OR lease_until < ? OR lease_owner IS ?)",
                (owner, now + seconds, job_id, owner, now, previous),
            )
            return cur.rowcount == 1

        return await self._run(write)

    async def renew(self, job_id: str, owner: str, seconds: float) -> bool:
        def write() -> bool:
            cur = self._conn.execute(
                f"UPDATE jobs SET lease_until = ? WHERE job_id = ? AND lease_owner = ? AND status IN "
                f"{ACTIVE_SQL}",
                (time.time() + seconds, job_id, owner),
            )
            return cur.rowcount == 1

        return await self._run(write)

    async def release(self, owner: str, job_ids: list[str] | None = None) -> None:
        """Give up leases (on shutdown) so another process can take the jobs over at once."""
        def write() -> None:
            if job_ids is None:
                self._conn.execute(
                    "UPDATE jobs SET lease_owner = NULL, lease_until = 0 WHERE lease_owner = ?", (owner,)
                )
            else:
                self._conn.executemany(
                    "UPDATE jobs SET lease_owner = NULL, lease_until = 0 "
                    "WHERE lease_owner = ? AND job_id = ?",
                    [(owner, j) for j in job_ids],
                )

        await self._run(write)

    async def purge(self, finished_before: float) -> int:
        """Delete finished jobs whose end is older than `finished_before`; returns how many."""
        def write() -> int:
            cur = self._conn.execute(
                f"DELETE FROM jobs WHERE status NOT IN {ACTIVE_SQL} "
                "AND COALESCE(finished_at, updated_at) < ?",
                (finished_before,),
            )
            return cur.rowcount

        return await self._run(write)
