"""Image generation: the request and result types, the `ImageGenerator` Protocol every provider's
`image` module follows, and the parameter mapping the providers share (sizes, aspect ratios,
refusals, provider_options merging, saving outputs).

A provider module answers a request with either the images it made (`ImageResult`) or, for
queue-based providers (fal, WaveSpeed), an `ImageJob`: the `JobSpec` to start as a hub job, which
the tool then runs and waits on for up to `wait_seconds` (the same result shape once it succeeds).

How each contract parameter reaches each provider. "refused" means an `[invalid_argument]` error
naming the provider and the parameter; nothing is silently dropped, and every approximation made
by a mapping is reported in the result's `notes`.

openai:
- size: `size` (gpt-image-2*: any WxH in multiples of 16; retired gpt-image-1*: 3 sizes); aspect_ratio: a
  `size` of that shape; n: `n` (1-10); quality: `quality` low/medium/high/auto; input_images:
  `images/edits` multipart (1-16); output_format: `output_format` png/jpeg/webp; provider_options:
  merged into the JSON body (edits: form fields; `mask` a file); seed, negative_prompt: refused.
gemini (*-image*, nano-banana):
- size: `imageConfig.aspectRatio` (nearest) + `imageSize` 2K/4K (Pro, Nano Banana); aspect_ratio:
  `imageConfig.aspectRatio`; n: n parallel requests (1-4); seed: `generationConfig.seed`;
  input_images: `inlineData` parts; quality, negative_prompt, output_format: refused.
xai:
- size: `aspect_ratio` (nearest); aspect_ratio: `aspect_ratio`; n: `n` (1-10); output_format: jpeg
  only; quality, seed, negative_prompt, input_images: refused.
together:
- size: `width`, `height`; aspect_ratio: `width`/`height` of ~1 MP; n: `n`; seed: `seed`;
  negative_prompt: `negative_prompt`; input_images: `image_url` + `reference_images`;
  output_format: `output_format` png/jpeg; quality: refused (use provider_options steps).
Every provider merges provider_options into the request body.

The queue-based providers run as hub jobs; input images that are URLs are passed as given, local
files and data URIs are uploaded first (fal storage; WaveSpeed `media/upload/binary`).

fal (the catalog's FLUX models; `fal-ai/flux-kontext` is `fal-ai/flux-kontext/dev` on the wire):
- size: `image_size` {width, height}; Kontext: `resolution_mode`, the nearest ratio;
  flux/dev/image-to-image keeps the input's size (refused).
- aspect_ratio: a named `image_size` (square_hd, landscape_4_3, portrait_4_3, landscape_16_9,
  portrait_16_9), else {width, height} of ~1 MP; Kontext: `resolution_mode`.
- n: `num_images` 1-4; flux-2-max makes one image a request (refused above 1).
- quality, negative_prompt: refused (num_inference_steps, guidance_scale via provider_options).
- seed: `seed`. output_format: `output_format` jpeg/png (FLUX.2 flash also webp).
- input_images: flux/dev and flux-lora switch to `.../image-to-image` (`image_url`, one image),
  flux-2-max and flux-2/flash to `.../edit` (`image_urls`); Kontext takes `image_url` (required);
  schnell and pro/v1.1 refuse them.

WaveSpeed (`size` is "W*H"; negative_prompt is refused by every model here):
- wavespeed-ai/flux-dev: `size` (512-1536 a side; an aspect ratio gets ~1 MP), `num_images` 1-4,
  `seed`, `output_format` jpeg/png, one input image as `image`.
- bytedance/seedream-4.5 (`bytedance/seedream-v4.5`): `size` (an aspect ratio gets ~4 MP); input
  images go to `.../edit` as `images`; n above 1, seed and output_format refused.
- google/gemini-3-pro-image (`google/nano-banana-pro/text-to-image`): `aspect_ratio` (nearest; a
  size also sets `resolution` 1k/2k/4k), `output_format` png/jpeg; input images go to
  `google/nano-banana-pro/edit` as `images`; n above 1 and seed refused.
- openai/gpt-image-1.5 (`.../text-to-image`): `size` 1024*1024, 1536*1024 or 1024*1536 (an aspect
  ratio picks the closest), `quality` low/medium/high; input images go to `.../edit` as `images`;
  n above 1, seed and output_format refused.

Any other fal or WaveSpeed id gets each parameter given under the aggregator's usual name (fal:
`image_size`, `num_images`, `seed`, `output_format`, `negative_prompt`, `quality`, `image_url` for
one input image or `image_urls` for several; WaveSpeed: `size` "W*H", `num_images`, `seed`,
`output_format`, `negative_prompt`, `quality`, `images`); the model's own schema decides, and a
note says so. A refusal by the provider's safety checker fails the job with [content_policy]; an
image blanked by fal's checker (`has_nsfw_concepts`) is saved and named in a note.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

import httpx2

from ..errors import InvalidArgument
from ..inputs import InputFile, resolve_input
from . import caller_options, not_taken

if TYPE_CHECKING:
    from ..catalog import Catalog, Resolved
    from ..config import Settings
    from ..context import ProviderContext
    from ..jobs.backend import JobSpec
    from ..media import Media

OUTPUT_FORMATS = ("png", "jpeg", "webp")
MAX_N = 10
MAX_WAIT_SECONDS = 3600
DEFAULT_WAIT_SECONDS = 120
RATIO_TOLERANCE = 0.05  # relative difference accepted when mapping a shape onto a provider's ratio list
# image generation can take minutes at high quality; the read timeout covers the whole wait
GENERATE_TIMEOUT = httpx2.Timeout(connect=10.0, read=300.0, write=120.0, pool=10.0)


@dataclass
class ImageRequest:
    """A validated generate_image call; provider modules map it onto their wire format."""

    prompt: str
    resolved: Resolved
    size: tuple[int, int] | None = None
    aspect_ratio: tuple[int, int] | None = None
    n: int = 1
    quality: str = ""
    seed: int | None = None
    negative_prompt: str = ""
    input_images: list[InputFile] = field(default_factory=list)
    output_format: str = ""
    wait_seconds: float = DEFAULT_WAIT_SECONDS
    provider_options: dict[str, Any] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)  # mappings that approximated what was asked

    @property
    def provider(self) -> str:
        return self.resolved.provider

    @property
    def model(self) -> str:
        """The id sent on the wire."""
        return self.resolved.wire_id

    @property
    def shape(self) -> tuple[int, int] | None:
        """The requested width:height, from aspect_ratio or size."""
        return self.aspect_ratio or self.size


@dataclass
class ImageResult:
    """Images a provider made and saved."""

    images: list[Media]
    revised_prompt: str | None = None
    notes: list[str] = field(default_factory=list)


@dataclass
class ImageJob:
    """A provider-side asynchronous job (fal, WaveSpeed queues): the tool starts `spec` with the
    hub's job manager and waits on it. `spec.notes` carry the request's mapping notes;
    `result_notes` reads the provider's final result JSON for what else is worth saying (images a
    safety checker blanked, say)."""

    spec: JobSpec
    result_notes: Callable[[Any], list[str]] | None = None


class ImageGenerator(Protocol):
    """What `mcp_ai_hub.providers.<provider>.image` offers."""

    async def generate(self, hub: ProviderContext, request: ImageRequest) -> ImageResult | ImageJob:
        """Make the images (saved through `hub.media`) or say which job to run."""
        ...


# --- building and validating a request ---------------------------------------------------------

def parse_size(value: str) -> tuple[int, int] | None:
    """`"1024x768"` -> (1024, 768); "" or "auto" -> None."""
    value = value.strip().lower()
    if value in ("", "auto"):
        return None
    match = re.fullmatch(r"(\d{1,5})\s*[x×*]\s*(\d{1,5})", value)
    if not match or not int(match.group(1)) or not int(match.group(2)):
        raise InvalidArgument(
            f"size {value!r} is not WIDTHxHEIGHT", hint="Use e.g. 1024x1024, or leave it empty"
        )
    return int(match.group(1)), int(match.group(2))


def parse_aspect_ratio(value: str) -> tuple[int, int] | None:
    """`"16:9"` -> (16, 9) (decimals such as 19.5:9 are scaled to integers); "" -> None."""
    value = value.strip()
    if not value:
        return None
    match = re.fullmatch(r"(\d+(?:\.\d+)?)\s*[:/]\s*(\d+(?:\.\d+)?)", value)
    if not match or not float(match.group(1)) or not float(match.group(2)):
        raise InvalidArgument(f"aspect_ratio {value!r} is not W:H", hint="Use e.g. 16:9, 1:1 or 9:16")
    w, h = float(match.group(1)), float(match.group(2))
    while not (w.is_integer() and h.is_integer()):
        w, h = w * 10, h * 10
    g = math.gcd(int(w), int(h))
    return int(w) // g, int(h) // g


def build_request(
    catalog: Catalog,
    settings: Settings,
    resolved: Resolved,
    *,
    prompt: str,
    size: str = "",
    aspect_ratio: str = "",
    n: int = 1,
    quality: str = "",
    seed: int = -1,
    negative_prompt: str = "",
    input_images: Sequence[str] = (),
    output_format: str = "",
    wait_seconds: float = DEFAULT_WAIT_SECONDS,
    provider_options: dict[str, Any] | None = None,
) -> ImageRequest:
    """Check what every provider agrees on; provider modules check the rest."""
    if not prompt.strip():
        raise InvalidArgument("prompt is empty", hint="Describe the image to generate (or the edit to make)")
    parsed_size, parsed_ratio = parse_size(size), parse_aspect_ratio(aspect_ratio)
    if parsed_size and parsed_ratio:
        raise InvalidArgument("give size or aspect_ratio, not both",
                              hint="size fixes the pixels (1024x768); aspect_ratio only the shape (4:3)")
    if not 1 <= n <= MAX_N:
        raise InvalidArgument(f"n must be between 1 and {MAX_N}, got {n}")
    if seed < -1:
        raise InvalidArgument(f"seed must be a non-negative integer (or -1 for none), got {seed}")
    fmt = output_format.strip().lower().replace("jpg", "jpeg")
    if fmt and fmt not in OUTPUT_FORMATS:
        raise InvalidArgument(f"output_format {output_format!r} is not one of {', '.join(OUTPUT_FORMATS)}")
    if not 0 <= wait_seconds <= MAX_WAIT_SECONDS:
        raise InvalidArgument(f"wait_seconds must be between 0 and {MAX_WAIT_SECONDS}")
    if not isinstance(provider_options or {}, dict):
        raise InvalidArgument("provider_options must be an object")
    request = ImageRequest(
        prompt=prompt,
        resolved=resolved,
        size=parsed_size,
        aspect_ratio=parsed_ratio,
        n=n,
        quality=quality.strip().lower(),
        seed=None if seed == -1 else seed,
        negative_prompt=negative_prompt.strip(),
        output_format=fmt,
        wait_seconds=wait_seconds,
        provider_options=caller_options(provider_options),
    )
    if input_images and resolved.entry is not None and not resolved.has_feature("edit"):
        editors = [m for m in catalog.suggest_for("image", resolved.provider, settings.today)
                   if (f := catalog.find(m)) and "edit" in f[1].features]
        raise refuse(request, "input_images", why=f"{resolved.full_id} does not edit images",
                     hint=f"Use a model that does, e.g. {', '.join(editors[:4])}")
    for i, value in enumerate(input_images):
        item = resolve_input(value, settings, what=f"input_images[{i}]")
        if not item.is_url and not item.mime_type.startswith("image/"):
            raise InvalidArgument(f"input_images[{i}] is not an image ({item.mime_type})",
                                  hint="Give a PNG, JPEG or WebP file")
        request.input_images.append(item)
    return request


def refuse(request: ImageRequest, param: str, *, why: str = "", hint: str = "") -> InvalidArgument:
    """The error for a parameter this provider/model cannot honour."""
    return not_taken("image", request.model, param, provider=request.provider, why=why, hint=hint)


def refuse_unsupported(request: ImageRequest, *params: str, hint: str = "") -> None:
    """Refuse the first of `params` the request sets."""
    for param in params:
        value = getattr(request, param)
        if value is not None and value != "" and value != []:
            raise refuse(request, param, hint=hint)


# --- shapes ------------------------------------------------------------------------------------

def _ratio_value(text: str) -> float:
    w, h = text.split(":")
    return float(w) / float(h)


def nearest_ratio(request: ImageRequest, supported: Sequence[str], param: str = "aspect_ratio") -> str | None:
    """The supported "W:H" closest to the requested shape (None when none was asked), or refuse."""
    shape = request.shape
    if shape is None:
        return None
    wanted = shape[0] / shape[1]
    best = min(supported, key=lambda s: abs(_ratio_value(s) - wanted) / _ratio_value(s))
    off = abs(_ratio_value(best) - wanted) / _ratio_value(best)
    asked = f"{shape[0]}x{shape[1]}" if request.size else f"{shape[0]}:{shape[1]}"
    which = "size" if request.size else param
    if off > RATIO_TOLERANCE:
        raise refuse(request, which, why=f"{request.model} has no shape close to {asked}",
                     hint=f"Use one of the aspect ratios {', '.join(supported)}")
    if request.size or off > 0.001:
        request.notes.append(f"{which} {asked} sent as aspect ratio {best}")
    return best


def size_for_ratio(
    shape: tuple[int, int], *, pixels: int = 1024 * 1024, multiple: int = 16
) -> tuple[int, int]:
    """Width and height of about `pixels` pixels with the given shape, rounded to `multiple`."""
    w, h = shape
    width = math.sqrt(pixels * w / h)
    height = width * h / w
    return (
        max(multiple, round(width / multiple) * multiple),
        max(multiple, round(height / multiple) * multiple),
    )


# --- provider_options and outputs ---------------------------------------------------------------

async def save_image(
    hub: ProviderContext, provider: str, *, b64: str = "", url: str = "", mime_hint: str = ""
) -> Media:
    """Save one output: base64 (or a data: URI) decoded to disk, or a URL streamed to disk."""
    if b64:
        return await hub.media.save_base64(b64, provider, mime_hint=mime_hint)
    if url.startswith("data:"):
        return await hub.media.save_base64(url, provider, mime_hint=mime_hint)
    return await hub.media.download(hub.http, url, provider)


# --- helpers for the aggregators (fal, WaveSpeed), whose endpoints each take their own fields ----------

def route_edit(request: ImageRequest, endpoints: dict[str, Any]) -> tuple[str, Any | None]:
    """The endpoint to call and its spec from `endpoints` (None: one the module does not know). With
    input images, a model whose spec names an `edit` endpoint is sent there."""
    known = endpoints.get(request.model)
    if known is None:
        return request.model, None
    if request.input_images and known.edit:
        request.notes.append(f"input images sent to {known.edit}, where {request.model} edits")
        return known.edit, endpoints[known.edit]
    return request.model, known


def count_field(request: ImageRequest, endpoint: str, max_n: int, hint: str) -> bool:
    """Whether to send `num_images` (max_n > 1); refuses an `n` the endpoint cannot make."""
    if max_n > 1:
        if request.n > max_n:
            raise refuse(request, "n", why=f"{endpoint} makes at most {max_n} images a request")
        return True
    if request.n > 1:
        raise refuse(request, "n", why=f"{endpoint} makes one image a request", hint=hint)
    return False


def unknown_model_fields(
    request: ImageRequest, body: dict[str, Any], provider: str, names: str
) -> dict[str, Any]:
    """For a model the hub does not know: every other parameter given goes under the provider's usual
    names (`names` lists them for the note), and a note says its own schema decides."""
    if request.n > 1:
        body["num_images"] = request.n
    for name in ("seed", "output_format", "negative_prompt", "quality"):
        value = getattr(request, name)
        if value is not None and value != "":
            body[name] = value
    if len(body) > 1 or request.input_images:
        request.notes.append(f"{request.model} is not one the hub knows: parameters went under {provider}'s "
                             f"usual names ({names}); its own schema decides which it uses")
    return body


def flagged_images(flags: Any) -> str:
    """"image 2" / "images 1, 3" for the True entries of a provider's per-image safety flags, or ""."""
    flagged = [str(i + 1) for i, flag in enumerate(flags if isinstance(flags, list) else []) if flag is True]
    if not flagged:
        return ""
    return f"image {flagged[0]}" if len(flagged) == 1 else f"images {', '.join(flagged)}"
