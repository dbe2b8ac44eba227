"""What `list_models`, `catalog://models` and `mcp-ai-hub models` show: catalog entries with
availability and lifecycle, presets as resolved now, and the providers' live listings: fetched on
refresh and in the background once they are older than `AI_HUB_LISTING_TTL` hours, cached in the
state dir, and merged (models the catalog lacks are added; lifecycle data wins over the manifests)."""

from __future__ import annotations

import logging
import time
from datetime import date
from typing import TYPE_CHECKING, Any

from .capabilities import LiveModel
from .catalog import ModelEntry
from .config import CAPABILITIES
from .errors import HubError, InvalidArgument, ProviderUnavailable, redact, redacted_traceback
from .lifecycle import Lifecycle, Listing, ListingCache

if TYPE_CHECKING:
    from .hub import Hub
    from .providers.registry import Registry

log = logging.getLogger("mcp_ai_hub.listing")
REFRESH_DEADLINE = 12.0  # seconds for all live listings together


def model_info(provider: str, entry: ModelEntry, available: bool, state: Lifecycle) -> dict[str, Any]:
    """One model as the contract's list_models row (plus descriptive extras)."""
    lifecycle_note = {
        "retired": f"retired{f' on {state.shutdown_on}' if state.shutdown_on else ''}",
        "unlisted": f"no longer in {provider}'s model listing",
        "deprecated": f"deprecated; shuts down on {state.shutdown_on}" if state.shutdown_on else "deprecated",
    }.get(state.status, "")
    if lifecycle_note and state.replacement:
        lifecycle_note += f"; use {state.replacement}"
    return {
        "id": f"{provider}/{entry.id}",
        "provider": provider,
        "capabilities": list(entry.capabilities),
        "context_window": entry.context_window,
        "pricing": entry.pricing.model_dump(exclude_none=True) if entry.pricing else None,
        "available": available,
        "deprecated": state.status != "active",
        "notes": " ".join(x for x in (entry.notes, entry.deprecation_note,
                                      f"({lifecycle_note})" if lifecycle_note else "") if x),
        "status": state.status,
        "shutdown_on": state.shutdown_on.isoformat() if state.shutdown_on else None,
        "replacement": state.replacement,
        "display_name": entry.display_name or entry.id,
        "features": list(entry.features),
        "voices": list(entry.voices),
        "formats": list(entry.formats),
        "source": "catalog",
    }


def status_label(row: dict[str, Any]) -> str:
    """"" for an active model, else e.g. `DEPRECATED (shutdown 2026-12-11, use openai/gpt-5.5)`."""
    if row["status"] == "active":
        return ""
    details = [f"shutdown {row['shutdown_on']}"] if row["shutdown_on"] else []
    details += [f"use {row['replacement']}"] if row["replacement"] else []
    return row["status"].upper() + (f" ({', '.join(details)})" if details else "")


def live_info(provider: str, model: LiveModel, available: bool) -> dict[str, Any]:
    return {
        "id": f"{provider}/{model.id}", "provider": provider, "capabilities": list(model.capabilities),
        "context_window": model.context_window, "pricing": None, "available": available, "deprecated": False,
        "notes": f"listed live by {provider}; not in the hub catalog", "display_name": model.id,
        "features": [], "voices": [], "formats": [], "source": "live",
        "status": "deprecated" if model.status == "deprecated" else "active",
        "shutdown_on": model.shutdown_on.isoformat() if model.shutdown_on else None, "replacement": "",
    }


def check_filters(capability: str, provider: str, registry: Registry) -> None:
    if capability and capability not in CAPABILITIES:
        raise InvalidArgument(
            f"unknown capability {capability!r}", hint=f"Use one of {', '.join(CAPABILITIES)}"
        )
    if provider and provider not in registry:
        raise InvalidArgument(f"unknown provider {provider!r}",
                              hint=f"Use one of {', '.join(registry.names)}")


