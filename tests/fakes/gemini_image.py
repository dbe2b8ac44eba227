"""Fake Gemini images: the native image models' `:generateContent` (routed only for model names
containing "image", so text models fall through to other routes).
Prompts steer refusals the way the real API answers them:
- "forbidden": a `promptFeedback.blockReason`.
- "withheld": generateContent returns a candidate with `finishReason: IMAGE_SAFETY` and no content.
Every image the fake makes is appended to `fake.state["images"]`.
"""

from __future__ import annotations

import base64

from starlette.convertors import Convertor, register_url_convertor
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from . import samples
from .base import FakeProvider, fake_of
from .gemini import gemini_error


class ImageModel(Convertor):
    regex = r"[^/:]*(?:image|nano-banana)[^/:]*"

    def convert(self, value: str) -> str:
        return value

    def to_string(self, value: str) -> str:
        return value


register_url_convertor("imagemodel", ImageModel())

IMAGEN_SIZES = {
    "1:1": (1024, 1024),
    "3:4": (896, 1280),
    "4:3": (1280, 896),
    "9:16": (768, 1408),
    "16:9": (1408, 768),
}
NATIVE_SIZES = {
    "1:1": (1024, 1024),
    "2:3": (832, 1248),
    "3:2": (1248, 832),
    "3:4": (864, 1184),
    "4:3": (1184, 864),
    "4:5": (896, 1152),
    "5:4": (1152, 896),
    "9:16": (768, 1344),
    "16:9": (1344, 768),
    "21:9": (1536, 672),
}
IMAGEN_PARAMETERS = {
    "sampleCount",
    "aspectRatio",
    "personGeneration",
    "sampleImageSize",
    "guidanceScale",
    "safetySetting",
    "includeRaiReason",
    "includeSafetyAttributes",
    "language",
    "outputOptions",
}
RAI_REASON = (
    "Your current safety filter threshold filtered out 1 generated images. You will not be charged for "
    "blocked images. Try rephrasing the prompt. Support codes: 56562880"
)
USAGE = {"promptTokenCount": 12, "candidatesTokenCount": 1290, "totalTokenCount": 1302}


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def image(fake: FakeProvider, mime: str, width: int, height: int) -> bytes:
    count = len(fake.state.setdefault("images", []))
    data = samples.png(width, height, (10, (30 * count) % 256, 90))
    if mime == "image/jpeg":
        data = samples.jpeg(width, height) + bytes([count])
    fake.state["images"].append(data)
    return data


async def generate_content(request: Request) -> Response:
    fake, model = fake_of(request), request.path_params["model"]
    body = await request.json()
    parts = body["contents"][-1]["parts"]
    prompt = " ".join(p["text"] for p in parts if "text" in p)
    fake.state.setdefault("inline_inputs", []).extend(
        (p["inlineData"]["mimeType"], base64.b64decode(p["inlineData"]["data"]))
        for p in parts
        if "inlineData" in p
    )
    config = body.get("generationConfig") or {}
    if "IMAGE" not in (config.get("responseModalities") or []):
        return gemini_error(
            400, "INVALID_ARGUMENT", "Model only supports text and image as response modalities."
        )
    image_config = config.get("imageConfig") or {}
    if "imageSize" in image_config and not model.startswith(("gemini-3-pro-image", "gemini-nano-banana")):
        return gemini_error(400, "INVALID_ARGUMENT", "Image size is not supported for this model.")
    envelope = {"usageMetadata": USAGE, "modelVersion": model, "responseId": "fake-response-1"}
    if "forbidden" in prompt:
        return JSONResponse({"promptFeedback": {"blockReason": "SAFETY", "safetyRatings": [
            {"category": "HARM_CATEGORY_DANGEROUS_CONTENT", "probability": "HIGH"}]}, **envelope})
    if "withheld" in prompt:
        return JSONResponse(
            {
                "candidates": [
                    {
                        "finishReason": "IMAGE_SAFETY",
                        "index": 0,
                        "finishMessage": "Unable to show the generated image.",
                    }
                ],
                **envelope,
            }
        )
    width, height = NATIVE_SIZES[image_config.get("aspectRatio", "1:1")]
    scale = {"2K": 2, "4K": 4}.get(image_config.get("imageSize", "1K"), 1)
    out_parts = []
    if model.startswith("gemini-3"):  # gemini-3 image models show interim drafts as thoughts
        draft = samples.png(8, 8, (1, 2, 3))
        out_parts.append({"inlineData": {"mimeType": "image/png", "data": b64(draft)}, "thought": True})
    out_parts.append({"text": "Here is the image you asked for."})
    out_parts.append({"inlineData": {"mimeType": "image/png",
                                     "data": b64(image(fake, "image/png", width * scale, height * scale))}})
    return JSONResponse(
        {
            "candidates": [
                {"content": {"role": "model", "parts": out_parts}, "finishReason": "STOP", "index": 0}
            ],
            **envelope,
        }
    )


def routes(fake: FakeProvider) -> list[Route]:
    return [Route("/v1beta/models/{model:imagemodel}:generateContent", generate_content, methods=["POST"])]

