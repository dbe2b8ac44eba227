"""`generate_image`: validate, resolve the model, dispatch to the provider's image module, and shape
the result (media objects, a resource_link per file, inline previews under the size cap).

While a provider works, progress notifications keep clients from timing out. A queue-based
provider (fal, WaveSpeed) answers with an `ImageJob` instead of images; `wait_for_job` starts it
with the hub's job manager and waits up to `wait_seconds` (with the job's progress): a finished
job gives the same result as any provider (plus `job`), an unfinished one the job to follow with
`get_job`, a failed one its error ([content_policy] for a safety refusal, else [job_failed]).
Cancelling the call cancels the provider job.
"""

from __future__ import annotations

import logging
from typing import Annotated, Any, TypeVar

from mcp.server.mcpserver import Context, MCPServer
from mcp.types import CallToolResult, TextContent
from pydantic import BaseModel, Field

from ..capabilities.image import (
    DEFAULT_WAIT_SECONDS,
    MAX_N,
    MAX_WAIT_SECONDS,
    OUTPUT_FORMATS,
    ImageJob,
    ImageResult,
    build_request,
)
from ..catalog import Resolved
from ..errors import ProviderBadRequest
from ..hub import Hub
from ..jobs.store import Job
from ..media import Media
from ..shapes import JobOut, MediaOut
from .jobs_tools import job_result, wait_with_progress
from .media_blocks import media_blocks
from .progress import CallProgress
from .results import GENERATION, hub_of, ok, tool_errors
from .tool_cache import tool

log = logging.getLogger("mcp_ai_hub.server")
T = TypeVar("T")

DESCRIPTION = """\
Generate or edit images; files are saved on the server (paths, media:// URIs, previews).
Unsupported parameters are refused, approximations listed in notes. Queued providers return `job`
after wait_seconds (get_job). Per-provider details: catalog://guide."""


PARAMS = {
    "prompt": "What to draw, or the edit to make",
    "model": "id or preset; empty = default",
    "size": "WIDTHxHEIGHT, e.g. 1024x1024",
    "aspect_ratio": "W:H, e.g. 16:9",
    "quality": "low, medium, high or auto",
    "seed": "-1 = random",
    "negative_prompt": "What to keep out",
    "input_images": "Images to edit: paths, URLs or data URIs",
    "output_format": "empty = model default",
    "wait_seconds": "Seconds to wait for the job",
    "provider_options": "Extra request fields",
}


class GenerateImageOut(BaseModel):
    images: list[MediaOut] = Field(description="Saved images")
    model: str = Field(description="provider/model that made them")
    provider: str
    revised_prompt: str | None = Field(
        default=None, description="The prompt as the provider rewrote it, when it says"
    )
    notes: list[str] = Field(default_factory=list, description="Mappings and partial failures worth knowing")
    job: JobOut | None = Field(default=None, description=(
        "The hub job of a queued provider; when it has not finished, follow it with get_job"))


async def wait_for_job(progress: CallProgress, hub: Hub, resolved: Resolved, outcome: ImageJob,
                       wait_seconds: float, prompt: str) -> CallToolResult:
    """Start a queue-based provider's image job and wait up to `wait_seconds` for it; cancelling
    the call cancels the job at the provider."""
    spec = outcome.spec
    if note := hub.catalog.deprecation_note(resolved, "image", hub.settings.today):
        spec.notes.insert(0, note)
    job = await hub.jobs.start("image", resolved.provider, resolved.model, spec,
                               meta={"prompt": prompt[:500], "preset": resolved.preset})
    progress.next_phase()
    # the job's 0..100 counts on from the request phase
    job = await wait_with_progress(progress, hub, job.job_id, wait_seconds, cancel_on_abort=True)
    return job_image_result(hub, resolved.full_id, job, outcome)


def job_image_result(hub: Hub, model: str, job: Job, outcome: ImageJob) -> CallToolResult:
    """A finished job as any provider's images (plus `job`); a failed one as its error; one still
    running (or cancelled meanwhile) as no images and the job to follow."""
    if job.status == "failed":
        return job_result(hub, job)
    notes = [n for n in job.meta.get("notes") or [] if n]
    if job.status == "succeeded":
        if not job.outputs:
            raise ProviderBadRequest(f"{job.provider} finished job {job.job_id} but returned no images",
                                     provider=job.provider, hint="Try again, or rephrase the prompt")
        notes += outcome.result_notes(job.result) if outcome.result_notes else []
        images = [Media.from_dict(o) for o in job.outputs]
        return image_result(hub, model, job.provider, ImageResult(images, None, notes), job=job.to_dict())
    out = GenerateImageOut(images=[], model=model, provider=job.provider, notes=notes, job=job.out())
    lead = job_result(hub, job).content[0]
    structured = {**out.model_dump(), "job": job.to_dict()}  # the job object without unknown media fields
    return ok(lead.text if isinstance(lead, TextContent) else "", structured, hub=hub)


