"""Turning hub outcomes into MCP results: structured content plus a short text, and `isError`
results whose text starts with `[code]`. Every text passes through key redaction."""

from __future__ import annotations

import functools
import json
import logging
from collections.abc import Awaitable, Callable
from typing import Any, ParamSpec, cast

import anyio
from mcp.server.mcpserver import Context
from mcp.types import CallToolResult, ContentBlock, TextContent, ToolAnnotations

from ..errors import HubError, redact, redact_data, redacted_traceback
from ..hub import Hub
from . import client_logging

log = logging.getLogger("mcp_ai_hub.server")
P = ParamSpec("P")

# the annotations of every tool that asks a provider to make something (billed, not idempotent)
GENERATION = ToolAnnotations(read_only_hint=False, destructive_hint=False, idempotent_hint=False,
                             open_world_hint=True)
# tools whose (billed) results are files: the output directory must be writable before they start
SAVES_FILES = frozenset({"generate_image", "synthesize_speech", "generate_video"})
# tools that only read the hub's own state
READ_ONLY = ToolAnnotations(read_only_hint=True, open_world_hint=False, idempotent_hint=True)


def hub_of(ctx: Context) -> Hub:
    """The server's Hub, as the lifespan hands it to each request."""
    return cast(Hub, ctx.request_context.lifespan_context)


def ok(
    text: str, structured: dict[str, Any], extra: list[ContentBlock] | None = None, *, hub: Hub
) -> CallToolResult:
    secrets = hub.settings.secrets()
    blocks: list[ContentBlock] = [TextContent(type="text", text=redact(text, secrets))]
    return CallToolResult(
        content=blocks + list(extra or []), structured_content=redact_data(structured, secrets)
    )


def error(err: HubError, hub: Hub | None) -> CallToolResult:
    secrets = hub.settings.secrets() if hub else []
    return CallToolResult(
        content=[TextContent(type="text", text=redact(err.render(), secrets))], is_error=True
    )


def tool_errors(fn: Callable[P, Awaitable[CallToolResult]]) -> Callable[P, Awaitable[CallToolResult]]:
    """Wrap a tool so a HubError becomes an `isError` result and a bug a redacted internal error."""

    @functools.wraps(fn)
    async def wrapper(*args: P.args, **kwargs: P.kwargs) -> CallToolResult:
        ctx = next((a for a in list(args) + list(kwargs.values()) if isinstance(a, Context)), None)
        call, token = client_logging.enter_call(ctx)  # records logged in the call may go to its client
        try:
            return await _run(fn, ctx, args, kwargs)
        finally:
            await client_logging.leave_call(call, token)

    return wrapper


async def _run(fn: Callable[..., Awaitable[CallToolResult]], ctx: Context | None, args: Any,
               kwargs: Any) -> CallToolResult:
    hub = None
    try:
        hub = hub_of(ctx) if ctx is not None else None
        if hub is not None and fn.__name__ in SAVES_FILES:
            await anyio.to_thread.run_sync(hub.media.check_writable)  # before anything billed
        return await fn(*args, **kwargs)
    except HubError as exc:
        return error(exc, hub)
    except Exception as exc:  # noqa: BLE001 - a bug must still give a clean, redacted result
        secrets = hub.settings.secrets() if hub else []
        log.error("tool %s failed:\n%s", fn.__name__, redacted_traceback(exc, secrets))
        text = (f"[internal_error] {fn.__name__} failed unexpectedly ({type(exc).__name__}); "
                "see the server log")
        return CallToolResult(content=[TextContent(type="text", text=text)], is_error=True)


def dumps(data: Any) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False, default=str)
