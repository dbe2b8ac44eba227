"""What every measurement shares: a raw JSON-RPC client on a spawned server's pipes (no MCP client
library in the way), the process's memory and CPU from /proc, the loopback fakes and the hub's
environment pointing at them, and small statistics helpers."""

from __future__ import annotations

import itertools
import json
import os
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any, Self

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # the fakes live in tests/fakes
    sys.path.insert(0, str(ROOT))

HUB = str(Path(sys.executable).parent / "mcp-ai-hub")
BARE = str(Path(__file__).resolve().parent / "bare_server.py")
PROTOCOL = "2025-11-25"
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


class HarnessError(RuntimeError):
    """The benchmark itself failed (as opposed to a figure missing its target)."""


class RpcProcess:
    """A server spawned over stdio, spoken to in newline-delimited JSON-RPC. A reader thread stamps
    each answer with its arrival time (perf_counter) as it is read."""

    def __init__(self, command: list[str], env: dict[str, str], cwd: Path | str):
        self.started = time.perf_counter()
        self.proc = subprocess.Popen(
            command,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            cwd=cwd,
            env=env,
            bufsize=0,
        )
        self._ids = itertools.count(1)
        self._lock = threading.Lock()
        self._waiting: dict[int, threading.Event] = {}
        self.answers: dict[int, tuple[float, dict[str, Any]]] = {}
        self.notifications = 0
        self.stray_lines = 0
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    @property
    def pid(self) -> int:
        return self.proc.pid

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            now = time.perf_counter()
            try:
                message = json.loads(line)
            except ValueError:  # not JSON-RPC (a wrapping profiler's own output)
                self.stray_lines += 1
                continue
            if "id" not in message or "method" in message:
                self.notifications += 1
                continue
            with self._lock:
                self.answers[message["id"]] = (now, message)
                event = self._waiting.pop(message["id"], None)
            if event:
                event.set()
        with self._lock:  # the server went away: wake everyone still waiting
            for event in self._waiting.values():
                event.set()

    def send(self, method: str, params: dict[str, Any] | None = None, *, notify: bool = False) -> int:
        message: dict[str, Any] = {"jsonrpc": "2.0", "method": method}
        if params is not None:
            message["params"] = params
        rid = 0
        if not notify:
            rid = message["id"] = next(self._ids)
        self.write([message])
        return rid

    def write(self, messages: list[dict[str, Any]]) -> None:
        """Write messages in one go; the requests among them (those with an id) can be waited on."""
        assert self.proc.stdin is not None
        with self._lock:
            for m in messages:
                if "id" in m:
                    self._waiting[m["id"]] = threading.Event()
        self.proc.stdin.write(b"".join(json.dumps(m).encode() + b"\n" for m in messages))

    def call_many(self, method: str, params_list: list[dict[str, Any]]) -> list[int]:
        """Send several requests in one write (they reach the server at once)."""
        ids = [next(self._ids) for _ in params_list]
        self.write(
            [
                {"jsonrpc": "2.0", "id": rid, "method": method, "params": params}
                for rid, params in zip(ids, params_list)
            ]
        )
        return ids

    def wait(self, rid: int, timeout: float = 120.0) -> tuple[float, dict[str, Any]]:
        with self._lock:
            if rid in self.answers:
                return self.answers.pop(rid)
            event = self._waiting.get(rid)
        if event is None or not event.wait(timeout):
            raise HarnessError(f"no answer to request {rid} within {timeout} s")
        with self._lock:
            if rid not in self.answers:
                raise HarnessError(f"the server exited before answering request {rid}")
            return self.answers.pop(rid)

    def request(self, method: str, params: dict[str, Any] | None = None, timeout: float = 120.0) -> dict:
        _, message = self.wait(self.send(method, params), timeout)
        if "error" in message:
            raise HarnessError(f"{method}: {message['error']}")
        return message["result"]

    def initialize(self) -> dict:
        result = self.request(
            "initialize",
            {
                "protocolVersion": PROTOCOL,
                "capabilities": {},
                "clientInfo": {"name": "bench", "version": "0"},
            },
        )
        self.send("notifications/initialized", notify=True)
        return result

    def call_tool(self, name: str, arguments: dict[str, Any], timeout: float = 120.0) -> dict:
        result = self.request("tools/call", {"name": name, "arguments": arguments}, timeout)
        if result.get("isError"):
            raise HarnessError(f"{name} failed: {result['content'][0].get('text', '')[:300]}")
        return result

    def rss(self) -> int:
        return rss_of(self.pid)

    def cpu_seconds(self) -> float:
        return cpu_of(self.pid)

    def close(self) -> None:
        if self.proc.stdin:
            try:
                self.proc.stdin.close()
            except OSError:
                pass
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def rss_of(pid: int) -> int:
    """Resident memory of a process, in bytes."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    raise HarnessError(f"no VmRSS for {pid}")


def cpu_of(pid: int) -> float:
    """User + system CPU seconds a process has used."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


class RssSampler:
    """Samples a process's RSS every `period` seconds in a thread; `peak` is the highest seen."""

    def __init__(self, pid: int, period: float = 0.01):
        self.pid, self.period = pid, period
        self.base = rss_of(pid)
        self.peak = self.base
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self.peak = max(self.peak, rss_of(self.pid))
            except (OSError, HarnessError):
                return
            self._stop.wait(self.period)

    @property
    def growth(self) -> int:
        return self.peak - self.base

    def __enter__(self) -> Self:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def hub_env(cloud: Any, workdir: Path, *providers: str, **extra: str) -> dict[str, str]:
    """The hub's environment: base URLs of every fake, keys for `providers` (all when none named),
    its own state directory, no background listing fetch, loopback input URLs allowed."""
    env = {"PATH": os.environ.get("PATH", ""), "HOME": str(workdir), "LANG": "C.UTF-8"}
    env.update(cloud.env(*providers))
    env.update(
        {
            "AI_HUB_STATE_DIR": str(workdir / "state"),
            "AI_HUB_OUTPUT_DIR": str(workdir / "out"),
            "AI_HUB_LISTING_TTL": "0",
            "AI_HUB_ALLOW_PRIVATE_URLS": "1",
        }
    )
    env.update(extra)
    return env


def median(values: list[float]) -> float:
    return statistics.median(values)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))]


def tool_text(result: dict) -> str:
    return "".join(
        block.get("text", "") for block in result.get("content", []) if block.get("type") == "text"
    )
