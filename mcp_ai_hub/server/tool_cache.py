"""Tool definitions built once per process.

Turning a tool function into an MCP tool (its argument model, input and output JSON schemas) is
most of what building the server costs. A tool's schema depends only on its signature (annotations
resolve against module globals) and the title, description and annotations it is registered with,
so the first server built in a process keeps each finished definition and every later server (a
test, an in-process client) reuses it with its own function.
"""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.tools.base import Tool
from mcp.types import ToolAnnotations

from .schemas import compact_input, compact_output

F = TypeVar("F", bound=Callable[..., Awaitable[Any]])

_BUILT: dict[tuple[object, ...], Tool] = {}


def _key(fn: Callable[..., Any], title: str, description: str, annotations: ToolAnnotations | None) -> tuple:
    inner = inspect.unwrap(fn)
    return (inner.__code__, str(inspect.signature(inner)), title, description, repr(annotations))


def tool(mcp: MCPServer, *, title: str, description: str,
         annotations: ToolAnnotations | None = None) -> Callable[[F], F]:
    """`@tool(mcp, title=..., description=...)`: like `@mcp.tool(...)`, with the definition built once."""

    def decorator(fn: F) -> F:
        key = _key(fn, title, description, annotations)
        built = _BUILT.get(key)
        if built is None:
            built = Tool.from_function(fn, title=title, description=description, annotations=annotations)
            built.parameters = compact_input(built.parameters)
            if built.output_schema is not None:
                built.output_schema = compact_output(built.output_schema)
            _BUILT[key] = built
        mcp._tool_manager._tools[built.name] = built.model_copy(
            update={"fn": fn}
        )  # the SDK adds tools only from functions
        return fn

    return decorator
