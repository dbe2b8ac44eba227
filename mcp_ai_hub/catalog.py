"""The model catalog: manifests (data) validated by a schema, model-id and preset resolution.

Ids are `provider/model`; a bare id known to exactly one provider is accepted; presets (names
without a slash) resolve to their first candidate whose provider has a key; providers the registry
marks `open_ids` (the aggregators fal, wavespeed, together; user endpoints) also accept ids outside
the catalog. Which manifests exist, and what they must declare, comes from the provider registry.
"""

from __future__ import annotations

import difflib
import re
import tomllib
from dataclasses import dataclass
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from .config import Settings
from .errors import InvalidArgument, ModelRetired, UnknownModel, UnsupportedCapability
from .lifecycle import Lifecycle, Listing, lifecycle
from .providers.registry import Registry

Capability = Literal["text", "image", "speech", "transcription", "video"]
FEATURES = {
    "vision", "reasoning", "web_search", "audio_input", "edit", "instructions", "dialogue", "audio_tags",
    "timestamps", "diarize", "text_to_video", "image_to_video", "audio",
}


class Pricing(BaseModel):
    model_config = ConfigDict(extra="forbid")
    input_per_mtok: float | None = Field(None, ge=0)
    output_per_mtok: float | None = Field(None, ge=0)
    cached_input_per_mtok: float | None = Field(None, ge=0)
    per_image: float | None = Field(None, ge=0)
    per_second: float | None = Field(None, ge=0)
    per_minute: float | None = Field(None, ge=0)
    per_1k_chars: float | None = Field(None, ge=0)
    source: Literal["reference", "provider"] = "provider"


class ModelEntry(BaseModel):
    """One model of a provider manifest."""

    model_config = ConfigDict(extra="forbid")
    id: str = Field(min_length=1)
    api_id: str = ""
    display_name: str = ""
    capabilities: list[Capability] = Field(min_length=1)
    context_window: int | None = Field(None, gt=0)
    max_output_tokens: int | None = Field(None, gt=0)
    default_max_tokens: int | None = Field(None, gt=0)
    features: list[str] = []
    # effort: OpenAI-style levels; budget: thinking tokens; level: Gemini thinking levels;
    # adaptive: the model decides how long to think (Anthropic adaptive thinking, effort as a hint)
    reasoning_style: Literal["effort", "budget", "level", "adaptive", ""] = ""
    deprecated: bool = False
    deprecation_note: str = ""
    # lifecycle as the vendor announced it: deprecated from, shut down (retired) from, and the
    # full `provider/model` id to use instead
    deprecated_on: date | None = None
    shutdown_on: date | None = None
    replacement: str = ""
    notes: str = ""
    voices: list[str] = []
    default_voice: str = ""
    voice_ids: dict[str, str] = {}
    formats: list[str] = []
    max_input_bytes: int | None = Field(None, gt=0)
    pricing: Pricing | None = None

    @field_validator("features")
    @classmethod
    def _known_features(cls, value: list[str]) -> list[str]:
        unknown = sorted(set(value) - FEATURES)
        if unknown:
            raise ValueError(f"unknown feature(s) {unknown}; known: {sorted(FEATURES)}")
        return value

    @property
    def wire_id(self) -> str:
        return self.api_id or self.id


class ProviderManifest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    provider: str  # a registered provider's name (checked against the registry on load)
    display_name: str
    key_env: list[str]
    docs_url: str = ""
    models: list[ModelEntry]


class Preset(BaseModel):
    model_config = ConfigDict(extra="forbid")
    capability: Capability
    description: str
    candidates: list[str] = Field(min_length=1)


class PresetsFile(BaseModel):
    model_config = ConfigDict(extra="forbid")
    defaults: dict[Capability, str]
    presets: dict[str, Preset]


class ManifestError(Exception):
    """A manifest failed validation; the message names the file and the field."""


@dataclass(frozen=True)
class Resolved:
    """A model id resolved to a provider and (when the catalog knows it) its entry."""

    provider: str
    model: str  # the model id within the provider (catalog id, or the caller's id for aggregators)
    entry: ModelEntry | None
    preset: str = ""

    @property
    def full_id(self) -> str:
        return f"{self.provider}/{self.model}"

    @property
    def wire_id(self) -> str:
        return self.entry.wire_id if self.entry else self.model

    def has_feature(self, feature: str) -> bool:
        return bool(self.entry) and feature in self.entry.features


