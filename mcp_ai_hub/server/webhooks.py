"""The HTTP mode's webhook route: `POST /webhooks/{provider}/{job_id}?t=<token>`, where fal and
WaveSpeed say a job ended (submits ask for it when `AI_HUB_PUBLIC_URL` is set, see `jobs/manager.py`).

Providers cannot send the HTTP mode's bearer token, so the route is outside it (`http_mode.py`);
instead every delivery must
1. name an active or finished job of that provider whose state holds the token, the `t` given
   matching it (constant-time): otherwise 404, the same answer for every mismatch;
2. carry the provider's valid signature (`verify_webhook` of the job's backend: ED25519 for fal,
   HMAC-SHA256 for WaveSpeed): otherwise 401; 503 when the keys cannot be fetched now (the
   provider delivers again, and polling goes on meanwhile).
A delivery that passes makes the job's poller poll at once (`JobManager.poke`, in whichever replica
holds the lease); its body is never used to set the job's status: the poll fetches the real status
with our key. Answers are quick and small (200 `{"status": "accepted" | "finished"}`); bodies over
8 MiB get 413; nothing a caller sends can raise out of here. Log lines name the job and the reason,
never the token or the signature.
"""

from __future__ import annotations

import hmac
import logging
from typing import TYPE_CHECKING, Any

from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse, Response

from ..errors import JobNotFound, StorageError
from ..jobs.backend import WebhookRejected, WebhookUnverifiable, load_backend
from ..jobs.records import WEBHOOK_TOKEN

if TYPE_CHECKING:
    from mcp.server.mcpserver import MCPServer

    from ..hub import Hub

log = logging.getLogger("mcp_ai_hub.webhooks")

PATH = "/webhooks/{provider}/{job_id}"
PREFIX = "/webhooks/"
MAX_BODY = 8 * 1024 * 1024


class _TooLarge(Exception):
    pass


def _answer(code: int, **body: Any) -> Response:
    return JSONResponse(body, code)


async def _body(request: Request) -> bytes:
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_BODY:
            raise _TooLarge
        chunks.append(chunk)
    return b"".join(chunks)


async def receive(hub: Hub, request: Request) -> Response:
    """Answer one delivery (see the module docstring)."""
    provider = str(request.path_params.get("provider", ""))[:40]
    job_id = str(request.path_params.get("job_id", ""))[:80]
    where = f"webhook for {job_id!r} ({provider!r})"
    try:
        body = await _body(request)
    except _TooLarge:
        log.warning("%s refused: body over %d bytes", where, MAX_BODY)
        return _answer(413, error="body too large")
    except ClientDisconnect:
        return _answer(400, error="incomplete body")
    try:
        job = await hub.jobs.get(job_id)
    except JobNotFound:
        job = None
    except StorageError as exc:
        log.warning("%s not handled: %s", where, exc.render())
        return _answer(503, error="jobs cannot be read right now")
    try:
        backend = load_backend(job.backend) if job is not None else None
    except (ImportError, AttributeError, ValueError):
        backend = None
    expected = str(job.state.get(WEBHOOK_TOKEN) or "") if job is not None else ""
    given = request.query_params.get("t", "")
    verify = getattr(backend, "verify_webhook", None)
    if (
        job is None
        or backend is None
        or backend.provider != provider
        or verify is None
        or not expected
        or not hmac.compare_digest(given.encode(), expected.encode())
    ):
        log.info("%s refused: no such job expecting a webhook, or a wrong token", where)
        return _answer(404, error="not found")
    try:
        await verify(hub, request.headers, body)
    except WebhookRejected as exc:
        log.warning("%s refused: %s", where, exc)
        return _answer(401, error=f"not a verified {provider} delivery")
    except WebhookUnverifiable as exc:
        log.warning("%s not verified yet: %s", where, exc)
        return _answer(503, error="cannot verify the signature right now; deliver again later")
    try:
        active = await hub.jobs.poke(job.job_id)
    except JobNotFound:
        return _answer(200, status="finished")
    except StorageError as exc:
        log.warning("%s verified but not recorded: %s", where, exc.render())
        return _answer(503, error="jobs cannot be written right now")
    log.info("%s: verified%s", where, "; polling now" if active else "; the job had already ended")
    return _answer(200, status="accepted" if active else "finished")


def register(mcp: MCPServer, hub: Hub) -> None:
    """Serve the route in the HTTP mode (custom routes are not part of stdio)."""

    @mcp.custom_route(PATH, methods=["POST"], include_in_schema=False)
    async def webhook(request: Request) -> Response:
        try:
            return await receive(hub, request)
        except Exception:  # a bug must not take the route (or a provider's retries) down with it
            log.exception("webhook handling failed")
            return _answer(500, error="internal error")
