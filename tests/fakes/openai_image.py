"""Fake OpenAI images: `POST /v1/images/generations` (JSON) and `POST /v1/images/edits` (multipart,
parsed by Starlette's form parser), answering as GPT image models do (`b64_json` only). A prompt
containing "forbidden" is refused with the real `moderation_blocked` error body. Every image the
fake makes is appended to `fake.state["images"]`.
"""

from __future__ import annotations

import base64
import struct
import time

from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from . import samples
from .base import FakeProvider, fake_of
from .openai import openai_error

STANDARD_SIZES = {"1024x1024", "1536x1024", "1024x1536"}
KNOWN_FIELDS = {
    "prompt",
    "model",
    "n",
    "size",
    "quality",
    "output_format",
    "output_compression",
    "background",
    "moderation",
    "stream",
    "partial_images",
    "user",
    "response_format",
    "style",
    "input_fidelity",
    "mask",
    "image",
    "image[]",
    "complexity",
    "safety_identifier",
    "frame_count",
    "frame_duration_ms",
    "svg",
    "markup",
}
QUALITIES = {"low", "medium", "high", "auto"}
# openai SDK 3.63 ImageGenerateParams: only gpt-image-2.5* take these qualities
EXTRA_QUALITIES = {"xhigh", "max"}


def _free_size_problem(size: str) -> str:
    w, h = map(int, size.split("x"))
    if w % 16 or h % 16:
        return f"Invalid size '{size}'. Width and height must both be divisible by 16."
    if max(w, h) / min(w, h) > 3:
        return f"Invalid size '{size}'. The aspect ratio must be between 1:3 and 3:1."
    if w * h > 3840 * 2160:
        return f"Invalid size '{size}'. The maximum supported resolution is 3840x2160."
    return ""


def _gpt_image_problem(fields: dict) -> tuple[str, str]:
    """(message, param) for a field value the GPT image models reject, else ("", "")."""
    model = str(fields["model"])
    quality = fields.get("quality")
    allowed = QUALITIES | (EXTRA_QUALITIES if model.startswith("gpt-image-2.5") else set())
    if quality is not None and quality not in allowed:
        return f"Invalid value: '{quality}'. Supported values are: {', '.join(sorted(allowed))}.", "quality"
    if model.startswith("gpt-image-2") and fields.get("input_fidelity") is not None:
        return f"input_fidelity is not supported for {model}.", "input_fidelity"
    fmt = str(fields.get("output_format") or "png")
    if fields.get("background") == "transparent" and fmt not in ("png", "webp"):
        return "Transparent background requires output_format png or webp.", "background"
    if fields.get("output_compression") is not None and fmt not in ("webp", "jpeg"):
        return "output_compression is only supported for webp and jpeg.", "output_compression"
    if fields.get("moderation") not in (None, "low", "auto"):
        return (
            f"Invalid value: '{fields['moderation']}'. Supported values are: 'low' and 'auto'.",
            "moderation",
        )
    return "", ""


def make_image(fmt: str, width: int, height: int, index: int) -> bytes:
    """A small real image whose bytes differ per index."""
    if fmt == "jpeg":
        comment = f"fake image {index}".encode()
        return (
            b"\xff\xd8\xff\xfe"
            + struct.pack(">H", len(comment) + 2)
            + comment
            + samples.jpeg(width, height)[2:]
        )
    if fmt == "webp":
        return samples.webp(width, height) + bytes([index])
    return samples.png(width, height, ((40 * index) % 256, 120, 200))


def moderation_blocked() -> JSONResponse:
    return openai_error(
        400,
        "Your request was rejected as a result of our safety system. Your request may contain "
        "content that is not allowed by our safety system.",
        "image_generation_user_error",
        "moderation_blocked",
    )


def images_response(fake: FakeProvider, fields: dict) -> Response:
    unknown = sorted(set(fields) - KNOWN_FIELDS)
    if unknown:
        return openai_error(
            400,
            f"Unknown parameter: '{unknown[0]}'.",
            "invalid_request_error",
            "unknown_parameter",
            unknown[0],
        )
    if not fields.get("prompt") or not fields.get("model"):
        return openai_error(
            400,
            "Missing required parameter: 'prompt'.",
            "invalid_request_error",
            "missing_required_parameter",
        )
    if "forbidden" in fields["prompt"]:
        return moderation_blocked()
    problem, param = _gpt_image_problem(fields)
    if problem:
        return openai_error(400, problem, "invalid_request_error", "invalid_value", param)
    size = str(fields.get("size") or "auto")
    if size != "auto" and size not in STANDARD_SIZES and not str(fields["model"]).startswith("gpt-image-2"):
        return openai_error(400, f"Invalid value: '{size}'. Supported values are: '1024x1024', '1024x1536', "
                            "'1536x1024', and 'auto'.", "invalid_request_error", "invalid_value", "size")
    if size != "auto" and (problem := _free_size_problem(size)):
        return openai_error(400, problem, "invalid_request_error", "invalid_value", "size")
    width, height = (1024, 1024) if size == "auto" else map(int, size.split("x"))
    fmt = str(fields.get("output_format") or "png")
    n = int(fields.get("n") or 1)
    images = [make_image(fmt, width, height, i) for i in range(n)]
    fake.state.setdefault("images", []).extend(images)
    return JSONResponse(
        {
            "created": int(time.time()),
            "data": [{"b64_json": base64.b64encode(img).decode()} for img in images],
            "background": "opaque",
            "output_format": fmt,
            "size": f"{width}x{height}",
            "quality": {"auto": "medium", "": "medium"}.get(
                str(fields.get("quality") or ""), fields.get("quality")
            ),
            "usage": {
                "input_tokens": 50,
                "input_tokens_details": {"image_tokens": 40, "text_tokens": 10},
                "output_tokens": 4160 * n,
                "total_tokens": 50 + 4160 * n,
            },
        }
    )


async def generations(request: Request) -> Response:
    return images_response(fake_of(request), await request.json())


async def edits(request: Request) -> Response:
    fake = fake_of(request)
    form = await request.form()
    files = [v for k in ("image", "image[]") for v in form.getlist(k) if isinstance(v, UploadFile)]
    if not files:
        return openai_error(400, "Missing required parameter: 'image'.", "invalid_request_error",
                            "missing_required_parameter", "image")
    fake.state["edit_inputs"] = [(f.filename, f.content_type, await f.read()) for f in files]
    fields = {k: v for k, v in form.multi_items() if not isinstance(v, UploadFile)}
    fields.update({k: "<file>" for k, v in form.multi_items() if isinstance(v, UploadFile)})
    return images_response(fake, fields)


def routes(fake: FakeProvider) -> list[Route]:
    return [Route("/v1/images/generations", generations, methods=["POST"]),
            Route("/v1/images/edits", edits, methods=["POST"])]
