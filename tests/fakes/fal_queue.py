"""Fake fal queue (`/queue` = queue.fal.run) and storage (`/rest` = rest.fal.ai, `/cdn/v3` = the
upload CDN), speaking fal's wire format for any endpoint id.

A submit with `?fal_webhook=<url>` is called back when the job ends (`webhooks.py`), with fal's
body (`request_id`, `gateway_request_id`, `status` OK/ERROR, `payload`, `error`) signed by the fake's
Ed25519 key (served at /jwks).

Request URLs drop the endpoint's sub-path (`fal-ai/flux/dev` -> `/queue/fal-ai/flux/requests/<id>`),
as fal's do, so clients must follow the URLs the submit returns. Jobs advance per status poll
(see `jobscript`). The result depends on the endpoint: video endpoints give `video.url`, whisper
gives `text` and `chunks` (speaker-labelled with `diarize`), speech/audio endpoints `audio.url`,
everything else `images[]` (of the input's `image_size` and `output_format`: PNG 4x3 by default);
`state["results"][endpoint]` overrides it.
"""

from __future__ import annotations

import json
import re
import time
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from . import samples
from .base import FakeProvider, fake_of
from .fal import fal_error
from .jobscript import ScriptedJob, job_of, new_job, publish_video
from .webhooks import expect_webhook

CONTENT_POLICY = (
    "The content could not be processed because it contained material flagged by a content checker."
)


def _app(endpoint: str) -> str:
    return "/".join(endpoint.split("/")[:2])


def _urls(fake: FakeProvider, job: ScriptedJob) -> dict[str, str]:
    base = fake.url(f"/queue/{_app(job.endpoint)}/requests/{job.id}")
    return {"response_url": base, "status_url": base + "/status", "cancel_url": base + "/cancel"}


WHISPER_TURNS = [((0.0, 1.52), " Hello from the fake studio.", "SPEAKER_00"),
                 ((1.6, 3.24), " And a second voice answers.", "SPEAKER_01")]


def whisper_diarized() -> dict[str, Any]:
    """fal Whisper's answer with `diarize`: speaker-labelled chunks and the diarization turns."""
    return {
        "text": "".join(t for _, t, _ in WHISPER_TURNS).strip(),
        "chunks": [
            {"timestamp": list(span), "text": text, "speaker": who} for span, text, who in WHISPER_TURNS
        ],
        "inferred_languages": ["en"],
        "diarization_segments": [{"timestamp": list(span), "speaker": who} for span, _, who in WHISPER_TURNS],
    }


# fal's named image sizes
NAMED_SIZES = {"square_hd": (1024, 1024), "square": (512, 512), "portrait_4_3": (768, 1024),
               "portrait_16_9": (576, 1024), "landscape_4_3": (1024, 768), "landscape_16_9": (1024, 576)}


def image_for(params: dict[str, Any]) -> tuple[bytes, str, tuple[int, int]]:
    """The image an input asks for: its `image_size` (4x3 when none) and `output_format` (PNG unless jpeg)."""
    size = params.get("image_size")
    if isinstance(size, dict):
        dims = (int(size["width"]), int(size["height"]))
    else:
        dims = NAMED_SIZES.get(str(size), (4, 3))
    if params.get("output_format") == "jpeg":
        return samples.jpeg(*dims), "image/jpeg", dims
    return samples.png(*dims), "image/png", dims


def default_result(fake: FakeProvider, job: ScriptedJob) -> dict[str, Any]:
    endpoint, params = job.endpoint, job.input if isinstance(job.input, dict) else {}
    if "video" in endpoint or "kling" in endpoint:
        url, size = publish_video(fake, job)
        return {
            "video": {"url": url, "content_type": "video/mp4", "file_name": "output.mp4", "file_size": size}
        }
    if "whisper" in endpoint or "speech-to-text" in endpoint:
        if params.get("diarize"):
            return whisper_diarized()
        return {"text": "hello from the fake whisper", "chunks": [{"timestamp": [0.0, 1.5],
                                                                  "text": "hello from the fake whisper"}],
                "inferred_languages": ["en"], "diarization_segments": []}
    if "tts" in endpoint or "speech" in endpoint or "audio" in endpoint:
        url = fake.publish(f"{job.id}.mp3", samples.mp3(), "audio/mpeg")
        return {"audio": {"url": url, "content_type": "audio/mpeg", "file_name": "speech.mp3"}}
    images = []
    for i in range(int(params.get("num_images") or 1)):
        data, ctype, (width, height) = image_for(params)
        ext = "jpg" if ctype == "image/jpeg" else "png"
        url = fake.publish(f"{job.id}-{i}.{ext}", data, ctype)
        images.append({"url": url, "width": width, "height": height, "content_type": ctype})
    return {"images": images, "timings": {"inference": 0.1}, "seed": 42, "has_nsfw_concepts": [False],
            "prompt": params.get("prompt", "")}


async def queue(request: Request) -> Response:
    fake = fake_of(request)
    rest = request.path_params["rest"]
    found = re.fullmatch(r"(.+?)/requests/([^/]+)(/status|/cancel)?", rest)
    if request.method == "POST" and not found:
        return await _submit(fake, rest, request)
    if not found:
        return fal_error(405, "Method not allowed")
    app, request_id, action = found.groups()
    job = job_of(fake, request_id)
    if job is None or _app(job.endpoint) != app:
        return JSONResponse(
            {"status": "NOT_FOUND"} if action == "/cancel" else {"detail": "Request not found"}, 404
        )
    if action == "/cancel" and request.method == "PUT":
        if job.finished:
            return JSONResponse({"status": "ALREADY_COMPLETED"}, 400)
        job.cancelled = True
        return JSONResponse({"status": "CANCELLATION_REQUESTED"}, 202)
    if action == "/status" and request.method == "GET":
        return _status(fake, job, request.query_params.get("logs") in ("1", "true"))
    if action is None and request.method == "GET":
        return _result(fake, job)
    return fal_error(405, "Method not allowed")


