"""generate_text on Anthropic's Messages API: max_tokens always sent, extended thinking kept out of
the answer with a budget below max_tokens, images, the web search tool with citations, refusals and
every mapped error, streamed and plain, through a real MCP client against the loopback fake."""

from __future__ import annotations

import base64

import pytest

from mcp_ai_hub.capabilities.text import Message, TextRequest
from mcp_ai_hub.catalog import ModelEntry, Resolved
from mcp_ai_hub.errors import InvalidArgument
from mcp_ai_hub.providers.anthropic.text import token_limits
from tests.fakes.samples import jpeg

pytestmark = pytest.mark.anyio

REPLY = "Tides come from the Moon's pull."
PIECES = 6
THINKING_PIECES = 5  # "Let me think this through."


async def generate(connect, env, **args):
    async with connect(env) as client:
        return await client.call_tool("generate_text", args)


def only_request(fake):
    calls = fake.calls("/v1/messages", "POST")
    assert len(calls) == 1
    return calls[0]


@pytest.mark.parametrize("stream", [True, False])
async def test_the_exact_request_with_thinking_images_and_the_parsed_answer(
    connect, hub_env, fakes, workdir, stream
):
    fake = fakes["anthropic"]
    fake.state["text"] = {"reply": REPLY}
    (workdir / "photo.jpg").write_bytes(jpeg())
    result = await generate(
        connect,
        hub_env("anthropic"),
        model="anthropic/claude-haiku-4-5-20251001",
        system="Be brief.",
        reasoning="medium",
        messages=[{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello!"}],
        prompt="What is this?",
        images=["photo.jpg", "https://images.example/moon.png"],
        provider_options={"stream": stream, "top_k": 5},
    )
    request = only_request(fake)
    assert request.headers["x-api-key"] == fake.key
    assert request.headers["anthropic-version"] == "2023-06-01"
    expected = {
        "model": "claude-haiku-4-5-20251001",
        # default_max_tokens 8192 cannot hold the 8192-token budget: raised to budget + answer room
        "max_tokens": 16384,
        "messages": [
            {"role": "user", "content": "Hi"},
            {"role": "assistant", "content": "Hello!"},
            {"role": "user", "content": [
                {"type": "image", "source": {"type": "base64", "media_type": "image/jpeg",
                                             "data": base64.b64encode(jpeg()).decode()}},
                {"type": "image", "source": {"type": "url", "url": "https://images.example/moon.png"}},
                {"type": "text", "text": "What is this?"},
            ]},
        ],
        "system": "Be brief.",
        "thinking": {"type": "enabled", "budget_tokens": 8192},
        "top_k": 5,
    }
    assert request.json() == ({**expected, "stream": True} if stream else expected)
    out = result.structured_content
    assert out["text"] == REPLY  # the thinking text is not mixed in
    assert out["finish_reason"] == "stop"
    # input counts cache reads too; thinking is part of the output but not reported apart
    assert out["usage"] == {
        "input_tokens": 28,
        "output_tokens": PIECES + THINKING_PIECES,
        "reasoning_tokens": None,
    }
    assert out["cost_usd"] == pytest.approx((28 * 1.0 + (PIECES + THINKING_PIECES) * 5.0) / 1e6)
    assert out["model"] == "anthropic/claude-haiku-4-5-20251001" and out["provider"] == "anthropic"


async def test_max_tokens_is_always_sent_from_the_catalog_default(connect, hub_env, fakes):
    fakes["anthropic"].state["text"] = {"reply": REPLY}
    result = await generate(connect, hub_env("anthropic"), model="anthropic/claude-haiku-4-5-20251001",
                            prompt="Tides?", temperature=0.3)
    assert only_request(fakes["anthropic"]).json() == {
        "model": "claude-haiku-4-5-20251001", "max_tokens": 8192, "stream": True, "temperature": 0.3,
        "messages": [{"role": "user", "content": "Tides?"}]}
    assert result.structured_content["usage"] == {
        "input_tokens": 28,
        "output_tokens": PIECES,
        "reasoning_tokens": 0,
    }


@pytest.mark.parametrize(("max_tokens", "reasoning", "sent_max", "budget"), [
    (20000, "low", 20000, 2048),      # fits: max_tokens untouched
    (1000, "low", 3048, 2048),        # raised to budget + the answer's 1000
    (0, "high", 32768, 24576),        # default 8192 + 24576
    (24576, "high", 49152, 24576),    # a budget equal to max_tokens does not fit either
])
async def test_the_thinking_budget_always_fits_below_max_tokens(
    connect, hub_env, fakes, max_tokens, reasoning, sent_max, budget
):
    result = await generate(
        connect,
        hub_env("anthropic"),
        model="anthropic/claude-haiku-4-5-20251001",  # budgets: Claude 4.5 and earlier
        prompt="Think",
        max_tokens=max_tokens,
        reasoning=reasoning,
    )
    body = only_request(fakes["anthropic"]).json()
    assert (body["max_tokens"], body["thinking"]) == (sent_max, {"type": "enabled", "budget_tokens": budget})
    assert not result.is_error  # the fake rejects a budget >= max_tokens like the real API


@pytest.mark.parametrize(("ceiling", "expected"), [(10000, (10000, 8976)), (1500, None)])
def test_a_small_model_ceiling_shrinks_the_budget_or_refuses(ceiling, expected):
    entry = ModelEntry(
        id="claude-small",
        capabilities=["text"],
        max_output_tokens=ceiling,
        default_max_tokens=1000,
        features=["reasoning"],
        reasoning_style="budget",
    )
    request = TextRequest(messages=[Message("user", "hi")], reasoning="high")
    resolved = Resolved("anthropic", "claude-small", entry)
    if expected is None:
        with pytest.raises(InvalidArgument, match="leaves no room for a thinking budget"):
            token_limits(resolved, request)
    else:
        assert token_limits(resolved, request) == expected


async def test_temperature_with_thinking_is_refused_before_sending(connect, hub_env, fakes):
    result = await generate(connect, hub_env("anthropic"), model="anthropic/claude-sonnet-4-6", prompt="x",
                            reasoning="low", temperature=0.5)
    assert result.content[0].text.startswith("[invalid_argument]") and "temperature" in result.content[0].text
    assert fakes["anthropic"].requests == []


async def test_claude_5_takes_no_temperature_and_nothing_is_sent(connect, hub_env, fakes):
    result = await generate(connect, hub_env("anthropic"), model="anthropic/claude-opus-5-5", prompt="x",
                            temperature=0.2)
    text = result.content[0].text
    assert text.startswith("[invalid_argument]") and "(parameter temperature, provider anthropic)" in text
    assert fakes["anthropic"].requests == []


@pytest.mark.parametrize("stream", [True, False])
async def test_web_search_sends_the_server_tool_and_returns_its_citations(connect, hub_env, fakes, stream):
    fakes["anthropic"].state["text"] = {"reply": REPLY}
    result = await generate(connect, hub_env("anthropic"), model="anthropic/claude-sonnet-5-5",
                            prompt="Why tides?", web_search=True, provider_options={"stream": stream})
    body = only_request(fakes["anthropic"]).json()
    assert body["tools"] == [{"type": "web_search_20250305", "name": "web_search"}]
    out = result.structured_content
    assert out["text"] == REPLY
    assert out["citations"] == [{"url": "https://example.org/tides", "title": "Tides explained"},
                                {"url": "https://example.org/moon", "title": "The Moon"}]


@pytest.mark.parametrize("stream", [True, False])
async def test_stop_at_max_tokens_is_finish_length(connect, hub_env, fakes, stream):
    fakes["anthropic"].state["text"] = {"reply": REPLY}
    result = await generate(connect, hub_env("anthropic"), model="anthropic/claude-opus-4-6", prompt="x",
                            max_tokens=3, provider_options={"stream": stream})
    assert result.structured_content["finish_reason"] == "length"
    assert result.structured_content["text"] == "Tides come from"


@pytest.mark.parametrize("stream", [True, False])
async def test_stop_reason_refusal_is_content_policy(connect, hub_env, fakes, stream):
    fakes["anthropic"].state["text"] = {"reply": "I won't", "refuse": "yes"}
    result = await generate(connect, hub_env("anthropic"), model="anthropic/claude-opus-4-6", prompt="bad",
                            provider_options={"stream": stream})
    assert result.content[0].text.startswith(
        "[content_policy] Claude declined to answer (stop_reason refusal)"
    )


def anthropic_body(type_, message):
    return {"type": "error", "error": {"type": type_, "message": message}, "request_id": "req_011CFake"}


ERRORS = [
    (
        400,
        anthropic_body("invalid_request_error", "messages: text content blocks must be non-empty"),
        {},
        "[provider_bad_request] messages: text content blocks must be non-empty (anthropic, HTTP 400)",
    ),
    (
        401,
        anthropic_body("authentication_error", "invalid x-api-key"),
        {},
        "[provider_auth] invalid x-api-key",
    ),
    (
        403,
        anthropic_body(
            "permission_error", "Your API key does not have permission to use the specified resource."
        ),
        {},
        "[provider_auth] Your API key does not have permission",
    ),
    (
        429,
        anthropic_body(
            "rate_limit_error", "Number of request tokens has exceeded your per-minute rate limit"
        ),
        {"retry-after": "45"},
        "[provider_rate_limited] Number of request tokens has exceeded",
    ),
    (
        500,
        anthropic_body("api_error", "Internal server error"),
        {"retry-after": "0"},
        "[provider_unavailable] Internal server error",
    ),
    (
        529,
        anthropic_body("overloaded_error", "Overloaded"),
        {"retry-after": "0"},
        "[provider_unavailable] Overloaded",
    ),
]


@pytest.mark.parametrize(("status", "body", "headers", "expected"), ERRORS)
async def test_error_bodies_map_to_contract_codes(connect, hub_env, fakes, status, body, headers, expected):
    fakes["anthropic"].inject("/v1/messages", status=status, body=body, headers=headers, times=3)
    result = await generate(connect, hub_env("anthropic"), model="anthropic/claude-opus-4-6", prompt="hi")
    assert result.content[0].text.startswith(expected)
    assert f"HTTP {status}" in result.content[0].text


async def test_a_bad_request_from_the_real_validator_names_the_problem(connect, hub_env, fakes):
    result = await generate(connect, hub_env("anthropic"), model="anthropic/claude-opus-4-6", prompt="hi",
                            provider_options={"thinking": {"type": "enabled", "budget_tokens": 500}})
    assert result.content[0].text.startswith(
        "[provider_bad_request] thinking.enabled.budget_tokens: Input should be greater than or equal to 1024"
    )


async def test_an_error_event_mid_stream_maps_by_its_type(connect, hub_env, fakes):
    fakes["anthropic"].state["text"] = {"reply": REPLY, "error_after": 3}
    result = await generate(connect, hub_env("anthropic"), model="anthropic/claude-opus-4-6", prompt="hi")
    assert result.content[0].text.startswith("[provider_unavailable] Overloaded (reported mid-stream)")


async def test_a_rate_limit_event_mid_stream_is_rate_limited(connect, hub_env, fakes):
    fakes["anthropic"].state["text"] = {"reply": REPLY, "error_after": 2, "error": {
        "type": "rate_limit_error", "message": "Rate limited"}}
    result = await generate(connect, hub_env("anthropic"), model="anthropic/claude-opus-4-6", prompt="hi")
    assert result.content[0].text.startswith("[provider_rate_limited] Rate limited (reported mid-stream)")
