"""What `list_models`, `catalog://models` and `mcp-ai-hub models` show: catalog entries with
availability, presets as resolved now, and live listings merged in on refresh."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from .capabilities import LiveModel
from .catalog import ModelEntry
from .config import CAPABILITIES
from .errors import HubError, InvalidArgument, ProviderUnavailable, redact, redacted_traceback

if TYPE_CHECKING:
    from .hub import Hub
    from .providers.registry import Registry

log = logging.getLogger("mcp_ai_hub.listing")
REFRESH_DEADLINE = 12.0  # seconds for all live listings together


def model_info(provider: str, entry: ModelEntry, available: bool) -> dict[str, Any]:
    """One model as the contract's list_models row (plus descriptive extras)."""
    return {
        "id": f"{provider}/{entry.id}",
        "provider": provider,
        "capabilities": list(entry.capabilities),
        "context_window": entry.context_window,
        "pricing": entry.pricing.model_dump(exclude_none=True) if entry.pricing else None,
        "available": available,
        "deprecated": entry.deprecated,
        "notes": " ".join(x for x in (entry.notes, entry.deprecation_note) if x),
        "display_name": entry.display_name or entry.id,
        "features": list(entry.features),
        "voices": list(entry.voices),
        "formats": list(entry.formats),
        "source": "catalog",
    }


def live_info(provider: str, model: LiveModel, available: bool) -> dict[str, Any]:
    return {
        "id": f"{provider}/{model.id}", "provider": provider, "capabilities": list(model.capabilities),
        "context_window": model.context_window, "pricing": None, "available": available, "deprecated": False,
        "notes": f"listed live by {provider}; not in the hub catalog", "display_name": model.id,
        "features": [], "voices": [], "formats": [], "source": "live",
    }


def check_filters(capability: str, provider: str, registry: Registry) -> None:
    if capability and capability not in CAPABILITIES:
        raise InvalidArgument(
            f"unknown capability {capability!r}", hint=f"Use one of {', '.join(CAPABILITIES)}"
        )
    if provider and provider not in registry:
        raise InvalidArgument(f"unknown provider {provider!r}",
                              hint=f"Use one of {', '.join(registry.names)}")


def list_models(hub: Hub, capability: str = "", provider: str = "", available_only: bool = False) -> dict:
    """Catalog (and any live models merged earlier) filtered, with presets resolved for the current keys."""
    settings = hub.settings
    check_filters(capability, provider, settings.registry)
    rows = []
    for name, entry in hub.catalog.entries():
        rows.append(model_info(name, entry, settings.has_key(name)))
    for name, live in hub.live_models.items():
        rows += [live_info(name, m, settings.has_key(name)) for m in live]
    rows = [
        r for r in rows
        if (not capability or capability in r["capabilities"]) and (not provider or r["provider"] == provider)
        and (not available_only or r["available"])
    ]
    presets = {}
    for name, preset in hub.catalog.presets.items():
        if capability and preset.capability != capability:
            continue
        resolved = hub.catalog.resolve_preset(name, settings)
        presets[name] = {
            "capability": preset.capability, "description": preset.description,
            "candidates": list(preset.candidates), "resolves_to": resolved.full_id,
            "available": settings.has_key(resolved.provider),
        }
    defaults = {cap: settings.default_model(cap) or name for cap, name in hub.catalog.defaults.items()}
    return {"models": rows, "presets": presets, "defaults": defaults, "refresh_errors": {}}


async def refresh(hub: Hub, provider: str = "") -> dict[str, str]:
    """Fetch each configured provider's live listing concurrently; merge; return errors per provider."""
    import anyio

    errors: dict[str, str] = {}
    secrets = hub.settings.secrets()
    targets = [p for p in hub.settings.registry.names
               if hub.settings.has_key(p) and (not provider or p == provider)]

    async def one(name: str) -> None:
        try:
            live = await hub.provider(name).list_models(hub.client(name))
        except HubError as exc:
            errors[name] = redact(exc.render(), secrets)
            return
        except Exception as exc:  # noqa: BLE001 - a listing we cannot read must not hide the other providers
            trace = redacted_traceback(exc, secrets)
            log.warning("live listing of %s could not be read:\n%s", name, trace)
            err = ProviderUnavailable(f"unexpected model listing from {name} ({type(exc).__name__})",
                                      provider=name, hint="The hub could not read it; see the server log")
            errors[name] = redact(err.render(), secrets)
            return
        known = {m.id for m in live}
        added = set(hub.catalog.merge_live(name, sorted(known)))
        hub.live_models[name] = [m for m in live if m.id in added]

    with anyio.move_on_after(REFRESH_DEADLINE) as scope:
        async with anyio.create_task_group() as tg:
            for name in targets:
                tg.start_soon(one, name)
    if scope.cancelled_caught:
        for name in targets:
            if name not in errors and name not in hub.live_models:
                errors[name] = (
                    f"[provider_timeout] {name} did not list its models within {REFRESH_DEADLINE:.0f}s"
                )
    return errors
