"""What a provider can do, one small interface per capability.

A provider implements a capability by having a module `mcp_ai_hub.providers.<provider>.<capability>`
(`text`, `image`, `speech`, `transcription`, `video`); the request and result types and the
Protocol that module follows live in `mcp_ai_hub.capabilities.<capability>`. Every provider
package also offers `list_models(hub)` for the live model listing, returning `LiveModel`s.
The manifests say which (provider, capability) pairs exist; a test checks each has its module.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal

from ..errors import InvalidArgument


@dataclass(frozen=True)
class LiveModel:
    """A model as a provider's live listing reports it."""

    id: str
    capabilities: list[str] = field(default_factory=list)
    context_window: int | None = None
    # lifecycle as the listing reports it ("" when it says nothing: the dates and manifests decide);
    # Anthropic's `lifecycle` is its retirement signal, OpenAI gives a `shutdown_date`
    status: Literal["", "active", "deprecated", "retired"] = ""
    deprecated_on: date | None = None
    shutdown_on: date | None = None


# fields `provider_options` may not set: the model is chosen by `model` (so that what is sent is what
# is resolved, checked and costed), never overridden by the escape hatch
RESERVED_OPTIONS = ("model", "model_id")


def caller_options(options: object) -> dict[str, Any]:
    """The caller's `provider_options` as a new dict, refused when it is not an object or names the
    model (`RESERVED_OPTIONS`)."""
    if options is None:
        return {}
    if not isinstance(options, dict):
        raise InvalidArgument("provider_options must be an object (parameter provider_options)")
    for key in RESERVED_OPTIONS:
        if key in options:
            raise InvalidArgument(f"provider_options cannot set {key!r} (parameter provider_options.{key})",
                                  hint="Choose the model with the model parameter; see list_models")
    return dict(options)


def merge_options(body: dict[str, Any], options: dict[str, Any]) -> dict[str, Any]:
    """A request body with the caller's `provider_options` on top (the escape hatch, so they win):
    objects merged key by key, null removes a field the hub would send, anything else replaces."""
    if not isinstance(options, dict):
        raise InvalidArgument("provider_options must be an object")
    merged = dict(body)
    for key, value in options.items():
        if value is None:
            merged.pop(key, None)
        elif isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = merge_options(merged[key], value)
        else:
            merged[key] = value
    return merged


def not_taken(capability: str, model: str, param: str, *, provider: str, label: str = "", why: str = "",
              hint: str = "") -> InvalidArgument:
    """The error for a parameter a provider's models of `capability` cannot honour (refused before
    anything is billed, never dropped); `label` names the models in the message (default: provider)."""
    message = why or f"{label or provider} {capability} models ({model}) do not take {param}"
    return InvalidArgument(f"{message} (parameter {param}, provider {provider})",
                           hint=hint or f"Leave {param} empty, or pick another model with "
                                        f"list_models capability={capability}")