def describe(item: dict[str, Any]) -> str:
    dims = f", {item['width']}x{item['height']}" if item.get("width") else ""
    return f"- {item['path']} ({item['mime_type']}{dims}, {item['bytes']:,} bytes)"


def register(mcp: MCPServer, hub: Hub) -> None:
    @tool(mcp,
        title="Generate image",
        description=DESCRIPTION,
        annotations=GENERATION,
    )
    @tool_errors
    async def generate_image(
        ctx: Context,
        prompt: Annotated[str, Field(description=PARAMS["prompt"])],
        model: Annotated[str, Field(description=PARAMS["model"])] = "",
        size: Annotated[str, Field(description=PARAMS["size"])] = "",
        aspect_ratio: Annotated[str, Field(description=PARAMS["aspect_ratio"])] = "",
        n: Annotated[int, Field(json_schema_extra={"minimum": 1, "maximum": MAX_N})] = 1,
        quality: Annotated[str, Field(description=PARAMS["quality"])] = "",
        seed: Annotated[int, Field(description=PARAMS["seed"], json_schema_extra={"minimum": -1})] = -1,
        negative_prompt: Annotated[str, Field(description=PARAMS["negative_prompt"])] = "",
        # a plain default keeps the schema free of null unions; pydantic copies it for every call
        input_images: Annotated[list[str], Field(description=PARAMS["input_images"])] = [],  # noqa: B006
        output_format: Annotated[
            str, Field(description=PARAMS["output_format"], json_schema_extra={"enum": ["", *OUTPUT_FORMATS]})
        ] = "",
        wait_seconds: Annotated[
            float,
            Field(
                description=PARAMS["wait_seconds"],
                json_schema_extra={"minimum": 0, "maximum": MAX_WAIT_SECONDS},
            ),
        ] = DEFAULT_WAIT_SECONDS,
        provider_options: Annotated[dict[str, Any], Field(description=PARAMS["provider_options"])] = {},  # noqa: B006
    ) -> Annotated[CallToolResult, GenerateImageOut]:
        hub = hub_of(ctx)
        resolved = hub.catalog.resolve(model, "image", hub.settings)
        module = hub.capability(resolved.provider, "image")
        request = build_request(
            hub.catalog,
            hub.settings,
            resolved,
            prompt=prompt,
            size=size,
            aspect_ratio=aspect_ratio,
            n=n,
            quality=quality,
            seed=seed,
            negative_prompt=negative_prompt,
            input_images=input_images,
            output_format=output_format,
            wait_seconds=wait_seconds,
            provider_options=provider_options,
        )
        progress = CallProgress(ctx)
        outcome = await progress.while_waiting(resolved.full_id, module.generate(hub, request))
        if isinstance(outcome, ImageJob):
            return await wait_for_job(progress, hub, resolved, outcome, wait_seconds, prompt)
        return image_result(hub, resolved.full_id, resolved.provider, outcome)


def image_result(hub: Hub, model: str, provider: str, result: ImageResult,
                 job: dict[str, Any] | None = None) -> CallToolResult:
    """The structured result, a text naming every absolute path, and the media blocks."""
    items = [m.to_dict() for m in result.images]
    out = GenerateImageOut(images=[MediaOut(**i) for i in items], model=model, provider=provider,
                           revised_prompt=result.revised_prompt, notes=result.notes,
                           job=None if job is None else JobOut.model_validate(job))
    count = f"{len(items)} image{'s' if len(items) != 1 else ''}"
    by = f" (job {job['job_id']})" if job else ""
    lines = [f"Generated {count} with {model}{by}, saved at:", *(describe(i) for i in items)]
    if result.revised_prompt:
        lines.append(f"Revised prompt: {result.revised_prompt}")
    lines += [f"Note: {note}" for note in result.notes]
    structured = out.model_dump()
    structured["images"] = items  # the contract's media objects, without null fields
    if job is not None:
        structured["job"] = job
    return ok("\n".join(lines), structured, media_blocks(result.images, hub), hub=hub)
