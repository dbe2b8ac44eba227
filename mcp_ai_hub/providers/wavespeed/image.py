"""WaveSpeed images: FLUX dev, Seedream 4.5, Nano Banana Pro (Gemini 3 Pro Image), GPT Image 1.5 and
any other WaveSpeed image model, run as predictions (`predictions.py`) as hub jobs.

Input, in the names WaveSpeed's image models share: `prompt`, `size` as "W*H" (WaveSpeed's own
form), `num_images`, `seed`, `output_format`, and `image` (FLUX takes one input image on the same
endpoint) or `images` (the `.../edit` endpoints): http(s) URLs are passed as they are, local files
and data URIs are uploaded through `media/upload/binary` first. `ENDPOINTS` says what each known
endpoint takes and where its editing lives; `capabilities/image.py` has the whole mapping.

Outputs are the prediction's `outputs` URLs, saved at once by the job manager. A prediction that
fails on WaveSpeed's content checker (`has_nsfw_contents`, an NSFW/sensitive-content error) fails
the job with [content_policy].
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ...capabilities import merge_options
from ...capabilities.image import (
    ImageJob,
    ImageRequest,
    count_field,
    flagged_images,
    nearest_ratio,
    refuse,
    refuse_unsupported,
    route_edit,
    size_for_ratio,
    unknown_model_fields,
)
from ...jobs.backend import JobSpec, summarize_input
from . import predictions
from .predictions import WaveSpeedPredictions

if TYPE_CHECKING:
    from ...context import ProviderContext


class WaveSpeedImagePredictions(WaveSpeedPredictions):
    """WaveSpeed predictions for image jobs, polled more often."""

    ref = "wavespeed.image"
    poll_interval = 0.5  # WaveSpeed FLUX answers in a second or two


BACKEND = WaveSpeedImagePredictions()


@dataclass(frozen=True)
class Endpoint:
    """What one WaveSpeed image endpoint takes."""

    size: str = "size"  # "size" ("W*H"), "sizes" (one of SIZES), "aspect_ratio" (+ `resolution` tier)
    pixels: int = 1024 * 1024  # the area of the size made for an aspect ratio
    sides: tuple[int, int] | None = None  # the smallest and largest side the model takes
    max_n: int = 1  # num_images; 1: one image a request, the field is not sent
    seed: bool = False
    formats: tuple[str, ...] = ()
    qualities: tuple[str, ...] = ()
    images: str = ""  # the field for input images here: "image" (one), "images", "" (none)
    edit: str = ""  # the endpoint taking input images, when it is another one
    needs_image: bool = False


SEEDREAM: dict[str, Any] = {"pixels": 2048 * 2048}
NANO_BANANA: dict[str, Any] = {"size": "aspect_ratio", "formats": ("png", "jpeg")}
GPT_IMAGE: dict[str, Any] = {"size": "sizes", "qualities": ("low", "medium", "high")}


def _with_edit(generate: str, edit: str, shape: dict[str, Any]) -> dict[str, Endpoint]:
    """A model's generation endpoint and the `.../edit` endpoint taking its input images (`images`)."""
    return {
        generate: Endpoint(**shape, edit=edit),
        edit: Endpoint(**shape, images="images", needs_image=True),
    }


ENDPOINTS: dict[str, Endpoint] = {
    "wavespeed-ai/flux-dev": Endpoint(
        sides=(512, 1536), max_n=4, seed=True, formats=("jpeg", "png"), images="image"
    ),
    **_with_edit("bytedance/seedream-v4.5", "bytedance/seedream-v4.5/edit", SEEDREAM),
    **_with_edit("bytedance/seedream-v5.0-lite", "bytedance/seedream-v5.0-lite/edit", SEEDREAM),
    **_with_edit("google/nano-banana-pro/text-to-image", "google/nano-banana-pro/edit", NANO_BANANA),
    **_with_edit("google/nano-banana-2/text-to-image", "google/nano-banana-2/edit", NANO_BANANA),
    **_with_edit("openai/gpt-image-1.5/text-to-image", "openai/gpt-image-1.5/edit", GPT_IMAGE),
    **_with_edit("openai/gpt-image-2/text-to-image", "openai/gpt-image-2/edit", GPT_IMAGE),
}
SIZES = ("1024*1024", "1536*1024", "1024*1536")  # GPT Image
RATIOS = ("1:1", "3:2", "2:3", "3:4", "4:3", "4:5", "5:4", "9:16", "16:9", "21:9")  # Nano Banana Pro
RESOLUTIONS = ((1024, "1k"), (2048, "2k"), (4096, "4k"))  # the longest side each tier makes


def star(width: int, height: int) -> str:
    return f"{width}*{height}"


def free_size(request: ImageRequest, spec: Endpoint, endpoint: str) -> str | None:
    """`size` "W*H": the pixels asked, or a size of the asked shape (within the model's sides)."""
    if request.size:
        width, height = request.size
        if spec.sides and not all(spec.sides[0] <= side <= spec.sides[1] for side in request.size):
            low, high = spec.sides
            raise refuse(
                request,
                "size",
                hint="Pick a size within that range",
                why=f"{endpoint} makes sides of {low} to {high} px, not {width}x{height}",
            )
        return star(width, height)
    if request.aspect_ratio is None:
        return None
    width, height = size_for_ratio(request.aspect_ratio, pixels=spec.pixels)
    if spec.sides and max(width, height) > spec.sides[1]:  # long shapes: shrink to the largest side
        scale = spec.sides[1] / max(width, height)
        width, height = (max(16, round(width * scale / 16) * 16), max(16, round(height * scale / 16) * 16))
    if spec.sides and min(width, height) < spec.sides[0]:
        raise refuse(
            request,
            "aspect_ratio",
            why=f"{endpoint} cannot make a shape as long as "
            f"{request.aspect_ratio[0]}:{request.aspect_ratio[1]}",
        )
    request.notes.append(
        f"aspect_ratio {request.aspect_ratio[0]}:{request.aspect_ratio[1]} sent as size {star(width, height)}"
    )
    return star(width, height)


