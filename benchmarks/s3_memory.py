"""Memory use of storing a large output in the S3 media store: downloaded to the output directory
(streamed), then uploaded in multipart parts read one at a time; read back through its presigned
URL (streamed) and compared by SHA-256.

An S3 server (moto's `moto_server`, from the test extra) runs as a separate process, so its own
memory is not counted; a loopback HTTP server generates the body. Prints the peak growth of
Python allocations (tracemalloc) during the save, and the process's peak RSS.

    .venv/bin/python benchmarks/s3_memory.py [--mb 500]
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import resource
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import tracemalloc
from pathlib import Path

import anyio
import httpx2

from mcp_ai_hub.config import Settings
from mcp_ai_hub.http import Http
from mcp_ai_hub.s3 import PART_SIZE
from mcp_ai_hub.s3_media import S3MediaStore

CHUNK = b"\x00\x00\x00\x18ftypisom" + bytes(1024 * 1024 - 12)  # an MP4 head, then zeros


def serve(size: int) -> tuple[int, threading.Thread]:
    """A loopback HTTP server answering every request with `size` bytes made on the fly."""
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


def start_moto() -> tuple[subprocess.Popen, str]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    command = shutil.which("moto_server", path=str(Path(sys.executable).parent)) or "moto_server"
    proc = subprocess.Popen(
        [command, "-H", "127.0.0.1", "-p", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    url = f"http://127.0.0.1:{port}"
    for _ in range(200):
        try:
            httpx2.get(url, timeout=1)
            break
        except httpx2.HTTPError:
            time.sleep(0.05)
    return proc, url


def expected_digest(size: int) -> str:
    digest, sent = hashlib.sha256(), 0
    while sent < size:
        piece = CHUNK[: min(len(CHUNK), size - sent)]
        digest.update(piece)
        sent += len(piece)
    return digest.hexdigest()


async def measure(source: str, endpoint: str, out: Path) -> tuple[int, str, int]:
    env = {
        "AI_HUB_OUTPUT_DIR": str(out),
        "HOME": str(out),
        "AI_HUB_MEDIA_STORE": "s3://bench/outputs",
        "AWS_ENDPOINT_URL": endpoint,
        "AWS_ACCESS_KEY_ID": "bench",
        "AWS_SECRET_ACCESS_KEY": "bench",
    }
    store = S3MediaStore(Settings.load(environ=env, cwd=out))
    await store.bucket.request("PUT", "", doing="create")  # the bucket (path-style: PUT /bench/)
    http = Http()
    tracemalloc.start()
    media = await store.download(http, source, "bench")
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    digest = hashlib.sha256()
    async with (
        httpx2.AsyncClient(timeout=httpx2.Timeout(60.0)) as client,
        client.stream("GET", media.url or "") as response,
    ):
        response.raise_for_status()
        async for chunk in response.aiter_bytes():
            digest.update(chunk)
    await http.aclose()
    await store.aclose()
    return peak, digest.hexdigest(), media.bytes


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=int, default=500)
    args = parser.parse_args()
    size = args.mb * 1024 * 1024
    port, _ = serve(size)
    moto, endpoint = start_moto()
    try:
        with tempfile.TemporaryDirectory() as tmp:
            peak, digest, stored = anyio.run(
                measure, f"http://127.0.0.1:{port}/video.mp4", endpoint, Path(tmp)
            )
    finally:
        moto.terminate()
        moto.wait(timeout=30)
    mib = 1024 * 1024
    same = digest == expected_digest(size) and stored == size
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    print(f"output size                         {size / mib:8.1f} MiB (parts of {PART_SIZE / mib:.0f} MiB)")
    print(f"peak growth of allocations, save    {peak / mib:8.1f} MiB")
    print(f"peak RSS of this process            {rss:8.1f} MiB")
    print(f"presigned URL gives the same bytes: {same}")
    return 0 if same else 1


if __name__ == "__main__":
    raise SystemExit(main())
