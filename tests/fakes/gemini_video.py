"""Fake Veo on the Gemini API: `:predictLongRunning`, operations polled until `done`, and the
video file download (key required) that redirects to storage on another origin (`localhost`
instead of `127.0.0.1`), as Google's download redirects to signed storage."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from .base import FakeProvider, fake_of
from .gemini import gemini_error
from .jobscript import job_of, new_job, publish_video

RAI_REASON = ("Your video couldn't be generated because it may violate our policies. This request has been "
              "blocked by our safety filters.")


async def predict_long_running(request: Request) -> Response:
    fake = fake_of(request)
    model = request.path_params["model"]
    body = await request.json()
    instances = body.get("instances") if isinstance(body, dict) else None
    if not instances or not isinstance(instances, list) or not instances[0].get("prompt"):
        return gemini_error(
            400, "INVALID_ARGUMENT", "* PredictLongRunningRequest.instances[0].prompt: is required"
        )
    image = instances[0].get("image")
    if image is not None and not (image.get("bytesBase64Encoded") and image.get("mimeType")):
        return gemini_error(400, "INVALID_ARGUMENT", "image needs bytesBase64Encoded and mimeType")
    job = new_job(fake, model, body, prefix="op")
    return JSONResponse({"name": f"models/{model}/operations/{job.id}"})


async def operation(request: Request) -> Response:
    fake = fake_of(request)
    model, op = request.path_params["model"], request.path_params["op"]
    job = job_of(fake, op)
    if job is None or job.endpoint != model:
        return gemini_error(404, "NOT_FOUND", f"Operation models/{model}/operations/{op} not found")
    name = f"models/{model}/operations/{op}"
    phase = job.advance(fake)
    if phase in ("queued", "running"):
        return JSONResponse({"name": name})
    if job.outcome == "content_policy":
        return JSONResponse({"name": name, "done": True, "response": {
            "@type": "type.googleapis.com/google.ai.generativelanguage.v1beta.PredictLongRunningResponse",
            "generateVideoResponse": {"raiMediaFilteredCount": 1, "raiMediaFilteredReasons": [RAI_REASON]}}})
    if job.outcome == "error":
        return JSONResponse(
            {"name": name, "done": True, "error": {"code": 13, "message": "Internal error encountered."}}
        )
    if "file" not in job.extra:
        url, _ = publish_video(fake, job)
        job.extra["file"] = url.rsplit("/", 1)[-1]
    uri = fake.url(f"/v1beta/files/{job.extra['file']}:download?alt=media")
    return JSONResponse({"name": name, "done": True, "response": {
        "@type": "type.googleapis.com/google.ai.generativelanguage.v1beta.PredictLongRunningResponse",
        "generateVideoResponse": {"generatedSamples": [{"video": {"uri": uri}}]}}})


async def download(request: Request) -> Response:
    fake = fake_of(request)
    name = request.path_params["file"]
    if name not in fake.files or request.query_params.get("alt") != "media":
        return gemini_error(404, "NOT_FOUND", f"File files/{name} not found")
    storage = fake.url(f"/cdn/{name}").replace("127.0.0.1", "localhost")
    return RedirectResponse(storage, 302)


def routes(fake: FakeProvider) -> list[Route]:
    return [
        Route("/v1beta/models/{model}:predictLongRunning", predict_long_running, methods=["POST"]),
        Route("/v1beta/models/{model}/operations/{op}", operation, methods=["GET"]),
        Route("/v1beta/files/{file}:download", download, methods=["GET"]),
    ]
