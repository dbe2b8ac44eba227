"""Model lifecycle: dates in the manifests, what the providers' own listings say (Anthropic's
`lifecycle`, OpenAI's `shutdown_date`, a model gone from a listing), the listing cache in the state
dir and its background refresh, and `[model_retired]` before anything is sent."""

from __future__ import annotations

import json
import time
from datetime import date

import anyio
import pytest

from mcp_ai_hub.capabilities import LiveModel
from mcp_ai_hub.catalog import Catalog, ModelEntry
from mcp_ai_hub.config import Settings, SettingsError
from mcp_ai_hub.lifecycle import Listing, ListingCache, lifecycle, listed_date

pytestmark = pytest.mark.anyio
TODAY = date(2026, 12, 6)


def entry(**fields) -> ModelEntry:
    return ModelEntry(id="m-1", capabilities=["text"], **fields)


def listing(*models: LiveModel, covers=("text",)) -> Listing:
    return Listing("p", time.time(), {m.id: m for m in models}, covers)


def test_manifest_dates_decide_without_a_listing():
    assert lifecycle(entry(), None, TODAY).status == "active"
    assert lifecycle(entry(shutdown_on=date(2026, 12, 1)), None, TODAY).status == "retired"
    assert lifecycle(entry(shutdown_on=TODAY), None, TODAY).status == "retired"  # gone on the day
    soon = lifecycle(entry(shutdown_on=date(2026, 12, 11), replacement="p/m-2"), None, TODAY)
    assert (soon.status, soon.shutdown_on, soon.replacement) == ("deprecated", date(2026, 12, 11), "p/m-2")
    assert lifecycle(entry(deprecated_on=date(2026, 1, 1)), None, TODAY).status == "deprecated"
    assert lifecycle(entry(deprecated_on=date(2027, 1, 1)), None, TODAY).status == "active"


def test_the_listing_wins_over_the_manifest():
    past = entry(shutdown_on=date(2026, 1, 1))
    # Anthropic: `lifecycle` is the signal; a past retires_at on a deprecated model is only overdue
    overdue = LiveModel("m-1", status="deprecated", shutdown_on=date(2026, 11, 1))
    assert lifecycle(past, listing(overdue), TODAY).status == "deprecated"
    assert lifecycle(entry(), listing(LiveModel("m-1", status="retired")), TODAY).status == "retired"
    # OpenAI: a shutdown_date in the listing, past or future
    assert (
        lifecycle(entry(), listing(LiveModel("m-1", shutdown_on=date(2026, 12, 1))), TODAY).source
        == "listing"
    )
    assert (
        lifecycle(entry(), listing(LiveModel("m-1", shutdown_on=date(2026, 12, 1))), TODAY).status
        == "retired"
    )
    assert (
        lifecycle(entry(), listing(LiveModel("m-1", shutdown_on=date(2027, 1, 6))), TODAY).status
        == "deprecated"
    )


def test_a_model_missing_from_a_listing_is_unlisted_only_where_the_listing_is_complete():
    assert lifecycle(entry(), listing(LiveModel("other")), TODAY).status == "unlisted"
    assert lifecycle(entry(), listing(LiveModel("other"), covers=("speech",)), TODAY).status == "active"
    assert lifecycle(entry(api_id="wire-1"), listing(LiveModel("wire-1")), TODAY).status == "active"


def test_listing_dates_in_every_shape_the_providers_send():
    assert listed_date("2026-12-01") == date(2026, 12, 1)
    assert listed_date("2026-12-01T23:30:00Z") == date(2026, 12, 1)
    assert listed_date("2026-12-01T23:30:00-05:00") == date(2026, 12, 2)
    assert listed_date(1764547200) == date(2025, 12, 1)
    assert [listed_date(v) for v in (None, "", "soon", True)] == [None] * 4


def test_the_cache_round_trips_and_a_broken_one_is_ignored(tmp_path):
    cache = ListingCache(tmp_path)
    model = LiveModel("m-1", ["text"], 1000, "deprecated", date(2026, 1, 1), date(2027, 1, 1))
    cache.save({"p": listing(model)})
    assert cache.load()["p"].models == {"m-1": model}
    assert cache.load()["p"].covers == ("text",)
    cache.path.write_text("{not json")
    assert cache.load() == {}
    cache.path.write_text(json.dumps({"version": 1, "providers": {"p": {"models": []}}}))  # no fetched_at
    assert cache.load() == {}


