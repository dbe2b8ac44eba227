"""Tool definitions are built once per process: later servers reuse them, yet each answers from its
own settings, and a definition that differs (a description naming other providers) is built anew."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.anyio


async def test_a_second_server_reuses_the_definitions_but_keeps_its_own_settings(connect, hub_env, fakes):
    fakes["openai"].state["text"] = {"reply": "From A."}
    async with connect(hub_env("openai")) as with_key, connect(hub_env()) as without_key:
        listed_a = (await with_key.list_tools()).tools
        listed_b = (await without_key.list_tools()).tools
        assert [t.model_dump() for t in listed_a] == [t.model_dump() for t in listed_b]
        args = {"model": "openai/gpt-4.1-mini", "prompt": "Hi", "provider_options": {"stream": False}}
        answered = await with_key.call_tool("generate_text", args)
        refused = await without_key.call_tool("generate_text", args)
    assert not answered.is_error and answered.structured_content["text"] == "From A."
    assert refused.is_error and refused.content[0].text.startswith("[missing_api_key]")
    assert len(fakes["openai"].calls("/v1/chat/completions", "POST")) == 1


async def test_a_description_that_differs_gets_its_own_definition(connect, hub_env):
    endpoint = hub_env(AI_HUB_OPENAI_COMPATIBLE="lab=http://127.0.0.1:9/v1")
    async with connect(hub_env()) as builtins, connect(endpoint) as with_endpoint:
        plain = {t.name: t for t in (await builtins.list_tools()).tools}
        added = {t.name: t for t in (await with_endpoint.list_tools()).tools}
    assert "Together AI." in plain["generate_text"].description
    assert "Together AI or lab (OpenAI-compatible endpoint)." in added["generate_text"].description
    assert added["generate_text"].input_schema == plain["generate_text"].input_schema
