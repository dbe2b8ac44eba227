"""fal images: the FLUX family (dev, schnell, pro 1.1, FLUX.2 max and flash, Kontext, LoRA,
image-to-image) and any other fal image endpoint, run through the queue (`queue.py`) as hub jobs.

Input, in the names fal's image models share: `prompt`, `image_size` (an enum such as
`landscape_4_3` when the asked shape is one, else `{width, height}`), `num_images`, `seed`,
`output_format`, and `image_url` (one input image) or `image_urls` (several): http(s) URLs are
passed as they are, local files and data URIs are uploaded to fal storage first. `ENDPOINTS` says
what each known endpoint takes, and where a model's editing lives (flux/dev edits at
flux/dev/image-to-image, FLUX.2 at `.../edit`); `capabilities/image.py` has the whole mapping.

Outputs are `images[].url` on fal's CDN, saved at once by the job manager. A request fal refuses
(`content_policy_violation`) fails the job with [content_policy]. FLUX's safety checker does not
fail a request: it blanks the image and sets `has_nsfw_concepts`, which `result_notes` reports.
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
from . import storage
from .queue import FalQueue

if TYPE_CHECKING:
    from ...context import ProviderContext


class FalImageQueue(FalQueue):
    """The fal queue for image jobs, polled more often."""

    ref = "fal.image"
    poll_interval = 0.5  # FLUX images take seconds, not minutes


BACKEND = FalImageQueue()


@dataclass(frozen=True)
class Endpoint:
    """What one fal image endpoint takes."""

    size: str = "image_size"  # "image_size", "resolution_mode" (closest ratio), "" (keeps the input's size)
    max_n: int = 4  # num_images; 1: one image a request, the field is not sent
    formats: tuple[str, ...] = ("jpeg", "png")
    images: str = ""  # the field for input images here: "image_url" (one), "image_urls", "" (none)
    edit: str = ""  # the endpoint taking input images, when it is another one
    needs_image: bool = False


FLUX2_FORMATS = ("jpeg", "png", "webp")
ENDPOINTS: dict[str, Endpoint] = {
    "fal-ai/flux/dev": Endpoint(edit="fal-ai/flux/dev/image-to-image"),
    "fal-ai/flux/schnell": Endpoint(),
    "fal-ai/flux-pro/v1.1": Endpoint(),
    "fal-ai/flux-lora": Endpoint(edit="fal-ai/flux-lora/image-to-image"),
    "fal-ai/flux/dev/image-to-image": Endpoint(size="", images="image_url", needs_image=True),
    "fal-ai/flux-lora/image-to-image": Endpoint(size="", images="image_url", needs_image=True),
    "fal-ai/flux-kontext/dev": Endpoint(size="resolution_mode", images="image_url", needs_image=True),
    "fal-ai/flux-2-max": Endpoint(max_n=1, edit="fal-ai/flux-2-max/edit"),
    "fal-ai/flux-2-max/edit": Endpoint(max_n=1, images="image_urls", needs_image=True),
    "fal-ai/flux-2-pro": Endpoint(max_n=1, edit="fal-ai/flux-2-pro/edit"),
    "fal-ai/flux-2-pro/edit": Endpoint(max_n=1, images="image_urls", needs_image=True),
    "fal-ai/flux-2/flash": Endpoint(formats=FLUX2_FORMATS, edit="fal-ai/flux-2/flash/edit"),
    "fal-ai/flux-2/flash/edit": Endpoint(formats=FLUX2_FORMATS, images="image_urls", needs_image=True),
}
# fal's named sizes, by shape (square_hd is 1024x1024, landscape_4_3 1024x768, ...)
SIZE_NAMES = {(1, 1): "square_hd", (4, 3): "landscape_4_3", (3, 4): "portrait_4_3", (16, 9): "landscape_16_9",
              (9, 16): "portrait_16_9"}
KONTEXT_RATIOS = ("21:9", "16:9", "4:3", "3:2", "1:1", "2:3", "3:4", "9:16", "9:21")


def image_size(request: ImageRequest) -> str | dict[str, int] | None:
    """`image_size`: the exact pixels asked, a named size for a shape fal names, else ~1 MP."""
    if request.size:
        return {"width": request.size[0], "height": request.size[1]}
    if request.aspect_ratio is None:
        return None
    if name := SIZE_NAMES.get(request.aspect_ratio):
        return name
    width, height = size_for_ratio(request.aspect_ratio)
    w, h = request.aspect_ratio
    request.notes.append(f"aspect_ratio {w}:{h} sent as image_size {width}x{height}")
    return {"width": width, "height": height}


def known_fields(request: ImageRequest, endpoint: str, spec: Endpoint) -> dict[str, Any]:
    """The input of a known endpoint, every parameter checked against what it takes."""
    refuse_unsupported(request, "quality", "negative_prompt",
                       hint="FLUX on fal has neither; set num_inference_steps or guidance_scale in "
                            "provider_options, and say what to avoid in the prompt")
    body: dict[str, Any] = {"prompt": request.prompt}
    if spec.size == "image_size":
        if (size := image_size(request)) is not None:
            body["image_size"] = size
    elif spec.size == "resolution_mode":
        if ratio := nearest_ratio(request, KONTEXT_RATIOS):
            body["resolution_mode"] = ratio
    elif request.shape:
        raise refuse(request, "size" if request.size else "aspect_ratio",
                     why=f"{endpoint} keeps the input image's size",
                     hint="Leave size and aspect_ratio empty, or resize the input image")
    if count_field(request, endpoint, spec.max_n,
                   hint="Ask for n=1 (call again for more), or pick fal-ai/flux-2/flash or fal-ai/flux/dev"):
        body["num_images"] = request.n
    if request.seed is not None:
        body["seed"] = request.seed
    if request.output_format:
        if request.output_format not in spec.formats:
            raise refuse(request, "output_format", why=f"{endpoint} makes {' or '.join(spec.formats)}, "
                                                        f"not {request.output_format}")
        body["output_format"] = request.output_format
    if request.input_images and not spec.images:
        raise refuse(request, "input_images", why=f"{endpoint} does not take input images",
                     hint="Use fal-ai/flux/dev, fal-ai/flux-kontext or fal-ai/flux-2-max to edit images")
    count = len(request.input_images)
    if spec.images == "image_url" and count > 1:
        raise refuse(request, "input_images", why=f"{endpoint} takes one input image, not {count}",
                     hint="Pass one image, or use fal-ai/flux-2-max (several input images)")
    if spec.needs_image and not count:
        raise refuse(request, "input_images",
                     why=f"{endpoint} transforms an input image; input_images is required",
                     hint="Pass the image to start from (a local path, URL or data URI), or pick a "
                          "text-to-image model")
    return body


def any_fields(request: ImageRequest) -> dict[str, Any]:
    """The input of an endpoint outside `ENDPOINTS`: every parameter given, under fal's usual names."""
    body: dict[str, Any] = {"prompt": request.prompt}
    if (size := image_size(request)) is not None:
        body["image_size"] = size
    return unknown_model_fields(request, body, "fal", "image_size, num_images, seed, output_format, "
                                "negative_prompt, quality, image_url(s)")


async def generate(hub: ProviderContext, request: ImageRequest) -> ImageJob:
    hub.key("fal")
    endpoint, spec = route_edit(request, ENDPOINTS)
    body = known_fields(request, endpoint, spec) if spec else any_fields(request)
    field = spec.images if spec else ("image_url" if len(request.input_images) == 1 else "image_urls")
    urls = [await storage.upload(hub, item) for item in request.input_images]  # after every check
    if urls:
        body[field] = urls[0] if field == "image_url" else urls
    body = merge_options(body, request.provider_options)
    job = JobSpec(BACKEND, endpoint, body, summary=summarize_input(body), notes=list(request.notes))
    return ImageJob(job, result_notes)


def result_notes(result: Any) -> list[str]:
    """Images FLUX's safety checker blanked (`has_nsfw_concepts`)."""
    which = flagged_images(result.get("has_nsfw_concepts") if isinstance(result, dict) else None)
    if not which:
        return []
    return [f"fal's safety checker flagged {which} (has_nsfw_concepts): likely blank; rephrase the prompt"]
