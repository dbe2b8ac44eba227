"""Generated outputs on disk: unique, readable, safe file names (`<time>-<provider>-<short id>.<ext>`),
MIME types sniffed from the bytes, downloads streamed to disk under a size cap, never overwriting,
and the media object of the contract. Image sizes come from file headers (PNG, JPEG, WebP, GIF)
and WAV durations from the RIFF header, without extra dependencies.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import os
import re
import secrets
import struct
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import anyio

from .errors import InvalidArgument, OutputTooLarge, ProviderUnavailable, StorageError
from .shapes import MediaOut

if TYPE_CHECKING:
    from .config import Settings
    from .http import Http, ProviderApi

EXTENSIONS = {
    "image/png": "png",
    "image/jpeg": "jpg",
    "image/webp": "webp",
    "image/gif": "gif",
    "video/mp4": "mp4",
    "video/webm": "webm",
    "video/quicktime": "mov",
    "audio/wav": "wav",
    "audio/mpeg": "mp3",
    "audio/ogg": "ogg",
    "audio/flac": "flac",
    "audio/aac": "aac",
    "audio/mp4": "m4a",
    "audio/basic": "ulaw",
    "audio/pcm": "pcm",
    "application/json": "json",
    "text/plain": "txt",
    "application/octet-stream": "bin",
}
MIME_BY_EXTENSION = {ext: mime for mime, ext in EXTENSIONS.items()} | {
    "jpeg": "image/jpeg",
    "opus": "audio/ogg",
    "mpga": "audio/mpeg",
    "m4v": "video/mp4",
}
SNIFF_BYTES = 64 * 1024  # enough of the head for every header parsed here
WRITE_BYTES = 1024 * 1024  # chunks are gathered up to this size before each write to disk
B64_SLICE = 1024 * 1024  # base64 characters decoded at a time (a multiple of 4)


def sniff_mime(head: bytes, fallback: str = "application/octet-stream") -> str:
    """The MIME type the first bytes of a file show, or `fallback`."""
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    if head[:4] == b"RIFF" and head[8:12] == b"WAVE":
        return "audio/wav"
    if head.startswith((b"GIF87a", b"GIF89a")):
        return "image/gif"
    if head[4:8] == b"ftyp":
        brand = head[8:12]
        if brand in (b"M4A ", b"M4B "):
            return "audio/mp4"
        return "video/quicktime" if brand == b"qt  " else "video/mp4"
    if head.startswith(b"\x1a\x45\xdf\xa3"):
        return "video/webm"
    if head.startswith(b"ID3") or (
        len(head) > 1 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0 and head[1] & 0x06
    ):
        return "audio/mpeg"
    if head.startswith(b"OggS"):
        return "audio/ogg"
    if head.startswith(b"fLaC"):
        return "audio/flac"
    if len(head) > 1 and head[0] == 0xFF and head[1] & 0xF6 == 0xF0:
        return "audio/aac"
    return fallback


def image_size(head: bytes) -> tuple[int, int] | None:
    """(width, height) from a PNG, JPEG, WebP or GIF header, or None."""
    try:
        if head.startswith(b"\x89PNG\r\n\x1a\n") and head[12:16] == b"IHDR":
            return struct.unpack(">II", head[16:24])
        if head.startswith((b"GIF87a", b"GIF89a")):
            return struct.unpack("<HH", head[6:10])
        if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
            chunk = head[12:16]
            if chunk == b"VP8X":
                w = int.from_bytes(head[24:27], "little") + 1
                h = int.from_bytes(head[27:30], "little") + 1
                return w, h
            if chunk == b"VP8 ":
                w, h = struct.unpack("<HH", head[26:30])
                return w & 0x3FFF, h & 0x3FFF
            if chunk == b"VP8L":
                bits = int.from_bytes(head[21:25], "little")
                return (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1
        if head.startswith(b"\xff\xd8"):
            i = 2
            while i + 9 < len(head):
                if head[i] != 0xFF:
                    i += 1
                    continue
                marker = head[i + 1]
                if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7 or marker == 0xFF:
                    i += 2 if marker != 0xFF else 1
                    continue
                length = struct.unpack(">H", head[i + 2:i + 4])[0]
                if marker in (0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF):
                    h, w = struct.unpack(">HH", head[i + 5:i + 9])
                    return w, h
                i += 2 + length
    except struct.error:
        return None
    return None


def wav_duration(head: bytes, total_bytes: int) -> float | None:
    """Seconds of audio in a PCM WAV file from its header and size, or None."""
    if not (head[:4] == b"RIFF" and head[8:12] == b"WAVE"):
        return None
    i, byte_rate, data_size = 12, 0, None
    while i + 8 <= len(head):
        chunk, size = head[i:i + 4], struct.unpack("<I", head[i + 4:i + 8])[0]
        if chunk == b"fmt " and i + 16 <= len(head):
            byte_rate = struct.unpack("<I", head[i + 16:i + 20])[0]
        elif chunk == b"data":
            data_size = min(size, total_bytes - i - 8)
            break
        i += 8 + size + (size & 1)
    if not byte_rate or data_size is None:
        return None
    return round(data_size / byte_rate, 3)


@dataclass
class Media:
    """A saved output file and what is known of it."""

    path: Path
    mime_type: str
    bytes: int
    width: int | None = None
    height: int | None = None
    duration_seconds: float | None = None
    source_url: str | None = None
    url: str | None = None  # a presigned URL, when the media store is S3
    url_expires_at: str | None = None

    @property
    def name(self) -> str:
        return self.path.name

    @property
    def resource_uri(self) -> str:
        return f"media://{self.path.name}"

    def to_dict(self) -> dict[str, Any]:
        """The contract's media object."""
        return MediaOut(path=str(self.path), uri=self.path.as_uri(), resource_uri=self.resource_uri,
                        mime_type=self.mime_type, bytes=self.bytes, width=self.width, height=self.height,
                        duration_seconds=self.duration_seconds, source_url=self.source_url, url=self.url,
                        url_expires_at=self.url_expires_at).to_dict()

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Media:
        return cls(
            Path(data["path"]),
            data["mime_type"],
            data["bytes"],
            data.get("width"),
            data.get("height"),
            data.get("duration_seconds"),
            data.get("source_url"),
            data.get("url"),
            data.get("url_expires_at"),
        )


