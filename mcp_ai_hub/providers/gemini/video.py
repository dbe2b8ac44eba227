"""Gemini video (Gemini Omni, Veo's successor on the Gemini API) through the Interactions API,
run in the background and polled. Field names follow google-genai 3.6's Interactions types.

- Submit: `POST /v1beta/interactions` with `{"model", "input": [{"type":"text","text"},
  {"type":"image","data"(base64),"mime_type"}], "background": true, "response_format": {"type":
  "video","aspect_ratio":"16:9"|"9:16","resolution":"360p"|"720p"|"1080p"|"4k","duration":"8s",
  "delivery":"uri"}, "generation_config": {"seed"}}` gives an `Interaction` with its `id` and
  `status`. The input image goes inline as base64 (read from disk, a URL, or the data URI).
- Poll: `GET /v1beta/interactions/{id}`: `status` queued / in_progress / idle while it runs; then
  completed (the clip is the `video` content block of the last `model_output` step, a `uri` that
  needs the API key, or inline `data`), or failed / cancelled / incomplete / budget_exceeded with
  `errors[]` ({code, message}). A completed interaction without a clip is a failure, a safety
  code or message a content-policy one.
- Cancel: `POST /v1beta/interactions/{id}/cancel`.
- Download: the clip's URI needs the key (the hub follows its redirect to storage without it).
The Omni models always make sound and take no negative prompt; such requests are refused or noted.
The Veo models' `:predictLongRunning` on the Gemini API was shut down on 2026-10-22.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ...capabilities import merge_options
from ...capabilities.video import VideoRequest, refuse_unsupported
from ...errors import InvalidArgument, ProviderUnavailable
from ...http import POLL_TIMEOUT, SUBMIT_TIMEOUT, json_of
from ...jobs.backend import CancelOutcome, JobSpec, OutputRef, PollResult, summarize_input
from .api import API, base_url

if TYPE_CHECKING:
    from ...catalog import Resolved
    from ...context import ProviderContext
    from ...jobs.states import JobStatus

INLINE_IMAGE_LIMIT = 20 * 1024 * 1024
RATIOS = ("16:9", "9:16")
RESOLUTIONS = ("360p", "720p", "1080p", "4k")
# Interaction.status -> the hub's job status (terminal failures map to "failed")
STATUS: dict[str, JobStatus] = {
    "queued": "queued",
    "idle": "queued",
    "in_progress": "running",
    "completed": "succeeded",
    "cancelled": "cancelled",
    "failed": "failed",
    "incomplete": "failed",
    "budget_exceeded": "failed",
    "requires_action": "failed",
    "requires_continuation": "failed",
}


def _video_of(interaction: dict[str, Any]) -> OutputRef | None:
    """The clip of the last `model_output` step (or the `output_video` some answers carry)."""
    blocks: list[Any] = []
    for step in interaction.get("steps") or []:
        if isinstance(step, dict) and step.get("type") == "model_output":
            blocks = step.get("content") or []
    if isinstance(interaction.get("output_video"), dict):
        blocks = [*blocks, interaction["output_video"]]
    for block in reversed(blocks):
        if not isinstance(block, dict) or block.get("type", "video") != "video":
            continue
        mime = str(block.get("mime_type") or "video/mp4")
        if block.get("uri"):
            return OutputRef(str(block["uri"]), mime, auth=True)
        if block.get("data"):
            return OutputRef(f"data:{mime};base64,{block['data']}")
    return None


def _errors(interaction: dict[str, Any]) -> tuple[str, bool]:
    """The interaction's error text and whether a safety filter refused it."""
    texts, safety = [], False
    for err in interaction.get("errors") or []:
        if isinstance(err, dict):
            code, message = str(err.get("code") or ""), str(err.get("message") or "")
            texts.append(f"{message} ({code})" if code else message)
            safety = safety or "SAFETY" in code.upper() or "safety" in message.lower()
    return "; ".join(t for t in texts if t), safety


