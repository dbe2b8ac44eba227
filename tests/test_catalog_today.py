"""Today's catalog against fakes that follow the world: for each single provider key and for all
keys, every preset and every capability default resolves (after a listing refresh) to a model that
is neither retired nor missing from its provider's listing, and a call with it succeeds; and the
well-known ids the clouds shut down get `[model_retired]` with nothing sent."""

from __future__ import annotations

import importlib
from datetime import date
from typing import Any

import pytest

from mcp_ai_hub.catalog import Catalog
from mcp_ai_hub.lifecycle import lifecycle
from tests.fakes import FAKES, samples

pytestmark = pytest.mark.anyio
CATALOG = Catalog.load()
TODAY = date.today()
CALLS: dict[str, tuple[str, dict[str, Any]]] = {
    "text": ("generate_text", {"prompt": "Say hi"}),
    "image": ("generate_image", {"prompt": "a red fox"}),
    "speech": ("synthesize_speech", {"text": "Hello there"}),
    "transcription": ("transcribe_audio", {"audio": "hello.wav"}),
    "video": ("generate_video", {"prompt": "waves at dusk", "wait_seconds": 30}),
}
KEY_SETS = [(p,) for p in FAKES] + [tuple(FAKES)]


def listed_by(fake) -> set[str] | None:
    """The ids the fake's model listing returns (None for fakes whose listing is not a model list)."""
    if hasattr(fake, "models_data"):
        return {m["name"].removeprefix("models/") for m in fake.models_data}
    return set(fake.model_ids) if hasattr(fake, "model_ids") else None


def covers(provider: str) -> tuple[str, ...]:
    """The capabilities the provider's listing is complete for, as its api module declares."""
    return tuple(
        getattr(importlib.import_module(f"mcp_ai_hub.providers.{provider}.api"), "LISTING_COVERS", ())
    )


def targets() -> list[tuple[str, str]]:
    """(capability, preset name) for every preset and for each capability's default (as "")."""
    named = [(str(p.capability), name) for name, p in CATALOG.presets.items()]
    return named + [(cap, "") for cap in CALLS]


@pytest.mark.parametrize("keys", KEY_SETS, ids=lambda keys: "all" if len(keys) > 1 else keys[0])
async def test_every_preset_and_default_is_a_live_model_that_answers(connect, hub_env, fakes, workdir, keys):
    (workdir / "hello.wav").write_bytes(samples.wav(0.2))
    for fake in fakes.fakes.values():
        fake.state["steps"] = ["done"]  # jobs finish at their first poll
    resolved: dict[str, str] = {}
    async with connect(hub_env(*keys, AI_HUB_POLL_INTERVAL="0.02")) as client:
        refreshed = await client.call_tool("list_models", {"refresh": True})
        assert not refreshed.is_error, refreshed.content[0].text
        for capability, preset in targets():
            tool, args = CALLS[capability]
            candidates = CATALOG.presets[preset].candidates if preset else None
            if candidates is not None and not {c.split("/", 1)[0] for c in candidates} & set(keys):
                continue  # no candidate on these keys: a [missing_api_key] answer, tested elsewhere
            result = await client.call_tool(tool, {**args, **({"model": preset} if preset else {})})
            label = f"{preset or capability + ' default'} with {', '.join(keys)}"
            if preset == "" and result.is_error and result.content[0].text.startswith("[missing_api_key]"):
                continue  # the default's preset has no candidate here either
            assert not result.is_error, f"{label}: {result.content[0].text}"
            out = result.structured_content
            model = (
                out["model"]
                if out["model"].startswith(f"{out['provider']}/")
                else f"{out['provider']}/{out['model']}"
            )
            if capability == "video":
                assert out["status"] == "succeeded" and out["outputs"], f"{label}: {out}"
            resolved[label] = model
            provider, _, bare = model.partition("/")
            assert provider in keys, label
            found = CATALOG.find(model)
            assert found is not None, f"{label}: {model} is not in the catalog"
            state = lifecycle(found[1], None, TODAY)
            assert state.status != "retired", f"{label}: {model} was shut down on {state.shutdown_on}"
            listed = listed_by(fakes[provider])
            wire = found[1].api_id or bare
            if listed is not None and capability in covers(provider):
                assert wire in listed, f"{label}: {model} is not in {provider}'s listing"
    assert resolved, f"nothing resolved with {keys}"


@pytest.mark.parametrize(
    ("model", "replacement"),
    [
        ("openai/gpt-image-1.5", "openai/gpt-image-2.6-sunburst"),
        ("xai/grok-4", "xai/"),
        ("gemini/imagen-4-ultra", "gemini/gemini-3-pro-image"),
    ],
)
async def test_ids_the_clouds_shut_down_are_refused_naming_the_replacement(
    connect, hub_env, fakes, model, replacement
):
    provider = model.split("/", 1)[0]
    capability = "image" if "image" in model else "text"
    tool, args = CALLS[capability]
    async with connect(hub_env(provider)) as client:
        result = await client.call_tool(tool, {**args, "model": model})
    text = result.content[0].text
    assert result.is_error and text.startswith(f"[model_retired] {model} was shut down on "), text
    assert f"use {replacement}" in text
    assert [r.path for r in fakes[provider].requests] == []
