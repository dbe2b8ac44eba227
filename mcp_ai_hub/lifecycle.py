"""Model lifecycle: where a catalog model stands today, and the providers' own listings that say so.

A model is `retired` past its shutdown date (or when its provider's listing says retired), `unlisted`
when a fresh listing that covers its capability leaves it out, `deprecated` when a shutdown date is
announced or the vendor deprecated it, else `active`. What a listing says wins over the manifest:
Anthropic's `lifecycle` is its retirement signal (a past `retires_at` alone is not), OpenAI gives a
`shutdown_date`. Listings are cached in the state dir (`listings.json`) so a new session knows what
the last one learnt without asking again; the cache is advisory and never blocks a call.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import time
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, Literal, Protocol

from .capabilities import LiveModel

log = logging.getLogger("mcp_ai_hub.lifecycle")
Status = Literal["active", "deprecated", "unlisted", "retired"]
CACHE_NAME = "listings.json"
CACHE_VERSION = 1


class Dated(Protocol):
    """What lifecycle() reads of a catalog entry (`catalog.ModelEntry`)."""

    @property
    def id(self) -> str: ...
    @property
    def wire_id(self) -> str: ...
    @property
    def capabilities(self) -> list[Any]: ...
    @property
    def deprecated(self) -> bool: ...
    @property
    def deprecated_on(self) -> date | None: ...
    @property
    def shutdown_on(self) -> date | None: ...
    @property
    def replacement(self) -> str: ...


@dataclass(frozen=True)
class Listing:
    """One provider's live model listing as fetched at `fetched_at` (unix time). `covers` names the
    capabilities it is complete for: only a model of those is `unlisted` when it is missing."""

    provider: str
    fetched_at: float
    models: dict[str, LiveModel] = field(default_factory=dict)
    covers: tuple[str, ...] = ()

    def age_hours(self, now: float | None = None) -> float:
        return ((now if now is not None else time.time()) - self.fetched_at) / 3600


@dataclass(frozen=True)
class Lifecycle:
    status: Status
    deprecated_on: date | None = None
    shutdown_on: date | None = None
    replacement: str = ""
    source: str = "manifest"  # or "listing": which of the two decided the status

    @property
    def usable(self) -> bool:
        """Fit for a preset or a default: neither gone nor scheduled to go."""
        return self.status == "active"


def listed_date(value: Any) -> date | None:
    """A date from a listing: RFC 3339 / ISO text, a `YYYY-MM-DD` date, or unix seconds; None if absent
    or unreadable (an odd value must not break the listing)."""
    if value is None or value == "" or isinstance(value, bool):
        return None
    try:
        if isinstance(value, int | float):
            return datetime.fromtimestamp(float(value), tz=UTC).date()
        text = str(value).strip()
        if len(text) == 10:
            return date.fromisoformat(text)
        stamp = datetime.fromisoformat(text)
        return (stamp if stamp.tzinfo else stamp.replace(tzinfo=UTC)).astimezone(UTC).date()
    except (ValueError, OverflowError, OSError):
        log.debug("unreadable date %r in a model listing", value)
        return None


def lifecycle(entry: Dated, listing: Listing | None, today: date) -> Lifecycle:
    """Where `entry` stands on `today`, given its provider's latest listing (if any)."""
    live = (listing.models.get(entry.wire_id) or listing.models.get(entry.id)) if listing else None
    deprecated_on = (live.deprecated_on if live else None) or entry.deprecated_on
    shutdown_on = (live.shutdown_on if live else None) or entry.shutdown_on
    replacement = entry.replacement

    def made(status: Status, source: str) -> Lifecycle:
        return Lifecycle(status, deprecated_on, shutdown_on, replacement, source)

    if live is not None and live.status:
        if live.status == "retired":
            return made("retired", "listing")
        if live.status == "deprecated" or (shutdown_on and shutdown_on > today):
            return made("deprecated", "listing")
        return made("active", "listing")
    if shutdown_on and shutdown_on <= today:
        return made("retired", "listing" if live and live.shutdown_on else "manifest")
    if listing is not None and live is None and set(entry.capabilities) <= set(listing.covers):
        return made("unlisted", "listing")
    if entry.deprecated or shutdown_on or (deprecated_on and deprecated_on <= today):
        return made("deprecated", "listing" if live and live.shutdown_on else "manifest")
    return made("active", "manifest")


# --- the cache in the state dir ---------------------------------------------------------------


def _model_json(m: LiveModel) -> dict[str, Any]:
    return {
        "id": m.id,
        "capabilities": list(m.capabilities),
        "context_window": m.context_window,
        "status": m.status,
        "deprecated_on": m.deprecated_on.isoformat() if m.deprecated_on else None,
        "shutdown_on": m.shutdown_on.isoformat() if m.shutdown_on else None,
    }


def _model_of(data: dict[str, Any]) -> LiveModel:
    status = data.get("status") or ""
    return LiveModel(
        str(data["id"]),
        [str(c) for c in data.get("capabilities") or []],
        data.get("context_window"),
        status if status in ("active", "deprecated", "retired") else "",
        listed_date(data.get("deprecated_on")),
        listed_date(data.get("shutdown_on")),
    )


class ListingCache:
    """The providers' listings in `<state_dir>/listings.json`, written atomically after each fetch."""

    def __init__(self, state_dir: Path):
        self.path = state_dir / CACHE_NAME

    def load(self) -> dict[str, Listing]:
        """The cached listings; {} when there is no cache or it cannot be read (logged, not raised)."""
        try:
            raw = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        except (OSError, ValueError) as exc:
            log.warning("model listing cache %s unreadable (%s); fetching afresh", self.path, exc)
            return {}
        listings: dict[str, Listing] = {}
        try:
            if raw.get("version") != CACHE_VERSION:
                return {}
            for name, item in (raw.get("providers") or {}).items():
                models = {m.id: m for m in map(_model_of, item.get("models") or [])}
                listings[name] = Listing(
                    name, float(item["fetched_at"]), models, tuple(item.get("covers") or ())
                )
        except (AttributeError, KeyError, TypeError, ValueError) as exc:
            log.warning("model listing cache %s malformed (%s); fetching afresh", self.path, exc)
            return {}
        return listings

    def save(self, listings: dict[str, Listing]) -> None:
        """Write every listing (failures logged: the cache only saves a fetch next time)."""
        data = {
            "version": CACHE_VERSION,
            "providers": {
                name: {
                    "fetched_at": lst.fetched_at,
                    "covers": list(lst.covers),
                    "models": [_model_json(m) for m in lst.models.values()],
                }
                for name, lst in sorted(listings.items())
            },
        }
        tmp = self.path.with_name(f".{CACHE_NAME}.{os.getpid()}.tmp")
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            tmp.write_text(json.dumps(data, separators=(",", ":")), encoding="utf-8")
            os.replace(tmp, self.path)
        except OSError as exc:
            log.warning("model listing cache %s not written (%s)", self.path, exc)
            with contextlib.suppress(OSError):
                tmp.unlink(missing_ok=True)
