"""A loopback HTTP/1.1 server for large bodies, generated and consumed on the fly (nothing large is
held in memory or written to the repository):

- `GET /big/{n}` streams an n-byte MP4-looking body in 1 MiB writes;
- any `POST`/`PUT` reads its body (Content-Length or chunked) and counts it, then answers with what
  the route's handler returns (the end of a provider's upload endpoint).

Every transfer is timed here, from the request's headers to its last byte, so the hub and the
plain copy baseline are timed on the same clock and the same loopback connection kind."""

from __future__ import annotations

import asyncio
import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

CHUNK = 1024 * 1024
MP4_HEAD = b"\x00\x00\x00\x18ftypisom\x00\x00\x02\x00isomiso2mp41"
BLOCK = MP4_HEAD + bytes(CHUNK - len(MP4_HEAD))
ZEROS = bytes(CHUNK)

# (method, path) -> (status, headers, JSON body)
Handler = Callable[[str, str, int], tuple[int, dict[str, str], Any]]


@dataclass
class Transfer:
    method: str
    path: str
    bytes: int
    seconds: float

    @property
    def mib_per_s(self) -> float:
        return self.bytes / self.seconds / 2**20 if self.seconds else 0.0


class Sink:
    def __init__(self) -> None:
        self.routes: list[tuple[str, Handler]] = []  # (path prefix, handler), first match wins
        self.transfers: list[Transfer] = []
        self.base_url = ""
        self._loop: asyncio.AbstractEventLoop | None = None
        self._server: asyncio.AbstractServer | None = None

    def route(self, prefix: str, handler: Handler) -> None:
        self.routes.insert(0, (prefix, handler))

    def url(self, path: str) -> str:
        return self.base_url + path

    # --- serving ------------------------------------------------------------------------------------
    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                try:
                    head = await reader.readuntil(b"\r\n\r\n")
                except (asyncio.IncompleteReadError, ConnectionError):
                    return
                started = time.perf_counter()
                lines = head.decode("latin-1").split("\r\n")
                method, path, _ = lines[0].split(" ", 2)
                headers = {
                    k.strip().lower(): v.strip() for k, _, v in (ln.partition(":") for ln in lines[1:] if ln)
                }
                if method == "GET" and path.startswith("/big/"):
                    await self._send_big(writer, int(path.split("/")[2].split("?")[0]), started, path)
                    continue
                size = await self._consume(reader, headers)
                self.transfers.append(Transfer(method, path, size, time.perf_counter() - started))
                status, extra, body = self._answer(method, path, size)
                payload = json.dumps(body).encode()
                out = [
                    f"HTTP/1.1 {status} OK",
                    "Content-Type: application/json",
                    f"Content-Length: {len(payload)}",
                    *(f"{k}: {v}" for k, v in extra.items()),
                ]
                writer.write(("\r\n".join(out) + "\r\n\r\n").encode() + payload)
                await writer.drain()
        finally:
            writer.close()

    async def _consume(self, reader: asyncio.StreamReader, headers: dict[str, str]) -> int:
        size = 0
        if headers.get("transfer-encoding", "").lower() == "chunked":
            while True:
                length = int((await reader.readline()).split(b";")[0].strip(), 16)
                if length == 0:
                    await reader.readline()
                    return size
                left = length
                while left:
                    piece = await reader.read(min(left, CHUNK))
                    if not piece:
                        raise ConnectionError("body cut short")
                    left -= len(piece)
                size += length
                await reader.readline()
        left = int(headers.get("content-length") or 0)
        while left:
            piece = await reader.read(min(left, CHUNK))
            if not piece:
                raise ConnectionError("body cut short")
            left -= len(piece)
            size += len(piece)
        return size

    async def _send_big(self, writer: asyncio.StreamWriter, n: int, started: float, path: str) -> None:
        writer.write(f"HTTP/1.1 200 OK\r\nContent-Type: video/mp4\r\nContent-Length: {n}\r\n\r\n".encode())
        sent = 0
        while sent < n:
            block = BLOCK if sent == 0 else ZEROS
            piece = block[: min(CHUNK, n - sent)]
            writer.write(piece)
            await writer.drain()
            sent += len(piece)
        self.transfers.append(Transfer("GET", path, n, time.perf_counter() - started))

    def _answer(self, method: str, path: str, size: int) -> tuple[int, dict[str, str], Any]:
        for prefix, handler in self.routes:
            if path.startswith(prefix):
                return handler(method, path, size)
        return 200, {}, {"received": size}

    # --- lifecycle ----------------------------------------------------------------------------------
    def start(self) -> Sink:
        ready = threading.Event()

        async def main() -> None:
            self._loop = asyncio.get_running_loop()
            self._server = await asyncio.start_server(self._handle, "127.0.0.1", 0, limit=2**20)
            self.base_url = f"http://127.0.0.1:{self._server.sockets[0].getsockname()[1]}"
            ready.set()
            async with self._server:
                await self._server.serve_forever()

        threading.Thread(target=lambda: asyncio.run(main()), daemon=True).start()
        if not ready.wait(10):
            raise RuntimeError("the sink did not start")
        return self

    def stop(self) -> None:
        if self._loop and self._server:
            self._loop.call_soon_threadsafe(self._server.close)
