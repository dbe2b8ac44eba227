"""WaveSpeed v3 predictions for any WaveSpeed model (image, video, audio alike), and uploads.

- Submit: `POST /api/v3/{model path}` with the model's input JSON; the answer is the envelope
  `{"code":200,"message","data":{"id","status":"created","urls":{"get"},"outputs":[]}}`. Any code
  but 200 is a failed submit; a submit is never retried once it may have arrived.
- Poll: `GET /api/v3/predictions/{id}/result` (same envelope): `created` -> `processing` ->
  `completed` (`outputs` holds the URLs, or data URIs with base64 output) or `failed` (`error`).
- Webhook: with `AI_HUB_PUBLIC_URL` set the submit URL carries `?webhook=<url>` (WaveSpeed's
  webhooks page; its submit page also shows a `webhook_url` body field, not sent: a model's input
  schema may refuse unknown fields), and WaveSpeed POSTs the bare prediction object there when it
  completes or fails; `webhook.py` verifies its HMAC signature. The body is never trusted: a
  verified delivery only makes the poller poll now.
- Cancel: WaveSpeed has no cancel endpoint; the job is cancelled on the hub's side only.
- Uploads: `POST /api/v3/media/upload/binary` as multipart (field `file`, streamed from disk)
  gives `data.download_url`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import httpx2

from ...errors import ProviderUnavailable
from ...http import POLL_TIMEOUT, SUBMIT_TIMEOUT, json_of, make_error
from ...jobs.backend import CancelOutcome, JobStatus, OutputRef, PollResult
from ...uploads import file_form
from .api import API, base_url
from .webhook import verify_delivery

if TYPE_CHECKING:
    from ...context import ProviderContext
    from ...inputs import InputFile

# WaveSpeed prediction status -> hub job status
STATUS: dict[str, JobStatus] = {
    "created": "queued",
    "pending": "queued",
    "queued": "queued",
    "processing": "running",
    "running": "running",
    "completed": "succeeded",
    "succeeded": "succeeded",
    "failed": "failed",
    "timeout": "failed",
    "deleted": "failed",
    "cancelled": "cancelled",
    "canceled": "cancelled",
}

# how a failed prediction's `error` reads when WaveSpeed's checker refused it
REFUSAL = re.compile(r"nsfw|sensitive content|content polic", re.IGNORECASE)
UPLOAD_TIMEOUT = httpx2.Timeout(connect=10.0, read=120.0, write=300.0, pool=10.0)


def _data(envelope: Any, what: str) -> dict[str, Any]:
    """The `data` of a successful envelope, or the error it reports."""
    if not isinstance(envelope, dict):
        raise ProviderUnavailable(f"WaveSpeed returned a malformed {what} response", provider="wavespeed")
    code = envelope.get("code")
    if code not in (200, None) or not isinstance(envelope.get("data"), dict):
        status = code if isinstance(code, int) and code >= 400 else 502
        err = make_error(status, f"{what}: {envelope.get('message') or 'no data'}")
        err.provider = "wavespeed"
        raise err
    return envelope["data"]


class WaveSpeedPredictions:
    """WaveSpeed's prediction API as a job backend."""

    ref = "wavespeed.predictions"
    provider = "wavespeed"
    api = API
    poll_interval = 1.0
    max_poll_interval = 10.0

    async def submit(self, hub: ProviderContext, model: str, input: dict[str, Any]) -> dict[str, Any]:
        return await self._submit(hub, model, input, {})

    async def submit_with_webhook(
        self, hub: ProviderContext, model: str, input: dict[str, Any], url: str
    ) -> dict[str, Any]:
        return await self._submit(hub, model, input, {"webhook": url})

    async def verify_webhook(self, hub: ProviderContext, headers: Mapping[str, str], body: bytes) -> None:
        await verify_delivery(hub, headers, body)

    async def _submit(
        self, hub: ProviderContext, model: str, input: dict[str, Any], params: dict[str, str]
    ) -> dict[str, Any]:
        response = await hub.http.request(API, hub.key("wavespeed"), "POST",
                                          f"{base_url(hub.settings)}/{model.strip('/')}", json=input,
                                          params=params, retry="submit", timeout=SUBMIT_TIMEOUT)
        data = _data(json_of(response, API), "submit")
        if not data.get("id"):
            raise ProviderUnavailable("WaveSpeed accepted the request but returned no prediction id",
                                      provider="wavespeed")
        return {
            "id": str(data["id"]),
            "endpoint": model,
            "get_url": str((data.get("urls") or {}).get("get") or ""),
        }

    async def poll(self, hub: ProviderContext, state: dict[str, Any]) -> PollResult:
        response = await hub.http.request(API, hub.key("wavespeed"), "GET",
                                          f"{base_url(hub.settings)}/predictions/{state['id']}/result",
                                          timeout=POLL_TIMEOUT)
        data = _data(json_of(response, API), "poll")
        raw = str(data.get("status", ""))
        status = STATUS.get(raw)
        if status is None:
            raise ProviderUnavailable(f"WaveSpeed reported an unknown status {raw!r}", provider="wavespeed")
        if status == "succeeded":
            outputs = [OutputRef(u) for u in data.get("outputs") or [] if isinstance(u, str) and u]
            took = (data.get("timings") or {}).get("inference")
            message = f"completed in {took / 1000:.1f}s" if isinstance(took, (int, float)) else "completed"
            return PollResult("succeeded", progress=1.0, message=message, outputs=outputs, result=data)
        if status in ("failed", "cancelled"):
            reason = str(data.get("error") or raw)
            flagged = any(flag for flag in data.get("has_nsfw_contents") or [])
            refused = flagged or bool(REFUSAL.search(reason))
            if refused:
                reason = f"content policy: {reason}"
            return PollResult(status, error=reason, message=raw, result=data,
                              error_code="content_policy" if refused and status == "failed" else "")
        return PollResult(status, message="in queue" if status == "queued" else "processing")

    async def cancel(self, hub: ProviderContext, state: dict[str, Any]) -> CancelOutcome:
        return "unsupported"


BACKEND = WaveSpeedPredictions()


async def upload(hub: ProviderContext, item: InputFile) -> str:
    """A URL WaveSpeed can read for `item`: URLs as they are, anything else uploaded (streamed)."""
    if item.is_url:
        return item.url
    body = file_form([], "file", item)
    response = await hub.http.request(API, hub.key("wavespeed"), "POST",
                                      f"{base_url(hub.settings)}/media/upload/binary", content=body,
                                      headers=body.headers, retry="generate", timeout=UPLOAD_TIMEOUT)
    url = _data(json_of(response, API), "upload").get("download_url")
    if not url:
        raise ProviderUnavailable(
            "WaveSpeed accepted the upload but returned no download_url", provider="wavespeed"
        )
    return str(url)
