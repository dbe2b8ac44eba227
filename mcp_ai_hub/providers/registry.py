"""The provider registry: who each provider is, as data (name, key variables, base URLs, what it
offers, where its code and manifest are). Everything else (settings, catalog validation, model
resolution, listing, the CLI, the server's provider lists) derives from it.

Each built-in vendor declares its `ProviderSpec` in `providers/<vendor>/spec.py`, a module that
imports only this one, so reading the registry at start-up loads no provider code. A provider's
code is found by convention under `spec.package`: `<package>.api` has `API` (a `ProviderApi`) and
`async list_models(client)`; `<package>.<capability>` implements each capability it offers.

There is no module-level registry to mutate: `Registry.builtin()` returns a new one, and extra
providers (user-configured OpenAI-compatible endpoints, a package registered by code) join an
instance through `register`.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field

CAPABILITIES = ("text", "image", "speech", "transcription", "video")
BUILTINS = ("openai", "anthropic", "gemini", "xai", "elevenlabs", "wavespeed", "fal", "together")
NAME = re.compile(r"[a-z][a-z0-9_-]{0,39}")
VARIABLE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


class RegistryError(ValueError):
    """A provider spec that cannot be registered (bad field, duplicate name)."""


@dataclass(frozen=True)
class ProviderSpec:
    """One provider's identity. `base_urls` maps each base-URL variable to its default, the first
    being the provider client's base; `open_ids` providers (aggregators, user endpoints) accept model
    ids outside the catalog; `manifest` is a path (relative ones under the manifests directory),
    or "" for a provider whose models come only from its live listing."""

    name: str
    display_name: str
    package: str
    capabilities: tuple[str, ...]
    base_urls: Mapping[str, str] = field(default_factory=dict)
    key_vars: tuple[str, ...] = ()
    key_required: bool = True
    open_ids: bool = False
    manifest: str = ""

    def __post_init__(self) -> None:
        if not NAME.fullmatch(self.name):
            raise RegistryError(f"provider name {self.name!r}: use lowercase letters, digits, '-' or '_'")
        unknown = sorted(set(self.capabilities) - set(CAPABILITIES))
        if unknown:
            raise RegistryError(f"provider {self.name}: unknown capabilities {unknown}; "
                                f"known: {CAPABILITIES}")
        if not self.base_urls:
            raise RegistryError(f"provider {self.name}: no base URL")
        if self.key_required and not self.key_vars:
            raise RegistryError(f"provider {self.name}: a required key needs a key variable")
        for var in self.key_vars:
            if not VARIABLE.fullmatch(var):
                raise RegistryError(f"provider {self.name}: {var!r} is not a variable name")
        if not self.package:
            raise RegistryError(f"provider {self.name}: no package")
        object.__setattr__(self, "base_urls", dict(self.base_urls))  # a private copy

    @property
    def base_var(self) -> str:
        """The variable of the base URL the provider's client uses."""
        return next(iter(self.base_urls))

    def offers(self, capability: str) -> bool:
        return capability in self.capabilities

    def module(self, capability: str) -> str:
        """The import path of the module implementing `capability`."""
        return f"{self.package}.{capability}"


def builtin_spec(name: str) -> ProviderSpec:
    """A built-in vendor's spec, read from its `spec` module."""
    spec = importlib.import_module(f"mcp_ai_hub.providers.{name}.spec").SPEC
    if not isinstance(spec, ProviderSpec) or spec.name != name:
        raise RegistryError(f"mcp_ai_hub.providers.{name}.spec: SPEC is not the ProviderSpec of {name!r}")
    return spec


class Registry:
    """Provider name -> spec, in registration order (built-ins first)."""

    def __init__(self, specs: Iterable[ProviderSpec] = ()):
        self._specs: dict[str, ProviderSpec] = {}
        for spec in specs:
            self.register(spec)

    @classmethod
    def builtin(cls) -> Registry:
        """A new registry of the eight built-in vendors."""
        return cls(builtin_spec(name) for name in BUILTINS)

    def register(self, spec: ProviderSpec) -> ProviderSpec:
        """Add a provider; a name or base-URL variable already taken is a RegistryError."""
        if not isinstance(spec, ProviderSpec):
            raise RegistryError(f"not a ProviderSpec: {spec!r}")
        if spec.name in self._specs:
            raise RegistryError(f"provider {spec.name!r} is already registered")
        taken = {var: s.name for s in self._specs.values() for var in s.base_urls}
        for var in spec.base_urls:
            if var in taken:
                raise RegistryError(f"provider {spec.name}: base URL variable {var} belongs to {taken[var]}")
        self._specs[spec.name] = spec
        return spec

    def copy(self) -> Registry:
        return Registry(self._specs.values())

    def __contains__(self, name: object) -> bool:
        return name in self._specs

    def __iter__(self) -> Iterator[ProviderSpec]:
        return iter(self._specs.values())

    def __len__(self) -> int:
        return len(self._specs)

    def __getitem__(self, name: str) -> ProviderSpec:
        return self._specs[name]

    def get(self, name: str) -> ProviderSpec | None:
        return self._specs.get(name)

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(self._specs)

    def base_url_default(self, var: str) -> str | None:
        """The default of a base-URL variable any provider declares, or None."""
        return next((s.base_urls[var] for s in self._specs.values() if var in s.base_urls), None)

    def offering(self, capability: str) -> tuple[str, ...]:
        """The names of the providers that offer `capability`."""
        return tuple(s.name for s in self._specs.values() if s.offers(capability))

    def display_list(self, capability: str = "", last: str = "and") -> str:
        """Display names as prose, e.g. "OpenAI, Anthropic and xAI" (only those offering `capability`)."""
        names = [s.display_name for s in self._specs.values() if not capability or s.offers(capability)]
        return f"{', '.join(names[:-1])} {last} {names[-1]}" if len(names) > 1 else "".join(names)

    def key_vars(self) -> tuple[str, ...]:
        """Every key variable of every provider, each once."""
        return tuple(dict.fromkeys(var for s in self._specs.values() for var in s.key_vars))
