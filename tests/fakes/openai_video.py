"""Fake OpenAI Sora: `POST /v1/videos` (JSON or multipart with an `input_reference` file),
`GET /v1/videos/{id}` with `progress`, `GET /v1/videos/{id}/content` (key required, MP4 bytes)."""

from __future__ import annotations

import time

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from . import samples
from .base import FakeProvider, fake_of
from .jobscript import ScriptedJob, job_of, new_job
from .openai import openai_error

SIZES = {"720x1280", "1280x720", "1024x1792", "1792x1024"}


def _video(job: ScriptedJob, status: str, progress: int, error: dict | None = None) -> dict:
    params = job.input
    return {
        "id": job.id,
        "object": "video",
        "model": params["model"],
        "status": status,
        "progress": progress,
        "created_at": int(time.time()),
        "completed_at": int(time.time()) if status == "completed" else None,
        "expires_at": None,
        "prompt": params["prompt"],
        "size": params.get("size", "720x1280"),
        "seconds": params.get("seconds", "4"),
        "remixed_from_video_id": None,
        "error": error,
    }


async def create(request: Request) -> Response:
    fake = fake_of(request)
    if request.headers.get("content-type", "").startswith("multipart/form-data"):
        form = request.scope["state"]["recorded"].multipart()
        params = {k: v for k, v in form.items() if isinstance(v, str)}
        reference = form.get("input_reference")
        if reference is not None and not (isinstance(reference, tuple) and reference[1].startswith("image/")):
            return openai_error(400, "input_reference must be an image file", "invalid_request_error")
    else:
        params = await request.json()
    if params.get("model") not in ("sora-2", "sora-2-pro") or not params.get("prompt"):
        return openai_error(
            400, "model (sora-2 or sora-2-pro) and prompt are required", "invalid_request_error"
        )
    if params.get("seconds", "4") not in ("4", "8", "12"):
        return openai_error(400, "Invalid value for 'seconds'", "invalid_request_error", param="seconds")
    if params.get("size", "720x1280") not in SIZES:
        return openai_error(400, "Invalid value for 'size'", "invalid_request_error", param="size")
    job = new_job(fake, params["model"], params, prefix="video_")
    return JSONResponse(_video(job, "queued", 0))


async def retrieve(request: Request) -> Response:
    fake = fake_of(request)
    job = job_of(fake, request.path_params["id"])
    if job is None:
        return openai_error(404, "Video not found", "invalid_request_error")
    phase = job.advance(fake)
    if phase == "queued":
        return JSONResponse(_video(job, "queued", 0))
    if phase == "running":
        return JSONResponse(_video(job, "in_progress", int(job.fraction * 100)))
    if job.outcome == "content_policy":
        return JSONResponse(_video(job, "failed", 100, {
            "code": "moderation_blocked", "message": "Your request was blocked by our moderation system."}))
    if job.outcome == "error":
        return JSONResponse(
            _video(job, "failed", 100, {"code": "internal_error", "message": "Video generation failed."})
        )
    return JSONResponse(_video(job, "completed", 100))


async def content(request: Request) -> Response:
    fake = fake_of(request)
    job = job_of(fake, request.path_params["id"])
    if job is None or not job.finished or job.outcome != "succeeded":
        return openai_error(404, "Video content is not available", "invalid_request_error")
    return Response(samples.mp4(4096), 200, media_type="video/mp4")


def routes(fake: FakeProvider) -> list[Route]:
    return [
        Route("/v1/videos", create, methods=["POST"]),
        Route("/v1/videos/{id}/content", content, methods=["GET"]),
        Route("/v1/videos/{id}", retrieve, methods=["GET"]),
    ]