def manifests_dir() -> Path:
    """The manifests shipped inside the package, or the source tree's beside it."""
    packaged = resources.files("mcp_ai_hub").joinpath("manifests")
    if packaged.is_dir():
        return Path(str(packaged))
    return Path(__file__).resolve().parent.parent / "manifests"


# parsed manifests by (path, mtime, size): a process that builds several servers (tests, in-process
# clients) parses each file once; the dicts are only read (validation copies what it keeps)
_PARSED: dict[tuple[str, int, int], dict] = {}


def _load_toml(path: Path) -> dict:
    try:
        stat = path.stat()
        key = (str(path), stat.st_mtime_ns, stat.st_size)
        if key not in _PARSED:
            _PARSED[key] = tomllib.loads(path.read_text(encoding="utf-8"))
        return _PARSED[key]
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ManifestError(f"{path}: {exc}") from exc


M = TypeVar("M", bound=BaseModel)


def _validate(model: type[M], data: dict, path: Path) -> M:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        problems = "; ".join(
            f"field {'.'.join(str(p) for p in err['loc'])}: {err['msg']}" for err in exc.errors()
        )
        raise ManifestError(f"{path}: {problems}") from exc


# an id outside the catalog becomes part of a URL path at the provider: `/`-separated segments of
# letters, digits and `._:-` (`:` for tags such as Ollama's `qwen3:4b` or OpenRouter's `:free`), each
# starting with a letter or digit (so no empty, `.` or `..` segment)
_OPEN_SEGMENT = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]*")


def check_open_id(provider: str, model_id: str) -> str:
    """An aggregator's model id outside the catalog, checked to be only a model path."""
    segments = model_id.split("/")
    if len(model_id) > 200 or not all(_OPEN_SEGMENT.fullmatch(s) for s in segments):
        raise InvalidArgument(
            f"model id {provider + '/' + model_id[:120]!r} is not a model path",
            hint=f"Use the {provider} model id as its docs show it, e.g. {provider}/owner/model-name "
                 "(letters, digits, '.', '_', ':', '-' and '/'; no '..', scheme, query or spaces)",
        )
    return model_id


