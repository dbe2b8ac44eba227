"""Memory use of saving a large provider output: MediaStore.download streams it to disk.

A loopback HTTP server generates a body of --mb megabytes on the fly; the hub downloads it into a
temporary output directory. Peak memory growth (tracemalloc, Python allocations) is printed beside
the file size and, as a baseline in the same run, the growth of reading the same body whole.

    .venv/bin/python benchmarks/download_memory.py [--mb 200]
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import threading
import tracemalloc
from pathlib import Path

import anyio

from mcp_ai_hub.config import Settings
from mcp_ai_hub.http import Http
from mcp_ai_hub.media import MediaStore

CHUNK = b"\x00\x00\x00\x18ftypisom" + bytes(1024 * 1024 - 12)


def serve(size: int) -> tuple[int, threading.Thread]:
    ready: list[int] = []

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.readuntil(b"\r\n\r\n")
        writer.write(f"HTTP/1.1 200 OK\r\nContent-Type: video/mp4\r\nContent-Length: {size}\r\n\r\n".encode())
        sent = 0
        while sent < size:
            piece = CHUNK[: min(len(CHUNK), size - sent)]
            writer.write(piece)
            await writer.drain()
            sent += len(piece)
        writer.close()

    async def main() -> None:
        server = await asyncio.start_server(handle, "127.0.0.1", 0)
        ready.append(server.sockets[0].getsockname()[1])
        async with server:
            await server.serve_forever()

    thread = threading.Thread(target=lambda: asyncio.run(main()), daemon=True)
    thread.start()
    while not ready:
        threading.Event().wait(0.01)
    return ready[0], thread


async def measure(url: str, out: Path) -> tuple[int, int]:
    http = Http()
    store = MediaStore(Settings.load(environ={"AI_HUB_OUTPUT_DIR": str(out), "HOME": str(out)}, cwd=out))
    tracemalloc.start()
    media = await store.download(http, url, "bench")
    streamed_peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert media.bytes > 0
    tracemalloc.start()
    response = await http.client.get(url)
    whole_peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert len(response.content) == media.bytes
    await http.aclose()
    return streamed_peak, whole_peak


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--mb", type=int, default=200)
    args = parser.parse_args()
    size = args.mb * 1024 * 1024
    port, _ = serve(size)
    with tempfile.TemporaryDirectory() as tmp:
        streamed, whole = anyio.run(measure, f"http://127.0.0.1:{port}/video.mp4", Path(tmp))
    mib = 1024 * 1024
    print(f"file size                      {size / mib:8.1f} MiB")
    print(f"peak growth, hub download      {streamed / mib:8.1f} MiB")
    print(f"peak growth, read whole (base) {whole / mib:8.1f} MiB")
    print(f"ratio hub / file size: {streamed / size:.4f}   hub / baseline: {streamed / whole:.4f}")


if __name__ == "__main__":
    main()
