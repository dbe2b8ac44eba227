"""Input files a caller names: a local path (inside `AI_HUB_INPUT_DIRS`, symlinks followed), an
http(s) URL, or a data URI. Provider modules pick the form they need: the URL as is, bytes,
base64, a data URI, or a stream from disk for uploads."""

from __future__ import annotations

import base64
import binascii
import mimetypes
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import unquote, unquote_to_bytes, urlparse

import anyio
import httpx2

from .errors import FileNotAllowed, InvalidArgument, OutputTooLarge
from .media import MIME_BY_EXTENSION, sniff_mime
from .url_guard import open_url

if TYPE_CHECKING:
    from .config import Settings
    from .http import Http

CHUNK = 1024 * 1024  # large reads: each is a thread hop (anyio files), so fewer hops, faster uploads
DEFAULT_FETCH_LIMIT = 100 * 1024 * 1024
FETCH_TIMEOUT = httpx2.Timeout(connect=10.0, read=60.0, write=60.0, pool=10.0)


@dataclass
class InputFile:
    """One input: exactly one of `path`, `url` or `data` is set."""

    source: str  # what the caller passed (a data URI is shortened)
    mime_type: str
    path: Path | None = None
    url: str = ""
    data: bytes | None = None

    @property
    def is_url(self) -> bool:
        return bool(self.url)

    @property
    def name(self) -> str:
        if self.path:
            return self.path.name
        if self.url:
            return Path(urlparse(self.url).path).name or "input"
        return "input." + MIME_EXT.get(self.mime_type, "bin")

    @property
    def size(self) -> int | None:
        if self.path:
            return self.path.stat().st_size
        return len(self.data) if self.data is not None else None

    async def read(self, http: Http | None = None, max_bytes: int = DEFAULT_FETCH_LIMIT) -> bytes:
        """All the bytes (a URL is fetched, capped at `max_bytes`)."""
        if self.data is not None:
            return self.data
        if self.path:
            if self.path.stat().st_size > max_bytes:
                raise InvalidArgument(f"{self.path} is larger than {max_bytes} bytes")
            return await anyio.Path(self.path).read_bytes()
        assert http is not None, "reading a URL input needs the HTTP client"
        chunks, size = [], 0
        try:
            async with open_url(http.client, http.url_policy, self.url, FETCH_TIMEOUT) as response:
                if response.status_code >= 400:
                    raise InvalidArgument(f"could not fetch {self.url}: HTTP {response.status_code}",
                                          hint="Check the URL, or pass a local file")
                async for chunk in response.aiter_bytes():
                    size += len(chunk)
                    if size > max_bytes:
                        raise OutputTooLarge(f"{self.url} is larger than {max_bytes} bytes")
                    chunks.append(chunk)
        except httpx2.HTTPError as exc:
            raise InvalidArgument(f"could not fetch {self.url}: {type(exc).__name__}",
                                  hint="Check the URL, or pass a local file") from None
        data = b"".join(chunks)
        self.mime_type = sniff_mime(data[:64], self.mime_type)
        return data

    async def base64(self, http: Http | None = None, max_bytes: int = DEFAULT_FETCH_LIMIT) -> str:
        return base64.b64encode(await self.read(http, max_bytes)).decode("ascii")

    async def data_uri(self, http: Http | None = None, max_bytes: int = DEFAULT_FETCH_LIMIT) -> str:
        encoded = await self.base64(http, max_bytes)
        return f"data:{self.mime_type};base64,{encoded}"

    async def stream(self) -> AsyncIterator[bytes]:
        """The bytes in chunks, from disk for a path (for streamed uploads)."""
        if self.path:
            async with await anyio.open_file(self.path, "rb") as f:
                while chunk := await f.read(CHUNK):
                    yield chunk
        elif self.data is not None:
            yield self.data
        else:
            raise InvalidArgument("a URL input cannot be streamed from disk")


MIME_EXT = {mime: ext for ext, mime in MIME_BY_EXTENSION.items()}


def _inside(path: Path, roots: tuple[Path, ...]) -> bool:
    return any(path == root or path.is_relative_to(root) for root in roots)


def resolve_input(value: str, settings: Settings, *, what: str = "input") -> InputFile:
    """Turn a caller's path, URL or data URI into an InputFile, enforcing the allowed directories."""
    value = (value or "").strip()
    if not value:
        raise InvalidArgument(f"empty {what}")
    if value.startswith("data:"):
        return _from_data_uri(value, what)
    scheme = urlparse(value).scheme.lower()
    if scheme in ("http", "https"):
        mime = mimetypes.guess_type(urlparse(value).path)[0] or "application/octet-stream"
        return InputFile(source=value, mime_type=mime, url=value)
    if scheme == "file":
        value = unquote(urlparse(value).path)  # file:///a%20b.png is "/a b.png"
    elif scheme and len(scheme) > 1:
        raise InvalidArgument(
            f"unsupported {what} {value[:60]!r}", hint="Give a local path, an http(s) URL or a data URI"
        )
    if "\x00" in value or any(ord(c) < 32 for c in value):
        raise InvalidArgument(f"{what} path contains a control character (e.g. NUL)",
                              hint="Give a plain file path, an http(s) URL or a data URI")
    raw = Path(value).expanduser()
    candidate = raw if raw.is_absolute() else settings.cwd / raw
    roots = tuple(r.resolve() for r in settings.input_dirs)
    dirs = ", ".join(str(r) for r in roots)
    try:
        resolved = candidate.resolve(strict=True)
    except (FileNotFoundError, RuntimeError):
        if not _inside(candidate.resolve(), roots):
            raise FileNotAllowed(
                f"{what} {value} is outside the allowed input directories ({dirs})",
                hint="Move the file into one of them or add its directory to AI_HUB_INPUT_DIRS",
            ) from None
        raise InvalidArgument(f"{what} {value} does not exist") from None
    except OSError as exc:  # a name too long, a directory that cannot be searched, ...
        raise InvalidArgument(
            f"{what} {value[:200]} cannot be opened ({exc.strerror or type(exc).__name__})"
        ) from None
    if not _inside(resolved, roots):
        raise FileNotAllowed(f"{what} {value} resolves outside the allowed input directories ({dirs})",
                             hint="Move the file into one of them or add its directory to AI_HUB_INPUT_DIRS")
    if not resolved.is_file():
        raise InvalidArgument(f"{what} {value} is not a file")
    try:
        with open(resolved, "rb") as f:
            head = f.read(64)
    except OSError as exc:
        raise InvalidArgument(f"{what} {value} cannot be read ({exc.strerror or type(exc).__name__})",
                              hint="Check the file's permissions") from None
    guess = (
        MIME_BY_EXTENSION.get(resolved.suffix.lstrip(".").lower()) or mimetypes.guess_type(resolved.name)[0]
    )
    return InputFile(
        source=value, mime_type=sniff_mime(head, guess or "application/octet-stream"), path=resolved
    )


def _from_data_uri(value: str, what: str) -> InputFile:
    header, sep, payload = value[5:].partition(",")
    if not sep:
        raise InvalidArgument(f"malformed data URI for {what}")
    parts = header.split(";")
    mime = parts[0] or "text/plain"
    try:
        data = (
            base64.b64decode(payload, validate=True) if "base64" in parts[1:] else unquote_to_bytes(payload)
        )
    except (binascii.Error, ValueError):
        raise InvalidArgument(f"data URI for {what} is not valid base64") from None
    return InputFile(source=value[:40] + "...", mime_type=sniff_mime(data[:64], mime), data=data)
