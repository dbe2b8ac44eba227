"""`generate_video`: resolve the model, let the provider's video module build the job, start it,
and wait (up to `wait_seconds`) with progress; the result is a job."""

from __future__ import annotations

from typing import Annotated, Any

from mcp.server.mcpserver import Context, MCPServer
from mcp.types import CallToolResult
from pydantic import Field

from ..capabilities import caller_options
from ..capabilities.video import VideoRequest
from ..errors import InvalidArgument
from ..hub import Hub
from ..inputs import resolve_input
from ..shapes import JobOut
from .jobs_tools import DEFAULT_WAIT, WaitSeconds, run_job_tool
from .results import GENERATION, hub_of, tool_errors
from .tool_cache import tool


def register(mcp: MCPServer, hub: Hub) -> None:
    @tool(
        mcp,
        title="Generate a video",
        description=(
            "Generate a video from a prompt (or animate an image). Returns the job after wait_seconds, "
            "with progress; get_job waits more. The MP4 is saved on the server."
        ),
        annotations=GENERATION,
    )
    @tool_errors
    async def generate_video(
        ctx: Context,
        prompt: Annotated[str, Field(description="What happens")],
        model: Annotated[
            str,
            Field(
                description="id or preset; empty = default"
            ),
        ] = "",
        image: Annotated[
            str,
            Field(
                description="Image to animate: path, URL or data URI"
            ),
        ] = "",
        duration_seconds: Annotated[
            float, Field(ge=0, le=60, description="Seconds; 0 = model default")
        ] = 0,
        aspect_ratio: Annotated[
            str, Field(description="e.g. 16:9, 9:16")
        ] = "",
        resolution: Annotated[
            str, Field(description="e.g. 720p, 1080p")
        ] = "",
        negative_prompt: Annotated[str, Field(description="What to avoid")] = "",
        seed: Annotated[int, Field(ge=-1, description="-1 = random")] = -1,
        audio: Annotated[bool, Field(description="With sound")] = True,
        wait_seconds: WaitSeconds = DEFAULT_WAIT,
        provider_options: Annotated[
            dict[str, Any],
            Field(
                description="Extra request fields"
            ),
        ] = {},  # noqa: B006
    ) -> Annotated[CallToolResult, JobOut]:
        hub = hub_of(ctx)
        if not prompt.strip() and not image.strip():
            raise InvalidArgument("prompt is empty", hint="Describe the video, or pass image to animate")
        resolved = hub.catalog.resolve(model, "video", hub.settings)
        hub.key(resolved.provider)
        module = hub.capability(resolved.provider, "video")
        request = VideoRequest(
            prompt=prompt.strip(),
            image=resolve_input(image, hub.settings, what="image") if image.strip() else None,
            duration_seconds=duration_seconds,
            aspect_ratio=aspect_ratio.strip(),
            resolution=resolution.strip(),
            negative_prompt=negative_prompt.strip(),
            seed=None if seed < 0 else seed,
            audio=audio,
            provider_options=caller_options(provider_options),
        )
        spec = await module.prepare(hub, resolved, request)
        if note := hub.catalog.deprecation_note(resolved, "video", hub.settings.today):
            spec.notes.insert(0, note)
        job = await hub.jobs.start("video", resolved.provider, resolved.model, spec,
                                   meta={"prompt": prompt[:500], "preset": resolved.preset})
        return await run_job_tool(ctx, hub, job, wait_seconds, cancel_on_abort=True)
