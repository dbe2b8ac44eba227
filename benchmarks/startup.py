"""Start-up cost of `mcp-ai-hub` against a bare MCP SDK server, measured in the same run.

Each sample spawns the server over stdio, sends initialize + tools/list, and times the answer.
Prints the medians and the ratio hub / bare (the target: close to 1, at most about 1.3).

    .venv/bin/python benchmarks/startup.py [--runs 15]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BARE = """
from mcp.server.mcpserver import MCPServer
mcp = MCPServer("bare")
@mcp.tool()
def ping() -> str:
    return "pong"
mcp.run()
"""

REQUESTS = [
    {
        "jsonrpc": "2.0",
        "id": 1,
        "method": "initialize",
        "params": {
            "protocolVersion": "2025-11-25",
            "capabilities": {},
            "clientInfo": {"name": "bench", "version": "0"},
        },
    },
    {"jsonrpc": "2.0", "method": "notifications/initialized"},
    {"jsonrpc": "2.0", "id": 2, "method": "tools/list"},
]


def sample(command: list[str], cwd: str, env: dict[str, str]) -> float:
    started = time.perf_counter()
    proc = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                            cwd=cwd, env=env, text=True)
    assert proc.stdin and proc.stdout
    for request in REQUESTS:
        proc.stdin.write(json.dumps(request) + "\n")
    proc.stdin.flush()
    while True:
        line = proc.stdout.readline()
        if not line:
            raise RuntimeError(f"{command} exited before answering tools/list")
        if json.loads(line).get("id") == 2:
            break
    elapsed = time.perf_counter() - started
    proc.stdin.close()
    proc.wait(timeout=10)
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    hub = str(Path(sys.executable).parent / "mcp-ai-hub")
    with tempfile.TemporaryDirectory() as tmp:
        bare = Path(tmp, "bare.py")
        bare.write_text(BARE)
        env = {"PATH": os.environ.get("PATH", ""), "HOME": tmp}
        commands = {"bare SDK": [sys.executable, str(bare)], "mcp-ai-hub": [hub]}
        times: dict[str, list[float]] = {name: [] for name in commands}
        sample(commands["bare SDK"], tmp, env)  # warm the file cache
        for _ in range(args.runs):  # interleaved, so machine noise hits both alike
            for name, command in commands.items():
                times[name].append(sample(command, tmp, env))
    medians = {name: statistics.median(values) for name, values in times.items()}
    for name, value in medians.items():
        print(
            f"{name:12s} median {value * 1000:7.1f} ms  (min {min(times[name]) * 1000:.1f} ms, {args.runs} "
            f"runs)"
        )
    print(f"ratio mcp-ai-hub / bare SDK: {medians['mcp-ai-hub'] / medians['bare SDK']:.2f}")


if __name__ == "__main__":
    main()
