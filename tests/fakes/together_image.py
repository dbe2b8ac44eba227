"""Fake Together images: `POST /v1/images/generations` with `response_format` "base64" or "url" (the
default; served on the fake's CDN) and `output_format` jpeg (default) or png, sized by width and
height. OpenAI's "b64_json" value is rejected as Together does. A prompt containing "forbidden" gets
an NSFW error body. Every image the fake returns is appended to `fake.state["images"]`.
"""

from __future__ import annotations

import base64
import struct

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from . import samples
from .base import FakeProvider, fake_of
from .openai import openai_error

FIELDS = {
    "model",
    "prompt",
    "n",
    "width",
    "height",
    "steps",
    "seed",
    "negative_prompt",
    "guidance_scale",
    "image_url",
    "reference_images",
    "image_loras",
    "disable_safety_checker",
    "output_format",
    "response_format",
}


def image(fmt: str, width: int, height: int, index: int) -> bytes:
    if fmt == "png":
        return samples.png(width, height, (200, (50 * index) % 256, 20))
    comment = f"flux image {index}".encode()
    return (
        b"\xff\xd8\xff\xfe" + struct.pack(">H", len(comment) + 2) + comment + samples.jpeg(width, height)[2:]
    )


async def generations(request: Request) -> Response:
    fake = fake_of(request)
    body = await request.json()
    unknown = sorted(set(body) - FIELDS)
    if unknown:
        return openai_error(
            400, f"Unrecognized request argument supplied: {unknown[0]}", "invalid_request_error"
        )
    fmt, response_format = body.get("output_format", "jpeg"), body.get("response_format", "url")
    if response_format not in ("base64", "url"):
        return openai_error(400, f"Input validation error: response_format must be one of ['base64', 'url'], "
                            f"got {response_format!r}", "invalid_request_error")
    if fmt not in ("jpeg", "png"):
        return openai_error(
            400, "Input validation error: output_format must be 'jpeg' or 'png'", "invalid_request_error"
        )
    if "forbidden" in str(body.get("prompt", "")):
        return openai_error(
            422,
            "Potential NSFW content was detected in one or more images. Try again with a "
            "different prompt and/or seed.",
            "invalid_request_error",
        )
    width, height = int(body.get("width", 1024)), int(body.get("height", 1024))
    data = []
    for i in range(int(body.get("n") or 1)):
        img = image(fmt, width, height, i)
        fake.state.setdefault("images", []).append(img)
        if response_format == "base64":
            data.append({"index": i, "type": "b64_json", "b64_json": base64.b64encode(img).decode()})
        else:
            ext = "png" if fmt == "png" else "jpg"
            data.append({"index": i, "type": "url",
                         "url": fake.publish(f"shrt/{len(fake.files)}.{ext}", img, f"image/{fmt}")})
    return JSONResponse({"id": "fake-img-1", "model": body.get("model"), "object": "list", "data": data})


def routes(fake: FakeProvider) -> list[Route]:
    return [Route("/v1/images/generations", generations, methods=["POST"])]
