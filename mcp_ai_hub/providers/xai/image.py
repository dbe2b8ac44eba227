"""xAI images: `POST /images/generations` with `{model, prompt, n, response_format, aspect_ratio?}`.
Output is JPEG, as `b64_json` (sometimes a `data:` URI) or a short-lived `url` (downloaded at once).
There is no size, quality, seed or negative prompt; grok-imagine models take `aspect_ratio`.
Moderation shows as an item with `respect_moderation: false`, or an error body mentioning it.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from ...capabilities import merge_options
from ...capabilities.image import (
    GENERATE_TIMEOUT,
    ImageRequest,
    ImageResult,
    nearest_ratio,
    refuse,
    refuse_unsupported,
    save_image,
)
from ...errors import ContentPolicy, ProviderBadRequest
from ...http import ProviderApi
from .. import openai_compat

if TYPE_CHECKING:
    from ...context import ProviderContext

RATIOS = ("1:1", "3:4", "4:3", "9:16", "16:9", "2:3", "3:2", "1:2", "2:1", "9:19.5", "19.5:9", "9:20", "20:9")
RESPONSE_FORMATS = ("b64_json", "url")
MODERATION = re.compile(r"moderation|content polic|safety|nsfw", re.IGNORECASE)
SAFETY_HINT = "xAI refused on content grounds; rephrase the prompt"


# xAI's error bodies, with moderation rejections as content_policy
API = ProviderApi("xai", openai_compat.bearer, openai_compat.refusing_parser(MODERATION, SAFETY_HINT))


def takes_aspect_ratio(model: str) -> bool:
    return model.startswith("grok-imagine")


def request_body(request: ImageRequest) -> dict[str, Any]:
    refuse_unsupported(request, "quality", "seed", "negative_prompt", "input_images",
                       hint="xAI image generation takes only a prompt, n and (grok-imagine) aspect_ratio")
    if request.output_format not in ("", "jpeg"):
        raise refuse(
            request,
            "output_format",
            why="xAI makes JPEG images only",
            hint="Leave output_format empty or jpeg",
        )
    body: dict[str, Any] = {"model": request.model, "prompt": request.prompt, "n": request.n,
                            "response_format": "b64_json"}
    if request.shape is not None:
        if not takes_aspect_ratio(request.model):
            raise refuse(
                request,
                "size" if request.size else "aspect_ratio",
                why=f"{request.model} makes one fixed size",
                hint="Leave size and aspect_ratio empty",
            )
        body["aspect_ratio"] = nearest_ratio(request, RATIOS)
    body = merge_options(body, request.provider_options)
    if body["response_format"] not in RESPONSE_FORMATS:
        raise refuse(request, "provider_options.response_format",
                     why=f"response_format must be one of {', '.join(RESPONSE_FORMATS)}")
    return body


async def generate(hub: ProviderContext, request: ImageRequest) -> ImageResult:
    client = hub.client("xai").using(API)
    body = request_body(request)
    response = await client.request("POST", "/images/generations", retry="generate", json=body,
                                    timeout=GENERATE_TIMEOUT)
    items = [i for i in client.json(response).get("data") or [] if isinstance(i, dict)]
    allowed = [
        i for i in items if i.get("respect_moderation") is not False and (i.get("b64_json") or i.get("url"))
    ]
    blocked = sum(1 for i in items if i.get("respect_moderation") is False)
    if not allowed:
        if blocked:
            raise ContentPolicy(
                f"xAI moderation withheld {'the image' if blocked == 1 else f'all {blocked} images'}",
                provider="xai",
                hint=SAFETY_HINT,
            )
        raise ProviderBadRequest(
            "xAI returned no images", provider="xai", hint="Try again, or rephrase the prompt"
        )
    images = [
        await save_image(
            hub, "xai", b64=i.get("b64_json") or "", url=i.get("url") or "", mime_hint="image/jpeg"
        )
        for i in allowed
    ]
    notes = list(request.notes)
    if blocked:
        notes.append(f"xAI moderation withheld {blocked} of {len(items)} images")
    revised = next((i["revised_prompt"] for i in allowed if i.get("revised_prompt")), None)
    return ImageResult(images, revised, notes)
