"""xAI Grok Imagine video: `POST /v1/videos/generations`, then `GET /v1/videos/{request_id}`.

- Submit: `{model, prompt, duration (1-15 s), aspect_ratio, resolution (480p|720p), image:{url}}`
  gives `{"request_id"}`. The image is a URL as given, or a data URI for local files.
- Poll: a bare `{"request_id"}` (sometimes HTTP 202) means queued, `{"status":"pending"}` generating;
  `done` carries `video.url` (a temporary URL: downloaded at once); `failed` carries
  `error {code, message}`; `expired` means xAI gave up on it. xAI has no cancel endpoint.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ...capabilities import merge_options
from ...capabilities.video import VideoRequest, refuse_unsupported, whole
from ...errors import InvalidArgument, ProviderUnavailable
from ...http import POLL_TIMEOUT, SUBMIT_TIMEOUT, json_of
from ...jobs.backend import CancelOutcome, JobSpec, JobStatus, OutputRef, PollResult, summarize_input
from .api import API, base_url

if TYPE_CHECKING:
    from ...catalog import Resolved
    from ...context import ProviderContext

# xAI video status -> hub job status
STATUS: dict[str, JobStatus] = {
    "": "queued",
    "queued": "queued",
    "pending": "running",
    "processing": "running",
    "in_progress": "running",
    "running": "running",
    "done": "succeeded",
    "completed": "succeeded",
    "failed": "failed",
    "expired": "failed",
}

INLINE_IMAGE_LIMIT = 20 * 1024 * 1024


class XaiVideos:
    """xAI's video generations as a job backend."""

    ref = "xai.video"
    provider = "xai"
    api = API
    poll_interval = 3.0
    max_poll_interval = 15.0

    async def submit(self, hub: ProviderContext, model: str, input: dict[str, Any]) -> dict[str, Any]:
        response = await hub.http.request(
            API,
            hub.key("xai"),
            "POST",
            f"{base_url(hub.settings)}/videos/generations",
            json={"model": model, **input},
            retry="submit",
            timeout=SUBMIT_TIMEOUT,
        )
        request_id = json_of(response, API).get("request_id")
        if not request_id:
            raise ProviderUnavailable("xAI accepted the request but returned no request_id", provider="xai")
        return {"request_id": str(request_id)}

    async def poll(self, hub: ProviderContext, state: dict[str, Any]) -> PollResult:
        response = await hub.http.request(API, hub.key("xai"), "GET",
                                          f"{base_url(hub.settings)}/videos/{state['request_id']}",
                                          timeout=POLL_TIMEOUT)
        data = json_of(response, API) if response.content else {}
        raw = str(data.get("status") or "")
        status = STATUS.get(raw)
        if status is None:
            raise ProviderUnavailable(f"xAI reported an unknown video status {raw!r}", provider="xai")
        progress = data.get("progress")
        fraction = min(1.0, float(progress) / 100) if isinstance(progress, (int, float)) else None
        if status == "succeeded":
            url = (data.get("video") or {}).get("url")
            if not url:
                return PollResult("failed", error="xAI finished without a video URL", result=data)
            return PollResult(
                "succeeded",
                progress=1.0,
                message="done",
                outputs=[OutputRef(str(url), "video/mp4")],
                result=data,
            )
        if status == "failed":
            error = data.get("error")
            err: dict[str, Any] = error if isinstance(error, dict) else {}
            reason = ("the request expired before the video was made" if raw == "expired"
                      else str(err.get("message") or data.get("error") or "generation failed"))
            if err.get("code"):
                reason += f" ({err['code']})"
            refused = "moderat" in str(err.get("code")) or "content_policy" in str(err.get("code"))
            return PollResult(
                "failed", error=reason, result=data, error_code="content_policy" if refused else ""
            )
        return PollResult(
            status, progress=fraction, message="in queue" if status == "queued" else "generating"
        )

    async def cancel(self, hub: ProviderContext, state: dict[str, Any]) -> CancelOutcome:
        return "unsupported"


BACKEND = XaiVideos()


async def prepare(hub: ProviderContext, resolved: Resolved, request: VideoRequest) -> JobSpec:
    refuse_unsupported(resolved, "xAI", negative_prompt=bool(request.negative_prompt),
                       seed=request.seed is not None)
    body: dict[str, Any] = {"prompt": request.prompt}
    notes: list[str] = []
    if request.duration_seconds:
        if not 1 <= request.duration_seconds <= 15:
            raise InvalidArgument(f"{resolved.full_id} makes clips of 1 to 15 seconds",
                                  hint="Pass duration_seconds between 1 and 15")
        body["duration"] = whole(request.duration_seconds)
    if request.aspect_ratio:
        body["aspect_ratio"] = request.aspect_ratio
    if request.resolution:
        body["resolution"] = request.resolution
    summary_image = None
    if request.image is not None:
        url = (
            request.image.url
            if request.image.is_url
            else await request.image.data_uri(hub.http, INLINE_IMAGE_LIMIT)
        )
        body["image"] = {"url": url}
        summary_image = {"url": request.image.source}
    body = merge_options(body, request.provider_options)
    summary = summarize_input({**body, **({"image": summary_image} if summary_image else {})})  # no data URI
    return JobSpec(BACKEND, resolved.wire_id, body, summary=summary, notes=notes)
