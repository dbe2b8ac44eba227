"""Gemini Veo: `predictLongRunning`, then the long-running operation polled until `done`.

- Submit: `POST /v1beta/models/{model}:predictLongRunning` with
  `{"instances":[{"prompt","image":{"bytesBase64Encoded","mimeType"}}],"parameters":{"aspectRatio",
  "durationSeconds","resolution","negativePrompt"}}` gives `{"name": "models/…/operations/<id>"}`.
  The input image goes inline as base64 (read from disk, a URL, or the data URI).
- Poll: `GET /v1beta/{name}`: `done` false while it runs (Veo reports no progress); when done,
  `error` ({code, message}) or `response.generateVideoResponse.generatedSamples[].video.uri`.
  No samples with `raiMediaFilteredCount` means the safety filter removed the video.
- Download: the sample URI needs the API key (the hub follows its redirect to storage without
  the key). Operations have no cancel here: a cancelled job is only dropped by the hub.
The Gemini API takes no seed and always adds audio to Veo 3 clips; such requests get a note.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ...capabilities import merge_options
from ...capabilities.video import VideoRequest, one_of, refuse_unsupported, whole
from ...errors import ProviderUnavailable
from ...http import POLL_TIMEOUT, SUBMIT_TIMEOUT, json_of
from ...jobs.backend import CancelOutcome, JobSpec, OutputRef, PollResult, summarize_input
from .api import API, base_url, model_path

if TYPE_CHECKING:
    from ...catalog import Resolved
    from ...context import ProviderContext

INLINE_IMAGE_LIMIT = 20 * 1024 * 1024
VEO3_DURATIONS = (4, 6, 8)


class VeoOperations:
    """Veo's long-running operations as a job backend. Operation `done` false/true maps to
    running/succeeded, or failed when the operation carries `error` or no video."""

    ref = "gemini.video"
    provider = "gemini"
    api = API
    poll_interval = 5.0
    max_poll_interval = 20.0

    async def submit(self, hub: ProviderContext, model: str, input: dict[str, Any]) -> dict[str, Any]:
        response = await hub.http.request(API, hub.key("gemini"), "POST",
                                          f"{base_url(hub.settings)}/{model_path(model)}:predictLongRunning",
                                          json=input, retry="submit", timeout=SUBMIT_TIMEOUT)
        name = json_of(response, API).get("name")
        if not name:
            raise ProviderUnavailable(
                "Gemini accepted the request but returned no operation name", provider="gemini"
            )
        return {"operation": str(name)}

    async def poll(self, hub: ProviderContext, state: dict[str, Any]) -> PollResult:
        response = await hub.http.request(
            API,
            hub.key("gemini"),
            "GET",
            f"{base_url(hub.settings)}/{state['operation']}",
            timeout=POLL_TIMEOUT,
        )
        op = json_of(response, API)
        if not op.get("done"):
            return PollResult("running", message="generating")
        if isinstance(op.get("error"), dict):
            err = op["error"]
            return PollResult(
                "failed",
                error=f"{err.get('message') or 'operation failed'} (code {err.get('code')})",
                result=op,
            )
        video = ((op.get("response") or {}).get("generateVideoResponse") or {})
        outputs = []
        for sample in video.get("generatedSamples") or []:
            item = (sample or {}).get("video") or {}
            if item.get("uri"):
                outputs.append(
                    OutputRef(str(item["uri"]), str(item.get("mimeType") or "video/mp4"), auth=True)
                )
            elif item.get("video"):  # raw bytes, base64
                outputs.append(
                    OutputRef(f"data:{item.get('mimeType') or 'video/mp4'};base64,{item['video']}")
                )
        if not outputs:
            reasons = "; ".join(video.get("raiMediaFilteredReasons") or []) or "no video was returned"
            refused = bool(video.get("raiMediaFilteredCount"))
            return PollResult("failed", error=("content policy: " if refused else "") + reasons, result=op,
                              error_code="content_policy" if refused else "")
        return PollResult("succeeded", progress=1.0, message="completed", outputs=outputs, result=op)

    async def cancel(self, hub: ProviderContext, state: dict[str, Any]) -> CancelOutcome:
        return "unsupported"


BACKEND = VeoOperations()


async def prepare(hub: ProviderContext, resolved: Resolved, request: VideoRequest) -> JobSpec:
    refuse_unsupported(resolved, "Veo on the Gemini API", seed=request.seed is not None)
    instance: dict[str, Any] = {"prompt": request.prompt}
    summary_image = None
    if request.image is not None:
        data = await request.image.base64(hub.http, INLINE_IMAGE_LIMIT)
        instance["image"] = {"bytesBase64Encoded": data, "mimeType": request.image.mime_type}
        summary_image = {"mimeType": request.image.mime_type, "source": request.image.source}
    params: dict[str, Any] = {}
    notes: list[str] = []
    if request.aspect_ratio:
        params["aspectRatio"] = request.aspect_ratio
    if request.duration_seconds:
        params["durationSeconds"] = (
            one_of(request.duration_seconds, VEO3_DURATIONS, resolved.full_id)
            if resolved.model.startswith("veo-3")
            else whole(request.duration_seconds)
        )
    if request.resolution:
        params["resolution"] = request.resolution
    if request.negative_prompt:
        params["negativePrompt"] = request.negative_prompt
    if not request.audio and resolved.model.startswith("veo-3"):
        notes.append("Veo 3 on the Gemini API always generates audio")
    body = merge_options({"instances": [instance], "parameters": params}, request.provider_options)
    summary = summarize_input({**body, "instances": [{**instance, "image": summary_image}]})
    return JobSpec(BACKEND, resolved.wire_id, body, summary=summary, notes=notes)
