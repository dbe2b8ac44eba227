"""Jobs in MCP terms: `generate_video`, `get_job`, `cancel_job`, `list_jobs`, the `jobs://{job_id}`
resource, job status notifications on both protocol generations, and `run_job_tool`, the wait
with progress that every tool whose work is a hub job returns through.

A succeeded transcription job read later (get_job, `jobs://`) also carries `transcript`, the
provider's result parsed into the hub's transcript shape by the provider module's
`transcript_from_job` (loaded on first use); a result that does not parse leaves the job as it is.

Notifications: every job change the job manager sees (made here or by another process sharing
the state directory) is published as `notifications/resources/updated` for `jobs://{job_id}`: to
2026-07-28 `subscriptions/listen` streams through the server's subscription bus, and to
handshake-era clients that sent `resources/subscribe` for that URI.
"""

from __future__ import annotations

import json
import logging
from typing import Annotated, Any

import anyio
from mcp.server.mcpserver import Context, MCPServer
from mcp.server.mcpserver.exceptions import ResourceNotFoundError
from mcp.server.subscriptions import ResourceUpdated, SubscriptionBus
from mcp.types import (
    CallToolResult,
    EmptyResult,
    SubscribeRequestParams,
    TextContent,
    ToolAnnotations,
    UnsubscribeRequestParams,
)
from pydantic import BaseModel, Field

from ..errors import HubError, redact, redact_data, redacted_traceback
from ..hub import Hub
from ..jobs.store import Job
from ..media import Media
from ..shapes import JobOut
from .media_blocks import media_blocks
from .progress import CallProgress, describe
from .results import READ_ONLY, hub_of, ok, tool_errors
from .tool_cache import tool
from .transcripts import TRANSCRIPT_FIELDS, transcript_text

log = logging.getLogger("mcp_ai_hub.server")
DEFAULT_WAIT = 50


class JobListOut(BaseModel):
    jobs: list[JobOut]


# --- waiting with progress, and job results: the API other job-based tools use ---------------------


async def wait_with_progress(progress: CallProgress, hub: Hub, job_id: str, wait_seconds: float, *,
                             cancel_on_abort: bool) -> Job:
    """Wait up to `wait_seconds` for a job, sending progress notifications (at least every 5 s,
    increasing, with the provider's status, percent, queue position or log line) when the request
    carries a progress token. If the call is cancelled and `cancel_on_abort` is set (the call that
    created the job), the provider job is cancelled too; otherwise only the wait stops."""
    try:
        return await hub.jobs.wait(job_id, wait_seconds, progress.job)
    except anyio.get_cancelled_exc_class():
        if cancel_on_abort:
            with anyio.CancelScope(shield=True), anyio.move_on_after(30):
                try:
                    await hub.jobs.cancel(job_id)
                except HubError as exc:
                    log.warning("cancelling job %s after the call was cancelled failed: %s", job_id, exc)
        raise


def _transcript(hub: Hub, job: Job) -> dict[str, Any] | None:
    """The transcript of a succeeded transcription job, from its provider's `transcript_from_job`;
    None for other jobs or when the result does not parse (the raw result stays in the job)."""
    if job.kind != "transcription" or job.status != "succeeded":
        return None
    try:
        hook = getattr(hub.capability(job.provider, "transcription"), "transcript_from_job", None)
        result = hook(job) if hook is not None else None
        if result is None:
            return None
        out = result.to_dict()
        return {k: out[k] for k in TRANSCRIPT_FIELDS}
    except Exception as exc:  # noqa: BLE001 - the job itself is still worth returning
        log.warning("the transcript of job %s could not be read from its result:\n%s", job.job_id,
                    redacted_traceback(exc, hub.settings.secrets()))
        return None


def job_dict(hub: Hub, job: Job) -> dict[str, Any]:
    """The contract's job object, with `transcript` for a succeeded transcription job."""
    data = job.to_dict()
    transcript = _transcript(hub, job)
    if transcript is not None:
        data["transcript"] = transcript
    return data


