"""The team job store: PostgreSQL (`AI_HUB_JOB_STORE=postgresql://...`), shared by every replica.

The same compare-and-set rules as the SQLite store (`store.py`), on one table `ai_hub_jobs`:
- a lease is claimed with `FOR UPDATE SKIP LOCKED`, so replicas racing for a job never wait on
  each other and exactly one wins; a dead replica's jobs are taken over once its lease expires;
- the schema is created and migrated at first use, under an advisory lock (replicas starting
  together migrate once), its version kept in `ai_hub_schema`;
- every insert, and every update that bumps `updated_at` (lease renewals do not), sends a
  NOTIFY on `ai_hub_jobs` (a trigger, so every writer is covered); `listen()` hands those to the
  job manager, so a subscriber on one replica hears of a job another replica advanced.

psycopg 3 (the `postgres` extra) is imported on first use, so an install without it starts as
fast as before. Lease times are the replicas' own clocks (keep them in sync, e.g. NTP).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import anyio

from ..errors import StorageError
from .sqlite_store import _COLUMNS, _encode, _row_to_job
from .states import ACTIVE
from .store import Job, recent_filter

log = logging.getLogger("mcp_ai_hub.jobs")

CHANNEL = "ai_hub_jobs"
CONNECT_TIMEOUT = 10  # seconds to connect (libpq's connect_timeout)
STATEMENT_TIMEOUT_MS = 30_000
POOL_SIZE = 4
LISTEN_RETRY = (0.5, 15.0)  # first and longest wait before reconnecting the listener
_ACTIVE = list(ACTIVE)
_SELECT = f"SELECT {','.join(_COLUMNS)} FROM ai_hub_jobs"

# each entry migrates the schema from version i to i + 1; append, never edit
MIGRATIONS: list[str] = [
    f"""
    CREATE TABLE ai_hub_jobs (
        job_id TEXT PRIMARY KEY,
        kind TEXT NOT NULL,
        provider TEXT NOT NULL,
        model TEXT NOT NULL,
        backend TEXT NOT NULL,
        status TEXT NOT NULL,
        phase TEXT NOT NULL,
        progress DOUBLE PRECISION,
        message TEXT NOT NULL DEFAULT '',
        state TEXT NOT NULL DEFAULT '{{}}',
        input TEXT NOT NULL DEFAULT '{{}}',
        pending TEXT NOT NULL DEFAULT '[]',
        outputs TEXT NOT NULL DEFAULT '[]',
        result TEXT,
        error TEXT,
        meta TEXT NOT NULL DEFAULT '{{}}',
        cancel_requested INTEGER NOT NULL DEFAULT 0,
        lease_owner TEXT,
        lease_until DOUBLE PRECISION NOT NULL DEFAULT 0,
        created_at DOUBLE PRECISION NOT NULL,
        updated_at DOUBLE PRECISION NOT NULL,
        finished_at DOUBLE PRECISION
    );
    CREATE INDEX ai_hub_jobs_status ON ai_hub_jobs (status);
    CREATE INDEX ai_hub_jobs_updated ON ai_hub_jobs (updated_at);
    CREATE INDEX ai_hub_jobs_created ON ai_hub_jobs (created_at);
    CREATE FUNCTION ai_hub_jobs_notify() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        PERFORM pg_notify('{CHANNEL}', NEW.job_id || ' ' || NEW.updated_at::text);
        RETURN NULL;
    END $$;
    CREATE TRIGGER ai_hub_jobs_inserted AFTER INSERT ON ai_hub_jobs
        FOR EACH ROW EXECUTE FUNCTION ai_hub_jobs_notify();
    CREATE TRIGGER ai_hub_jobs_changed AFTER UPDATE ON ai_hub_jobs
        FOR EACH ROW WHEN (OLD.updated_at IS DISTINCT FROM NEW.updated_at)
        EXECUTE FUNCTION ai_hub_jobs_notify();
    """,
]
SCHEMA_VERSION = len(MIGRATIONS)
MIGRATION_LOCK = 0x41495F4855425F31  # pg_advisory_xact_lock key: "AI_HUB_1"

ChangeListener = Callable[[str, float], Awaitable[None]]


def display_url(url: str) -> str:
    """The URL without its password (for messages and logs)."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.hostname or ""
    netloc = f"{parts.username}:***@{host}" + (f":{parts.port}" if parts.port else "")
    return urlunsplit(parts._replace(netloc=netloc))


def _conninfo_kwargs() -> dict[str, Any]:
    return {
        "autocommit": True,
        "connect_timeout": CONNECT_TIMEOUT,
        "options": f"-c statement_timeout={STATEMENT_TIMEOUT_MS}",
        "application_name": "mcp-ai-hub",
    }


