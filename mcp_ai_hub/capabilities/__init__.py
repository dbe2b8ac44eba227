"""What a provider can do, one small interface per capability.

A provider implements a capability by having a module `mcp_ai_hub.providers.<provider>.<capability>`
(`text`, `image`, `speech`, `transcription`, `video`); the request and result types and the
Protocol that module follows live in `mcp_ai_hub.capabilities.<capability>`. Every provider
package also offers `list_models(hub)` for the live model listing, returning `LiveModel`s.
The manifests say which (provider, capability) pairs exist; a test checks each has its module.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class LiveModel:
    """A model as a provider's live listing reports it."""

    id: str
    capabilities: list[str] = field(default_factory=list)
    context_window: int | None = None
