"""OpenAI images: `POST /images/generations` (JSON) and, with input images, `POST /images/edits`
(multipart, local files streamed from disk). GPT image models answer with `b64_json`; a `url`
(legacy DALL-E) is downloaded. Safety refusals arrive as `moderation_blocked` /
`content_policy_violation` error codes, which `openai_compat.parse_error` maps to content_policy.

Per model, as the openai SDK 3.63 ImageGenerateParams / ImageEditParams describe them:
- gpt-image-2* take any `size` WIDTHxHEIGHT with both sides multiples of 16, a shape between 1:3
  and 3:1 and at most 3840x2160 pixels (above 2560x1440 is experimental); gpt-image-1* take only
  1024x1024, 1536x1024 and 1024x1536.
- `quality` low/medium/high/auto; gpt-image-2.5* also xhigh and max.
- provider_options checked before sending: `background` transparent/opaque/auto (transparent needs
  png or webp), `moderation` low/auto, `output_compression` 0-100 (webp or jpeg only), `complexity`
  low/medium/high; `input_fidelity` (edits) high/low, never on gpt-image-2*, which refuse it.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from ...capabilities import merge_options
from ...capabilities.image import (
    GENERATE_TIMEOUT,
    ImageRequest,
    ImageResult,
    refuse,
    refuse_unsupported,
    save_image,
)
from ...errors import InvalidArgument, ProviderBadRequest
from ...inputs import resolve_input
from ...multipart import FilePart, MultipartBody, file_part

if TYPE_CHECKING:
    from ...context import ProviderContext

STANDARD_SIZES = ("1024x1024", "1536x1024", "1024x1536")
QUALITIES = ("low", "medium", "high", "auto")
EXTRA_QUALITIES = ("xhigh", "max")  # gpt-image-2.5* only
MAX_PIXELS = 3840 * 2160
MAX_RATIO = 3.0
# provider_options the API takes only with these values
OPTION_VALUES = {"background": ("transparent", "opaque", "auto"), "moderation": ("low", "auto"),
                 "complexity": ("low", "medium", "high"), "input_fidelity": ("high", "low")}
MAX_INPUT_IMAGES = 16
MAX_INPUT_BYTES = 50 * 1024 * 1024  # per image, as the API documents


def free_sizes(model: str) -> bool:
    """gpt-image-2 models take any WIDTHxHEIGHT (multiples of 16, sides within 3:1)."""
    return model.startswith("gpt-image-2")


def qualities(model: str) -> tuple[str, ...]:
    return QUALITIES + EXTRA_QUALITIES if model.startswith("gpt-image-2.5") else QUALITIES


def check_free_size(request: ImageRequest, w: int, h: int) -> None:
    """Refuse a WIDTHxHEIGHT gpt-image-2 cannot make."""
    why = ""
    if w % 16 or h % 16:
        why = f"{request.model} takes sizes whose sides are multiples of 16, not {w}x{h}"
    elif max(w, h) / min(w, h) > MAX_RATIO:
        why = f"{request.model} takes shapes between 1:3 and 3:1, not {w}x{h}"
    elif w * h > MAX_PIXELS:
        why = f"{request.model} makes at most 3840x2160 pixels, not {w}x{h}"
    if why:
        raise refuse(request, "size", why=why, hint="Use a size such as 1536x864, or aspect_ratio")


def check_options(request: ImageRequest, output_format: str) -> None:
    """Refuse provider_options values the model is documented to reject."""
    options = request.provider_options
    for name, allowed in OPTION_VALUES.items():
        if name in options and options[name] is not None and options[name] not in allowed:
            raise refuse(
                request, f"provider_options.{name}", why=f"{name} must be one of {', '.join(allowed)}"
            )
    if options.get("input_fidelity") is not None and free_sizes(request.model):
        raise refuse(request, "provider_options.input_fidelity",
                     why=f"{request.model} takes no input_fidelity (it always keeps input images faithfully)",
                     hint="Leave input_fidelity out")
    fmt = options.get("output_format") or output_format or "png"
    if options.get("background") == "transparent" and fmt not in ("png", "webp"):
        raise refuse(
            request,
            "provider_options.background",
            why=f"a transparent background needs png or webp, not {fmt}",
            hint="Set output_format to png or webp",
        )
    compression = options.get("output_compression")
    if compression is not None:
        if fmt not in ("webp", "jpeg"):
            raise refuse(request, "provider_options.output_compression",
                         why=f"output_compression applies to webp or jpeg output, not {fmt}")
        if not isinstance(compression, int) or isinstance(compression, bool) or not 0 <= compression <= 100:
            raise refuse(request, "provider_options.output_compression", why="output_compression is 0-100")


def size_field(request: ImageRequest) -> str | None:
    """The `size` value for the request's size or aspect ratio, or None to let the model choose."""
    model, shape = request.model, request.shape
    if shape is None:
        return None
    w, h = shape
    if request.size and free_sizes(model):
        check_free_size(request, w, h)
        return f"{w}x{h}"
    if request.size and f"{w}x{h}" in STANDARD_SIZES:
        return f"{w}x{h}"
    if request.size and not free_sizes(model):
        raise refuse(request, "size", why=f"{model} makes only {', '.join(STANDARD_SIZES)} images",
                     hint="Use one of those sizes, or aspect_ratio to pick the closest")
    if free_sizes(model):
        long_edge = 1536 if w != h else 1024
        if w >= h:
            size = (long_edge, max(16, round(long_edge * h / w / 16) * 16))
        else:
            size = (max(16, round(long_edge * w / h / 16) * 16), long_edge)
    else:
        size = (1536, 1024) if w / h > 1.1 else (1024, 1536) if w / h < 0.9 else (1024, 1024)
    chosen = f"{size[0]}x{size[1]}"
    if abs(size[0] / size[1] - w / h) / (w / h) > 0.02:
        request.notes.append(f"aspect_ratio {w}:{h} sent as size {chosen}, the closest shape {model} makes")
    return chosen


