"""`list_models`, and the `catalog://models` and `catalog://guide` resources.

By default `list_models` answers with the compact view (one line per model, presets as the ids
they resolve to: a few KB for the whole catalog); `detail` gives the full entries, `model` one
model's full entry with its provider's parameter notes (`listing_views`).

Annotations are evaluated where they stand (no `from __future__ import annotations`): the provider
filter's enum is the registry of the hub being served."""

from typing import Annotated, Any

from mcp.server.mcpserver import Context, MCPServer
from mcp.types import CallToolResult
from pydantic import BaseModel, Field

from .. import guide, listing, listing_views
from ..config import CAPABILITIES
from ..hub import Hub
from .results import READ_ONLY, hub_of, ok, tool_errors
from .tool_cache import tool

DESCRIPTION = (
    "List models (capabilities, price, status, presets picking them) and keys_set. `model` gives one "
    "model's full entry with parameter notes; detail=true all. Use an id or preset as `model` elsewhere."
)


class ListModelsOut(BaseModel):
    """Compact: `models` are lines (`id [capabilities] price STATUS>replacement (presets)`),
    `presets` map names to the ids they resolve to. With `detail` or `model`: `models` are full
    entries (id, provider, capabilities, context_window, pricing, available, status, shutdown_on,
    replacement, notes, features, voices, formats, params) and `presets` full preset entries."""

    models: list[str | dict[str, Any]]
    presets: dict[str, Any]
    defaults: dict[str, str]
    keys_set: list[str] = Field(default_factory=list)
    refresh_errors: dict[str, str] = Field(default_factory=dict)  # with refresh: provider -> error


def _text(view: dict[str, Any], detail: bool) -> str:
    rows = view["models"]
    if not detail:
        lines = [f"{len(rows)} models; keys set for: {', '.join(view['keys_set']) or 'none'}.", *rows]
        lines.append("Presets: " + ", ".join(f"{n} -> {m}" for n, m in view["presets"].items()))
        lines.append("Full entries: list_models model=<id> or detail=true; parameters: catalog://guide")
    else:
        lines = [f"{len(rows)} models ({sum(bool(r.get('available')) for r in rows)} available)."]
        for r in rows:
            label = listing.status_label({"shutdown_on": None, "replacement": "", **r})
            key = "" if r.get("available") else " (no key)"
            lines.append(f"- {r['id']} [{', '.join(r['capabilities'])}]{key}{f' {label}' if label else ''}")
            if r.get("notes") and len(rows) == 1:
                lines.append(f"  {r['notes']}")
            if r.get("params"):
                lines.append(f"  Parameters: {r['params']}")
    for name, message in view.get("refresh_errors", {}).items():
        lines.append(f"Refresh failed for {name}: {message}")
    return "\n".join(lines)


def register(mcp: MCPServer, hub: Hub) -> None:
    @tool(mcp, title="List models", description=DESCRIPTION, annotations=READ_ONLY)
    @tool_errors
    async def list_models(
        ctx: Context,
        capability: Annotated[
            str, Field(description="Filter", json_schema_extra={"enum": ["", *CAPABILITIES]})
        ] = "",
        provider: Annotated[
            str, Field(description="Filter", json_schema_extra={"enum": ["", *hub.settings.registry.names]})
        ] = "",
        model: Annotated[str, Field(description="One model's full entry (id or preset)")] = "",
        detail: Annotated[bool, Field(description="Full entries")] = False,
        available_only: Annotated[bool, Field(description="Only models with a key set")] = False,
        refresh: Annotated[bool, Field(description="Fetch live model lists too")] = False,
        include_retired: Annotated[bool, Field(description="Include shut-down models")] = False,
    ) -> Annotated[CallToolResult, ListModelsOut]:
        hub = hub_of(ctx)
        listing.check_filters(capability, provider, hub.settings.registry)
        errors = await listing.refresh(hub, provider) if refresh else {}
        out = listing.list_models(hub, capability, provider, available_only, include_retired or bool(model))
        if model.strip():
            view = listing_views.one_model(hub, out, model)
        elif detail:
            view = listing_views.detailed(out)
        else:
            view = listing_views.compact(out)
        if refresh:  # the answer to "refresh": {} when every listing came back
            view["refresh_errors"] = errors
        return ok(_text(view, detail or bool(model.strip())), view, hub=hub)

    @mcp.resource(
        "catalog://models",
        name="catalog",
        title="Model catalog",
        mime_type="application/json",
        description="Every model and preset the hub knows, with availability",
    )
    async def catalog_resource() -> dict:
        return listing.list_models(hub)

    @mcp.resource(
        "catalog://guide",
        name="guide",
        title="Parameter guide",
        mime_type="text/markdown",
        description="What each tool parameter does, and how each provider takes it",
    )
    async def guide_resource() -> str:
        return guide.render(hub.settings.registry)
