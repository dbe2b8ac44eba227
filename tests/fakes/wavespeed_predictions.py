"""Fake WaveSpeed v3 predictions and uploads for any model path, in WaveSpeed's envelope.

`POST /api/v3/{model}` submits (status `created`), `GET /api/v3/predictions/{id}/result` (and
`/predictions/{id}`) polls (created -> processing -> completed/failed, per `jobscript`),
`POST /api/v3/media/upload/binary` takes a multipart `file`. Outputs follow the model path:
video models give an MP4 URL, speech and music (ACE-Step) models an MP3, others images (of the input's
`size` "W*H" and `output_format`: PNG 4x3 by default); `enable_base64_output` gives
data URIs; `state["results"][model]` overrides the outputs list.

A submit with `?webhook=<url>` is called back when the prediction ends (`webhooks.py`) with the
bare prediction object, signed as WaveSpeed signs (`webhook-id`, `webhook-timestamp`,
`webhook-signature: v3,<hex HMAC-SHA256 of "{id}.{timestamp}.{body}">`, keyed by the account's
webhook secret without its `whsec_` prefix); `GET /api/v3/webhook/secret` gives that secret.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
import time

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from . import samples
from .base import FakeProvider, fake_of
from .jobscript import ScriptedJob, job_of, new_job, publish_video
from .wavespeed import envelope
from .webhooks import expect_webhook

NSFW = "The prompt was flagged as sensitive content and was rejected"


def _prediction(
    fake: FakeProvider, job: ScriptedJob, status: str, outputs: list[str], error: str = ""
) -> dict:
    return {"id": job.id, "model": job.endpoint, "status": status, "outputs": outputs,
            "urls": {"get": fake.url(f"/api/v3/predictions/{job.id}/result")},
            "has_nsfw_contents": [error == NSFW] if error else [False] * len(outputs),
            "created_at": "2026-01-01T12:00:00.000Z", "error": error,
            "timings": {"inference": 1250} if status == "completed" else {}}


def _outputs(fake: FakeProvider, job: ScriptedJob) -> list[str]:
    override = fake.state.get("results", {}).get(job.endpoint)
    if override is not None:
        return override(fake, job) if callable(override) else list(override)
    params = job.input if isinstance(job.input, dict) else {}
    if (
        "video" in job.endpoint
        or "seedance" in job.endpoint
        or "veo" in job.endpoint
        or "wan-" in job.endpoint
    ):
        if params.get("enable_base64_output"):
            return ["data:video/mp4;base64," + base64.b64encode(samples.mp4(4096)).decode()]
        return [publish_video(fake, job)[0]]
    if "speech" in job.endpoint or "tts" in job.endpoint or "ace-step" in job.endpoint:
        return [fake.publish(f"{job.id}.mp3", samples.mp3(), "audio/mpeg")]
    count = int(params.get("num_images") or 1)
    data, ctype = image_for(params)
    if params.get("enable_base64_output"):
        return [f"data:{ctype};base64," + base64.b64encode(data).decode()] * count
    ext = "jpg" if ctype == "image/jpeg" else "png"
    return [fake.publish(f"{job.id}-{i}.{ext}", data, ctype) for i in range(count)]


def image_for(params: dict) -> tuple[bytes, str]:
    """The image an input asks for: its `size` "W*H" (4x3 when none) and `output_format` (PNG unless jpeg)."""
    found = re.fullmatch(r"(\d+)\*(\d+)", str(params.get("size") or ""))
    dims = (int(found.group(1)), int(found.group(2))) if found else (4, 3)
    if params.get("output_format") == "jpeg":
        return samples.jpeg(*dims), "image/jpeg"
    return samples.png(*dims), "image/png"


async def submit(request: Request) -> Response:
    fake = fake_of(request)
    model = request.path_params["model"]
    try:
        body = await request.json()
    except ValueError:
        return JSONResponse({"code": 400, "message": "invalid JSON body", "data": None}, 400)
    if not isinstance(body, dict) or (
        not body.get("prompt")
        and not body.get("text")
        and not body.get("image")
        and not body.get("video")
        and not body.get("tags")
    ):
        return JSONResponse({"code": 400, "message": "prompt is required", "data": None}, 400)
    if model.startswith("minimax/speech") and not body.get("voice_id"):
        return JSONResponse({"code": 400, "message": "voice_id is required", "data": None}, 400)
    job = new_job(fake, model, body, prefix="pred")
    if hook := request.query_params.get("webhook"):
        expect_webhook(fake, job, hook, webhook_delivery)
    return envelope(_prediction(fake, job, "created", []))


WEBHOOK_SECRET = "whsec_fakeWaveSpeedWebhookSecret0123456789"


def sign(body: bytes, secret: str = WEBHOOK_SECRET, webhook_id: str = "", timestamp: int | None = None
         ) -> dict[str, str]:
    """The headers WaveSpeed sends with a webhook `body`."""
    webhook_id = webhook_id or "wh-" + hashlib.sha256(body).hexdigest()[:20]
    stamp = str(int(time.time()) if timestamp is None else timestamp)
    key = secret.removeprefix("whsec_").encode()
    digest = hmac.new(key, f"{webhook_id}.{stamp}.".encode() + body, hashlib.sha256).hexdigest()
    return {"webhook-id": webhook_id, "webhook-timestamp": stamp, "webhook-signature": f"v3,{digest}"}


def webhook_delivery(fake: FakeProvider, job: ScriptedJob) -> tuple[bytes, dict[str, str]]:
    """WaveSpeed's webhook body for the ended `job` (the prediction, no envelope) and its headers."""
    if job.outcome == "succeeded":
        job.extra.setdefault("outputs", _outputs(fake, job))
        prediction = _prediction(fake, job, "completed", job.extra["outputs"])
    else:
        reason = NSFW if job.outcome == "content_policy" else "Internal error: inference failed on the worker"
        prediction = _prediction(fake, job, "failed", [], reason)
    prediction["input"] = job.input
    raw = json.dumps(prediction).encode()
    return raw, sign(raw)