class Catalog:
    """All manifests, indexed for resolution."""

    def __init__(
        self, providers: dict[str, ProviderManifest], presets: PresetsFile, registry: Registry | None = None
    ):
        self.registry = registry if registry is not None else Registry.builtin()
        self.providers = providers
        self.presets = presets.presets
        self.defaults: dict[str, str] = {str(cap): name for cap, name in presets.defaults.items()}
        self._by_full: dict[str, tuple[str, ModelEntry]] = {}
        self._by_bare: dict[str, list[tuple[str, ModelEntry]]] = {}
        self.listings: dict[str, Listing] = {}  # the providers' latest live listings (see lifecycle.py)
        for name, manifest in providers.items():
            for entry in manifest.models:
                self._add(name, entry)

    def _add(self, provider: str, entry: ModelEntry) -> None:
        self._by_full[f"{provider}/{entry.id}"] = (provider, entry)
        self._by_bare.setdefault(entry.id, []).append((provider, entry))

    @classmethod
    def load(cls, directory: Path | None = None, registry: Registry | None = None) -> Catalog:
        """Load and validate the manifest of every provider in `registry` (default: the built-ins)
        that has one; raise ManifestError naming the file and field."""
        directory = directory or manifests_dir()
        registry = registry if registry is not None else Registry.builtin()
        providers: dict[str, ProviderManifest] = {}
        claimed: set[Path] = set()
        for spec in registry:
            if not spec.manifest:
                continue
            path = Path(spec.manifest) if Path(spec.manifest).is_absolute() else directory / spec.manifest
            claimed.add(path.resolve())
            if not path.is_file():
                raise ManifestError(f"{path}: missing manifest for provider {spec.name!r}")
            manifest = _validate(ProviderManifest, _load_toml(path), path)
            if manifest.provider != spec.name:
                raise ManifestError(
                    f"{path}: field provider: is {manifest.provider!r}, expected {spec.name!r}")
            if tuple(manifest.key_env) != spec.key_vars:
                raise ManifestError(f"{path}: field key_env: expected {list(spec.key_vars)}")
            seen: set[str] = set()
            for i, entry in enumerate(manifest.models):
                if entry.id in seen:
                    raise ManifestError(f"{path}: field models.{i}.id: duplicate id {entry.id!r}")
                seen.add(entry.id)
                missing = [c for c in entry.capabilities if not spec.offers(c)]
                if missing:
                    raise ManifestError(
                        f"{path}: field models.{i}.capabilities: {spec.name} has no module for "
                        f"{', '.join(missing)} (its spec offers {', '.join(spec.capabilities)})")
            providers[spec.name] = manifest
        for path in sorted((directory / "providers").glob("*.toml")):
            if path.resolve() not in claimed:
                raise ManifestError(f"{path}: no registered provider has this manifest")
        presets_path = directory / "presets.toml"
        presets = _validate(PresetsFile, _load_toml(presets_path), presets_path)
        catalog = cls(providers, presets, registry)
        catalog._check_presets(presets_path)
        return catalog

    def _check_presets(self, path: Path) -> None:
        for name, preset in self.presets.items():
            if "/" in name:
                raise ManifestError(f"{path}: field presets.{name}: a preset name has no slash")
            for i, candidate in enumerate(preset.candidates):
                found = self._by_full.get(candidate)
                if not found:
                    raise ManifestError(
                        f"{path}: field presets.{name}.candidates.{i}: unknown model {candidate!r}"
                    )
                if preset.capability not in found[1].capabilities:
                    raise ManifestError(
                        f"{path}: field presets.{name}.candidates.{i}: {candidate} lacks "
                        f"{preset.capability!r}"
                    )
        for capability, preset_name in self.defaults.items():
            if preset_name not in self.presets and preset_name not in self._by_full:
                raise ManifestError(f"{path}: field defaults.{capability}: unknown preset {preset_name!r}")

    # --- queries -------------------------------------------------------------------------------

    def entries(self) -> list[tuple[str, ModelEntry]]:
        return [(p, e) for p, m in self.providers.items() for e in m.models]

    def find(self, full_id: str) -> tuple[str, ModelEntry] | None:
        return self._by_full.get(full_id)

    def lifecycle(self, provider: str, entry: ModelEntry, today: date) -> Lifecycle:
        """Where a catalog model stands on `today`, from its manifest and its provider's latest listing."""
        return lifecycle(entry, self.listings.get(provider), today)

    def deprecation_note(self, resolved: Resolved, capability: str, today: date) -> str:
        """A note for a result made with a deprecated model (its shutdown date and what to use), or ""."""
        if resolved.entry is None:
            return ""
        state = self.lifecycle(resolved.provider, resolved.entry, today)
        if state.status != "deprecated":
            return ""
        when = f" and shuts down on {state.shutdown_on.isoformat()}" if state.shutdown_on else ""
        instead = self.replacement_for(resolved.provider, resolved.entry, capability, today)
        why = f": {resolved.entry.deprecation_note}" if resolved.entry.deprecation_note else ""
        return f"{resolved.full_id} is deprecated{when}{why}" + (f"; use {instead}" if instead else "")

    def observe(self, listing: Listing) -> None:
        """Take a provider's fresh (or cached) listing into account from now on."""
        self.listings[listing.provider] = listing

    def resolve(self, model: str, capability: str, settings: Settings) -> Resolved:
        """Resolve a model id, bare id, preset or "" (the capability's default) for a capability;
        a retired model is ModelRetired (naming its replacement), before anything is sent."""
        model = model.strip()
        if not model:
            model = settings.default_model(capability) or self.defaults.get(capability, "")
            if not model:
                raise UnknownModel(f"no default model for {capability}", hint="Pass model; see list_models")
        resolved = self._resolve_any(model, settings)
        if resolved.entry and capability not in resolved.entry.capabilities:
            others = ", ".join(self.suggest_for(capability, resolved.provider, settings.today)[:4])
            raise UnsupportedCapability(
                f"{resolved.full_id} does not do {capability}",
                hint=f"Pick a {capability} model, e.g. {others}" if others else "See list_models",
            )
        if resolved.entry:
            state = self.lifecycle(resolved.provider, resolved.entry, settings.today)
            if state.status == "retired":
                raise self.retired(resolved, capability, state, settings.today)
        return resolved

    def retired(self, resolved: Resolved, capability: str, state: Lifecycle, today: date) -> ModelRetired:
        """The error for a call naming a retired model: when, said by whom, and what to use instead."""
        when = (f"was shut down on {state.shutdown_on.isoformat()}" if state.shutdown_on
                else f"is retired ({resolved.provider}'s model listing says so)")
        instead = self.replacement_for(resolved.provider, resolved.entry, capability, today)
        via = f" (preset {resolved.preset})" if resolved.preset else ""
        return ModelRetired(
            f"{resolved.full_id}{via} {when}" + (f"; use {instead}" if instead else ""),
            hint=(f"Pass model={instead}" if instead else f"Pick a current model: list_models "
                                                              f"capability={capability}"),
        )

    def replacement_for(self, provider: str, entry: ModelEntry | None, capability: str, today: date) -> str:
        """The manifest's replacement if it is usable, else the provider's first current model for the
        capability, else any provider's; "" if none."""
        if entry and entry.replacement in self._by_full:
            p, e = self._by_full[entry.replacement]
            if self.lifecycle(p, e, today).status != "retired":
                return entry.replacement
        same = self.suggest_for(capability, provider, today)
        return same[0] if same else ""

    def _resolve_any(self, model: str, settings: Settings) -> Resolved:
        if model in self.presets:
            return self.resolve_preset(model, settings)
        if model in self._by_full:
            provider, entry = self._by_full[model]
            return Resolved(provider, entry.id, entry)
        prefix, _, rest = model.partition("/")
        bare = self._by_bare.get(model, [])
        if len(bare) == 1:
            provider, entry = bare[0]
            return Resolved(provider, entry.id, entry)
        if len(bare) > 1:
            choices = ", ".join(f"{p}/{e.id}" for p, e in bare)
            raise UnknownModel(f"{model!r} is ambiguous", hint=f"Use one of {choices}")
        spec = self.registry.get(prefix)
        if spec is not None and spec.open_ids and rest:
            return Resolved(prefix, check_open_id(prefix, rest), None)
        close = difflib.get_close_matches(
            model, list(self._by_full) + list(self._by_bare) + list(self.presets), 4
        )
        hint = f"Did you mean {', '.join(close)}?" if close else "See list_models for the ids"
        raise UnknownModel(f"unknown model {model!r}", hint=hint)

    def resolve_preset(self, name: str, settings: Settings) -> Resolved:
        """The preset's best candidate today: among those whose provider has a key, the first active
        one, else the first deprecated one (still callable); retired and unlisted models are skipped.
        With no keyed candidate left, the first live candidate (so the error names its key), and with
        every candidate retired, the first (so the call says so)."""
        preset = self.presets[name]
        today = settings.today
        ranked: list[tuple[int, int, str]] = []
        for order, candidate in enumerate(preset.candidates):
            provider, entry = self._by_full[candidate]
            status = self.lifecycle(provider, entry, today).status
            if status in ("retired", "unlisted"):
                rank = 4 if status == "unlisted" else 5
            else:  # keyed before unkeyed, active before deprecated
                rank = (0 if settings.has_key(provider) else 2) + (status != "active")
            ranked.append((rank, order, candidate))
        chosen = min(ranked)[2]
        provider, entry = self._by_full[chosen]
        return Resolved(provider, entry.id, entry, preset=name)

    def suggest_for(self, capability: str, provider: str, today: date) -> list[str]:
        """Current (active) catalog models for a capability, the given provider's first."""
        ids = [f"{p}/{e.id}" for p, e in self.entries()
               if capability in e.capabilities and self.lifecycle(p, e, today).usable]
        return sorted(ids, key=lambda i: (not i.startswith(provider + "/"), i)) if provider else ids

    def merge_live(self, provider: str, live_ids: list[str]) -> list[str]:
        """Add models a provider lists live but the catalog lacks; return the added ids."""
        added = []
        manifest = self.providers.get(provider)
        models = manifest.models if manifest else []
        known = {e.id for e in models} | {e.api_id for e in models}
        for model_id in live_ids:
            if model_id and model_id not in known:
                known.add(model_id)
                added.append(model_id)
        return added

