"""Figure 1, cold start: spawn to the `initialize` answer and to the `tools/list` answer, the hub
against a one-tool MCPServer in the same environment, alternating, medians.

    .venv/bin/python benchmarks/startup.py [--runs 9]      (run.py runs it with the others)
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import BARE, HUB, PROTOCOL, HarnessError, RpcProcess, hub_env, median


def sample(command: list[str], env: dict[str, str], cwd: Path) -> tuple[float, float, int]:
    """(seconds to the initialize answer, to the tools/list answer, number of tools)."""
    with RpcProcess(command, env, cwd) as proc:
        init = {
            "jsonrpc": "2.0",
            "id": 1,
            "method": "initialize",
            "params": {
                "protocolVersion": PROTOCOL,
                "capabilities": {},
                "clientInfo": {"name": "bench", "version": "0"},
            },
        }
        proc.write(
            [
                init,
                {"jsonrpc": "2.0", "method": "notifications/initialized"},
                {"jsonrpc": "2.0", "id": 2, "method": "tools/list"},
            ]
        )
        t_init, _ = proc.wait(1, timeout=30)
        t_list, listed = proc.wait(2, timeout=30)
        if "result" not in listed:
            raise HarnessError(f"tools/list failed: {listed}")
        return t_init - proc.started, t_list - proc.started, len(listed["result"]["tools"])


def measure(cloud, workdir: Path, runs: int = 9) -> dict[str, float]:
    env = hub_env(cloud, workdir)
    commands = {"bare": [sys.executable, BARE, "ping"], "hub": [HUB]}
    for command in commands.values():  # warm the file cache (and the hub's state directory)
        sample(command, env, workdir)
    times: dict[str, list[tuple[float, float]]] = {name: [] for name in commands}
    tools = 0
    for _ in range(runs):  # alternating, so the machine's noise hits both alike
        for name, command in commands.items():
            t_init, t_list, n = sample(command, env, workdir)
            times[name].append((t_init, t_list))
            tools = n if name == "hub" else tools
    out = {
        f"{name}_{which}": median([t[i] for t in values])
        for name, values in times.items()
        for i, which in enumerate(("init", "list"))
    }
    out["hub_tools"] = tools
    out["runs"] = runs
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=9)
    args = parser.parse_args()
    from tests.fakes import FakeCloud

    cloud = FakeCloud().start()
    try:
        with tempfile.TemporaryDirectory() as tmp:
            result = measure(cloud, Path(tmp), args.runs)
    finally:
        cloud.stop()
    for key, value in result.items():
        print(f"{key:12s} {value * 1000:8.1f} ms" if isinstance(value, float) else f"{key:12s} {value}")
    print(f"ratio to tools/list: {result['hub_list'] / result['bare_list']:.2f}")


if __name__ == "__main__":
    main()