def _describe(path: Path, head: bytes, size: int, mime_hint: str, source_url: str | None) -> Media:
    mime = sniff_mime(head, mime_hint or "application/octet-stream")
    media = Media(path, mime, size, source_url=source_url)
    if mime.startswith("image/") and (dims := image_size(head)):
        media.width, media.height = dims
    if mime == "audio/wav":
        media.duration_seconds = wav_duration(head, size)
    return media


class MediaStore:
    """The output directory and everything written into it."""

    def __init__(self, settings: Settings):
        self.dir = settings.output_dir
        self.max_bytes = settings.max_output_bytes

    def storage_error(self, exc: OSError, doing: str = "write to") -> StorageError:
        reason = exc.strerror or type(exc).__name__
        return StorageError(f"cannot {doing} the output directory {self.dir} ({reason})",
                            hint="Make it writable or set AI_HUB_OUTPUT_DIR to a writable directory")

    def check_writable(self) -> None:
        """Create the output directory if needed and prove a file can be written there; StorageError
        otherwise. Run before anything billed is sent, so a paid result has somewhere to go."""
        try:
            self.dir.mkdir(parents=True, exist_ok=True)
            probe = self.dir / f".write-check-{secrets.token_hex(4)}"
            os.close(os.open(probe, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
            probe.unlink()
        except OSError as exc:
            raise self.storage_error(exc) from None

    def _reserve(self, provider: str, ext: str) -> Path:
        """Create a new empty file with a unique name (never overwriting) and return its path."""
        self.dir.mkdir(parents=True, exist_ok=True)
        stamp = time.strftime("%Y%m%d-%H%M%S")
        safe_provider = "".join(c for c in provider if c.isalnum()) or "hub"
        for _ in range(20):
            path = self.dir / f"{stamp}-{safe_provider}-{secrets.token_hex(4)}.{ext}"
            try:
                os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644))
                return path
            except FileExistsError:
                continue
        raise OSError("could not reserve a unique output file name")

    async def save_stream(self, chunks: AsyncIterator[bytes], provider: str, *, mime_hint: str = "",
                          source_url: str | None = None, max_bytes: int | None = None) -> Media:
        """Write chunks to a new file as they arrive; the extension follows the sniffed type."""
        limit = max_bytes or self.max_bytes
        try:
            part = await anyio.to_thread.run_sync(self._reserve, provider, "part")
        except OSError as exc:
            raise self.storage_error(exc) from None
        head, size = b"", 0
        try:
            try:
                f = await anyio.open_file(part, "wb")
            except OSError as exc:
                raise self.storage_error(exc) from None
            async with f:
                pending: list[bytes] = []  # network reads are small; each file write is a thread hop
                buffered = 0
                async for chunk in chunks:
                    size += len(chunk)
                    if size > limit:
                        raise OutputTooLarge(f"output from {provider} exceeds {limit} bytes",
                                             hint="Raise AI_HUB_MAX_OUTPUT_BYTES or ask for a smaller output")
                    if len(head) < SNIFF_BYTES:
                        head += chunk[: SNIFF_BYTES - len(head)]
                    pending.append(chunk)
                    buffered += len(chunk)
                    if buffered >= WRITE_BYTES:
                        await self._write(f, pending)
                        pending, buffered = [], 0
                await self._write(f, pending)
            mime = sniff_mime(head, mime_hint or "application/octet-stream")
            final = part.with_suffix("." + EXTENSIONS.get(mime, "bin"))
            try:
                await anyio.to_thread.run_sync(os.rename, part, final)
            except OSError as exc:
                raise self.storage_error(exc) from None
        except BaseException:
            with contextlib.suppress(OSError):
                part.unlink(missing_ok=True)
            raise
        return _describe(final, head, size, mime_hint, source_url)

    async def _write(self, f: Any, pieces: list[bytes]) -> None:
        if not pieces:
            return
        try:
            await f.write(pieces[0] if len(pieces) == 1 else b"".join(pieces))
        except OSError as exc:  # disk full, quota, ...
            raise self.storage_error(exc) from None

    async def save_bytes(self, data: bytes, provider: str, *, mime_hint: str = "",
                         source_url: str | None = None) -> Media:
        async def one() -> AsyncIterator[bytes]:
            yield data

        return await self.save_stream(one(), provider, mime_hint=mime_hint, source_url=source_url)

    async def save_base64(self, data: str, provider: str, *, mime_hint: str = "") -> Media:
        """Decode base64 (or a `data:` URI) slice by slice straight into a new file.

        The provider's JSON is already in memory; this avoids holding a second, decoded copy.
        """
        if data.startswith("data:"):
            header, _, data = data.partition(",")
            mime_hint = mime_hint or header[5:].split(";")[0].strip()
        if re.search(r"\s", data):  # line-wrapped base64 would break the slicing below
            data = "".join(data.split())
        if not data:
            raise ProviderUnavailable(f"{provider} returned an empty image", provider=provider)

        async def slices() -> AsyncIterator[bytes]:
            for start in range(0, len(data), B64_SLICE):
                try:
                    yield base64.b64decode(data[start:start + B64_SLICE], validate=True)
                except (binascii.Error, ValueError):
                    raise ProviderUnavailable(f"{provider} returned an image that is not valid base64",
                                              provider=provider) from None

        return await self.save_stream(slices(), provider, mime_hint=mime_hint)

    async def download(self, http: Http, url: str, provider: str, *, api: ProviderApi | None = None,
                       key: str = "", headers: dict[str, str] | None = None) -> Media:
        """Stream a URL to disk (with the provider's auth when `api` and `key` are given)."""
        from .http import ProviderApi as _Api

        public = api or _Api(provider, lambda _key: {}, _public_error(provider))
        async with http.stream(public, key if api else "", "GET", url, headers=headers) as response:
            hint = response.headers.get("content-type", "").split(";")[0].strip()
            declared = int(response.headers.get("content-length") or 0)
            if declared > self.max_bytes:
                raise OutputTooLarge(f"output from {provider} is {declared} bytes, over {self.max_bytes}",
                                     hint="Raise AI_HUB_MAX_OUTPUT_BYTES or ask for a smaller output")
            return await self.save_stream(response.aiter_bytes(), provider, mime_hint=hint, source_url=url)

    async def discard(self, media: Media) -> None:
        """Delete a saved file that no job or result will refer to."""
        with contextlib.suppress(OSError):
            await anyio.Path(media.path).unlink(missing_ok=True)

    async def lookup(self, name: str) -> Media:
        """The media behind `media://{name}` (InvalidArgument when there is none)."""
        return await anyio.to_thread.run_sync(lambda: self.describe(self.path_of(name)))

    async def read(self, media: Media) -> bytes:
        """The bytes of a saved file."""
        return await anyio.Path(media.path).read_bytes()

    def present(self, output: dict[str, Any]) -> dict[str, Any]:
        """A stored media object as a result shows it (a store with URLs refreshes them here)."""
        return output

    async def aclose(self) -> None:
        """Release what the store holds open (nothing, for the output directory)."""

    def path_of(self, name: str) -> Path:
        """The file behind `media://{name}`; only plain names inside the output directory."""
        if not name or "/" in name or "\\" in name or name.startswith(".") or name.endswith(".part"):
            raise InvalidArgument(f"no such media {name!r}")
        path = self.dir / name
        if not path.is_file():
            raise InvalidArgument(f"no such media {name!r}", hint="Media names come from tool results")
        return path

    def describe(self, path: Path) -> Media:
        """A Media for an existing file (MIME and dimensions from its head)."""
        with open(path, "rb") as f:
            head = f.read(SNIFF_BYTES)
        mime_hint = MIME_BY_EXTENSION.get(path.suffix.lstrip(".").lower(), "")
        return _describe(path, head, path.stat().st_size, mime_hint, None)


def _public_error(provider: str):
    from .http import make_error

    def parse(status: int, body: bytes, headers: Any):
        return make_error(status, f"download failed: {body[:200].decode('utf-8', 'replace')}")

    return parse
