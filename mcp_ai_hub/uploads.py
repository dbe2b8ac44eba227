"""Streamed `multipart/form-data` request bodies: plain fields plus one file read from disk in
chunks (never whole into memory), with an exact Content-Length so any server accepts it."""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .inputs import InputFile


def _quote(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', "%22").replace("\r", " ").replace("\n", " ")


def multipart(fields: dict[str, str], file_field: str, item: InputFile,
              filename: str = "") -> tuple[dict[str, str], AsyncIterator[bytes]]:
    """Headers and body chunks of a form with `fields` and `item` as `file_field`.

    `item` must be a local file or in-memory data (not a URL)."""
    boundary = secrets.token_hex(16)
    head = b"".join(
        f'--{boundary}\r\nContent-Disposition: form-data; name="{_quote(k)}"\r\n\r\n{v}\r\n'.encode()
        for k, v in fields.items()
    )
    head += (f'--{boundary}\r\nContent-Disposition: form-data; name="{_quote(file_field)}"; '
             f'filename="{_quote(filename or item.name)}"\r\nContent-Type: {item.mime_type}\r\n\r\n').encode()
    tail = f"\r\n--{boundary}--\r\n".encode()
    headers = {"Content-Type": f"multipart/form-data; boundary={boundary}"}
    if item.size is not None:
        headers["Content-Length"] = str(len(head) + item.size + len(tail))

    async def body() -> AsyncIterator[bytes]:
        yield head
        async for chunk in item.stream():
            yield chunk
        yield tail

    return headers, body()