def test_today_and_the_ttl_are_settings(tmp_path):
    assert Settings.load(environ={"AI_HUB_TODAY": "2027-01-07"}, cwd=tmp_path).today == date(2027, 1, 7)
    assert Settings.load(environ={}, cwd=tmp_path).listing_ttl_hours == 24
    with pytest.raises(SettingsError, match="AI_HUB_TODAY"):
        Settings.load(environ={"AI_HUB_TODAY": "next tuesday"}, cwd=tmp_path)
    with pytest.raises(SettingsError, match="AI_HUB_LISTING_TTL"):
        Settings.load(environ={"AI_HUB_LISTING_TTL": "-1"}, cwd=tmp_path)


# --- through the MCP client, against the fakes' listings ----------------------------------------


def text_models(provider: str, settings: Settings) -> list[str]:
    """The provider's text models that are current today, in catalog order."""
    catalog = Catalog.load()
    return [
        e.id
        for p, e in catalog.entries()
        if p == provider and "text" in e.capabilities and catalog.lifecycle(p, e, settings.today).usable
    ]


async def test_a_model_the_anthropic_listing_marks_retired_is_refused_with_nothing_sent(
    connect, hub_env, fakes, monkeypatch, workdir
):
    env = hub_env("anthropic")
    current = text_models("anthropic", Settings.load(environ=env, cwd=workdir))
    target, other = current[0], current[1]
    fake = fakes["anthropic"]
    monkeypatch.setattr(fake, "model_ids", tuple(current))
    monkeypatch.setattr(
        fake,
        "lifecycles",
        {
            target: {"lifecycle": "retired", "retires_at": "2026-11-30T00:00:00Z"},
            other: {"lifecycle": "deprecated", "retires_at": "2026-01-01T00:00:00Z"},
        },
    )
    async with connect(env) as client:
        out = (
            await client.call_tool("list_models", {"detail": True, "refresh": True, "provider": "anthropic"})
        ).structured_content
        refused = await client.call_tool("generate_text", {"prompt": "hi", "model": f"anthropic/{target}"})
        overdue = await client.call_tool("generate_text", {"prompt": "hi", "model": f"anthropic/{other}"})
        shown = (
            await client.call_tool(
                "list_models", {"detail": True, "provider": "anthropic", "include_retired": True}
            )
        ).structured_content
    assert out["refresh_errors"] == {}
    assert fake.calls("/v1/models")[0].query["lifecycle[]"] == ["active", "deprecated", "retired"]
    assert refused.is_error
    text = refused.content[0].text
    assert text.startswith(f"[model_retired] anthropic/{target} was shut down on 2026-11-30; use anthropic/")
    assert not [r for r in fake.requests if r.path == "/v1/messages" and r.json()["model"] == target]
    # deprecated with a past retires_at: overdue, still callable
    assert not overdue.is_error, overdue.content[0].text
    rows = {m["id"]: m for m in shown["models"]}
    assert rows[f"anthropic/{target}"]["status"] == "retired"
    assert rows[f"anthropic/{other}"]["status"] == "deprecated"
    assert f"anthropic/{target}" not in {m["id"] for m in out["models"]}  # hidden without include_retired


async def test_openai_shutdown_dates_retire_or_deprecate(connect, hub_env, fakes, monkeypatch, workdir):
    env = hub_env("openai")
    current = text_models("openai", Settings.load(environ=env, cwd=workdir))
    gone, going = current[0], current[1]
    fake = fakes["openai"]
    monkeypatch.setattr(fake, "model_ids", tuple(current))
    monkeypatch.setattr(fake, "shutdowns", {gone: "2026-12-01", going: "2099-01-06"})
    async with connect(env) as client:
        await client.call_tool("list_models", {"detail": True, "refresh": True})
        refused = await client.call_tool("generate_text", {"prompt": "hi", "model": f"openai/{gone}"})
        rows = {
            m["id"]: m
            for m in (
                await client.call_tool("list_models", {"detail": True, "provider": "openai"})
            ).structured_content["models"]
        }
    assert refused.is_error and refused.content[0].text.startswith(
        f"[model_retired] openai/{gone} was shut down on 2026-12-01"
    )
    assert not fake.calls("/v1/responses") and not fake.calls("/v1/chat/completions")
    assert (rows[f"openai/{going}"]["status"], rows[f"openai/{going}"]["shutdown_on"]) == (
        "deprecated",
        "2099-01-06",
    )
    assert rows[f"openai/{going}"]["deprecated"] is True


