"""A throwaway PostgreSQL cluster for the tests (Debian's `postgresql` package: initdb, pg_ctl),
started once per test process in a temporary directory on a loopback port, stopped at exit.
Run as root, the server runs as the `postgres` user (PostgreSQL refuses to run as root).
`database()` gives each test a fresh, empty database."""

from __future__ import annotations

import atexit
import functools
import glob
import itertools
import os
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

import pytest


def _binary(name: str) -> str | None:
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    return candidates[-1] if candidates else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def missing() -> str:
    """Why the PostgreSQL tests cannot run here ("" when they can)."""
    for module in ("psycopg", "psycopg_pool"):
        try:
            __import__(module)
        except ImportError:
            return f"{module} is not installed (pip install -e '.[test]')"
    for name in ("initdb", "pg_ctl"):
        if _binary(name) is None:
            return f"PostgreSQL's {name} is not installed (apt-get install postgresql; .ci/run does it)"
    if os.geteuid() == 0 and shutil.which("runuser") is None:
        return "running as root without runuser to start PostgreSQL as another user"
    return ""


@functools.cache
def cluster() -> str:
    """Start the cluster (once); its admin URL (database `postgres`)."""
    base = Path(tempfile.mkdtemp(prefix="ai-hub-pg-"))
    data, port = base / "data", _free_port()
    as_user: list[str] = []
    if os.geteuid() == 0:
        user = os.environ.get("AI_HUB_TEST_PG_USER", "postgres")
        shutil.chown(base, user)
        as_user = ["runuser", "-u", user, "--"]

    def run(*args: str) -> None:
        subprocess.run(
            [*as_user, *args], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, timeout=120
        )

    run(
        _binary("initdb") or "initdb",
        "-D",
        str(data),
        "-U",
        "hub",
        "--auth=trust",
        "-E",
        "UTF8",
        "--no-sync",
        "--locale=C",
    )
    options = (
        f"-c listen_addresses=127.0.0.1 -c port={port} -c unix_socket_directories={base} "
        "-c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200"
    )
    run(
        _binary("pg_ctl") or "pg_ctl",
        "-D",
        str(data),
        "-o",
        options,
        "-l",
        str(base / "log"),
        "-w",
        "-t",
        "60",
        "start",
    )

    def stop() -> None:
        subprocess.run(
            [*as_user, _binary("pg_ctl") or "pg_ctl", "-D", str(data), "-m", "immediate", "-w", "stop"],
            check=False,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            timeout=60,
        )
        shutil.rmtree(base, ignore_errors=True)

    atexit.register(stop)
    return f"postgresql://hub@127.0.0.1:{port}/postgres"


_numbers = itertools.count(1)


def database() -> str:
    """A new empty database on the cluster; its URL. Skips the test when PostgreSQL is missing."""
    reason = missing()
    if reason:
        pytest.skip(reason)
    import psycopg

    admin = cluster()
    name = f"hub_test_{os.getpid()}_{next(_numbers)}"
    with psycopg.connect(admin, autocommit=True, connect_timeout=10) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    return admin.rsplit("/", 1)[0] + f"/{name}"
