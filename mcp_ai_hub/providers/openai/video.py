"""OpenAI Sora (deprecated: OpenAI shuts the Sora API down on 2026-09-24): `/v1/videos`.

- Create: `POST /v1/videos` with `model`, `prompt`, `seconds` ("4", "8" or "12") and `size`
  (`1280x720`, `720x1280`, and `1792x1024`/`1024x1792` for sora-2-pro). JSON without an image or
  with an image URL or data URI (`input_reference: {"image_url"}`); multipart with a local image as
  the `input_reference` file, streamed from disk (not retried: the stream cannot be replayed).
- Poll: `GET /v1/videos/{id}`: `queued` -> `in_progress` (with `progress` 0-100) -> `completed` or
  `failed` (`error {code, message}`); `openai-poll-after-ms` says when to ask again.
- Download: `GET /v1/videos/{id}/content` with the key. Sora has no cancel (DELETE only removes a
  finished video), so a cancelled job is only dropped by the hub.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ...capabilities import merge_options
from ...capabilities.video import VideoRequest, one_of, refuse_unsupported
from ...errors import InvalidArgument, ProviderUnavailable
from ...http import POLL_TIMEOUT, SUBMIT_TIMEOUT, json_of
from ...inputs import InputFile
from ...jobs.backend import CancelOutcome, JobSpec, JobStatus, OutputRef, PollResult, summarize_input
from ...uploads import file_form
from .api import API, base_url

if TYPE_CHECKING:
    from ...catalog import Resolved
    from ...context import ProviderContext

# Sora video status -> hub job status
STATUS: dict[str, JobStatus] = {"queued": "queued", "in_progress": "running", "completed": "succeeded",
                                "failed": "failed", "cancelled": "cancelled"}
SECONDS = (4, 8, 12)
SIZES = {("16:9", "720p"): "1280x720", ("9:16", "720p"): "720x1280",
         ("16:9", "1080p"): "1792x1024", ("9:16", "1080p"): "1024x1792"}


class SoraVideos:
    """OpenAI's video jobs as a job backend."""

    ref = "openai.video"
    provider = "openai"
    api = API
    poll_interval = 2.0
    max_poll_interval = 15.0

    async def submit(self, hub: ProviderContext, model: str, input: dict[str, Any]) -> dict[str, Any]:
        url, key = f"{base_url(hub.settings)}/videos", hub.key("openai")
        reference = input.get("input_reference")
        if isinstance(reference, InputFile):
            fields = {k: str(v) for k, v in {"model": model, **input}.items() if k != "input_reference"}
            body = file_form(list(fields.items()), "input_reference", reference)
            response = await hub.http.request(
                API,
                key,
                "POST",
                url,
                content=body,
                headers=body.headers,
                retry="submit",
                timeout=SUBMIT_TIMEOUT,
            )
        else:
            response = await hub.http.request(
                API, key, "POST", url, json={"model": model, **input}, retry="submit", timeout=SUBMIT_TIMEOUT
            )
        video_id = json_of(response, API).get("id")
        if not video_id:
            raise ProviderUnavailable(
                "OpenAI accepted the video request but returned no id", provider="openai"
            )
        return {"id": str(video_id)}

    async def poll(self, hub: ProviderContext, state: dict[str, Any]) -> PollResult:
        base = base_url(hub.settings)
        response = await hub.http.request(API, hub.key("openai"), "GET", f"{base}/videos/{state['id']}",
                                          timeout=POLL_TIMEOUT)
        data = json_of(response, API)
        raw = str(data.get("status", ""))
        status = STATUS.get(raw)
        if status is None:
            raise ProviderUnavailable(f"OpenAI reported an unknown video status {raw!r}", provider="openai")
        hint = response.headers.get("openai-poll-after-ms")
        poll_after = float(hint) / 1000 if hint and hint.isdigit() else None
        percent = data.get("progress")
        fraction = min(1.0, float(percent) / 100) if isinstance(percent, (int, float)) else None
        if status == "succeeded":
            return PollResult(
                "succeeded",
                progress=1.0,
                message="completed",
                result=data,
                outputs=[OutputRef(f"{base}/videos/{state['id']}/content", "video/mp4", auth=True)],
            )
        if status in ("failed", "cancelled"):
            err = data.get("error") or {}
            reason = str(err.get("message") or raw) + (f" ({err['code']})" if err.get("code") else "")
            refused = err.get("code") in ("moderation_blocked", "content_policy_violation")
            return PollResult(status, error=("content policy: " if refused else "") + reason, result=data,
                              error_code="content_policy" if refused else "")
        message = "in queue" if status == "queued" else "generating"
        return PollResult(status, progress=fraction, message=message, poll_after=poll_after)

    async def cancel(self, hub: ProviderContext, state: dict[str, Any]) -> CancelOutcome:
        return "unsupported"


BACKEND = SoraVideos()


def _size(model: str, aspect_ratio: str, resolution: str) -> str:
    if "x" in resolution and resolution.replace("x", "").isdigit():
        return resolution
    size = SIZES.get((aspect_ratio or "16:9", resolution or "720p"))
    if size is None:
        raise InvalidArgument(f"{model} takes aspect_ratio 16:9 or 9:16 and resolution 720p or 1080p (pro)",
                              hint="Or pass resolution as a size such as 1280x720")
    return size


async def prepare(hub: ProviderContext, resolved: Resolved, request: VideoRequest) -> JobSpec:
    refuse_unsupported(resolved, "Sora", negative_prompt=bool(request.negative_prompt),
                       seed=request.seed is not None)
    body: dict[str, Any] = {"prompt": request.prompt}
    notes: list[str] = []
    if request.duration_seconds:
        body["seconds"] = str(one_of(request.duration_seconds, SECONDS, resolved.full_id))
    if request.aspect_ratio or request.resolution:
        body["size"] = _size(resolved.full_id, request.aspect_ratio, request.resolution)
    summary = dict(body)
    if request.image is not None:
        if request.image.path is not None:
            body["input_reference"] = request.image  # sent as a multipart file
        else:
            body["input_reference"] = {"image_url": request.image.url or await request.image.data_uri()}
        summary["input_reference"] = request.image.source
    body = merge_options(body, request.provider_options)
    summary = merge_options(summary, request.provider_options)
    return JobSpec(BACKEND, resolved.wire_id, body, summary=summarize_input(summary), notes=notes)