class Interactions:
    """Background interactions as a job backend (`STATUS` maps their states)."""

    ref = "gemini.video"
    provider = "gemini"
    api = API
    poll_interval = 5.0
    max_poll_interval = 20.0

    async def submit(self, hub: ProviderContext, model: str, input: dict[str, Any]) -> dict[str, Any]:
        response = await hub.http.request(
            API,
            hub.key("gemini"),
            "POST",
            f"{base_url(hub.settings)}/interactions",
            json={**input, "model": model},
            retry="submit",
            timeout=SUBMIT_TIMEOUT,
        )
        interaction_id = json_of(response, API).get("id")
        if not interaction_id:
            raise ProviderUnavailable(
                "Gemini accepted the request but returned no interaction id", provider="gemini"
            )
        return {"interaction": str(interaction_id)}

    async def poll(self, hub: ProviderContext, state: dict[str, Any]) -> PollResult:
        if "interaction" not in state:  # a Veo operation stored before the Veo previews were shut down
            return PollResult("failed", error="Veo on the Gemini API was shut down on 2026-10-22")
        url = f"{base_url(hub.settings)}/interactions/{state['interaction']}"
        interaction = json_of(
            await hub.http.request(API, hub.key("gemini"), "GET", url, timeout=POLL_TIMEOUT), API
        )
        raw = str(interaction.get("status") or "in_progress")
        status = STATUS.get(raw, "running")
        if status in ("queued", "running"):
            return PollResult(status, message=raw.replace("_", " "))
        if status == "cancelled":
            return PollResult("cancelled", message="cancelled", result=interaction)
        error, refused = _errors(interaction)
        video = _video_of(interaction) if status == "succeeded" else None
        if video is None:
            reason = error or (
                f"the interaction ended {raw}" if status == "failed" else "no video was returned"
            )
            return PollResult(
                "failed",
                error=("content policy: " if refused else "") + reason,
                result=interaction,
                error_code="content_policy" if refused else "",
            )
        return PollResult("succeeded", progress=1.0, message="completed", outputs=[video], result=interaction)

    async def cancel(self, hub: ProviderContext, state: dict[str, Any]) -> CancelOutcome:
        if "interaction" not in state:
            return "unsupported"
        url = f"{base_url(hub.settings)}/interactions/{state['interaction']}/cancel"
        await hub.http.request(API, hub.key("gemini"), "POST", url, json={}, timeout=POLL_TIMEOUT)
        return "cancelled"


BACKEND = Interactions()


def _choice(value: str, allowed: tuple[str, ...], name: str, model: str) -> str:
    if value.lower() not in allowed:
        raise InvalidArgument(
            f"{model} takes {name} {', '.join(allowed)}, not {value!r}",
            hint=f"Pass {name} as one of {', '.join(allowed)}",
        )
    return value.lower()


async def prepare(hub: ProviderContext, resolved: Resolved, request: VideoRequest) -> JobSpec:
    refuse_unsupported(resolved, "Gemini Omni", negative_prompt=bool(request.negative_prompt))
    blocks: list[dict[str, Any]] = [{"type": "text", "text": request.prompt}]
    summary_blocks: list[dict[str, Any]] = list(blocks)
    if request.image is not None:
        data = await request.image.base64(hub.http, INLINE_IMAGE_LIMIT)
        blocks.append({"type": "image", "data": data, "mime_type": request.image.mime_type})
        summary_blocks.append(
            {"type": "image", "mime_type": request.image.mime_type, "source": request.image.source}
        )
    fmt: dict[str, Any] = {"type": "video", "delivery": "uri"}
    if request.aspect_ratio:
        fmt["aspect_ratio"] = _choice(request.aspect_ratio, RATIOS, "aspect_ratio", resolved.full_id)
    if request.resolution:
        fmt["resolution"] = _choice(request.resolution, RESOLUTIONS, "resolution", resolved.full_id)
    if request.duration_seconds:
        fmt["duration"] = f"{request.duration_seconds:g}s"
    body: dict[str, Any] = {"input": blocks, "background": True, "response_format": fmt}
    if request.seed is not None:
        body["generation_config"] = {"seed": request.seed}
    notes = [] if request.audio else ["Gemini Omni always generates audio"]
    body = merge_options(body, request.provider_options)
    return JobSpec(
        BACKEND,
        resolved.wire_id,
        body,
        summary=summarize_input({**body, "input": summary_blocks}),
        notes=notes,
    )
