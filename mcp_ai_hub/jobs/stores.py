"""Which job store a server uses: SQLite in `AI_HUB_STATE_DIR` by default, PostgreSQL when
`AI_HUB_JOB_STORE` is a `postgresql://` URL (validated by the settings). Neither engine's driver is
imported here."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..config import Settings
    from .store import JobStore


def open_job_store(settings: Settings) -> JobStore:
    """The store the settings name (nothing is connected or opened yet)."""
    if settings.job_store:
        from .pg_store import PgJobStore

        return PgJobStore(settings.job_store)
    from .sqlite_store import SqliteJobStore

    return SqliteJobStore(settings.state_dir / "jobs.sqlite3")