def job_result(hub: Hub, job: Job, *, failed_is_error: bool = True, lead: str = "") -> CallToolResult:
    """The result for a tool returning a job: structured content is the job object; the text says
    what happened and, while the job runs, how to go on (`get_job`); a finished job's files come as
    media blocks, a finished transcription's transcript as text. A failed job is an `isError`
    result starting with `[job_failed]` (or the more specific code the job records), unless
    `failed_is_error` is False."""
    data = job_dict(hub, job)
    notes = [n for n in job.meta.get("notes") or [] if n]
    head = (lead + "\n") if lead else ""
    tail = "".join(f"\nNote: {n}" for n in notes)
    where = f"{job.provider}/{job.model}"
    if job.status == "succeeded":
        media = [Media.from_dict(o) for o in job.outputs]
        files = "".join(f"\n- {m.path} ({m.mime_type}, {m.bytes} bytes) {m.resource_uri}" for m in media)
        text = f"{head}Job {job.job_id} ({job.kind}, {where}) succeeded: {job.message}{files}{tail}"
        if "transcript" in data:
            text += "\n" + transcript_text(data["transcript"], where)
        return ok(text, data, media_blocks(media, hub), hub=hub)
    if job.status == "failed" and failed_is_error:
        err = job.error or {"code": "job_failed", "message": job.message}
        text = (f"[{err['code']}] {err['message']} (job {job.job_id}, {where}). "
                f"Try again, or pick another model with list_models{tail}")
        secrets = hub.settings.secrets()
        return CallToolResult(content=[TextContent(type="text", text=redact(head + text, secrets))],
                              structured_content=redact_data(data, secrets), is_error=True)
    if job.status in ("failed", "cancelled"):
        reason = (job.error or {}).get("message") or job.message
        return ok(
            f"{head}Job {job.job_id} ({job.kind}, {where}) is {job.status}: {reason}{tail}", data, hub=hub
        )
    text = (
        f"{head}Job {job.job_id} ({job.kind}, {where}) is {describe(job)}. It keeps running on the server: "
        f'call get_job with job_id="{job.job_id}" and wait_seconds={DEFAULT_WAIT} to wait for it, or read '
        f"{job.resource_uri}.{tail}"
    )
    return ok(text, data, hub=hub)


async def run_job_tool(ctx: Context, hub: Hub, job: Job, wait_seconds: float, *,
                       cancel_on_abort: bool = True) -> CallToolResult:
    """Wait for a job the calling tool just started and return the job result.

    For every tool whose work is a hub job (video; fal/WaveSpeed images, speech, transcription):
        spec = JobSpec(fal_queue.BACKEND, "fal-ai/flux/dev", {"prompt": ...}, summary=...)
        job = await hub.jobs.start("image", "fal", resolved.model, spec)
        return await run_job_tool(ctx, hub, job, wait_seconds)
    It waits up to `wait_seconds` with progress notifications, cancels the provider job if this
    call is cancelled (`cancel_on_abort`), and returns `job_result`. A tool with its own result
    shape for a finished job calls `wait_with_progress` and builds its result from `job.outputs`
    and `job.result`, using `job_result` while the job is not finished."""
    job = await wait_with_progress(
        CallProgress(ctx), hub, job.job_id, wait_seconds, cancel_on_abort=cancel_on_abort
    )
    return job_result(hub, job)


# --- notifications ------------------------------------------------------------------------------------


