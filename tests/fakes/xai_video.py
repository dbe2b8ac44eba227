"""Fake xAI Grok Imagine video: `POST /v1/videos/generations` -> `{request_id}`; `GET /v1/videos/{id}`
answers a bare `{request_id}` with 202 while queued, `pending` while generating, then `done` with
`video.url`, or `failed` / `expired`."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from .base import FakeProvider, fake_of
from .jobscript import job_of, new_job, publish_video


def xai_error(status: int, message: str) -> JSONResponse:
    return JSONResponse({"code": "Client specified an invalid argument", "error": message}, status)


async def create(request: Request) -> Response:
    fake = fake_of(request)
    body = await request.json()
    if not isinstance(body, dict) or body.get("model") != "grok-imagine-video" or not body.get("prompt"):
        return xai_error(400, "model grok-imagine-video and a prompt are required")
    if "duration" in body and not 1 <= body["duration"] <= 15:
        return xai_error(400, "duration must be between 1 and 15")
    image = body.get("image")
    if image is not None and not str((image or {}).get("url", "")).startswith(("http", "data:image/")):
        return xai_error(400, "image.url must be a URL or a base64 data URI")
    job = new_job(fake, body["model"], body, prefix="vid")
    return JSONResponse({"request_id": job.id})


async def status(request: Request) -> Response:
    fake = fake_of(request)
    job = job_of(fake, request.path_params["id"])
    if job is None:
        return xai_error(404, "Video request not found")
    phase = job.advance(fake)
    if phase == "queued":
        return JSONResponse({"request_id": job.id}, 202)
    if phase == "running":
        return JSONResponse({"status": "pending"})
    if job.outcome == "content_policy":
        return JSONResponse({"status": "failed", "error": {
            "code": "content_moderated", "message": "Generated video was rejected by content moderation"}})
    if job.outcome == "error":
        return JSONResponse(
            {"status": "failed", "error": {"code": "internal_error", "message": "Video generation failed"}}
        )
    if job.outcome == "expired":
        return JSONResponse({"status": "expired"})
    url = job.extra.setdefault("url", publish_video(fake, job)[0])
    return JSONResponse({"status": "done", "model": "grok-imagine-video", "video": {
        "url": url, "duration": job.input.get("duration", 6), "respect_moderation": True},
        "usage": {"cost_in_usd_ticks": 500000000}})


def routes(fake: FakeProvider) -> list[Route]:
    return [
        Route("/v1/videos/generations", create, methods=["POST"]),
        Route("/v1/videos/{id}", status, methods=["GET"]),
    ]
