"""Streamed `multipart/form-data` request bodies: text fields and files, with local files read from
disk in chunks while the request is sent (never whole in memory) and the Content-Length known up
front. A body can be iterated again, so the HTTP layer may resend it on a retry.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import anyio

if TYPE_CHECKING:
    from .http import Http
    from .inputs import InputFile

CHUNK = 1024 * 1024  # large reads: each is a thread hop (anyio files), so fewer hops, faster uploads


_QUOTE = {'"': "%22", "\\": "\\\\", **{chr(c): f"%{c:02X}" for c in range(0x20) if c != 0x1B}}
_QUOTE_RE = re.compile("|".join(re.escape(c) for c in _QUOTE))


def _quote(value: str) -> str:
    """A form-data parameter value escaped as browsers do (quotes, backslashes, control characters)."""
    return _QUOTE_RE.sub(lambda m: _QUOTE[m.group(0)], value)


@dataclass(frozen=True)
class FilePart:
    """One file of the form: from a local path (streamed) or bytes already in memory."""

    field: str
    filename: str
    content_type: str
    path: Path | None = None
    data: bytes | None = None

    @property
    def size(self) -> int:
        return self.path.stat().st_size if self.path else len(self.data or b"")


async def file_part(field: str, item: InputFile, http: Http, max_bytes: int) -> FilePart:
    """A part for an input file: a path is streamed from disk, a data URI or URL is sent from memory."""
    if item.path:
        return FilePart(field, item.name, item.mime_type, path=item.path)
    data = await item.read(http, max_bytes)
    return FilePart(field, item.name, item.mime_type, data=data)


class MultipartBody:
    """An async-iterable multipart body; pass it as `content=` with `headers=body.headers`."""

    def __init__(self, fields: Sequence[tuple[str, str]], files: Sequence[FilePart]):
        self.fields = list(fields)
        self.files = list(files)
        self.boundary = secrets.token_hex(16)

    def _field_head(self, name: str) -> bytes:
        return (
            f'--{self.boundary}\r\nContent-Disposition: form-data; name="{_quote(name)}"\r\n\r\n'
        ).encode()

    def _file_head(self, part: FilePart) -> bytes:
        return (f"--{self.boundary}\r\nContent-Disposition: form-data; name=\"{_quote(part.field)}\"; "
                f"filename=\"{_quote(part.filename)}\"\r\nContent-Type: {part.content_type}\r\n\r\n").encode()

    def _tail(self) -> bytes:
        return f"--{self.boundary}--\r\n".encode()

    @property
    def content_length(self) -> int:
        total = sum(len(self._field_head(n)) + len(v.encode()) + 2 for n, v in self.fields)
        total += sum(len(self._file_head(p)) + p.size + 2 for p in self.files)
        return total + len(self._tail())

    @property
    def headers(self) -> dict[str, str]:
        return {"Content-Type": f"multipart/form-data; boundary={self.boundary}",
                "Content-Length": str(self.content_length)}

    def __aiter__(self) -> AsyncIterator[bytes]:
        return self._chunks()

    async def _chunks(self) -> AsyncIterator[bytes]:
        for name, value in self.fields:
            yield self._field_head(name) + value.encode() + b"\r\n"
        for part in self.files:
            yield self._file_head(part)
            if part.path is not None:
                async with await anyio.open_file(part.path, "rb") as f:
                    while chunk := await f.read(CHUNK):
                        yield chunk
            else:
                yield part.data or b""
            yield b"\r\n"
        yield self._tail()
