"""fal's queue API for any fal endpoint (image, video, audio, transcription alike).

- Submit: `POST {FAL_QUEUE_URL}/{endpoint id}` with the model's input JSON; the answer carries
  `request_id` and the `status_url`, `response_url` and `cancel_url` to use from then on (for
  endpoints with a sub-path they drop it, so they are followed, not rebuilt).
- Status: `GET status_url?logs=1`: HTTP 202 while IN_QUEUE (with `queue_position`) or IN_PROGRESS
  (with `logs`), 200 once COMPLETED. A run that failed still says COMPLETED, with `error` (and
  `error_type`, e.g. content_policy_violation).
- Result: `GET response_url` gives the model's output JSON; an error status there (a `detail`
  body) means the run failed.
- Cancel: `PUT cancel_url`: 202 CANCELLATION_REQUESTED; ALREADY_COMPLETED (400) means too late.

- Webhook: with `AI_HUB_PUBLIC_URL` set the submit carries `?fal_webhook=<url>`, and fal POSTs
  `{request_id, gateway_request_id, status: OK|ERROR, payload, error?, payload_error?}` there when the
  request ends (retried 10 times over 2 hours); `webhook.py` verifies its ED25519 signature. The
  body is never trusted: a verified delivery only makes the poller poll now.

Outputs are found for any kind: `video.url`, `images[].url`, `image.url`, `audio.url`,
`audio_url`, files and plain URL strings under the usual keys; `data:` URIs (sync mode) too.
The result JSON is kept with the job, so a transcription's `text` and `chunks` can be read.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import httpx2

from ...errors import ProviderBadRequest, ProviderError, ProviderUnavailable
from ...http import POLL_TIMEOUT, SUBMIT_TIMEOUT, json_of
from ...jobs.backend import CancelOutcome, JobStatus, OutputRef, PollResult
from .api import API, queue_url
from .webhook import verify_delivery

if TYPE_CHECKING:
    from ...context import ProviderContext

# fal queue status -> hub job status (COMPLETED with `error` is a failure)
STATUS: dict[str, JobStatus] = {"IN_QUEUE": "queued", "IN_PROGRESS": "running", "COMPLETED": "succeeded"}

RESULT_TIMEOUT = httpx2.Timeout(connect=10.0, read=120.0, write=30.0, pool=10.0)

# keys of a result whose values are output files (a URL string, {url, content_type}, or lists of them)
OUTPUT_KEYS = (
    "video",
    "videos",
    "image",
    "images",
    "audio",
    "audio_url",
    "audio_file",
    "audios",
    "file",
    "files",
    "output",
    "outputs",
    "mesh",
    "model_mesh",
)
PERCENT = re.compile(r"(\d{1,3}(?:\.\d+)?)\s*%")


def app_id(endpoint: str) -> str:
    """`fal-ai/flux/dev` -> `fal-ai/flux`: the part queue request URLs are built on."""
    return "/".join(endpoint.split("/")[:2])


def extract_outputs(result: Any) -> list[OutputRef]:
    """Every output file a fal result names, in order, without repeats."""
    refs: list[OutputRef] = []
    seen: set[str] = set()

    def add(value: Any, ctype: str = "") -> None:
        if isinstance(value, list):
            for item in value:
                add(item)
        elif isinstance(value, dict) and isinstance(value.get("url"), str):
            add(value["url"], str(value.get("content_type") or ""))
        elif (
            isinstance(value, str)
            and value.startswith(("https://", "http://", "data:"))
            and value not in seen
        ):
            seen.add(value)
            refs.append(OutputRef(value, ctype))

    if isinstance(result, dict):
        for key in OUTPUT_KEYS:
            if key in result:
                add(result[key])
    return refs


def _is_refusal(error: Any, error_type: str) -> bool:
    return error_type == "content_policy_violation" or "content_policy" in str(error)


def _describe_failure(error: Any, error_type: str) -> str:
    text = error if isinstance(error, str) else str(error)
    if isinstance(error, list):  # a validation `detail` list
        text = "; ".join(str(d.get("msg", d)) if isinstance(d, dict) else str(d) for d in error)
    if _is_refusal(error, error_type):
        return f"content policy violation: {text}"
    return f"{text} ({error_type})" if error_type else text


def _progress_message(data: dict[str, Any]) -> tuple[float | None, str]:
    status = str(data.get("status"))
    if status == "IN_QUEUE":
        position = data.get("queue_position")
        return None, "in queue" + (f", position {position}" if position is not None else "")
    logs = data.get("logs") or []
    lines = [str(entry.get("message", "")).strip() for entry in logs if isinstance(entry, dict)]
    lines = [line for line in lines if line]
    if not lines:
        return None, "running"
    last = lines[-1][:200]
    found = PERCENT.findall(last)
    progress = min(1.0, float(found[-1]) / 100) if found else None
    return progress, last


class FalQueue:
    """The fal queue as a job backend."""

    ref = "fal.queue"
    provider = "fal"
    api = API
    poll_interval = 1.0
    max_poll_interval = 10.0

    async def submit(self, hub: ProviderContext, model: str, input: dict[str, Any]) -> dict[str, Any]:
        return await self._submit(hub, model, input, {})

    async def submit_with_webhook(
        self, hub: ProviderContext, model: str, input: dict[str, Any], url: str
    ) -> dict[str, Any]:
        return await self._submit(hub, model, input, {"fal_webhook": url})

    async def verify_webhook(self, hub: ProviderContext, headers: Mapping[str, str], body: bytes) -> None:
        await verify_delivery(hub, headers, body)

    async def _submit(
        self, hub: ProviderContext, model: str, input: dict[str, Any], params: dict[str, str]
    ) -> dict[str, Any]:
        base = queue_url(hub.settings)
        response = await hub.http.request(
            API,
            hub.key("fal"),
            "POST",
            f"{base}/{model.strip('/')}",
            json=input,
            params=params,
            retry="submit",
            timeout=SUBMIT_TIMEOUT,
        )
        data = json_of(response, API)
        request_id = str(data.get("request_id") or "")
        if not request_id:
            raise ProviderUnavailable("fal accepted the request but returned no request_id", provider="fal")
        requests = f"{base}/{app_id(model)}/requests/{request_id}"
        return {"request_id": request_id, "endpoint": model,
                "status_url": data.get("status_url") or f"{requests}/status",
                "response_url": data.get("response_url") or requests,
                "cancel_url": data.get("cancel_url") or f"{requests}/cancel"}

    async def poll(self, hub: ProviderContext, state: dict[str, Any]) -> PollResult:
        key = hub.key("fal")
        response = await hub.http.request(API, key, "GET", state["status_url"], params={"logs": "1"},
                                          timeout=POLL_TIMEOUT)
        data = json_of(response, API)
        status = str(data.get("status", ""))
        if status not in STATUS:
            raise ProviderUnavailable(f"fal reported an unknown queue status {status!r}", provider="fal")
        if status != "COMPLETED":
            progress, message = _progress_message(data)
            return PollResult(STATUS[status], progress=progress, message=message)
        if data.get("error"):
            error, error_type = data["error"], str(data.get("error_type") or "")
            return PollResult("failed", error=_describe_failure(error, error_type),
                              error_code="content_policy" if _is_refusal(error, error_type) else "")
        try:
            result = (
                await hub.http.request(API, key, "GET", state["response_url"], timeout=RESULT_TIMEOUT)
            ).json()
        except ProviderError as exc:
            if isinstance(exc, ProviderBadRequest) or exc.code == "content_policy":
                refused = exc.code == "content_policy"
                return PollResult(
                    "failed",
                    error=_describe_failure(exc.message, "content_policy_violation" if refused else ""),
                    error_code="content_policy" if refused else "",
                )
            raise
        metrics = data.get("metrics") or {}
        took = metrics.get("inference_time")
        message = f"completed in {took:.1f}s" if isinstance(took, (int, float)) else "completed"
        return PollResult(
            "succeeded", progress=1.0, message=message, outputs=extract_outputs(result), result=result
        )

    async def cancel(self, hub: ProviderContext, state: dict[str, Any]) -> CancelOutcome:
        try:
            response = await hub.http.request(
                API, hub.key("fal"), "PUT", state["cancel_url"], timeout=POLL_TIMEOUT
            )
        except ProviderBadRequest as exc:
            if "ALREADY_COMPLETED" in exc.message:
                return "too_late"
            raise
        body = json_of(response, API) if response.content else {}
        return (
            "too_late"
            if isinstance(body, dict) and body.get("status") == "ALREADY_COMPLETED"
            else "cancelled"
        )


BACKEND = FalQueue()
