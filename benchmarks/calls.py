"""Figures 2 and 3: what a tool call costs.

2. Per call, sequential, with a raw JSON-RPC pipe client: `generate_text` (non-streamed) through the
   hub, the same HTTP request made by a one-tool MCPServer (the SDK's floor), and the request made
   directly; alternating rounds, median and p99 of every call.
3. 100 concurrent streamed calls of about 0.5 s each on one session: the hub against the bare tool
   streaming the same request; wall time per burst, median of the rounds.

The bare tool replays the exact request the hub sent (URL, auth, body), captured from the fake.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Any

import httpx2
from harness import BARE, HUB, HarnessError, RpcProcess, hub_env, median, percentile, tool_text

MODEL = "openai/gpt-5.2"
PLAIN_ARGS = {"prompt": "Say hello.", "model": MODEL, "provider_options": {"stream": False}}
STREAM_ARGS = {"prompt": "Say hello.", "model": MODEL}


def captured_request(fake: Any) -> dict[str, Any]:
    """The last request the hub sent the fake, as the bare tool will replay it."""
    rec = [r for r in fake.requests if r.method == "POST"][-1]
    headers = {k: v for k, v in rec.headers.items() if k in ("authorization", "content-type")}
    return {"url": fake.url(rec.path), "headers": headers, "body": rec.body.decode()}


def timed_call(proc: RpcProcess, args: dict[str, Any]) -> float:
    started = time.perf_counter()
    rid = proc.send("tools/call", {"name": "generate_text", "arguments": args})
    arrived, message = proc.wait(rid, timeout=30)
    if "error" in message or message["result"].get("isError"):
        raise HarnessError(f"generate_text failed: {json.dumps(message)[:300]}")
    return arrived - started


def per_call(cloud: Any, workdir: Path, rounds: int = 7, calls: int = 60) -> dict[str, Any]:
    fake = cloud["openai"]
    fake.reset()
    env = hub_env(cloud, workdir, "openai")
    with RpcProcess([HUB], env, workdir) as hub:
        hub.initialize()
        first = hub.call_tool("generate_text", PLAIN_ARGS)
        if "Hello" not in tool_text(first):
            raise HarnessError(f"unexpected generate_text answer: {tool_text(first)[:200]}")
        spec = captured_request(fake)
        request_file = workdir / "bare-http.json"
        request_file.write_text(json.dumps(spec))
        bare_env = dict(env, BENCH_REQUEST=str(request_file))
        with (
            RpcProcess([sys.executable, BARE, "http"], bare_env, workdir) as bare,
            httpx2.Client(timeout=httpx2.Timeout(30.0)) as direct,
        ):
            bare.initialize()

            def direct_call() -> float:
                started = time.perf_counter()
                response = direct.post(spec["url"], headers=spec["headers"], content=spec["body"])
                response.json()
                return time.perf_counter() - started

            variants = {
                "hub": lambda: timed_call(hub, PLAIN_ARGS),
                "bare": lambda: timed_call(bare, {"prompt": "Say hello."}),
                "direct": direct_call,
            }
            for run in variants.values():  # warm up every path (connections, caches, JIT-free Python)
                for _ in range(20):
                    run()
            times: dict[str, list[float]] = {name: [] for name in variants}
            for _ in range(rounds):
                for name, run in variants.items():
                    times[name] += [run() for _ in range(calls)]
                fake.requests.clear()
    out: dict[str, Any] = {"calls": rounds * calls}
    for name, values in times.items():
        out[f"{name}_median"] = median(values)
        out[f"{name}_p99"] = percentile(values, 99)
    return out


def burst(proc: RpcProcess, args: dict[str, Any], n: int) -> float:
    started = time.perf_counter()
    ids = proc.call_many(
        "tools/call",
        [{"name": "generate_text", "arguments": args, "_meta": {"progressToken": f"p{i}"}} for i in range(n)],
    )
    last = started
    for rid in ids:
        arrived, message = proc.wait(rid, timeout=60)
        if "error" in message or message["result"].get("isError"):
            raise HarnessError(f"streamed generate_text failed: {json.dumps(message)[:300]}")
        last = max(last, arrived)
    return last - started


def concurrent(cloud: Any, workdir: Path, rounds: int = 7, n: int = 100, seconds: float = 0.5) -> dict:
    fake = cloud["openai"]
    fake.reset()
    env = hub_env(cloud, workdir, "openai")
    try:
        with RpcProcess([HUB], env, workdir) as hub:
            hub.initialize()
            hub.call_tool("generate_text", STREAM_ARGS)
            spec = captured_request(fake)
            with httpx2.Client(timeout=httpx2.Timeout(30.0)) as direct:  # events in the stream
                reply = direct.post(spec["url"], headers=spec["headers"], content=spec["body"])
                frames = reply.text.count("data: ")
            fake.state["text"] = {"delay": seconds / (frames - 1)}  # the fake pauses between events
            if '"stream": true' not in spec["body"] and '"stream":true' not in spec["body"]:
                raise HarnessError("the hub's generate_text request was not streamed")
            request_file = workdir / "bare-stream.json"
            request_file.write_text(json.dumps(spec))
            with RpcProcess(
                [sys.executable, BARE, "stream"], dict(env, BENCH_REQUEST=str(request_file)), workdir
            ) as bare:
                bare.initialize()
                single = timed_call(bare, {"prompt": "Say hello."})
                servers = {"hub": (hub, STREAM_ARGS), "bare": (bare, {"prompt": "Say hello."})}
                for proc, args in servers.values():  # warm up: the connection pools grow to n
                    burst(proc, args, n)
                walls: dict[str, list[float]] = {name: [] for name in servers}
                notes = {name: proc.notifications for name, (proc, _) in servers.items()}
                for _ in range(rounds):
                    for name, (proc, args) in servers.items():
                        walls[name].append(burst(proc, args, n))
                    fake.requests.clear()
                progress = {
                    name: (proc.notifications - notes[name]) / (rounds * n)
                    for name, (proc, _) in servers.items()
                }
    finally:
        fake.state.pop("text", None)
    return {
        "hub_wall": median(walls["hub"]),
        "bare_wall": median(walls["bare"]),
        "single": single,
        "n": n,
        "rounds": rounds,
        "hub_progress_per_call": progress["hub"],
        "bare_progress_per_call": progress["bare"],
    }
