"""The Gemini Files API: resumable upload of a local file streamed from disk (start, then one
`upload, finalize` request), waiting until the file is ACTIVE, and deleting it afterwards."""

from __future__ import annotations

import logging
from dataclasses import replace
from typing import TYPE_CHECKING, Any
from urllib.parse import urlparse

import anyio
import httpx2

from ...errors import ProviderBadRequest, ProviderTimeout, ProviderUnavailable
from ...uploads import FileBody, filename_for
from .api import base_url

if TYPE_CHECKING:
    from ...context import ProviderContext
    from ...inputs import InputFile

log = logging.getLogger("mcp_ai_hub.gemini")

MAX_FILE_BYTES = 2 * 1024**3  # the Files API's per-file limit
UPLOAD_TIMEOUT = httpx2.Timeout(connect=10.0, read=300.0, write=300.0, pool=10.0)
ACTIVE_WAIT_SECONDS = 300.0
DELETE_TIMEOUT = 10.0


def _same_origin(a: str, b: str) -> bool:
    pa, pb = urlparse(a), urlparse(b)
    return (pa.scheme, pa.netloc) == (pb.scheme, pb.netloc)


async def upload(hub: ProviderContext, item: InputFile, mime_type: str) -> dict[str, Any]:
    """Upload `item` (a local file or bytes) and return the File once it is ACTIVE."""
    client, body = hub.client("gemini"), FileBody(item)
    root = client.base_url
    start = await client.request(
        "POST", "/upload/v1beta/files", retry="generate",
        json={"file": {"display_name": filename_for(item)}},
        headers={"X-Goog-Upload-Protocol": "resumable", "X-Goog-Upload-Command": "start",
                 "X-Goog-Upload-Header-Content-Length": str(body.length),
                 "X-Goog-Upload-Header-Content-Type": mime_type},
    )
    upload_url = start.headers.get("x-goog-upload-url")
    if not upload_url:
        raise ProviderUnavailable("gemini gave no upload URL for the file", provider="gemini",
                                  hint="Try again shortly")
    # the key goes only to Gemini's own host; a foreign upload URL is authorised by its upload id
    uploader = client if _same_origin(upload_url, root) else replace(client, key="")
    done = await uploader.request(
        "POST", upload_url, retry="none", content=body,
        headers={"X-Goog-Upload-Command": "upload, finalize", "X-Goog-Upload-Offset": "0",
                 "content-length": str(body.length)},
        timeout=UPLOAD_TIMEOUT,
    )
    if done.headers.get("x-goog-upload-status", "final") != "final":
        raise ProviderUnavailable("gemini did not finalize the upload", provider="gemini", hint="Try again")
    file = (done.json() or {}).get("file") or {}
    if not file.get("name"):
        raise ProviderUnavailable("gemini's upload reply names no file", provider="gemini", hint="Try again")
    return await wait_active(hub, file)


async def wait_active(hub: ProviderContext, file: dict[str, Any]) -> dict[str, Any]:
    """Poll the file until its state is ACTIVE (audio usually is at once)."""
    delay, waited = 0.2, 0.0
    while file.get("state", "ACTIVE") == "PROCESSING":
        if waited >= ACTIVE_WAIT_SECONDS:
            raise ProviderTimeout(f"gemini is still processing {file['name']}", provider="gemini",
                                  hint="Try again later")
        await anyio.sleep(delay)
        waited += delay
        delay = min(delay * 2, 5.0)
        client = hub.client("gemini")
        response = await client.request("GET", f"{base_url(hub.settings)}/{file['name']}")
        file = client.json(response)
    if file.get("state") == "FAILED":
        message = (file.get("error") or {}).get("message") or "the file could not be processed"
        raise ProviderBadRequest(f"gemini could not process the upload: {message}", provider="gemini",
                                 hint="Check that the file is a supported audio format")
    return file


async def delete(hub: ProviderContext, name: str) -> None:
    """Delete an uploaded file; failures are ignored (files expire after 48 hours anyway)."""
    with (
        anyio.CancelScope(shield=True),
        anyio.move_on_after(DELETE_TIMEOUT),
    ):  # also when the call is cancelled
        try:
            await hub.client("gemini").request("DELETE", f"{base_url(hub.settings)}/{name}", retry="none")
        except Exception as exc:  # noqa: BLE001 - tidying up must never fail the call that produced a result
            log.debug("could not delete %s: %s", name, exc)