async def webhook_secret(request: Request) -> Response:
    fake = fake_of(request)
    fake.state["secret_fetches"] = fake.state.get("secret_fetches", 0) + 1
    return envelope({"secret": WEBHOOK_SECRET})


async def result(request: Request) -> Response:
    fake = fake_of(request)
    job = job_of(fake, request.path_params["id"])
    if job is None:
        return JSONResponse({"code": 404, "message": "prediction not found", "data": None}, 404)
    phase = job.advance(fake)
    if phase in ("queued", "running"):
        return envelope(_prediction(fake, job, "created" if phase == "queued" else "processing", []))
    if job.outcome == "content_policy":
        return envelope(_prediction(fake, job, "failed", [], NSFW))
    if job.outcome == "error":
        return envelope(
            _prediction(fake, job, "failed", [], "Internal error: inference failed on the worker")
        )
    if "outputs" not in job.extra:
        job.extra["outputs"] = _outputs(fake, job)
    return envelope(_prediction(fake, job, "completed", job.extra["outputs"]))


async def upload_binary(request: Request) -> Response:
    fake = fake_of(request)
    form = (
        request.scope["state"]["recorded"].multipart()
        if "multipart" in request.headers.get("content-type", "")
        else {}
    )
    file = form.get("file")
    if not isinstance(file, tuple):
        return JSONResponse({"code": 400, "message": "file is required", "data": None}, 400)
    name, ctype, data = file
    uploads = fake.state.setdefault("uploads", [])
    uploads.append({"name": name, "content_type": ctype, "data": data,
                    "content_length": request.headers.get("content-length")})
    url = fake.publish(f"uploads/{len(uploads)}-{name}", data, ctype)
    kind = ctype.split("/")[0] if ctype else "image"
    return envelope({"type": kind, "download_url": url, "filename": name, "size": len(data)})


def routes(fake: FakeProvider) -> list[Route]:
    return [
        Route("/api/v3/media/upload/binary", upload_binary, methods=["POST"]),
        Route("/api/v3/webhook/secret", webhook_secret, methods=["GET"]),
        Route("/api/v3/predictions/{id}/result", result, methods=["GET"]),
        Route("/api/v3/predictions/{id}", result, methods=["GET"]),
        Route("/api/v3/{model:path}", submit, methods=["POST"]),
    ]
