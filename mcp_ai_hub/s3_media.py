"""Outputs on S3-compatible storage (`AI_HUB_MEDIA_STORE=s3://bucket/prefix`), for replicas that
share no disk and clients that cannot read the server's.

Every output is first streamed to this server's output directory exactly as without S3 (the size
cap, MIME sniffing and image/WAV headers stay where they are), then uploaded under
`<prefix>/<name>`: one PUT, or a multipart upload read from the file part by part, so memory stays
at one part whatever the size. The local file stays as this replica's cache (inline blocks, audio
durations). Media objects carry `url`, a presigned GET URL valid `AI_HUB_MEDIA_URL_TTL` seconds,
signed afresh whenever a job is read; `media://` reads come from the local cache or, for another
replica's output, from the bucket. An upload that fails leaves no local file and raises StorageError.
"""

from __future__ import annotations

import contextlib
import os
import struct
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import anyio

from .errors import InvalidArgument, StorageError
from .jobs.store import iso
from .media import MIME_BY_EXTENSION, Media, MediaStore
from .s3 import S3Bucket, S3Config, parse_s3_url

if TYPE_CHECKING:
    from .config import Settings

UNKNOWN_SIZE = b"\xff\xff\xff\xff"  # a WAV header streamed before its length was known
WRITE_CHECK_EVERY = 60.0  # seconds a successful bucket write check is trusted


def _fix_streamed_wav(path: Path) -> None:
    """Give a WAV written with "until the end of the file" sizes its real sizes (as audio.py does
    after saving), so the uploaded object and the local file are the same bytes."""
    with open(path, "r+b") as f:
        head = f.read(44)
        if len(head) < 44 or head[:4] != b"RIFF" or head[4:8] != UNKNOWN_SIZE or head[36:40] != b"data":
            return
        size = os.fstat(f.fileno()).st_size
        f.seek(4)
        f.write(struct.pack("<I", size - 8))
        f.seek(40)
        f.write(struct.pack("<I", size - 44))


class S3MediaStore(MediaStore):
    """The output directory as a cache in front of an S3 bucket, which is the store of record."""

    def __init__(self, settings: Settings):
        super().__init__(settings)
        bucket, self.prefix = parse_s3_url(settings.media_store)
        self.bucket = S3Bucket(S3Config.from_env(settings.env), bucket)
        self.url_ttl = settings.media_url_ttl
        self._checked = 0.0

    def key(self, name: str) -> str:
        return f"{self.prefix}/{name}" if self.prefix else name

    def _sign(self, media: Media) -> Media:
        media.url = self.bucket.presign(self.key(media.name), self.url_ttl)
        media.url_expires_at = iso(time.time() + self.url_ttl)
        return media

    def check_writable(self) -> None:
        """The output directory (the cache) and, at most once a minute, a probe object in the bucket."""
        super().check_writable()
        if time.monotonic() - self._checked < WRITE_CHECK_EVERY and self._checked:
            return
        self.bucket.check_write(self.key(f".write-check-{os.urandom(4).hex()}"))
        self._checked = time.monotonic()

    async def save_stream(
        self,
        chunks: AsyncIterator[bytes],
        provider: str,
        *,
        mime_hint: str = "",
        source_url: str | None = None,
        max_bytes: int | None = None,
    ) -> Media:
        media = await super().save_stream(
            chunks, provider, mime_hint=mime_hint, source_url=source_url, max_bytes=max_bytes
        )
        try:
            if media.mime_type == "audio/wav":
                await anyio.to_thread.run_sync(_fix_streamed_wav, media.path)
            await self.bucket.put_file(self.key(media.name), media.path, media.mime_type)
        except BaseException:
            with contextlib.suppress(OSError):
                media.path.unlink(missing_ok=True)
            raise
        return self._sign(media)

    async def discard(self, media: Media) -> None:
        await super().discard(media)
        with contextlib.suppress(StorageError):
            await self.bucket.delete(self.key(media.name))

    def present(self, output: dict[str, Any]) -> dict[str, Any]:
        if not output.get("path"):
            return output
        name = Path(output["path"]).name
        return {
            **output,
            "url": self.bucket.presign(self.key(name), self.url_ttl),
            "url_expires_at": iso(time.time() + self.url_ttl),
        }

    async def lookup(self, name: str) -> Media:
        try:
            return self._sign(await super().lookup(name))
        except InvalidArgument:
            pass
        if not name or "/" in name or "\\" in name or name.startswith(".") or name.endswith(".part"):
            raise InvalidArgument(f"no such media {name!r}")
        headers = await self.bucket.head(self.key(name))
        if headers is None:
            raise InvalidArgument(f"no such media {name!r}", hint="Media names come from tool results")
        mime = headers.get("content-type", "").split(";")[0].strip()
        mime = mime or MIME_BY_EXTENSION.get(name.rpartition(".")[2].lower(), "application/octet-stream")
        return self._sign(Media(self.dir / name, mime, int(headers.get("content-length") or 0)))

    async def read(self, media: Media) -> bytes:
        if await anyio.Path(media.path).is_file():
            return await super().read(media)
        return await self.bucket.get(self.key(media.name))

    async def aclose(self) -> None:
        await self.bucket.aclose()
