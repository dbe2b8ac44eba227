"""Fake Together video on `/v2`: `POST /v2/videos` gives a `VideoJob`; `GET /v2/videos/{id}` moves
queued -> in_progress -> completed (`outputs.video_url`, `outputs.cost`) or failed (`error`)."""

from __future__ import annotations

import time

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from .base import FakeProvider, fake_of
from .jobscript import ScriptedJob, job_of, new_job, publish_video
from .openai import openai_error


def _job(job: ScriptedJob, status: str, **extra) -> dict:
    return {
        "id": job.id,
        "object": "video",
        "model": job.endpoint,
        "status": status,
        "created_at": time.time(),
        "size": "1366x768",
        "seconds": str(job.input.get("seconds", "6")),
        **extra,
    }


async def create(request: Request) -> Response:
    fake = fake_of(request)
    body = await request.json()
    if not isinstance(body, dict) or not body.get("model"):
        return openai_error(400, "model is required", "invalid_request_error", param="model")
    if not body.get("prompt") and not (body.get("media") or {}).get("frame_images"):
        return openai_error(400, "prompt is required", "invalid_request_error", param="prompt")
    if "seconds" in body and not isinstance(body["seconds"], str):
        return openai_error(400, "seconds must be a string", "invalid_request_error", param="seconds")
    job = new_job(fake, body["model"], body, prefix="vj-")
    return JSONResponse(_job(job, "queued"))


async def retrieve(request: Request) -> Response:
    fake = fake_of(request)
    job = job_of(fake, request.path_params["id"])
    if job is None:
        return openai_error(404, "Video ID not found.", "invalid_request_error")
    phase = job.advance(fake)
    if phase in ("queued", "running"):
        return JSONResponse(_job(job, "queued" if phase == "queued" else "in_progress"))
    if job.outcome == "content_policy":
        return JSONResponse(
            _job(
                job,
                "failed",
                error={
                    "code": "content_policy_violation",
                    "message": "The prompt was flagged by the safety checker",
                },
            )
        )
    if job.outcome == "error":
        return JSONResponse(
            _job(job, "failed", error={"code": "generation_error", "message": "Model backend error"})
        )
    url = job.extra.setdefault("url", publish_video(fake, job)[0])
    return JSONResponse(
        _job(job, "completed", completed_at=time.time(), outputs={"cost": 0.28, "video_url": url})
    )


def routes(fake: FakeProvider) -> list[Route]:
    return [
        Route("/v2/videos", create, methods=["POST"]),
        Route("/v2/videos/{id}", retrieve, methods=["GET"]),
    ]
