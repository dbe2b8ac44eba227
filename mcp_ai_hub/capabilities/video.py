"""Video generation: the request a provider's `video` module turns into a job, and its interface.

Every provider module `mcp_ai_hub.providers.<provider>.video` offers
`async def prepare(hub, resolved, request) -> JobSpec`: it checks what the model takes, uploads or
encodes the input image the way the provider needs, builds the provider's input and names the
job backend. The job manager does the rest (submit once, poll, download).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from ..errors import InvalidArgument
from . import not_taken

if TYPE_CHECKING:
    from ..catalog import Resolved
    from ..context import ProviderContext
    from ..inputs import InputFile
    from ..jobs.backend import JobSpec


@dataclass
class VideoRequest:
    """What the caller asked for; zero/empty values mean "the model's default"."""

    prompt: str
    image: InputFile | None = None
    duration_seconds: float = 0.0
    aspect_ratio: str = ""
    resolution: str = ""
    negative_prompt: str = ""
    seed: int | None = None
    audio: bool = True
    provider_options: dict[str, Any] = field(default_factory=dict)


class VideoGenerator(Protocol):
    """The shape of every `providers/<provider>/video.py` module."""

    async def prepare(self, hub: ProviderContext, resolved: Resolved, request: VideoRequest) -> JobSpec: ...


def pick_endpoint(resolved: Resolved, has_image: bool, image_variants: dict[str, str] | None = None) -> str:
    """The endpoint for text-to-video or image-to-video, for aggregators whose models come as
    `.../text-to-video` and `.../image-to-video` pairs (or, via `image_variants`, a named
    image endpoint). Ids outside the catalog are used exactly as given."""
    wire = resolved.wire_id
    if resolved.entry is None:
        return wire
    features = set(resolved.entry.features)
    if has_image:
        if wire.endswith("/text-to-video"):
            return wire[: -len("text-to-video")] + "image-to-video"
        if image_variants and wire in image_variants:
            return image_variants[wire]
        if "image_to_video" not in features:
            raise InvalidArgument(f"{resolved.full_id} does not take an input image",
                                  hint="Drop `image`, or pick a model with image_to_video in list_models")
        return wire
    if "text_to_video" not in features and "image_to_video" in features:
        raise InvalidArgument(
            f"{resolved.full_id} animates an input image; `image` is required",
            hint="Pass image (a local path, URL or data URI), or pick a text-to-video model",
        )
    if wire.endswith("/image-to-video") and "text_to_video" in features:
        return wire[: -len("image-to-video")] + "text-to-video"
    return wire


def one_of(value: float, allowed: tuple[int, ...], model: str, unit: str = "seconds") -> int:
    """`value` if it is an allowed duration, else InvalidArgument naming the allowed ones."""
    if int(value) == value and int(value) in allowed:
        return int(value)
    names = ", ".join(str(a) for a in allowed)
    raise InvalidArgument(f"{model} makes clips of {names} {unit}, not {value:g}",
                          hint=f"Pass duration_seconds as one of {names}")


def refuse_unsupported(resolved: Resolved, provider: str, **given: bool) -> None:
    """Refuse the first parameter set in `given` (name -> whether the request sets it) that this
    provider's video models cannot honour: a billed clip is never made without what was asked."""
    for param, is_set in given.items():
        if is_set:
            raise not_taken("video", resolved.full_id, param, provider=resolved.provider, label=provider)


def whole(seconds: float) -> int | float:
    """Seconds as an int when whole (JSON `5`, not `5.0`)."""
    return int(seconds) if float(seconds).is_integer() else float(seconds)




def shape_fields(
    request: VideoRequest, resolved: Resolved, *, ratio_field: str = "aspect_ratio"
) -> dict[str, Any]:
    """The optional fields the hosting platforms (fal, WaveSpeed, Together) share by name: the aspect
    ratio (under `ratio_field`), resolution, negative_prompt, seed, and generate_audio for models
    that make sound; only those the caller set."""
    body: dict[str, Any] = {}
    if request.aspect_ratio:
        body[ratio_field] = request.aspect_ratio
    if request.resolution:
        body["resolution"] = request.resolution
    if request.negative_prompt:
        body["negative_prompt"] = request.negative_prompt
    if request.seed is not None:
        body["seed"] = request.seed
    if resolved.has_feature("audio"):
        body["generate_audio"] = request.audio
    return body