async def _submit(fake: FakeProvider, endpoint: str, request: Request) -> Response:
    try:
        body = await request.json()
    except ValueError:
        return fal_error(422, [{"loc": ["body"], "msg": "Invalid JSON", "type": "value_error.jsondecode"}])
    if not isinstance(body, dict):
        return fal_error(
            422, [{"loc": ["body"], "msg": "value is not a valid dict", "type": "type_error.dict"}]
        )
    job = new_job(fake, endpoint, body, prefix="req")
    if hook := request.query_params.get("fal_webhook"):
        expect_webhook(fake, job, hook, webhook_delivery)
    return JSONResponse({"request_id": job.id, "gateway_request_id": job.id, "status": "IN_QUEUE",
                         "queue_position": 2, **_urls(fake, job)})


def _status(fake: FakeProvider, job: ScriptedJob, logs: bool) -> Response:
    phase = job.advance(fake)
    urls = _urls(fake, job)
    if phase == "queued":
        position = max(0, 2 - job.polls)
        return JSONResponse({"status": "IN_QUEUE", "queue_position": position,
                             "response_url": urls["response_url"]}, 202)
    if phase == "running":
        entries = [{"message": f"Generating: {int(job.fraction * 100)}%", "level": "INFO", "source": "user",
                    "timestamp": time.strftime("%Y-%m-%dT%H:%M:%S")}]
        return JSONResponse({"status": "IN_PROGRESS", "logs": entries if logs else None,
                             "response_url": urls["response_url"]}, 202)
    body: dict[str, Any] = {
        "status": "COMPLETED",
        "logs": [] if logs else None,
        "metrics": {"inference_time": 1.25},
        "response_url": urls["response_url"],
    }
    if phase == "cancelled":
        body.update(error="Request was cancelled", error_type="request_cancelled")
    elif job.outcome == "content_policy":
        body.update(error=CONTENT_POLICY, error_type="content_policy_violation")
    elif job.outcome == "error":
        body.update(error="Runner crashed: CUDA out of memory", error_type="runner_server_error")
    return JSONResponse(body, 200)


def webhook_delivery(fake: FakeProvider, job: ScriptedJob) -> tuple[bytes, dict[str, str]]:
    """fal's webhook body for the ended `job`, and its signature headers."""
    body: dict[str, Any] = {"request_id": job.id, "gateway_request_id": job.id}
    if job.outcome == "succeeded":
        body.update(status="OK", payload=_result_json(fake, job))
    else:
        body.update(status="ERROR", error="Invalid status code: 422",
                    payload={"detail": [{"loc": ["body", "prompt"], "msg": "failed", "type": "value_error"}]})
    raw = json.dumps(body).encode()
    return raw, fake.sign(job.id, raw)  # type: ignore[attr-defined] - the fal fake


def _result_json(fake: FakeProvider, job: ScriptedJob) -> Any:
    if "result" not in job.extra:
        override = fake.state.get("results", {}).get(job.endpoint)
        job.extra["result"] = (
            override(fake, job) if callable(override) else override or default_result(fake, job)
        )
    return job.extra["result"]


def _result(fake: FakeProvider, job: ScriptedJob) -> Response:
    if not job.finished:
        return fal_error(400, "Request is still in progress", "request_in_progress")
    if job.outcome == "content_policy":
        return fal_error(
            422, [{"loc": ["body", "prompt"], "msg": CONTENT_POLICY, "type": "content_policy_violation"}]
        )
    if job.outcome == "error":
        return fal_error(500, "Runner crashed: CUDA out of memory", "runner_server_error")
    return JSONResponse(_result_json(fake, job))


async def storage_token(request: Request) -> Response:
    fake = fake_of(request)
    if request.query_params.get("storage_type") != "fal-cdn-v3":
        return fal_error(400, "unsupported storage_type")
    token = f"cdn-token-{len(fake.state.setdefault('tokens', [])) + 1}"
    fake.state["tokens"].append(token)
    return JSONResponse({"token": token, "token_type": "Bearer", "base_url": fake.url("/cdn/v3"),
                         "expires_at": "2099-01-01T00:00:00Z"})


async def cdn_upload(request: Request) -> Response:
    fake = fake_of(request)
    auth = request.headers.get("authorization", "")
    if auth.removeprefix("Bearer ") not in fake.state.get("tokens", []):
        return fal_error(401, "Invalid upload token", "unauthorized")
    data = await request.body()
    name = request.headers.get("x-fal-file-name", "upload.bin")
    uploads = fake.state.setdefault("uploads", [])
    uploads.append({"name": name, "content_type": request.headers.get("content-type"), "data": data,
                    "content_length": request.headers.get("content-length")})
    return JSONResponse({"access_url": fake.publish(f"uploads/{len(uploads)}-{name}", data,
                                                    request.headers.get("content-type", ""))})


def routes(fake: FakeProvider) -> list[Route]:
    return [
        Route("/rest/storage/auth/token", storage_token, methods=["POST"]),
        Route("/cdn/v3/files/upload", cdn_upload, methods=["POST"]),
        Route("/queue/{rest:path}", queue, methods=["GET", "POST", "PUT"]),
    ]
