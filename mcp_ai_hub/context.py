"""The narrow view of the runtime that provider modules and job backends are given.

`Hub` satisfies it; provider code is typed against this Protocol, not against `Hub`, so it cannot
reach the catalog, the job manager or the server. Extend it only with what provider code needs.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from .config import Settings
    from .http import Http, ProviderClient
    from .media import MediaStore


class ProviderContext(Protocol):
    """Settings, the shared HTTP client, the media store, the provider keys and clients."""

    @property
    def settings(self) -> Settings: ...

    @property
    def http(self) -> Http: ...

    @property
    def media(self) -> MediaStore: ...

    def key(self, provider: str) -> str:
        """The provider's API key, or MissingApiKey naming the variable to set."""
        ...

    def client(self, provider: str) -> ProviderClient:
        """A client bound to the provider's API, key and base URL; MissingApiKey when its key is unset."""
        ...
