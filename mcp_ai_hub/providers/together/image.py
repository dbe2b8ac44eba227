"""Together images: `POST /images/generations` with `{model, prompt, n, width, height, steps, seed,
negative_prompt, output_format, response_format}`; `response_format` is `"base64"` or `"url"` here
(not OpenAI's `b64_json`), and the answer is `data[] = {index, type: "b64_json"|"url", b64_json|url}`.
Input images go as `image_url` (the first) and `reference_images` (the rest); local files as data URIs.
Safety-checker rejections come back as error bodies that mention NSFW or the safety checker.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from ...capabilities import merge_options
from ...capabilities.image import (
    GENERATE_TIMEOUT,
    ImageRequest,
    ImageResult,
    refuse,
    refuse_unsupported,
    save_image,
    size_for_ratio,
)
from ...errors import ProviderBadRequest
from ...http import ProviderApi
from .. import openai_compat

if TYPE_CHECKING:
    from ...context import ProviderContext

RESPONSE_FORMATS = ("base64", "url")
OUTPUT_FORMATS = ("jpeg", "png")
MAX_INPUT_BYTES = 20 * 1024 * 1024
SAFETY = re.compile(r"nsfw|safety|content polic|moderation", re.IGNORECASE)
SAFETY_HINT = "Together's safety checker refused; rephrase the prompt"


# Together's `{"error": {...}}` bodies, with safety-checker rejections as content_policy
API = ProviderApi("together", openai_compat.bearer, openai_compat.refusing_parser(SAFETY, SAFETY_HINT))


async def request_body(hub: ProviderContext, request: ImageRequest) -> dict[str, Any]:
    refuse_unsupported(
        request, "quality", hint="Together has no quality setting; set steps in provider_options"
    )
    if request.output_format and request.output_format not in OUTPUT_FORMATS:
        raise refuse(request, "output_format", why=f"Together makes jpeg or png, not {request.output_format}")
    body: dict[str, Any] = {"model": request.model, "prompt": request.prompt, "n": request.n,
                            "response_format": "base64"}
    if request.size:
        body["width"], body["height"] = request.size
    elif request.aspect_ratio:
        body["width"], body["height"] = size_for_ratio(request.aspect_ratio)
        request.notes.append(f"aspect_ratio {request.aspect_ratio[0]}:{request.aspect_ratio[1]} sent as "
                             f"{body['width']}x{body['height']}")
    if request.seed is not None:
        body["seed"] = request.seed
    if request.negative_prompt:
        body["negative_prompt"] = request.negative_prompt
    if request.output_format:
        body["output_format"] = request.output_format
    urls = [
        item.url if item.is_url else await item.data_uri(hub.http, MAX_INPUT_BYTES)
        for item in request.input_images
    ]
    if urls:
        body["image_url"] = urls[0]
    if len(urls) > 1:
        body["reference_images"] = urls[1:]
    body = merge_options(body, request.provider_options)
    if body["response_format"] not in RESPONSE_FORMATS:
        raise refuse(request, "provider_options.response_format",
                     why=f"Together's response_format is one of {', '.join(RESPONSE_FORMATS)}")
    return body


async def generate(hub: ProviderContext, request: ImageRequest) -> ImageResult:
    client = hub.client("together").using(API)
    body = await request_body(hub, request)
    response = await client.request("POST", "/images/generations", retry="generate", json=body,
                                    timeout=GENERATE_TIMEOUT)
    items = sorted((i for i in client.json(response).get("data") or [] if isinstance(i, dict)),
                   key=lambda i: i.get("index", 0))
    if not any(i.get("b64_json") or i.get("url") for i in items):
        raise ProviderBadRequest("Together returned no images", provider="together",
                                 hint="Try again, or rephrase the prompt")
    mime = f"image/{body.get('output_format') or 'jpeg'}"
    images = [
        await save_image(hub, "together", b64=i.get("b64_json") or "", url=i.get("url") or "", mime_hint=mime)
        for i in items
        if i.get("b64_json") or i.get("url")
    ]
    return ImageResult(images, None, list(request.notes))
