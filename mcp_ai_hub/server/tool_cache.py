"""Tool definitions: built once per process, and only when needed.

Turning a tool function into an MCP tool (its argument model, input and output JSON schemas) is
most of what building the server costs, and clients spawn the server for every session. So:
- `tool(mcp, ...)` only records the function with its title, description and annotations
  (`LazyTools`); a tool is built at its first call (or the first `tools/list` that needs it).
- `tools/list` is answered from `tools-list.json` in the state directory when its key matches: the
  package version, the source files (sizes and modification times) and every recorded tool's
  name, signature, title, description and annotations; otherwise every tool is built, listed and
  the file rewritten (an unwritable state directory only means no cache).
- A built definition depends only on its signature (annotations resolve against module globals)
  and what it is registered with, so the first server built in a process keeps each one and every
  later server (a test, an in-process client) reuses it with its own function.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import inspect
import json
import logging
import os
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.tools.base import Tool
from mcp.types import Tool as MCPTool
from mcp.types import ToolAnnotations

from .. import __version__
from .schemas import compact_input, compact_output

log = logging.getLogger("mcp_ai_hub.server")
F = TypeVar("F", bound=Callable[..., Awaitable[Any]])
PACKAGE = Path(__file__).resolve().parent.parent
CACHE_NAME = "tools-list.json"

_BUILT: dict[tuple[object, ...], Tool] = {}


@dataclass
class Recorded:
    fn: Callable[..., Awaitable[Any]]
    title: str
    description: str
    annotations: ToolAnnotations | None

    def described(self) -> tuple[str, str, str, str]:
        """What the built definition depends on, besides the code: signature and registration."""
        signature = str(inspect.signature(inspect.unwrap(self.fn)))
        return signature, self.title, self.description, repr(self.annotations)

    def key(self) -> tuple:
        return (inspect.unwrap(self.fn).__code__, *self.described())


def _build(recorded: Recorded) -> Tool:
    key = recorded.key()
    built = _BUILT.get(key)
    if built is None:
        built = Tool.from_function(
            recorded.fn,
            title=recorded.title,
            description=recorded.description,
            annotations=recorded.annotations,
        )
        built.parameters = compact_input(built.parameters)
        if built.output_schema is not None:
            built.output_schema = compact_output(built.output_schema)
        _BUILT[key] = built
    return built.model_copy(update={"fn": recorded.fn})


@functools.cache
def _source_digest() -> str:
    """Sizes and modification times of the package's Python files (any edit changes it), read once
    per process: the code a process runs does not change under it."""
    parts = []
    for root, dirs, files in os.walk(PACKAGE):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        for name in sorted(f for f in files if f.endswith(".py")):
            stat = os.stat(os.path.join(root, name))
            parts.append(
                f"{os.path.relpath(os.path.join(root, name), PACKAGE)}:{stat.st_size}:{stat.st_mtime_ns}"
            )
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


class LazyTools:
    """The tools recorded on one server, built into SDK definitions on demand."""

    def __init__(self, mcp: MCPServer, cache_dir: Path | None):
        self.mcp = mcp
        self.cache = cache_dir / CACHE_NAME if cache_dir is not None else None
        self.recorded: dict[str, Recorded] = {}

    def add(self, name: str, recorded: Recorded) -> None:
        self.recorded[name] = recorded

    def remove(self, name: str) -> None:
        self.recorded.pop(name, None)
        if name in self.mcp._tool_manager._tools:
            self.mcp.remove_tool(name)

    def ensure(self, name: str) -> None:
        """Build `name` if it is recorded and not built yet (unknown names are the SDK's to answer)."""
        tools = self.mcp._tool_manager._tools  # the SDK adds tools only from functions
        if name in self.recorded and name not in tools:
            tools[name] = _build(self.recorded[name])

    def build_all(self) -> None:
        tools = self.mcp._tool_manager._tools
        for name in self.recorded:
            self.ensure(name)
        ordered = {
            name: tools[name] for name in self.recorded
        }  # registration order, whatever was built first
        tools.clear()
        tools.update(ordered)

    def _key(self) -> str:
        described = [(name, *r.described()) for name, r in self.recorded.items()]
        return hashlib.sha256(json.dumps([__version__, _source_digest(), described]).encode()).hexdigest()

    def cached(self) -> list[MCPTool] | None:
        """The cached tools/list, when it was made by this code for these tools."""
        if self.cache is None:
            return None
        try:
            data = json.loads(self.cache.read_text())
            if data.get("key") != self._key():
                return None
            return [MCPTool.model_validate(tool) for tool in data["tools"]]
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def store(self, tools: list[MCPTool]) -> None:
        if self.cache is None:
            return
        data = {
            "key": self._key(),
            "tools": [t.model_dump(by_alias=True, exclude_none=True, mode="json") for t in tools],
        }
        part = self.cache.with_name(f"{CACHE_NAME}.{os.getpid()}.part")
        try:
            self.cache.parent.mkdir(parents=True, exist_ok=True)
            part.write_text(json.dumps(data))
            os.replace(part, self.cache)
        except OSError as exc:  # no cache, same answers
            log.debug("tool list not cached: %s", exc)
            with contextlib.suppress(OSError):
                part.unlink(missing_ok=True)


def tool(
    mcp: MCPServer, *, title: str, description: str, annotations: ToolAnnotations | None = None
) -> Callable[[F], F]:
    """`@tool(mcp, title=..., description=...)`: like `@mcp.tool(...)`, the definition built when
    first needed (at once on a server without `lazy_tools`)."""

    def decorator(fn: F) -> F:
        recorded = Recorded(fn, title, description, annotations)
        lazy: LazyTools | None = getattr(mcp, "lazy_tools", None)
        if lazy is not None:
            lazy.add(fn.__name__, recorded)
        else:
            built = _build(recorded)
            mcp._tool_manager._tools[built.name] = built
        return fn

    return decorator