async def test_a_preset_moves_on_when_the_listing_drops_its_model_and_a_failing_listing_changes_nothing(
    connect, hub_env, fakes, monkeypatch, workdir
):
    env = hub_env("anthropic")
    fake = fakes["anthropic"]
    current = text_models("anthropic", Settings.load(environ=env, cwd=workdir))
    monkeypatch.setattr(fake, "model_ids", tuple(current))
    async with connect(env) as client:
        before = (await client.call_tool("list_models", {"detail": True})).structured_content["presets"]
        first = {n: p["resolves_to"] for n, p in before.items() if p["resolves_to"].startswith("anthropic/")}
        assert first, "no preset resolves to an Anthropic model"
        dropped = {m.removeprefix("anthropic/") for m in first.values()}
        monkeypatch.setattr(fake, "model_ids", tuple(m for m in current if m not in dropped))
        await client.call_tool("list_models", {"detail": True, "refresh": True})
        after = (await client.call_tool("list_models", {"detail": True})).structured_content
        fake.inject(
            "/v1/models",
            status=500,
            body={"type": "error", "error": {"type": "api_error", "message": "down"}},
            times=5,
        )
        failed = (await client.call_tool("list_models", {"detail": True, "refresh": True})).structured_content
        name, was = next(iter(first.items()))
        explicit = await client.call_tool("generate_text", {"prompt": "hi", "model": was})
        by_preset = await client.call_tool("generate_text", {"prompt": "hi", "model": name})
    for name, was in first.items():
        assert after["presets"][name]["resolves_to"] != was
        assert after["presets"][name]["resolves_to"] in after["presets"][name]["candidates"]
    rows = {m["id"]: m for m in after["models"]}
    assert all(rows[m]["status"] == "unlisted" for m in first.values())
    assert failed["refresh_errors"]["anthropic"].startswith("[provider_unavailable]")
    assert failed["presets"] == after["presets"]  # a failed listing leaves the last one in force
    assert not explicit.is_error  # unlisted is not retired: a caller naming it is still served
    assert not by_preset.is_error or "[missing_api_key]" in by_preset.content[0].text


async def test_listings_are_cached_and_refreshed_in_the_background_once_per_ttl(
    connect, hub_env, fakes, monkeypatch, workdir
):
    env = hub_env("anthropic", AI_HUB_LISTING_TTL="24")
    fake = fakes["anthropic"]
    current = text_models("anthropic", Settings.load(environ=env, cwd=workdir))
    monkeypatch.setattr(fake, "model_ids", tuple(current))
    monkeypatch.setattr(fake, "lifecycles", {current[0]: {"lifecycle": "retired"}})
    async with connect(env) as client:
        with anyio.fail_after(10):
            while not (workdir / "state" / "listings.json").exists():
                await anyio.sleep(0.02)
        refused = await client.call_tool(
            "generate_text", {"prompt": "hi", "model": f"anthropic/{current[0]}"}
        )
    fetched = len(fake.calls("/v1/models"))
    assert fetched >= 1
    assert refused.content[0].text.startswith(f"[model_retired] anthropic/{current[0]} is retired")
    # a new session within the TTL: the cache answers, nothing is fetched
    async with connect(env) as client:
        await anyio.sleep(0.3)
        again = await client.call_tool("generate_text", {"prompt": "hi", "model": f"anthropic/{current[0]}"})
    assert len(fake.calls("/v1/models")) == fetched
    assert again.content[0].text.startswith("[model_retired]")
    # once the TTL has passed, the next session fetches again
    cache = ListingCache(workdir / "state")
    old = cache.load()
    cache.save({n: Listing(n, lst.fetched_at - 25 * 3600, lst.models, lst.covers) for n, lst in old.items()})
    async with connect(env) as client:
        with anyio.fail_after(10):
            while len(fake.calls("/v1/models")) == fetched:
                await anyio.sleep(0.02)