def publish_job_changes(mcp: MCPServer, hub: Hub, bus: SubscriptionBus) -> None:
    """Publish job changes to both protocol generations' subscribers: through `bus` (the one given
    to MCPServer) and to handshake-era `resources/subscribe` sessions."""
    legacy: dict[str, dict[int, Any]] = {}  # uri -> handshake-era subscribers, one per connection

    def connection_of(ctx: Any) -> Any:
        # a request's session object lives as long as the request; its connection as long as the client
        return getattr(ctx.session, "_connection", None) or ctx.session

    async def subscribe(ctx: Any, params: SubscribeRequestParams) -> EmptyResult:
        target = connection_of(ctx)
        legacy.setdefault(str(params.uri), {})[id(target)] = target
        return EmptyResult()

    async def unsubscribe(ctx: Any, params: UnsubscribeRequestParams) -> EmptyResult:
        legacy.get(str(params.uri), {}).pop(id(connection_of(ctx)), None)
        return EmptyResult()

    mcp._lowlevel_server.add_request_handler("resources/subscribe", SubscribeRequestParams, subscribe)
    mcp._lowlevel_server.add_request_handler("resources/unsubscribe", UnsubscribeRequestParams, unsubscribe)

    async def announce(job_id: str) -> None:
        uri = f"jobs://{job_id}"
        await bus.publish(ResourceUpdated(uri=uri))
        targets = legacy.get(uri, {})
        for key, target in list(targets.items()):
            try:
                await target.send_resource_updated(uri)
            except Exception:  # noqa: BLE001 - that client is gone; stop notifying it
                targets.pop(key, None)
        if targets:
            job = await hub.jobs.store.get(job_id)
            if job is None or job.terminal:  # nothing more will change: forget its subscribers
                legacy.pop(uri, None)

    hub.jobs.add_listener(announce)


# --- tools ----------------------------------------------------------------------------------------------

WaitSeconds = Annotated[int, Field(ge=0, le=3600, description=(
    "Seconds to wait for the job"))]


def register(mcp: MCPServer, hub: Hub) -> None:
    @tool(
        mcp,
        title="Get a job",
        description=(
            "A long job's status, waiting up to wait_seconds for it to end (cancelling this call stops "
            "only the wait)."
        ),
        annotations=READ_ONLY,
    )
    @tool_errors
    async def get_job(
        ctx: Context,
        job_id: str,
        wait_seconds: WaitSeconds = 0,
    ) -> Annotated[CallToolResult, JobOut]:
        hub = hub_of(ctx)
        job = await wait_with_progress(
            CallProgress(ctx), hub, job_id.strip(), wait_seconds, cancel_on_abort=False
        )
        return job_result(hub, job)

    @tool(
        mcp,
        title="Cancel a job",
        description=(
            "Cancel a long job (at the provider, where it allows it)."
        ),
        annotations=ToolAnnotations(
            read_only_hint=False, destructive_hint=True, open_world_hint=True, idempotent_hint=True
        ),
    )
    @tool_errors
    async def cancel_job(
        ctx: Context,
        job_id: str,
    ) -> Annotated[CallToolResult, JobOut]:
        hub = hub_of(ctx)
        return job_result(hub, await hub.jobs.cancel(job_id.strip()), failed_is_error=False)

    @tool(mcp,
        title="List jobs",
        description="Recent jobs, newest first.",
        annotations=READ_ONLY,
    )
    @tool_errors
    async def list_jobs(
        ctx: Context,
        status: Annotated[str, Field(description="Filter", json_schema_extra={
            "enum": ["", "queued", "running", "succeeded", "failed", "cancelled"]})] = "",
        limit: Annotated[int, Field(ge=1, le=200, description="Max jobs")] = 20,
    ) -> Annotated[CallToolResult, JobListOut]:
        hub = hub_of(ctx)
        jobs = await hub.jobs.recent(status.strip(), limit)
        lines = [f"{len(jobs)} job(s)" + (f" with status {status}" if status else "") + "."]
        lines += [f"- {j.job_id} {j.kind} {j.provider}/{j.model}: {describe(j)}" for j in jobs]
        return ok("\n".join(lines), {"jobs": [j.to_dict() for j in jobs]}, hub=hub)

    @mcp.resource(
        "jobs://{job_id}",
        name="job",
        title="Job",
        mime_type="application/json",
        description="A job's current state (always fresh): status, progress, message, saved outputs",
    )
    async def job_resource(job_id: str) -> str:
        try:
            job = await hub.jobs.get(job_id)
        except HubError as exc:
            raise ResourceNotFoundError(exc.render()) from None
        return json.dumps(job_dict(hub, job), ensure_ascii=False)

