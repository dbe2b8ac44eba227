"""The runtime shared by every tool call: settings, catalog, HTTP client, and lazy provider access.

Provider code is imported only when a call needs it, so start-up never pays for it.
"""

from __future__ import annotations

import importlib
from types import ModuleType
from typing import TYPE_CHECKING

from .capabilities import LiveModel
from .catalog import Catalog
from .config import KEY_VARS, PROVIDERS, Settings
from .errors import MissingApiKey, UnsupportedCapability
from .http import Http
from .media import MediaStore

if TYPE_CHECKING:
    from .jobs.manager import JobManager


class Hub:
    """Owns the long-lived pieces; created by the server's lifespan, closed with it."""

    def __init__(self, settings: Settings, catalog: Catalog, http: Http | None = None):
        self.settings = settings
        self.catalog = catalog
        self.http = http or Http()
        self.live_models: dict[str, list[LiveModel]] = {}  # merged by list_models(refresh=true)
        self.media = MediaStore(settings)
        self._jobs: JobManager | None = None

    @property
    def jobs(self) -> JobManager:
        """The job manager the composition root attached (`attach_jobs`); the server's lifespan runs it."""
        if self._jobs is None:
            raise RuntimeError("no job manager attached to this hub")
        return self._jobs

    def attach_jobs(self, jobs: JobManager) -> None:
        self._jobs = jobs

    def key(self, provider: str) -> str:
        """The provider's API key, or MissingApiKey naming the variable to set."""
        if provider not in self.settings.providers:
            raise UnsupportedCapability(
                f"provider {provider} is disabled", hint="Add it to AI_HUB_PROVIDERS to enable it"
            )
        key = self.settings.api_key(provider)
        if not key:
            names = " or ".join(KEY_VARS[provider])
            raise MissingApiKey(f"no API key for {provider}", hint=f"Set {names} in the environment or .env")
        return key

    def provider(self, name: str) -> ModuleType:
        """The provider package (auth, error parsing, live listing), imported on first use."""
        if name not in PROVIDERS:
            raise UnsupportedCapability(f"unknown provider {name!r}")
        return importlib.import_module(f"mcp_ai_hub.providers.{name}")

    def capability(self, provider: str, capability: str) -> ModuleType:
        """The module implementing `capability` for `provider`, or UnsupportedCapability."""
        try:
            return importlib.import_module(f"mcp_ai_hub.providers.{provider}.{capability}")
        except ModuleNotFoundError as exc:
            if exc.name != f"mcp_ai_hub.providers.{provider}.{capability}":
                raise
            raise UnsupportedCapability(
                f"{provider} does not offer {capability} through the hub",
                hint=f"Pick another model: list_models capability={capability}",
            ) from None

    async def aclose(self) -> None:
        await self.http.aclose()
