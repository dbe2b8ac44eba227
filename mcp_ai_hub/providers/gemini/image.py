"""Gemini images: the native image models (`gemini-3-pro-image`, `gemini-nano-banana-2.1`,
`gemini-3.1-flash-lite-image`) through `:generateContent` with `responseModalities` TEXT+IMAGE,
`imageConfig`, and input images as `inlineData` parts; the image arrives as an `inlineData` part.
A blocked prompt has `promptFeedback.blockReason`; a withheld image a `finishReason` such as SAFETY
or IMAGE_SAFETY.
Imagen (`:predict`) was shut down on the Gemini API on 2026-08-17; its ids are retired in the catalog.
"""

from __future__ import annotations

import base64
from typing import TYPE_CHECKING, Any

import anyio

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
from ...errors import ContentPolicy, HubError, InvalidArgument, ProviderBadRequest
from .api import base_url, model_path

if TYPE_CHECKING:
    from ...context import ProviderContext
    from ...http import ProviderClient

NATIVE_RATIOS = ("1:1", "2:3", "3:2", "3:4", "4:3", "4:5", "5:4", "9:16", "16:9", "21:9")
SIZED_MODELS = ("gemini-3-pro-image", "gemini-nano-banana")  # take imageConfig.imageSize 1K/2K/4K
MAX_IMAGES = 4
MAX_INLINE_BYTES = 20 * 1024 * 1024  # the whole request must stay under about 20 MB
SAFETY_FINISH = {
    "SAFETY",
    "IMAGE_SAFETY",
    "PROHIBITED_CONTENT",
    "BLOCKLIST",
    "SPII",
    "IMAGE_PROHIBITED_CONTENT",
}
SAFETY_HINT = "Gemini refused on safety grounds; rephrase the prompt or change the input image"


async def generate(hub: ProviderContext, request: ImageRequest) -> ImageResult:
    client = hub.client("gemini")
    if request.n > MAX_IMAGES:
        raise refuse(request, "n", why=f"Gemini makes at most {MAX_IMAGES} images per call")
    return await native(hub, client, request)


# --- native image models -----------------------------------------------------------------------


def image_size(request: ImageRequest) -> str | None:
    """`imageConfig.imageSize` for the models taking it (1K/2K/4K), from the longer side asked for."""
    if not request.size:
        return None
    edge = max(request.size)
    size = "1K" if edge <= 1408 else "2K" if edge <= 2816 else "4K"
    if not request.model.startswith(SIZED_MODELS):
        request.notes.append(
            f"{request.model} chooses its own resolution (about 1K); only the shape of size is used"
        )
        return None
    return None if size == "1K" else size


async def native_body(hub: ProviderContext, request: ImageRequest) -> dict[str, Any]:
    refuse_unsupported(
        request,
        "quality",
        "negative_prompt",
        "output_format",
        hint="Gemini image models take no quality, negative prompt or output format; say it in the prompt",
    )
    parts: list[dict[str, Any]] = [{"text": request.prompt}]
    total = 0
    for item in request.input_images:
        data = await item.read(hub.http, MAX_INLINE_BYTES)
        total += len(data)
        if total > MAX_INLINE_BYTES:
            raise InvalidArgument(
                f"input images total more than {MAX_INLINE_BYTES // 2**20} MB, Gemini's inline limit",
                hint="Use smaller images",
            )
        parts.append(
            {"inlineData": {"mimeType": item.mime_type, "data": base64.b64encode(data).decode("ascii")}}
        )
    config: dict[str, Any] = {"responseModalities": ["TEXT", "IMAGE"]}
    image_config: dict[str, Any] = {}
    if ratio := nearest_ratio(request, NATIVE_RATIOS):
        image_config["aspectRatio"] = ratio
    if size := image_size(request):
        image_config["imageSize"] = size
    if image_config:
        config["imageConfig"] = image_config
    if request.seed is not None:
        config["seed"] = request.seed
    body = {"contents": [{"role": "user", "parts": parts}], "generationConfig": config}
    return merge_options(body, request.provider_options)


async def native_once(
    hub: ProviderContext, client: ProviderClient, request: ImageRequest, body: dict[str, Any]
) -> tuple[list, list[str]]:
    """One generateContent call: the saved images and the model's text."""
    url = f"{base_url(hub.settings)}/{model_path(request.model)}:generateContent"
    response = await client.request("POST", url, retry="generate", json=body, timeout=GENERATE_TIMEOUT)
    data = client.json(response)
    feedback = data.get("promptFeedback") or {}
    if feedback.get("blockReason"):
        raise ContentPolicy(
            f"Gemini blocked the prompt ({feedback['blockReason']})", provider="gemini", hint=SAFETY_HINT
        )
    images, texts, finishes = [], [], []
    for candidate in data.get("candidates") or []:
        finishes.append(str(candidate.get("finishReason") or ""))
        for part in (candidate.get("content") or {}).get("parts") or []:
            inline = part.get("inlineData") or part.get("inline_data")
            if part.get("thought"):
                continue  # interim "thinking" drafts of gemini-3 image models
            if inline and str(inline.get("mimeType", inline.get("mime_type", ""))).startswith("image/"):
                images.append(
                    await save_image(
                        hub, "gemini", b64=inline.get("data", ""), mime_hint=inline.get("mimeType", "")
                    )
                )
            elif part.get("text"):
                texts.append(part["text"])
    if not images:
        said = f'; it said: "{" ".join(texts)[:300]}"' if texts else ""
        blocked = sorted(set(finishes) & SAFETY_FINISH)
        if blocked:
            message = next(
                (c.get("finishMessage") for c in data.get("candidates") or [] if c.get("finishMessage")), ""
            )
            raise ContentPolicy(
                f"Gemini withheld the image ({blocked[0]}){': ' + message if message else ''}",
                provider="gemini",
                hint=SAFETY_HINT,
            )
        raise ProviderBadRequest(
            f"Gemini returned no image (finish reason {finishes[0] if finishes else 'none'}){said}",
            provider="gemini",
            hint="Ask for an image explicitly in the prompt and try again",
        )
    return images, texts


async def native(hub: ProviderContext, client: ProviderClient, request: ImageRequest) -> ImageResult:
    """n images are n requests, run side by side; images already made are kept if another one fails."""
    body = await native_body(hub, request)
    results: list[tuple[list, list[str]]] = []
    errors: list[HubError] = []

    async def one(index: int) -> None:
        this = body
        if request.seed is not None and index:  # the same seed would make the same image n times
            this = merge_options(body, {"generationConfig": {"seed": request.seed + index}})
        try:
            results.append(await native_once(hub, client, request, this))
        except HubError as exc:
            errors.append(exc)

    async with anyio.create_task_group() as tg:
        for index in range(request.n):
            tg.start_soon(one, index)
    if not results:
        raise errors[0]
    notes = list(request.notes)
    if request.seed is not None and request.n > 1:
        notes.append(
            f"each image is its own request; seeds {request.seed} to {request.seed + request.n - 1} were used"
        )
    texts = list(dict.fromkeys(t for _, ts in results for t in ts))
    if texts:
        notes.append("Gemini said: " + " ".join(texts)[:1000])
    if errors:
        notes.append(f"{len(errors)} of {request.n} requests failed: {errors[0].render()}")
    return ImageResult([m for images, _ in results for m in images], None, notes)
