"""Prompts (second_opinion, compare_models) with completion of their models argument, and the
logging capability: log records reach the client as notifications/message, redacted, in both
protocol generations (logging/setLevel for handshake-era clients, the _meta opt-in for 2026)."""

from __future__ import annotations

import pytest
from mcp.types import PromptReference

pytestmark = [pytest.mark.anyio, pytest.mark.both_generations]


async def test_both_prompts_are_listed_and_build_a_generate_text_call(connect, hub_env):
    async with connect(hub_env("openai", "gemini")) as client:
        listed = {p.name: p for p in (await client.list_prompts()).prompts}
        opinion = await client.get_prompt("second_opinion", {"subject": "Use a global lock for the cache?"})
        chosen = await client.get_prompt(
            "second_opinion", {"subject": "x", "models": "cheap-text, xai/grok-4.6"}
        )
        compare = await client.get_prompt("compare_models", {"task": "Write a haiku about rust"})
    assert set(listed) == {"second_opinion", "compare_models"}
    args = {a.name: a for a in listed["second_opinion"].arguments}
    assert args["subject"].required and not args["models"].required and args["models"].description
    text = opinion.messages[0].content.text
    assert "Use a global lock for the cache?" in text and "generate_text with models=" in text
    # no models given: other labs whose keys are set, from the reasoning and code presets
    assert "'openai/gpt-6.2-astra'" in text and "'gemini/gemini-4-carbon'" in text and "anthropic" not in text
    assert "models=['cheap-text', 'xai/grok-4.6']" in chosen.messages[0].content.text
    assert "Write a haiku about rust" in compare.messages[0].content.text
    assert "side by side" in compare.messages[0].content.text


async def test_the_models_argument_completes_from_the_catalog(connect, hub_env):
    ref = PromptReference(type="ref/prompt", name="compare_models")
    async with connect(hub_env("anthropic")) as client:
        caps = (
            (await client.get_server_capabilities()) if hasattr(client, "get_server_capabilities") else None
        )
        first = await client.complete(ref, {"name": "models", "value": "claude-op"})
        second = await client.complete(ref, {"name": "models", "value": "best-reasoning, gpt-6"})
        presets = await client.complete(ref, {"name": "models", "value": "best-"})
        other = await client.complete(ref, {"name": "task", "value": "x"})
    assert caps is None or caps.completions is not None
    assert "anthropic/claude-opus-5-5" in first.completion.values
    assert all("claude-op" in v for v in first.completion.values)
    assert second.completion.values and all(
        v.startswith("best-reasoning, openai/gpt-6") for v in second.completion.values
    )
    assert {"best-reasoning", "best-code"} <= set(presets.completion.values)
    assert "best-image" not in presets.completion.values  # text presets only: these prompts ask for text
    assert other.completion.values == []


@pytest.mark.filterwarnings("ignore::DeprecationWarning")  # the client marks logging deprecated
async def test_log_records_reach_the_client_redacted(connect, hub_env, fakes, mode):
    records = []

    async def on_log(params):
        records.append(params)

    env = hub_env("openai")
    key = env["OPENAI_API_KEY"]
    fakes["openai"].inject(
        "/v1/chat/completions",
        status=429,
        body={"error": {"message": f"slow down {key}"}},
        headers={"retry-after": "0"},
        times=1,
    )
    opt_in = {"log_level": "debug"} if mode == "auto" else {}
    async with connect(env, logging_callback=on_log, **opt_in) as client:
        if mode == "legacy":
            await client.set_logging_level("debug")
        result = await client.call_tool("generate_text", {"prompt": "hi", "model": "openai/gpt-5.2"})
    assert not result.is_error
    messages = [(r.level, r.logger, r.data["message"]) for r in records]
    assert any(
        level == "debug" and "openai POST" in text and "/chat/completions" in text
        for level, _, text in messages
    ), messages
    assert any(level == "info" and "HTTP 429; retry 1" in text for level, _, text in messages), messages
    assert all(logger.startswith("mcp_ai_hub") for _, logger, _ in messages)
    assert key not in repr(records) and key[-12:] not in repr(records)


async def test_without_opting_in_no_log_records_arrive(connect, hub_env, fakes):
    records = []

    async def on_log(params):
        records.append(params)

    async with connect(hub_env("openai"), logging_callback=on_log) as client:
        await client.call_tool("generate_text", {"prompt": "hi", "model": "openai/gpt-5.2"})
    assert records == []
