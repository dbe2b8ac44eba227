"""Starting `mcp-ai-hub --transport http` in tests: a free loopback port, and waiting until the
spawned server listens (or failing with its stderr when it exits first)."""

from __future__ import annotations

import socket
import subprocess
import time


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_listening(proc: subprocess.Popen, port: int, timeout: float = 30.0) -> None:
    """Return once 127.0.0.1:`port` accepts connections; assert the server is alive meanwhile."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            stderr = proc.stderr.read().decode() if proc.stderr and proc.poll() is not None else ""
            assert proc.poll() is None, stderr
            assert time.monotonic() < deadline, "the HTTP server did not start"
            time.sleep(0.1)
