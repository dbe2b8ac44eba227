"""`list_models` and the `catalog://models` resource.

Annotations are evaluated where they stand (no `from __future__ import annotations`): the provider
filter's enum is the registry of the hub being served."""

from typing import Annotated, Any

from mcp.server.mcpserver import Context, MCPServer
from mcp.types import CallToolResult
from pydantic import BaseModel, Field

from .. import listing
from ..config import CAPABILITIES
from ..hub import Hub
from .results import READ_ONLY, hub_of, ok, tool_errors
from .tool_cache import tool


class ModelInfo(BaseModel):
    id: str
    provider: str
    capabilities: list[str]
    context_window: int | None
    pricing: dict[str, Any] | None
    available: bool
    deprecated: bool
    status: str
    shutdown_on: str | None
    replacement: str
    notes: str
    display_name: str
    features: list[str]
    voices: list[str]
    formats: list[str]
    source: str


class PresetInfo(BaseModel):
    capability: str
    description: str
    candidates: list[str]
    resolves_to: str
    available: bool


class ListModelsOut(BaseModel):
    models: list[ModelInfo]
    presets: dict[str, PresetInfo]
    defaults: dict[str, str]
    refresh_errors: dict[str, str]


def register(mcp: MCPServer, hub: Hub) -> None:
    @tool(mcp,
        title="List models",
        description=(
            "List the models and presets the hub can use, with capabilities, context window, pricing and "
            "whether the provider's key is set (available). Use a preset name (e.g. best-code, fast-image) "
            "or a provider/model id as `model` in the other tools."
        ),
        annotations=READ_ONLY,
    )
    @tool_errors
    async def list_models(
        ctx: Context,
        capability: Annotated[
            str,
            Field(
                description="Only models with this capability",
                json_schema_extra={"enum": ["", *CAPABILITIES]},
            ),
        ] = "",
        provider: Annotated[
            str,
            Field(
                description="Only this provider's models",
                json_schema_extra={"enum": ["", *hub.settings.registry.names]},
            ),
        ] = "",
        available_only: Annotated[bool, Field(description="Only models whose provider key is set")] = False,
        refresh: Annotated[
            bool, Field(description="Also fetch each configured provider's live model list")
        ] = False,
        include_retired: Annotated[
            bool, Field(description="Also list models that are shut down (status retired)")
        ] = False,
    ) -> Annotated[CallToolResult, ListModelsOut]:
        hub = hub_of(ctx)
        listing.check_filters(capability, provider, hub.settings.registry)
        errors = await listing.refresh(hub, provider) if refresh else {}
        out = listing.list_models(hub, capability, provider, available_only, include_retired)
        out["refresh_errors"] = errors
        rows = out["models"]
        lines = [f"{len(rows)} models ({sum(r['available'] for r in rows)} available)."]
        for r in rows[:60]:
            mark = "" if r["available"] else " (no key)"
            status = f" {label}" if (label := listing.status_label(r)) else ""
            lines.append(f"- {r['id']} [{', '.join(r['capabilities'])}]{mark}{status}")
        if len(rows) > 60:
            lines.append(f"... and {len(rows) - 60} more in the structured result")
        lines.append("Presets: " + ", ".join(f"{n} -> {p['resolves_to']}" for n, p in out["presets"].items()))
        for name, message in errors.items():
            lines.append(f"Refresh failed for {name}: {message}")
        return ok("\n".join(lines), out, hub=hub)

    @mcp.resource("catalog://models", name="catalog", title="Model catalog", mime_type="application/json",
                  description="Every model and preset the hub knows, with availability")
    async def catalog_resource() -> dict:
        return listing.list_models(hub)