def common_fields(request: ImageRequest) -> dict[str, Any]:
    refuse_unsupported(
        request,
        "seed",
        "negative_prompt",
        hint="OpenAI image models have no seed or negative prompt; describe what to avoid in the prompt",
    )
    allowed = qualities(request.model)
    if request.quality and request.quality not in allowed:
        raise refuse(request, "quality", why=f"{request.model} takes quality {', '.join(allowed)}, not "
                     f"{request.quality!r}", hint=f"Use one of {', '.join(allowed)}")
    check_options(request, request.output_format)
    if request.provider_options.get("stream"):
        raise refuse(request, "provider_options.stream", why="streamed partial images are not supported",
                     hint="Leave stream out of provider_options")
    fields: dict[str, Any] = {"model": request.model, "prompt": request.prompt, "n": request.n}
    if (size := size_field(request)) is not None:
        fields["size"] = size
    if request.quality:
        fields["quality"] = request.quality
    if request.output_format:
        fields["output_format"] = request.output_format
    return fields


def _form_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dict, list)):
        return json.dumps(value)
    return str(value)


async def edit_body(hub: ProviderContext, request: ImageRequest) -> MultipartBody:
    """The multipart form of `images/edits`: the fields, `image` (or `image[]` for several), `mask`."""
    if len(request.input_images) > MAX_INPUT_IMAGES:
        raise refuse(request, "input_images", why=f"OpenAI edits take at most {MAX_INPUT_IMAGES} images")
    options = dict(request.provider_options)
    mask = options.pop("mask", None)
    fields = {**common_fields(request), **options}
    field = "image" if len(request.input_images) == 1 else "image[]"
    files: list[FilePart] = []
    for item in request.input_images:
        if item.size is not None and item.size > MAX_INPUT_BYTES:
            raise InvalidArgument(
                f"{item.source} is larger than OpenAI's {MAX_INPUT_BYTES // 2**20} MB limit"
            )
        files.append(await file_part(field, item, hub.http, MAX_INPUT_BYTES))
    if mask:
        if not isinstance(mask, str):
            raise InvalidArgument("provider_options.mask must be a path, URL or data URI of a PNG")
        files.append(
            await file_part("mask", resolve_input(mask, hub.settings, what="mask"), hub.http, MAX_INPUT_BYTES)
        )
    return MultipartBody([(k, _form_value(v)) for k, v in fields.items() if v is not None], files)


async def generate(hub: ProviderContext, request: ImageRequest) -> ImageResult:
    client = hub.client("openai")
    if request.input_images:
        body = await edit_body(hub, request)
        response = await client.request("POST", "/images/edits", retry="generate",
                                        content=body, headers=body.headers, timeout=GENERATE_TIMEOUT)
    else:
        payload = merge_options(common_fields(request), request.provider_options)
        response = await client.request("POST", "/images/generations", retry="generate",
                                        json=payload, timeout=GENERATE_TIMEOUT)
    data = client.json(response)
    items = data.get("data") or []
    if not items:
        raise ProviderBadRequest("OpenAI returned no images", provider="openai",
                                 hint="Try again, or rephrase the prompt")
    mime = f"image/{data.get('output_format') or request.output_format or 'png'}"
    images, revised = [], None
    for item in items:
        if item.get("b64_json"):
            images.append(await save_image(hub, "openai", b64=item["b64_json"], mime_hint=mime))
        elif item.get("url"):
            images.append(await save_image(hub, "openai", url=item["url"]))
        revised = revised or item.get("revised_prompt")
    return ImageResult(images, revised, list(request.notes))
