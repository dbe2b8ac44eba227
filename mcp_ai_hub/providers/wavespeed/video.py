"""WaveSpeed video: any WaveSpeed video model, run as a prediction (`predictions.py`).

Input fields (the names WaveSpeed's video models share): `prompt`, `image` (an http(s) URL as
given; a local file or data URI is uploaded through `media/upload/binary` first), `duration`
(seconds), `aspect_ratio`, `resolution`, `negative_prompt`, `seed`, and `generate_audio` for
models with sound. Endpoint choice: a catalog model's `.../text-to-video` path becomes
`.../image-to-video` when an image is given (and back); an id outside the catalog is used as given.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ...capabilities import merge_options
from ...capabilities.video import VideoRequest, pick_endpoint, shape_fields, whole
from ...jobs.backend import JobSpec, summarize_input
from . import predictions

if TYPE_CHECKING:
    from ...catalog import Resolved
    from ...context import ProviderContext


async def prepare(hub: ProviderContext, resolved: Resolved, request: VideoRequest) -> JobSpec:
    endpoint = pick_endpoint(resolved, request.image is not None)
    body: dict = {"prompt": request.prompt}
    if request.image is not None:
        body["image"] = await predictions.upload(hub, request.image)
    if request.duration_seconds:
        body["duration"] = whole(request.duration_seconds)
    body.update(shape_fields(request, resolved))
    body = merge_options(body, request.provider_options)
    return JobSpec(predictions.BACKEND, endpoint, body, summary=summarize_input(body))