class PgJobStore:
    """Jobs in PostgreSQL: a small connection pool for reads and writes, one connection for LISTEN."""

    def __init__(self, url: str):
        self.url = url
        self._pool: Any = None
        self._opening = anyio.Lock()
        self._closed = False

    def exists(self) -> bool:
        return True  # the schema is created on first use; a fresh database simply has no jobs

    def _storage_error(self, exc: Exception) -> StorageError:
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        return StorageError(
            f"the job database {display_url(self.url)} cannot be used ({reason})",
            hint="Check AI_HUB_JOB_STORE and that PostgreSQL is reachable",
        )

    def check_writable(self) -> None:
        """Connect once and write in a temporary table (StorageError otherwise); run in a worker thread."""
        import psycopg

        try:
            with psycopg.connect(self.url, **_conninfo_kwargs()) as conn:
                conn.execute("CREATE TEMPORARY TABLE ai_hub_write_check (x INTEGER)")
                conn.execute("INSERT INTO ai_hub_write_check VALUES (1)")
        except psycopg.Error as exc:
            raise self._storage_error(exc) from None

    async def _open(self) -> Any:
        async with self._opening:
            if self._pool is not None:
                return self._pool
            if self._closed:
                raise StorageError("the job store is closed")
            import psycopg
            from psycopg_pool import AsyncConnectionPool

            try:  # one direct connection first: an unreachable server fails at once, not after retries
                async with await psycopg.AsyncConnection.connect(self.url, **_conninfo_kwargs()) as conn:
                    await self._migrate(conn)
            except (psycopg.Error, OSError) as exc:
                raise self._storage_error(exc) from None
            pool = AsyncConnectionPool(
                self.url,
                min_size=1,
                max_size=POOL_SIZE,
                kwargs=_conninfo_kwargs(),
                open=False,
                timeout=CONNECT_TIMEOUT * 3,
                name="mcp-ai-hub",
            )
            await pool.open(wait=False)
            self._pool = pool
            return pool

    async def _migrate(self, conn: Any) -> None:
        async with conn.transaction():
            await conn.execute("SELECT pg_advisory_xact_lock(%s)", (MIGRATION_LOCK,))
            await conn.execute(
                "CREATE TABLE IF NOT EXISTS ai_hub_schema "
                "(component TEXT PRIMARY KEY, version INTEGER NOT NULL)"
            )
            row = await (
                await conn.execute("SELECT version FROM ai_hub_schema WHERE component = 'jobs'")
            ).fetchone()
            version = row[0] if row else 0
            if version > SCHEMA_VERSION:
                raise StorageError(
                    f"the job database {display_url(self.url)} has schema version {version}, newer than "
                    f"this server's {SCHEMA_VERSION}",
                    hint="Upgrade mcp-ai-hub on every replica",
                )
            for step in range(version, SCHEMA_VERSION):
                await conn.execute(MIGRATIONS[step])
                log.info("job database migrated to schema version %d", step + 1)
            await conn.execute(
                "INSERT INTO ai_hub_schema (component, version) VALUES ('jobs', %s) "
                "ON CONFLICT (component) DO UPDATE SET version = EXCLUDED.version",
                (SCHEMA_VERSION,),
            )

    async def _run(self, query: str, args: tuple | list = (), *, fetch: str = "") -> Any:
        """Run one statement; `fetch` "one", "all" or "" (the row count)."""
        import psycopg

        pool = self._pool or await self._open()
        try:
            async with pool.connection() as conn:
                cur = await conn.execute(query, args)
                if fetch == "one":
                    return await cur.fetchone()
                if fetch == "all":
                    return await cur.fetchall()
                return cur.rowcount
        except (psycopg.Error, TimeoutError, OSError) as exc:
            raise self._storage_error(exc) from None

    async def close(self) -> None:
        self._closed = True
        if self._pool is not None:
            pool, self._pool = self._pool, None
            await pool.close()

    # --- reads ----------------------------------------------------------------------------------

    async def get(self, job_id: str) -> Job | None:
        row = await self._run(f"{_SELECT} WHERE job_id = %s", (job_id,), fetch="one")
        return _row_to_job(row) if row else None

    async def recent(self, status: str = "", limit: int = 20, kind: str = "") -> list[Job]:
        clause, args = recent_filter(status, kind, "%s")
        rows = await self._run(
            f"{_SELECT} {clause} ORDER BY created_at DESC LIMIT %s", (*args, limit), fetch="all"
        )
        return [_row_to_job(r) for r in rows]

    async def active(self) -> list[Job]:
        rows = await self._run(
            f"{_SELECT} WHERE status = ANY(%s) ORDER BY created_at", (_ACTIVE,), fetch="all"
        )
        return [_row_to_job(r) for r in rows]

    async def changed_since(self, since: float) -> list[tuple[str, float]]:
        rows = await self._run(
            "SELECT job_id, updated_at FROM ai_hub_jobs WHERE updated_at > %s ORDER BY updated_at",
            (since,),
            fetch="all",
        )
        return [(r[0], r[1]) for r in rows]

    # --- writes ---------------------------------------------------------------------------------

    async def insert(self, job: Job) -> None:
        values = [_encode(name, getattr(job, name)) for name in _COLUMNS]
        await self._run(
            f"INSERT INTO ai_hub_jobs ({','.join(_COLUMNS)}) VALUES ({','.join(['%s'] * len(_COLUMNS))})",
            values,
        )

    async def update(
        self,
        job_id: str,
        changes: dict[str, Any],
        *,
        owner: str | None = None,
        active_only: bool = True,
        not_phase: str = "",
    ) -> bool:
        """Apply `changes` (and bump `updated_at`) if the job is still active and, when `owner` is
        given, still leased by it. Returns whether the row changed."""
        changes = {**changes, "updated_at": max(time.time(), changes.get("updated_at", 0))}
        unknown = set(changes) - set(_COLUMNS)
        if unknown:
            raise ValueError(f"not job columns: {sorted(unknown)}")
        sets = ", ".join(f"{k} = %s" for k in changes)
        args: list[Any] = [_encode(k, v) for k, v in changes.items()]
        where = ["job_id = %s"]
        args.append(job_id)
        if active_only:
            where.append("status = ANY(%s)")
            args.append(_ACTIVE)
        if owner is not None:
            where.append("lease_owner = %s")
            args.append(owner)
        if not_phase:
            where.append("phase != %s")
            args.append(not_phase)
        return await self._run(f"UPDATE ai_hub_jobs SET {sets} WHERE {' AND '.join(where)}", args) == 1

    async def acquire(self, job_id: str, owner: str, seconds: float, previous: str | None) -> bool:
        """Take the lease on an active job if it is free, expired, ours, or held by `previous` (an
        owner found dead). A row another replica is claiming right now is skipped, not waited for."""
        now = time.time()
        count = await self._run(
            "UPDATE ai_hub_jobs SET lease_owner = %s, lease_until = %s WHERE job_id = ("
            "SELECT job_id FROM ai_hub_jobs WHERE job_id = %s AND status = ANY(%s) AND "
            "(lease_owner IS NULL OR lease_owner = %s OR lease_until < %s OR lease_owner = %s) "
            "FOR UPDATE SKIP LOCKED)",
            (owner, now + seconds, job_id, _ACTIVE, owner, now, previous),
        )
        return count == 1

    async def renew(self, job_id: str, owner: str, seconds: float) -> bool:
        count = await self._run(
            "UPDATE ai_hub_jobs SET lease_until = %s WHERE job_id = %s AND lease_owner = %s "
            "AND status = ANY(%s)",
            (time.time() + seconds, job_id, owner, _ACTIVE),
        )
        return count == 1

    async def release(self, owner: str, job_ids: list[str] | None = None) -> None:
        """Give up leases (on shutdown) so another replica can take the jobs over at once."""
        if job_ids is None:
            await self._run(
                "UPDATE ai_hub_jobs SET lease_owner = NULL, lease_until = 0 WHERE lease_owner = %s", (owner,)
            )
        else:
            await self._run(
                "UPDATE ai_hub_jobs SET lease_owner = NULL, lease_until = 0 "
                "WHERE lease_owner = %s AND job_id = ANY(%s)",
                (owner, list(job_ids)),
            )

    async def purge(self, finished_before: float) -> int:
        return await self._run(
            "DELETE FROM ai_hub_jobs WHERE status <> ALL(%s) AND COALESCE(finished_at, updated_at) < %s",
            (_ACTIVE, finished_before),
        )

    # --- notifications --------------------------------------------------------------------------

    async def listen(self, on_change: ChangeListener) -> None:
        """Call `on_change(job_id, updated_at)` for every job change any replica makes, until
        cancelled; a lost connection is reopened (changes meanwhile are found by the manager's scan)."""
        import psycopg

        wait = LISTEN_RETRY[0]
        while not self._closed:
            try:
                conn = await psycopg.AsyncConnection.connect(self.url, **_conninfo_kwargs())
                async with conn:
                    await conn.execute(f"LISTEN {CHANNEL}")
                    wait = LISTEN_RETRY[0]
                    async for note in conn.notifies():
                        job_id, _, stamp = note.payload.partition(" ")
                        try:
                            updated = float(stamp)
                        except ValueError:
                            continue
                        await on_change(job_id, updated)
            except (psycopg.Error, OSError) as exc:
                log.warning(
                    "job notifications: %s; reconnecting in %gs", self._storage_error(exc).message, wait
                )
            await anyio.sleep(wait)
            wait = min(LISTEN_RETRY[1], wait * 2)
