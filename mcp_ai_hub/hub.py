"""The runtime shared by every tool call: settings, catalog, HTTP client, and lazy provider access.

Which providers exist comes from the registry in the settings; provider code is imported only when
a call needs it, so start-up never pays for it.
"""

from __future__ import annotations

import importlib
from dataclasses import replace
from typing import TYPE_CHECKING, Any, Literal, Protocol, overload

from .capabilities import LiveModel
from .catalog import Catalog
from .config import Settings
from .errors import MissingApiKey, UnsupportedCapability
from .http import Http, ProviderApi, ProviderClient
from .media import MediaStore
from .url_guard import UrlPolicy

if TYPE_CHECKING:
    from .capabilities.image import ImageGenerator
    from .capabilities.speech import SpeechSynthesizer
    from .capabilities.text import TextGenerator
    from .capabilities.transcription import Transcriber
    from .capabilities.video import VideoGenerator
    from .jobs.manager import JobManager
    from .providers.registry import ProviderSpec


class ProviderModule(Protocol):
    """What a provider's `<package>.api` module offers. It may also set `LISTING_COVERS`, the
    capabilities its listing is complete for (a catalog model of those missing from it is unlisted);
    without it, no model is judged by its absence."""

    API: ProviderApi

    async def list_models(self, client: ProviderClient) -> list[LiveModel]: ...


class Hub:
    """Owns the long-lived pieces; created by the server's lifespan, closed with it."""

    def __init__(self, settings: Settings, catalog: Catalog, http: Http | None = None):
        self.settings = settings
        self.catalog = catalog
        self.http = http or Http()
        self.http.url_policy = UrlPolicy.parse(settings.allow_private_urls)
        self.http.read_timeout = settings.read_timeout
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

    def spec(self, provider: str) -> ProviderSpec:
        """The provider's registry entry, or UnsupportedCapability naming the known ones."""
        spec = self.settings.registry.get(provider)
        if spec is None:
            known = ", ".join(self.settings.registry.names)
            raise UnsupportedCapability(f"unknown provider {provider!r}", hint=f"Use one of {known}")
        return spec

    def key(self, provider: str) -> str:
        """The provider's API key ("" for one that needs none), or MissingApiKey naming the variable."""
        spec = self.spec(provider)
        if provider not in self.settings.providers:
            raise UnsupportedCapability(
                f"provider {provider} is disabled", hint="Add it to AI_HUB_PROVIDERS to enable it"
            )
        key = self.settings.api_key(provider)
        if not key and spec.key_required:
            names = " or ".join(spec.key_vars)
            raise MissingApiKey(f"no API key for {provider}", hint=f"Set {names} in the environment or .env")
        return key

    def provider(self, name: str) -> ProviderModule:
        """The provider's `api` module (auth, error parsing, live listing), imported on first use."""
        module: Any = importlib.import_module(f"{self.spec(name).package}.api")
        return module

    def client(self, provider: str) -> ProviderClient:
        """A client bound to the provider's API, key and base URL; MissingApiKey when its key is unset."""
        spec = self.spec(provider)
        key = self.key(provider)
        api = self.provider(provider).API
        if api.name != provider:  # one package serving several providers (the user's endpoints)
            api = replace(api, name=provider)
        bases = {var: self.settings.base_url(var) for var in spec.base_urls}
        return ProviderClient(self.http, api, key, bases[spec.base_var], bases)

    @overload
    def capability(self, provider: str, capability: Literal["text"]) -> TextGenerator: ...
    @overload
    def capability(self, provider: str, capability: Literal["image"]) -> ImageGenerator: ...
    @overload
    def capability(self, provider: str, capability: Literal["speech"]) -> SpeechSynthesizer: ...
    @overload
    def capability(self, provider: str, capability: Literal["transcription"]) -> Transcriber: ...
    @overload
    def capability(self, provider: str, capability: Literal["video"]) -> VideoGenerator: ...

    def capability(self, provider: str, capability: str) -> Any:
        """The module implementing `capability` for `provider` (typed as the capability's Protocol),
        or UnsupportedCapability."""
        spec = self.spec(provider)
        if not spec.offers(capability):
            raise UnsupportedCapability(
                f"{provider} does not offer {capability} through the hub",
                hint=f"Pick another model: list_models capability={capability}",
            )
        return importlib.import_module(spec.module(capability))

    async def aclose(self) -> None:
        await self.http.aclose()
