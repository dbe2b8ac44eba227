"""The baseline server: a one-tool MCPServer (the SDK's own floor), run over stdio.

    python bare_server.py ping      a tool returning "pong" (cold start)
    python bare_server.py http      a tool sending the request in BENCH_REQUEST (a JSON file:
                                    url, headers, body) and returning the reply's text
    python bare_server.py stream    the same request streamed (SSE), with progress every 0.25 s
                                    while it streams, as the hub does

The request is the one the hub sent for the same call, so both make the same HTTP request."""

from __future__ import annotations

import json
import os
import sys
import time

from mcp.server.mcpserver import Context, MCPServer

mode = sys.argv[1] if len(sys.argv) > 1 else "ping"
mcp = MCPServer("bare")

if mode == "ping":

    @mcp.tool()
    def ping() -> str:
        return "pong"

else:
    import httpx2

    with open(os.environ["BENCH_REQUEST"]) as f:
        spec = json.load(f)
    client = httpx2.AsyncClient(timeout=httpx2.Timeout(30.0))

    if mode == "http":

        @mcp.tool()
        async def generate_text(prompt: str) -> str:
            response = await client.post(spec["url"], headers=spec["headers"], content=spec["body"])
            data = response.json()
            if "choices" in data:  # Chat Completions
                return data["choices"][0]["message"]["content"]
            return "".join(c.get("text", "") for item in data["output"] for c in item.get("content", []))

    else:

        @mcp.tool(name="generate_text")
        async def generate_text_streamed(prompt: str, ctx: Context) -> str:
            pieces: list[str] = []
            last = time.monotonic()
            async with client.stream("POST", spec["url"], headers=spec["headers"], content=spec["body"]) as r:
                async for line in r.aiter_lines():
                    if not line.startswith("data: "):
                        continue
                    if line == "data: [DONE]":
                        break
                    event = json.loads(line[6:])
                    if event.get("type") == "response.output_text.delta":  # Responses
                        pieces.append(event["delta"])
                    for choice in event.get("choices") or []:  # Chat Completions
                        pieces.append((choice.get("delta") or {}).get("content") or "")
                        if time.monotonic() - last >= 0.25:
                            last = time.monotonic()
                            await ctx.report_progress(len(pieces), message="".join(pieces)[-60:])
            return "".join(pieces)


mcp.run()
