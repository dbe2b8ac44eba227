"""Builds the MCPServer: instructions, lifespan (the Hub), and every tool module's registration."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import anyio
from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.exceptions import ToolError, UnexpectedToolError
from mcp.server.subscriptions import InMemorySubscriptionBus
from mcp.types import CallToolResult, TextContent
from mcp.types import Tool as MCPTool
from pydantic import ValidationError

from .. import __version__, listing
from ..catalog import Catalog
from ..config import Settings
from ..errors import InvalidArgument
from ..hub import Hub
from ..jobs.manager import JobManager
from ..jobs.stores import open_job_store
from ..providers.registry import Registry
from . import (
    audio_tools,
    client_logging,
    image_tools,
    jobs_tools,
    media_blocks,
    models_tools,
    prompts,
    text_tools,
    video_tools,
    webhooks,
)
from .tool_cache import LazyTools

log = logging.getLogger("mcp_ai_hub.server")

INSTRUCTIONS = """\
mcp-ai-hub gives you other AIs: generate_text, generate_image, synthesize_speech, transcribe_audio,
generate_video, on {providers}.
- Pick a model with list_models (capability=..., available_only=true). `model` takes a provider/model id
  or a preset such as best-code, best-reasoning, cheap-text, best-image, fast-image, best-tts, best-stt,
  best-video; leave it empty for the capability's default.
- Generated files are saved on the server's disk (absolute paths in every result) and readable as
  media:// resources. Local input files must be inside the allowed input directories.
- Long work (video, queued image/audio) is a job: the tool waits up to wait_seconds, then returns the
  job; call get_job(job_id, wait_seconds=...) to keep waiting, or read jobs://{job_id}.
- Errors start with a [code] and say what to do next.
"""

# each module has `register(mcp, hub)`
TOOL_MODULES = [models_tools, media_blocks, text_tools, image_tools, audio_tools, jobs_tools, video_tools,
                prompts, webhooks]



def argument_problems(exc: ValidationError) -> str:
    """What was wrong with each argument, by parameter name (never the rejected values)."""
    problems = []
    for err in exc.errors():
        name = ".".join(str(part) for part in err["loc"]) or "arguments"
        problems.append(f"{name} is required" if err["type"] == "missing" else f"{name}: {err['msg']}")
    return "; ".join(problems)


class HubServer(MCPServer):
    """The SDK's server, with tools built when first needed (`tool_cache.LazyTools`: tools/list
    from the cached list, a call building its own tool) and argument-validation failures answered
    as the hub's `[invalid_argument]` naming each parameter and what it takes (instead of the SDK's
    `Error executing tool ...`)."""

    lazy_tools: LazyTools

    async def list_tools(self) -> list[MCPTool]:
        cached = self.lazy_tools.cached()
        if cached is not None:
            return cached
        self.lazy_tools.build_all()
        tools = await super().list_tools()
        self.lazy_tools.store(tools)
        return tools

    def _tool_input_schema(self, name: str) -> dict[str, Any] | None:
        self.lazy_tools.ensure(name)
        return super()._tool_input_schema(name)

    async def call_tool(self, name, arguments, context=None):  # type: ignore[override]
        self.lazy_tools.ensure(name)
        try:
            return await super().call_tool(name, arguments, context)
        except ToolError as exc:
            if isinstance(exc, UnexpectedToolError) or not isinstance(exc.__cause__, ValidationError):
                raise
            params = sorted({str(e["loc"][0]) for e in exc.__cause__.errors() if e["loc"]})
            err = InvalidArgument(f"{name}: {argument_problems(exc.__cause__)}"
                                  + (f" (parameter {', '.join(params)})" if params else ""),
                                  hint="Check the arguments against the tool's input schema (tools/list)")
            return CallToolResult(content=[TextContent(type="text", text=err.render())], is_error=True)

def build_server(
    settings: Settings | None = None, catalog: Catalog | None = None, registry: Registry | None = None
) -> MCPServer:
    """A server over the given (or environment's) settings; manifests are validated here. `registry`
    (default: the built-in providers) is what the environment's settings are loaded over."""
    if settings is not None and registry is not None and settings.registry is not registry:
        raise ValueError("pass the registry to Settings.load, or only to build_server")
    settings = settings or Settings.load(registry=registry)
    catalog = catalog or Catalog.load(registry=settings.registry)

    hub = Hub(settings, catalog)
    if settings.media_store:  # AI_HUB_MEDIA_STORE: outputs kept in an S3 bucket, the output dir as a cache
        from ..s3_media import S3MediaStore

        hub.media = S3MediaStore(settings)
    hub.attach_jobs(JobManager(hub, open_job_store(settings)))
    bus = InMemorySubscriptionBus()  # job status changes go to 2026-07-28 `subscriptions/listen` streams
    client_log = None

    @asynccontextmanager
    async def lifespan(_server: MCPServer) -> AsyncIterator[Hub]:
        assert client_log is not None
        client_log.attach()
        try:
            async with anyio.create_task_group() as tg:
                # cached model listings, then a fetch of those older than AI_HUB_LISTING_TTL
                tg.start_soon(listing.background_refresh, hub)
                try:
                    async with hub.jobs.running():  # resumes unfinished jobs in the background
                        yield hub
                finally:
                    tg.cancel_scope.cancel()
        finally:
            client_log.detach()
            await hub.media.aclose()
            await hub.aclose()

    mcp = HubServer(
        "mcp-ai-hub", title="AI Hub", version=__version__, lifespan=lifespan,
        instructions=INSTRUCTIONS.replace("{providers}", settings.registry.display_list()),
        website_url="https://github.com/mcp-ai-hub/mcp-ai-hub", subscriptions=bus,
    )
    mcp.lazy_tools = LazyTools(mcp, settings.state_dir)
    for module in TOOL_MODULES:
        module.register(mcp, hub)
    jobs_tools.publish_job_changes(mcp, hub, bus)
    client_log = client_logging.install(mcp, settings.secrets)
    for name in list(mcp.lazy_tools.recorded):
        if name not in settings.tools:  # AI_HUB_TOOLS enables a subset
            mcp.lazy_tools.remove(name)
    return mcp