def list_models(hub: Hub, capability: str = "", provider: str = "", available_only: bool = False,
                include_retired: bool = False) -> dict:
    """Catalog (and any live models merged earlier) filtered, with presets resolved for the current keys;
    retired models only with `include_retired`."""
    settings = hub.settings
    check_filters(capability, provider, settings.registry)
    today = settings.today
    rows = []
    for name, entry in hub.catalog.entries():
        state = hub.catalog.lifecycle(name, entry, today)
        rows.append(model_info(name, entry, settings.has_key(name), state))
    for name, live in hub.live_models.items():
        rows += [live_info(name, m, settings.has_key(name)) for m in live if m.status != "retired"]
    rows = [
        r for r in rows
        if (not capability or capability in r["capabilities"]) and (not provider or r["provider"] == provider)
        and (not available_only or r["available"]) and (include_retired or r["status"] != "retired")
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


def covers(hub: Hub, provider: str) -> tuple[str, ...]:
    """The capabilities the provider's listing is complete for (its api module's `LISTING_COVERS`; a
    provider package registered by code may leave it out: then none)."""
    return tuple(getattr(hub.provider(provider), "LISTING_COVERS", ()))


def observe(hub: Hub, listing: Listing) -> None:
    """Take a provider's listing in: lifecycle for the catalog, unknown models for list_models."""
    hub.catalog.observe(listing)
    added = set(hub.catalog.merge_live(listing.provider, sorted(listing.models)))
    hub.live_models[listing.provider] = [m for m in listing.models.values() if m.id in added]


def load_cached(hub: Hub) -> None:
    """Take in the cached listings of the providers that have a key."""
    for name, listing in ListingCache(hub.settings.state_dir).load().items():
        if name in hub.settings.registry and hub.settings.has_key(name):
            observe(hub, listing)


def stale(hub: Hub, now: float | None = None) -> list[str]:
    """Providers with a key whose listing is missing or older than the TTL (none when the TTL is 0)."""
    ttl = hub.settings.listing_ttl_hours
    if ttl <= 0:
        return []
    names = [p for p in hub.settings.registry.names if hub.settings.has_key(p)]
    return [p for p in names
            if (lst := hub.catalog.listings.get(p)) is None or lst.age_hours(now) >= ttl]


async def background_refresh(hub: Hub) -> None:
    """At start: the cached listings, then a fetch of the stale ones. Never raises: a listing that fails
    is logged and the catalog stays as it was."""
    try:
        load_cached(hub)
        targets = stale(hub)
        if targets:
            errors = await refresh(hub, only=targets)
            for name, message in errors.items():
                log.info("live listing of %s not refreshed: %s", name, message)
    except Exception as exc:  # noqa: BLE001 - advisory work; a call must never depend on it
        log.warning("background model listing refresh failed:\n%s",
                    redacted_traceback(exc, hub.settings.secrets()))


async def refresh(hub: Hub, provider: str = "", only: list[str] | None = None) -> dict[str, str]:
    """Fetch each configured provider's live listing concurrently; merge and cache them; return the
    errors per provider."""
    import anyio

    errors: dict[str, str] = {}
    secrets = hub.settings.secrets()
    targets = [p for p in hub.settings.registry.names
               if hub.settings.has_key(p) and (not provider or p == provider) and (only is None or p in only)]
    fetched: set[str] = set()

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
        observe(hub, Listing(name, time.time(), {m.id: m for m in live}, covers(hub, name)))
        fetched.add(name)

    with anyio.move_on_after(REFRESH_DEADLINE) as scope:
        async with anyio.create_task_group() as tg:
            for name in targets:
                tg.start_soon(one, name)
    if scope.cancelled_caught:
        for name in targets:
            if name not in errors and name not in fetched:
                errors[name] = (
                    f"[provider_timeout] {name} did not list its models within {REFRESH_DEADLINE:.0f}s"
                )
    if fetched:
        save_cache(hub)
    return errors


def save_cache(hub: Hub) -> None:
    """Write the catalog's listings over the cached ones (those of other providers are kept)."""
    cache = ListingCache(hub.settings.state_dir)
    cache.save({**cache.load(), **hub.catalog.listings})


def retired_by_listing(hub: Hub, provider: str, today: date) -> list[str]:
    """Catalog models of `provider` that its latest listing leaves out or marks retired (for doctor)."""
    gone = []
    for p, e in hub.catalog.entries():
        state = hub.catalog.lifecycle(p, e, today) if p == provider else None
        if state and state.source == "listing" and state.status in ("unlisted", "retired"):
            gone.append(f"{p}/{e.id}")
    return gone
