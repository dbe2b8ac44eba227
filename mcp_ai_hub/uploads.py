"""Sending input files to providers without holding them in memory.

- `FileBody` (raw bytes) and `file_form` (a `multipart.MultipartBody`) stream an `InputFile` from
  disk, with their length known up front (so no chunked encoding) and re-iterable (a retried
  request reads the file again); httpx2's own multipart encoder reads files synchronously.
- `local_copy` gives a file on disk for a URL input (streamed to a temporary file under a size
  cap) so uploads and size checks work the same for every kind of input.
- `check_size` refuses an input over a provider's limit before anything is sent.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import anyio
import httpx2

from .errors import InvalidArgument
from .inputs import FETCH_TIMEOUT, InputFile
from .media import EXTENSIONS, sniff_mime
from .multipart import FilePart, MultipartBody
from .url_guard import open_url

if TYPE_CHECKING:
    from .http import Http



def human_bytes(n: int) -> str:
    for unit, size in (("GB", 1024**3), ("MB", 1024**2), ("KB", 1024)):
        if n >= size:
            value = n / size
            return f"{value:.0f} {unit}" if value == int(value) else f"{value:.1f} {unit}"
    return f"{n} bytes"


def check_size(item: InputFile, limit: int | None, label: str, *, what: str = "audio") -> None:
    """Refuse an input whose size is known and over `limit`, naming the limit."""
    size = item.size
    if limit and size is not None and size > limit:
        raise InvalidArgument(
            f"{what} {item.name} is {human_bytes(size)}, over the {human_bytes(limit)} limit of {label}",
            hint="Split or compress the file, or pick a model that takes larger files (list_models)",
        )


def filename_for(item: InputFile) -> str:
    """The input's file name, with an extension from its MIME type when it has none (providers
    such as OpenAI identify the audio format by it)."""
    name = Path(item.name).name or "input"
    if not Path(name).suffix and item.mime_type in EXTENSIONS:
        name += "." + EXTENSIONS[item.mime_type]
    return name


class FileBody:
    """The raw bytes of an input file, streamed from disk."""

    def __init__(self, item: InputFile):
        size = item.size
        if size is None:
            raise InvalidArgument("a URL input must be copied locally before it is uploaded")
        self.item = item
        self.length = size

    async def __aiter__(self) -> AsyncIterator[bytes]:
        async for chunk in self.item.stream():
            yield chunk


def file_form(fields: list[tuple[str, str]], file_field: str, item: InputFile, *, filename: str = "",
              content_type: str = "") -> MultipartBody:
    """A multipart body of plain fields, then one file part streamed from disk (a local copy for URLs)."""
    if item.size is None:
        raise InvalidArgument("a URL input must be copied locally before it is uploaded")
    part = FilePart(
        file_field,
        filename or filename_for(item),
        content_type or item.mime_type,
        path=item.path,
        data=item.data,
    )
    return MultipartBody(fields, [part])


def form_fields(
    options: dict, reserved: set[str], provider: str, *, array_suffix: str = "[]"
) -> list[tuple[str, str]]:
    """provider_options as multipart fields: lists of plain values repeat the field (named with
    `array_suffix`, OpenAI's `name[]` convention by default), objects and lists of objects are sent as
    JSON text, booleans as true/false."""
    fields: list[tuple[str, str]] = []
    for name, value in options.items():
        if name in reserved or name.removesuffix("[]") in reserved:
            raise InvalidArgument(f"provider_options.{name} is set by the hub for {provider}",
                                  hint="Use the tool's own parameter instead")
        if isinstance(value, dict) or (
            isinstance(value, list) and any(isinstance(v, (dict, list)) for v in value)
        ):
            fields.append((name, json.dumps(value)))
            continue
        values = value if isinstance(value, list) else [value]
        key = name + array_suffix if isinstance(value, list) and not name.endswith("[]") else name
        fields.extend((key, ("true" if v else "false") if isinstance(v, bool) else str(v)) for v in values)
    return fields


@asynccontextmanager
async def local_copy(item: InputFile, http: Http, max_bytes: int, label: str) -> AsyncIterator[InputFile]:
    """The input as a local file or bytes; a URL is streamed to a temporary file (removed afterwards)
    and refused with [invalid_argument] as soon as it is larger than `max_bytes`."""
    if not item.is_url:
        yield item
        return
    tmpdir = Path(await anyio.to_thread.run_sync(tempfile.mkdtemp, None, "mcp-ai-hub-"))
    try:
        path = tmpdir / (Path(item.name).name or "input")
        head, size, ctype = b"", 0, ""
        try:
            async with open_url(http.client, http.url_policy, item.url, FETCH_TIMEOUT) as response:
                if response.status_code >= 400:
                    raise InvalidArgument(f"could not fetch {item.url}: HTTP {response.status_code}",
                                          hint="Check the URL, or pass a local file")
                ctype = response.headers.get("content-type", "").split(";")[0].strip()
                declared = int(response.headers.get("content-length") or 0)
                if declared > max_bytes:
                    raise InvalidArgument(f"{item.url} is {human_bytes(declared)}, over the "
                                          f"{human_bytes(max_bytes)} limit of {label}",
                                          hint="Use a smaller file or a model that takes larger files")
                async with await anyio.open_file(path, "wb") as f:
                    async for chunk in response.aiter_bytes():
                        size += len(chunk)
                        if size > max_bytes:
                            raise InvalidArgument(
                                f"{item.url} is over the {human_bytes(max_bytes)} limit of {label}",
                                hint="Use a smaller file or a model that takes larger files",
                            )
                        if len(head) < 64:
                            head += chunk[: 64 - len(head)]
                        await f.write(chunk)
        except httpx2.HTTPError as exc:
            raise InvalidArgument(f"could not fetch {item.url}: {type(exc).__name__}",
                                  hint="Check the URL, or pass a local file") from None
        fallback = (
            item.mime_type if item.mime_type != "application/octet-stream" else (ctype or item.mime_type)
        )
        yield InputFile(source=item.source, mime_type=sniff_mime(head, fallback), path=path)
    finally:
        with anyio.CancelScope(shield=True):  # clean up even when the call is being cancelled
            await anyio.to_thread.run_sync(shutil.rmtree, tmpdir, True)