def listed_size(request: ImageRequest, endpoint: str) -> str | None:
    """GPT Image's three sizes: the one asked, or the closest shape to the aspect ratio."""
    if request.size:
        if star(*request.size) not in SIZES:
            raise refuse(
                request,
                "size",
                hint="Use one of those sizes, or aspect_ratio to pick the closest",
                why=f"{endpoint} makes only 1024x1024, 1536x1024 or 1024x1536 images",
            )
        return star(*request.size)
    if request.aspect_ratio is None:
        return None
    w, h = request.aspect_ratio
    chosen = "1536*1024" if w / h > 1.1 else "1024*1536" if w / h < 0.9 else "1024*1024"
    cw, ch = (int(side) for side in chosen.split("*"))
    if abs(cw / ch - w / h) / (w / h) > 0.02:
        request.notes.append(f"aspect_ratio {w}:{h} sent as size {chosen}, the closest shape it makes")
    return chosen


def ratio_fields(request: ImageRequest) -> dict[str, str]:
    """Nano Banana Pro's `aspect_ratio`, and for a size the `resolution` tier covering it."""
    fields: dict[str, str] = {}
    if ratio := nearest_ratio(request, RATIOS):
        fields["aspect_ratio"] = ratio
    if request.size:
        longest = max(request.size)
        tier = next((name for side, name in RESOLUTIONS if longest <= side), RESOLUTIONS[-1][1])
        fields["resolution"] = tier
        request.notes.append(f"size {request.size[0]}x{request.size[1]} sent as resolution {tier}")
    return fields


def known_fields(request: ImageRequest, endpoint: str, spec: Endpoint) -> dict[str, Any]:
    """The input of a known endpoint, every parameter checked against what it takes."""
    refuse_unsupported(request, "negative_prompt", hint="Say what to avoid in the prompt")
    body: dict[str, Any] = {"prompt": request.prompt}
    if spec.size == "aspect_ratio":
        body.update(ratio_fields(request))
    else:
        size = listed_size(request, endpoint) if spec.size == "sizes" else free_size(request, spec, endpoint)
        if size:
            body["size"] = size
    if count_field(
        request,
        endpoint,
        spec.max_n,
        hint="Ask for n=1 (call again for more), or pick wavespeed-ai/flux-dev (up to 4)",
    ):
        body["num_images"] = request.n
    if request.seed is not None:
        if not spec.seed:
            raise refuse(request, "seed")
        body["seed"] = request.seed
    if request.quality and request.quality != "auto":
        if request.quality not in spec.qualities:
            raise refuse(
                request,
                "quality",
                why=f"{endpoint} takes no quality {request.quality!r}",
                hint=f"Use one of {', '.join(spec.qualities)}" if spec.qualities else "",
            )
        body["quality"] = request.quality
    if request.output_format:
        if request.output_format not in spec.formats:
            which = f"makes {' or '.join(spec.formats)}" if spec.formats else "has no output_format"
            raise refuse(request, "output_format", why=f"{endpoint} {which}, not {request.output_format}")
        body["output_format"] = request.output_format
    if spec.images == "image" and (count := len(request.input_images)) > 1:
        raise refuse(
            request,
            "input_images",
            why=f"{endpoint} takes one input image, not {count}",
            hint="Pass one image, or use bytedance/seedream-4.5 (several input images)",
        )
    if spec.needs_image and not request.input_images:
        raise refuse(
            request,
            "input_images",
            why=f"{endpoint} edits input images; input_images is required",
            hint="Pass the image(s) to edit, or pick a text-to-image model",
        )
    return body


def any_fields(request: ImageRequest) -> dict[str, Any]:
    """The input of an endpoint outside `ENDPOINTS`: every parameter given, under WaveSpeed's usual names."""
    body: dict[str, Any] = {"prompt": request.prompt}
    if size := free_size(request, Endpoint(), request.model):
        body["size"] = size
    return unknown_model_fields(
        request, body, "WaveSpeed", "size, num_images, seed, output_format, negative_prompt, quality, images"
    )


async def generate(hub: ProviderContext, request: ImageRequest) -> ImageJob:
    hub.key("wavespeed")
    endpoint, spec = route_edit(request, ENDPOINTS)
    body = known_fields(request, endpoint, spec) if spec else any_fields(request)
    field = spec.images if spec else "images"
    if request.input_images and not field:
        raise refuse(request, "input_images", why=f"{endpoint} does not take input images")
    urls = [await predictions.upload(hub, item) for item in request.input_images]  # after every check
    if urls:
        body[field] = urls[0] if field == "image" else urls
    body = merge_options(body, request.provider_options)
    job = JobSpec(BACKEND, endpoint, body, summary=summarize_input(body), notes=list(request.notes))
    return ImageJob(job, result_notes)


def result_notes(result: Any) -> list[str]:
    """Outputs WaveSpeed's checker flagged (`has_nsfw_contents`) in a completed prediction."""
    which = flagged_images(result.get("has_nsfw_contents") if isinstance(result, dict) else None)
    if not which:
        return []
    return [f"WaveSpeed's content checker flagged {which} (has_nsfw_contents); check it before use"]
