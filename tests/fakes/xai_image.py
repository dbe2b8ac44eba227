"""Fake xAI images: `POST /v1/images/generations` answering JPEG as `url` (the default; served on the
fake's CDN) or `b64_json` (the first item as a `data:` URI, the rest bare). Unknown fields such as
`size` are rejected as xAI does. Prompts: "forbidden" gets a 400 moderation error body; "withheld"
marks every item `respect_moderation: false` without an image; "partly" withholds the first item.
Every image the fake returns is appended to `fake.state["images"]`.
"""

from __future__ import annotations

import base64
import struct

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from . import samples
from .base import FakeProvider, fake_of

FIELDS = {"model", "prompt", "n", "response_format", "user", "aspect_ratio"}
SIZES = {
    "1:1": (1024, 1024),
    "16:9": (1280, 720),
    "9:16": (720, 1280),
    "4:3": (1024, 768),
    "3:4": (768, 1024),
    "3:2": (1152, 768),
    "2:3": (768, 1152),
}


def xai_error(status: int, message: str) -> JSONResponse:
    return JSONResponse({"code": "Client specified an invalid argument", "error": message}, status)


def jpeg(index: int, width: int, height: int) -> bytes:
    comment = f"grok image {index}".encode()
    return (
        b"\xff\xd8\xff\xfe" + struct.pack(">H", len(comment) + 2) + comment + samples.jpeg(width, height)[2:]
    )


async def generations(request: Request) -> Response:
    fake = fake_of(request)
    body = await request.json()
    unknown = sorted(set(body) - FIELDS)
    if unknown:
        return xai_error(400, f"Argument not supported: {unknown[0]}")
    model, prompt = str(body.get("model", "")), str(body.get("prompt", ""))
    if "aspect_ratio" in body and not model.startswith("grok-imagine"):
        return xai_error(400, f"Argument not supported on model {model}: aspect_ratio")
    if "forbidden" in prompt:
        return xai_error(400, "Generated image rejected by content moderation.")
    fmt = body.get("response_format") or "url"
    width, height = SIZES.get(body.get("aspect_ratio", ""), (1024, 768))
    data = []
    for i in range(int(body.get("n") or 1)):
        if "withheld" in prompt or ("partly" in prompt and i == 0):
            data.append({"url": "", "revised_prompt": "", "respect_moderation": False})
            continue
        img = jpeg(i, width, height)
        fake.state.setdefault("images", []).append(img)
        item = {"revised_prompt": f"A detailed rendering of {prompt}", "respect_moderation": True}
        if fmt == "b64_json":
            encoded = base64.b64encode(img).decode()
            item["b64_json"] = f"data:image/jpeg;base64,{encoded}" if i == 0 else encoded
        else:
            item["url"] = fake.publish(f"xai-tmp/img-{len(fake.files)}.jpg", img, "image/jpeg")
        data.append(item)
    return JSONResponse({"data": data})


def routes(fake: FakeProvider) -> list[Route]:
    return [Route("/v1/images/generations", generations, methods=["POST"])]
