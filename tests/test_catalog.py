"""The catalog: every model of the reference, manifest validation, id and preset resolution."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest

from mcp_ai_hub.catalog import Catalog, ManifestError, manifests_dir
from mcp_ai_hub.config import Settings
from mcp_ai_hub.errors import UnknownModel, UnsupportedCapability

# every model id the reference document names, with one capability it must have
REFERENCE_MODELS = {
    "openai": {
        "gpt-5.2": "text",
        "gpt-5.1": "text",
        "gpt-5": "text",
        "gpt-4.1": "text",
        "gpt-4.1-mini": "text",
        "gpt-4.1-nano": "text",
        "gpt-5-codex": "text",
        "gpt-image-1.5": "image",
        "gpt-image-1": "image",
        "gpt-image-1-mini": "image",
        "gpt-4o-mini-tts": "speech",
        "gpt-4o-mini-transcribe": "transcription",
        "gpt-4o-transcribe": "transcription",
        "whisper-1": "transcription",
        "sora-2": "video",
    },
    "anthropic": {
        "claude-opus-4-6": "text",
        "claude-sonnet-4-6": "text",
        "claude-sonnet-4-5-20250929": "text",
        "claude-haiku-4-5-20251001": "text",
    },
    "gemini": {
        "gemini-3.1-pro-preview": "text",
        "gemini-3-pro-preview": "text",
        "gemini-3-flash-preview": "text",
        "gemini-2.5-pro": "text",
        "gemini-2.5-flash": "transcription",
        "gemini-2.5-flash-lite": "text",
        "imagen-4-ultra": "image",
        "imagen-4": "image",
        "imagen-4-fast": "image",
        "gemini-3-pro-image-preview": "image",
        "gemini-2.5-flash-image": "image",
        "gemini-2.5-flash-preview-tts": "speech",
        "gemini-2.5-pro-preview-tts": "speech",
        "veo-3.1-generate-preview": "video",
    },
    "xai": {
        "grok-4": "text",
        "grok-4.1-fast": "text",
        "grok-3": "text",
        "grok-3-mini": "text",
        "grok-code-fast-1": "text",
        "grok-2-image-1212": "image",
        "grok-imagine-video": "video",
    },
    "elevenlabs": {
        "eleven_v3": "speech",
        "eleven_turbo_v2_5": "speech",
        "eleven_flash_v2_5": "speech",
        "eleven_multilingual_v2": "speech",
        "scribe_v2": "transcription",
    },
    "wavespeed": {
        "wavespeed-ai/flux-dev": "image",
        "bytedance/seedream-4.5": "image",
        "google/gemini-3-pro-image": "image",
        "openai/gpt-image-1.5": "image",
        "kling/omni-video-o3": "video",
        "alibaba/wan-2.6-i2v-pro": "video",
        "bytedance/seedance": "video",
        "google/veo-3.1": "video",
        "minimax/speech-02": "speech",
        "ace-step/ace-step-1.5": "speech",
        "wavespeed-ai/video-upscaler": "video",
    },
    "fal": {
        "fal-ai/flux/dev": "image",
        "fal-ai/flux/schnell": "image",
        "fal-ai/flux-pro/v1.1": "image",
        "fal-ai/flux-2-max": "image",
        "fal-ai/flux-2/flash": "image",
        "fal-ai/flux/dev/image-to-image": "image",
        "fal-ai/flux-lora": "image",
        "fal-ai/flux-kontext": "image",
        "fal-ai/kling-video/v2.1/standard": "video",
        "fal-ai/minimax/video-01": "video",
        "xai/grok-imagine-video": "video",
        "fal-ai/whisper": "transcription",
    },
    "together": {
        "meta-llama/Llama-4-Maverick-17B-128E-Instruct-FP8": "text",
        "deepseek-ai/DeepSeek-R1": "text",
        "Qwen/Qwen3-Next-80B-A3B-Instruct": "text",
        "openai/gpt-oss-20b": "text",
        "meta-llama/Llama-Vision-Free": "text",
        "black-forest-labs/FLUX.1-schnell-Free": "image",
        "black-forest-labs/FLUX.1.1-pro": "image",
    },
}


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return Catalog.load()


def settings(**env: str) -> Settings:
    return Settings.load(environ=env, cwd=Path("/"))


@pytest.mark.parametrize("provider", sorted(REFERENCE_MODELS))
def test_every_reference_model_is_in_the_catalog_with_its_capability(catalog, provider):
    for model, capability in REFERENCE_MODELS[provider].items():
        found = catalog.find(f"{provider}/{model}")
        assert found, f"{provider}/{model} missing"
        assert capability in found[1].capabilities, f"{provider}/{model} lacks {capability}"


def test_shut_down_models_stay_in_the_catalog_as_retired(catalog):
    today = date(2026, 12, 6)

    def status(full_id: str) -> str:
        return catalog.lifecycle(*catalog.find(full_id), today).status

    assert {status(m) for m in ("openai/gpt-image-1", "openai/sora-2", "openai/gpt-image-1.5")} == {"retired"}
    assert status("openai/gpt-5") == "deprecated"  # shuts down 2026-12-11
    assert status("openai/gpt-image-2.6-sunburst") == "active"


def test_anthropic_models_carry_a_default_max_tokens(catalog):
    for entry in catalog.providers["anthropic"].models:
        assert entry.default_max_tokens or entry.shutdown_on, entry.id  # retired entries are never called


def test_full_bare_and_aggregator_ids_resolve(catalog):
    s = settings()
    assert catalog.resolve("anthropic/claude-opus-4-6", "text", s).full_id == "anthropic/claude-opus-4-6"
    assert catalog.resolve("claude-opus-4-6", "text", s).provider == "anthropic"
    assert catalog.resolve("fal-ai/flux/dev", "image", s).full_id == "fal/fal-ai/flux/dev"
    # an aggregator takes ids outside the catalog
    custom = catalog.resolve("fal/fal-ai/some-new-model", "video", s)
    assert (custom.provider, custom.model, custom.entry) == ("fal", "fal-ai/some-new-model", None)
    # the wire id can differ from the catalog id
    assert (
        catalog.resolve("wavespeed/bytedance/seedream-4.5", "image", s).wire_id == "bytedance/seedream-v4.5"
    )
    # xai/... is xAI's own model, fal's is addressed with its provider prefix
    assert catalog.resolve("xai/grok-imagine-video", "video", s).provider == "xai"
    assert catalog.resolve("fal/xai/grok-imagine-video", "video", s).provider == "fal"


def test_unknown_model_suggests_close_matches(catalog):
    with pytest.raises(UnknownModel) as info:
        catalog.resolve("anthropic/claude-opus-4-7", "text", settings())
    assert "claude-opus-4-6" in info.value.render()
    assert info.value.render().startswith("[unknown_model]")


def test_a_model_without_the_capability_is_refused(catalog):
    with pytest.raises(UnsupportedCapability) as info:
        catalog.resolve("anthropic/claude-opus-4-6", "image", settings())
    assert "image" in info.value.render()


def test_presets_follow_the_keys_and_defaults_can_be_overridden(catalog):
    none, anthropic, gemini = settings(), settings(ANTHROPIC_API_KEY="k"), settings(GEMINI_API_KEY="k")
    first = catalog.presets["best-reasoning"].candidates[0]
    assert catalog.resolve("best-reasoning", "text", none).full_id == first  # error will name its key
    assert catalog.resolve("best-reasoning", "text", anthropic).provider == "anthropic"
    assert catalog.resolve("best-reasoning", "text", gemini).provider == "gemini"
    assert catalog.resolve("", "text", anthropic).preset == catalog.defaults["text"]
    override = settings(GEMINI_API_KEY="k", AI_HUB_DEFAULT_TEXT_MODEL="gemini/gemini-3.8-flash")
    assert catalog.resolve("", "text", override).full_id == "gemini/gemini-3.8-flash"


def test_every_capability_has_a_default_preset(catalog):
    assert set(catalog.defaults) == {"text", "image", "speech", "transcription", "video"}


def test_a_bad_manifest_fails_naming_the_file_and_field(tmp_path):
    shutil.copytree(manifests_dir(), tmp_path / "m")
    path = tmp_path / "m" / "providers" / "xai.toml"
    path.write_text(path.read_text().replace('capabilities = ["text"]', 'capabilities = ["telepathy"]', 1))
    with pytest.raises(ManifestError) as info:
        Catalog.load(tmp_path / "m")
    assert "xai.toml" in str(info.value) and "capabilities" in str(info.value)


def test_a_preset_naming_an_unknown_model_fails(tmp_path):
    shutil.copytree(manifests_dir(), tmp_path / "m")
    path = tmp_path / "m" / "presets.toml"
    path.write_text(path.read_text().replace('"anthropic/claude-opus-5-5"', '"anthropic/claude-nope"', 1))
    with pytest.raises(ManifestError) as info:
        Catalog.load(tmp_path / "m")
    assert "presets.toml" in str(info.value) and "claude-nope" in str(info.value)
