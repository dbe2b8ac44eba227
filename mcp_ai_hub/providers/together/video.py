"""Together video: `POST {v2}/videos`, then `GET {v2}/videos/{id}` (`video_base_url`).

- Create: `{model, prompt, seconds (a string), ratio, resolution, negative_prompt, seed,
  generate_audio, media:{frame_images:[{input_image, frame:"first"}]}}` gives a `VideoJob`.
  The image is a URL as given, or a data URI for local files. Width and height, steps, fps and
  guidance go through provider_options.
- Poll: `queued` -> `in_progress` -> `completed` (`outputs.video_url`, `outputs.cost`) or `failed`
  (`error {code, message}`, or `info.errors`); `cancelled` too. Together has no cancel endpoint.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ...capabilities import merge_options
from ...capabilities.video import VideoRequest, shape_fields, whole
from ...errors import ProviderUnavailable
from ...http import POLL_TIMEOUT, SUBMIT_TIMEOUT, json_of
from ...jobs.backend import CancelOutcome, JobSpec, JobStatus, OutputRef, PollResult, summarize_input
from .api import API, video_base_url

if TYPE_CHECKING:
    from ...catalog import Resolved
    from ...context import ProviderContext

# Together video status -> hub job status
STATUS: dict[str, JobStatus] = {"queued": "queued", "in_progress": "running", "completed": "succeeded",
                                "failed": "failed", "cancelled": "cancelled"}
INLINE_IMAGE_LIMIT = 20 * 1024 * 1024


class TogetherVideos:
    """Together's video jobs as a job backend."""

    ref = "together.video"
    provider = "together"
    api = API
    poll_interval = 3.0
    max_poll_interval = 20.0

    async def submit(self, hub: ProviderContext, model: str, input: dict[str, Any]) -> dict[str, Any]:
        response = await hub.http.request(
            API,
            hub.key("together"),
            "POST",
            f"{video_base_url(hub.settings)}/videos",
            json={"model": model, **input},
            retry="submit",
            timeout=SUBMIT_TIMEOUT,
        )
        video_id = json_of(response, API).get("id")
        if not video_id:
            raise ProviderUnavailable(
                "Together accepted the video request but returned no id", provider="together"
            )
        return {"id": str(video_id)}

    async def poll(self, hub: ProviderContext, state: dict[str, Any]) -> PollResult:
        response = await hub.http.request(
            API,
            hub.key("together"),
            "GET",
            f"{video_base_url(hub.settings)}/videos/{state['id']}",
            timeout=POLL_TIMEOUT,
        )
        data = json_of(response, API)
        raw = str(data.get("status", ""))
        status = STATUS.get(raw)
        if status is None:
            raise ProviderUnavailable(
                f"Together reported an unknown video status {raw!r}", provider="together"
            )
        if status == "succeeded":
            url = (data.get("outputs") or {}).get("video_url")
            if not url:
                return PollResult("failed", error="Together finished without a video_url", result=data)
            return PollResult("succeeded", progress=1.0, message="completed", outputs=[OutputRef(str(url))],
                              result=data)
        if status in ("failed", "cancelled"):
            err = data.get("error") or {}
            errors = (data.get("info") or {}).get("errors")
            reason = str(err.get("message") or errors or raw) + (
                f" ({err['code']})" if err.get("code") else ""
            )
            refused = err.get("code") == "content_policy_violation"
            return PollResult(
                status, error=reason, result=data, error_code="content_policy" if refused else ""
            )
        return PollResult(status, message="in queue" if status == "queued" else "generating")

    async def cancel(self, hub: ProviderContext, state: dict[str, Any]) -> CancelOutcome:
        return "unsupported"


BACKEND = TogetherVideos()


async def prepare(hub: ProviderContext, resolved: Resolved, request: VideoRequest) -> JobSpec:
    body: dict[str, Any] = {"prompt": request.prompt}
    if request.duration_seconds:
        body["seconds"] = str(whole(request.duration_seconds))
    body.update(shape_fields(request, resolved, ratio_field="ratio"))
    summary = dict(body)
    if request.image is not None:
        url = (
            request.image.url
            if request.image.is_url
            else await request.image.data_uri(hub.http, INLINE_IMAGE_LIMIT)
        )
        body["media"] = {"frame_images": [{"input_image": url, "frame": "first"}]}
        summary["media"] = {"frame_images": [{"input_image": request.image.source, "frame": "first"}]}
    body = merge_options(body, request.provider_options)
    summary = merge_options(summary, request.provider_options)
    return JobSpec(BACKEND, resolved.wire_id, body, summary=summarize_input(summary))
