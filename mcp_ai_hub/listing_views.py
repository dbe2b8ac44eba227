"""What `list_models` returns: a compact view of the whole catalog by default (one short line per
model, presets as the ids they resolve to), the full entries with `detail`, and one model's full
entry, with the provider's parameter notes, when `model` names it.

The compact view is what an agent can afford in its context: every model in about 60 bytes
(`id [capabilities] price STATUS>replacement (presets)`), no null fields, no request echo.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from . import guide
from .errors import UnknownModel

if TYPE_CHECKING:
    from .hub import Hub

UNITS = (("per_image", "image"), ("per_second", "s"), ("per_minute", "min"), ("per_1k_chars", "1k chars"))


def short_price(pricing: dict[str, Any] | None) -> str:
    """`$8/$40/M` (input/output USD per million tokens), `$0.04/image`, `$0.1/s`...; "" unknown."""
    if not pricing:
        return ""
    if "input_per_mtok" in pricing and "output_per_mtok" in pricing:
        return f"${pricing['input_per_mtok']:g}/${pricing['output_per_mtok']:g}/M"
    for key, unit in UNITS:
        if key in pricing:
            return f"${pricing[key]:g}/{unit}"
    return ""


def compact_line(row: dict[str, Any], presets: list[str]) -> str:
    """One model in a line: `anthropic/claude-opus-5-5 [text] $4/$20/M (best-reasoning,best-code)`."""
    parts = [row["id"], f"[{','.join(row['capabilities'])}]"]
    if price := short_price(row.get("pricing")):
        parts.append(price)
    if row["status"] != "active":
        parts.append(row["status"].upper() + (f">{row['replacement']}" if row.get("replacement") else ""))
    if presets:
        parts.append(f"({','.join(presets)})")
    return " ".join(parts)


def compact(out: dict[str, Any]) -> dict[str, Any]:
    """The default view of a `listing.list_models` result."""
    picks: dict[str, list[str]] = {}
    for name, preset in out["presets"].items():
        picks.setdefault(preset["resolves_to"], []).append(name)
    view: dict[str, Any] = {
        "models": [compact_line(r, picks.get(r["id"], [])) for r in out["models"]],
        "presets": {name: p["resolves_to"] for name, p in out["presets"].items()},
        "defaults": out["defaults"],
        "keys_set": sorted({r["provider"] for r in out["models"] if r["available"]}),
    }
    return view


ALWAYS = ("id", "provider", "capabilities", "available", "status")


def without_nulls(row: dict[str, Any]) -> dict[str, Any]:
    """A full entry without the fields that say nothing (null, empty), the key ones always kept."""
    return {k: v for k, v in row.items() if k in ALWAYS or v not in (None, "", [], {})}


def detailed(out: dict[str, Any]) -> dict[str, Any]:
    """The full view: every entry with its fields (empty ones left out) and the presets in full."""
    view = {**out, "models": [without_nulls(r) for r in out["models"]]}
    view.pop("refresh_errors", None)
    return view


def one_model(hub: Hub, out: dict[str, Any], model: str) -> dict[str, Any]:
    """The full entry of `model` (an id, a bare id or a preset), with the provider's parameter
    notes as `params` and the presets that list it; [unknown_model] when the listing has none."""
    wanted = model.strip()
    if wanted in out["presets"]:
        wanted = out["presets"][wanted]["resolves_to"]
    rows = [r for r in out["models"] if r["id"] == wanted or r["id"].split("/", 1)[1] == wanted]
    if not rows:
        raise UnknownModel(
            f"no model {model!r} in the listing", hint="list_models with no arguments shows every id"
        )
    row = rows[0]
    spec = hub.settings.registry.get(row["provider"])
    entry = without_nulls(row)
    if spec is not None and (params := guide.params_note(spec, row["capabilities"])):
        entry["params"] = params
    presets = {name: p for name, p in out["presets"].items() if row["id"] in p["candidates"]}
    return {"models": [entry], "presets": presets, "defaults": out["defaults"]}
