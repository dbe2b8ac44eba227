"""fal video: any fal video endpoint, run through the queue (`queue.py`).

Input fields (the names fal's video models share): `prompt`, `image_url` (an http(s) URL as given;
a local file or data URI is uploaded to fal storage first), `duration` (a string of seconds, as
Kling takes it), `aspect_ratio`, `resolution`, `negative_prompt`, `seed`, and `generate_audio` for
models with sound. Endpoint choice: a catalog model's `.../text-to-video` becomes
`.../image-to-video` when an image is given (and back), MiniMax Video-01 takes images at its
`/image-to-video` sub-endpoint, Kling 4.0 takes its first frame as `start_image_url`, and an id
outside the catalog is called exactly as given.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ...capabilities import merge_options
from ...capabilities.video import VideoRequest, pick_endpoint, shape_fields
from ...jobs.backend import JobSpec, summarize_input
from . import storage
from .queue import BACKEND

if TYPE_CHECKING:
    from ...catalog import Resolved
    from ...context import ProviderContext

# text-to-video endpoints whose image-to-video sibling is not a `/text-to-video` swap
IMAGE_VARIANTS = {"fal-ai/minimax/video-01": "fal-ai/minimax/video-01/image-to-video"}
# image-to-video endpoints naming their first frame other than `image_url`
IMAGE_FIELDS = {"kling/v4/image-to-video": "start_image_url"}


async def prepare(hub: ProviderContext, resolved: Resolved, request: VideoRequest) -> JobSpec:
    endpoint = pick_endpoint(resolved, request.image is not None, IMAGE_VARIANTS)
    body: dict = {"prompt": request.prompt}
    if request.image is not None:
        body[IMAGE_FIELDS.get(endpoint, "image_url")] = await storage.upload(hub, request.image)
    if request.duration_seconds:
        body["duration"] = f"{request.duration_seconds:g}"
    body.update(shape_fields(request, resolved))
    body = merge_options(body, request.provider_options)
    return JobSpec(BACKEND, endpoint, body, summary=summarize_input(body))
