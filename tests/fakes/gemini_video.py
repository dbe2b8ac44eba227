"""Fake Gemini Omni video on the Interactions API (google-genai 3.6 `_gaos` types): `POST
/v1beta/interactions` (background), `GET /v1beta/interactions/{id}` polled until `completed`,
`POST .../{id}/cancel`, and the clip download (key required) that redirects to storage on another
origin (`localhost` instead of `127.0.0.1`), as Google's download redirects to signed storage.
Models outside `VIDEO_MODELS` are refused as the API refuses them (Veo answers 404 since its
shutdown)."""

from __future__ import annotations

import re

from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from .base import FakeProvider, fake_of
from .gemini import gemini_error
from .jobscript import job_of, new_job, publish_video

VIDEO_MODELS = ("gemini-omni-1.2-flash", "gemini-omni-1.1-flash")
RATIOS, RESOLUTIONS = ("16:9", "9:16"), ("360p", "720p", "1080p", "4k")
RAI_REASON = (
    "Your video couldn't be generated because it may violate our policies. This request has been "
    "blocked by our safety filters."
)


def _invalid(message: str) -> Response:
    return gemini_error(400, "INVALID_ARGUMENT", message)


def _check(body: object) -> str:
    """What the API would refuse in a create request, or ""."""
    if not isinstance(body, dict) or not body.get("model"):
        return "model is required"
    blocks = body.get("input")
    if not isinstance(blocks, list) or not any(
        isinstance(b, dict) and b.get("type") == "text" and b.get("text") for b in blocks
    ):
        return "input needs a text content block"
    for block in blocks:
        if block.get("type") == "image" and not (block.get("data") and block.get("mime_type")):
            return "an image content block needs data and mime_type"
    fmt = body.get("response_format") or {}
    if fmt.get("type") != "video":
        return "response_format.type must be video for this model"
    if "aspect_ratio" in fmt and fmt["aspect_ratio"] not in RATIOS:
        return f"response_format.aspect_ratio {fmt['aspect_ratio']!r} is not supported"
    if "resolution" in fmt and fmt["resolution"] not in RESOLUTIONS:
        return f"response_format.resolution {fmt['resolution']!r} is not supported"
    if "duration" in fmt and not re.fullmatch(r"\d+(\.\d+)?s", str(fmt["duration"])):
        return f"response_format.duration {fmt['duration']!r} is not a duration"
    if body.get("background") is not True:
        return "video interactions must run with background=true"
    return ""


def _interaction(job, status: str, **extra) -> dict:
    return {"id": job.id, "model": job.endpoint, "status": status, "created": "2026-12-06T00:00:00Z", **extra}


async def create(request: Request) -> Response:
    fake = fake_of(request)
    body = await request.json()
    model = body.get("model") if isinstance(body, dict) else None
    if model not in VIDEO_MODELS:
        return fake.model_missing(str(model))
    if problem := _check(body):
        return _invalid(problem)
    job = new_job(fake, str(model), body, prefix="int")
    return JSONResponse(_interaction(job, "in_progress"))


async def get(request: Request) -> Response:
    fake = fake_of(request)
    job = job_of(fake, request.path_params["id"])
    if job is None:
        return gemini_error(404, "NOT_FOUND", f"Interaction {request.path_params['id']} not found")
    phase = job.advance(fake)
    if phase == "cancelled":
        return JSONResponse(_interaction(job, "cancelled"))
    if phase in ("queued", "running"):
        return JSONResponse(_interaction(job, "queued" if phase == "queued" else "in_progress"))
    if job.outcome == "content_policy":
        return JSONResponse(_interaction(job, "failed", errors=[{"code": "SAFETY", "message": RAI_REASON}]))
    if job.outcome == "error":
        return JSONResponse(
            _interaction(
                job, "failed", errors=[{"code": "INTERNAL", "message": "Internal error encountered."}]
            )
        )
    if "file" not in job.extra:
        url, _ = publish_video(fake, job)
        job.extra["file"] = url.rsplit("/", 1)[-1]
    uri = fake.url(f"/v1beta/files/{job.extra['file']}:download?alt=media")
    steps = [
        {"type": "user_input", "content": job.input["input"]},
        {"type": "model_output", "content": [{"type": "video", "uri": uri, "mime_type": "video/mp4"}]},
    ]
    return JSONResponse(_interaction(job, "completed", steps=steps, usage={"total_tokens": 0}))


async def cancel(request: Request) -> Response:
    fake = fake_of(request)
    job = job_of(fake, request.path_params["id"])
    if job is None:
        return gemini_error(404, "NOT_FOUND", f"Interaction {request.path_params['id']} not found")
    job.cancelled = True
    return JSONResponse(_interaction(job, "cancelled"))


async def download(request: Request) -> Response:
    fake = fake_of(request)
    name = request.path_params["file"]
    if name not in fake.files or request.query_params.get("alt") != "media":
        return gemini_error(404, "NOT_FOUND", f"File files/{name} not found")
    storage = fake.url(f"/cdn/{name}").replace("127.0.0.1", "localhost")
    return RedirectResponse(storage, 302)


def routes(fake: FakeProvider) -> list[Route]:
    return [
        Route("/v1beta/interactions", create, methods=["POST"]),
        Route("/v1beta/interactions/{id}", get, methods=["GET"]),
        Route("/v1beta/interactions/{id}/cancel", cancel, methods=["POST"]),
        Route("/v1beta/files/{file}:download", download, methods=["GET"]),
    ]
