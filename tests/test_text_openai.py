"""generate_text on OpenAI: Chat Completions (streamed and plain), the Responses API for web search
and Responses-only models, reasoning effort, images, refusals and every mapped error, through a real
MCP client against the loopback fake."""

from __future__ import annotations

import base64

import pytest

from tests.fakes.samples import png

pytestmark = pytest.mark.anyio

REPLY = "Tides come from the Moon's pull."
PIECES = 6  # words the fake streams for REPLY


async def generate(connect, env, **args):
    async with connect(env) as client:
        return await client.call_tool("generate_text", args)


def only_request(fake, path):
    calls = fake.calls(path, "POST")
    assert len(calls) == 1, [c.path for c in fake.requests]
    return calls[0]


@pytest.mark.parametrize("stream", [True, False])
async def test_chat_sends_the_exact_request_and_parses_the_answer(connect, hub_env, fakes, workdir, stream):
    fake = fakes["openai"]
    fake.state["text"] = {"reply": REPLY}
    (workdir / "chart.png").write_bytes(png())
    result = await generate(
        connect,
        hub_env("openai"),
        model="openai/gpt-5.2",
        system="Be brief.",
        max_tokens=500,
        reasoning="high",
        messages=[{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello!"}],
        prompt="Why are there tides?",
        images=["chart.png", "https://images.example/moon.jpg"],
        provider_options={"stream": stream},
    )
    request = only_request(fake, "/v1/chat/completions")
    assert request.headers["authorization"] == f"Bearer {fake.key}"
    assert request.headers["content-type"] == "application/json"
    streaming = {"stream": True, "stream_options": {"include_usage": True}} if stream else {}
    assert request.json() == {
        "model": "gpt-5.2",
        "messages": [
            {"role": "system", "content": "Be brief."},
            {"role": "user", "content": "Hi"},
            {"role": "assistant", "content": "Hello!"},
            {
                "role": "user",
                "content": [
                    {"type": "text", "text": "Why are there tides?"},
                    {
                        "type": "image_url",
                        "image_url": {"url": "data:image/png;base64," + base64.b64encode(png()).decode()},
                    },
                    {"type": "image_url", "image_url": {"url": "https://images.example/moon.jpg"}},
                ],
            },
        ],
        "max_completion_tokens": 500,
        "reasoning_effort": "high",
        **streaming,
    }
    assert not result.is_error
    out = result.structured_content
    assert out["text"] == REPLY
    assert out["finish_reason"] == "stop"
    assert out["usage"] == {"input_tokens": 21, "output_tokens": PIECES + 7, "reasoning_tokens": 7}
    assert out["model"] == "openai/gpt-5.2" and out["provider"] == "openai" and out["citations"] == []
    assert out["cost_usd"] == pytest.approx((21 * 1.75 + (PIECES + 7) * 14.0) / 1e6)
    assert result.content[0].text.startswith(REPLY)


async def test_a_plain_chat_response_is_parsed_too(connect, hub_env, fakes):
    fake = fakes["openai"]
    fake.state["text"] = {"reply": REPLY}
    result = await generate(connect, hub_env("openai"), model="openai/gpt-4.1-mini", prompt="Tides?",
                            temperature=0.2, provider_options={"stream": False, "seed": 7,
                                                               "response_format": {"type": "text"}})
    request = only_request(fake, "/v1/chat/completions")
    assert request.json() == {"model": "gpt-4.1-mini", "messages": [{"role": "user", "content": "Tides?"}],
                              "temperature": 0.2, "seed": 7, "response_format": {"type": "text"}}
    out = result.structured_content
    assert out["text"] == REPLY and out["finish_reason"] == "stop"
    assert out["usage"] == {"input_tokens": 21, "output_tokens": PIECES, "reasoning_tokens": 0}
    assert out["cost_usd"] == pytest.approx((21 * 0.4 + PIECES * 1.6) / 1e6)


async def test_a_null_provider_option_removes_a_field_the_hub_sends(connect, hub_env, fakes):
    result = await generate(
        connect,
        hub_env("openai"),
        model="openai/gpt-4.1",
        prompt="x",
        web_search=True,
        provider_options={"store": None, "tools": [{"type": "web_search", "search_context_size": "high"}]},
    )
    body = only_request(fakes["openai"], "/v1/responses").json()
    assert "store" not in body and body["tools"] == [{"type": "web_search", "search_context_size": "high"}]
    assert not result.is_error


@pytest.mark.parametrize("stream", [True, False])
async def test_hitting_max_tokens_is_finish_length(connect, hub_env, fakes, stream):
    fakes["openai"].state["text"] = {"reply": REPLY}
    result = await generate(connect, hub_env("openai"), model="openai/gpt-4.1", prompt="Tides?", max_tokens=2,
                            provider_options={"stream": stream})
    out = result.structured_content
    assert out["text"] == "Tides come" and out["finish_reason"] == "length"
    assert "cut off at max_tokens" in result.content[0].text


@pytest.mark.parametrize("stream", [True, False])
async def test_web_search_uses_the_responses_api_and_returns_citations(connect, hub_env, fakes, stream):
    fake = fakes["openai"]
    fake.state["text"] = {"reply": REPLY}
    result = await generate(
        connect, hub_env("openai"), model="openai/gpt-5.2", system="Cite sources.", prompt="Why tides?",
        messages=[{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello!"}],
        reasoning="medium", max_tokens=900, web_search=True, images=["https://images.example/moon.jpg"],
        provider_options={"stream": stream},
    )
    request = only_request(fake, "/v1/responses")
    assert request.headers["authorization"] == f"Bearer {fake.key}"
    expected = {
        "model": "gpt-5.2",
        "input": [
            {"role": "user", "content": "Hi"},
            {"role": "assistant", "content": "Hello!"},
            {"role": "user", "content": [
                {"type": "input_text", "text": "Why tides?"},
                {"type": "input_image", "image_url": "https://images.example/moon.jpg", "detail": "auto"},
            ]},
        ],
        "store": False,
        "instructions": "Cite sources.",
        "max_output_tokens": 900,
        "reasoning": {"effort": "medium"},
        "tools": [{"type": "web_search"}],
    }
    assert request.json() == ({**expected, "stream": True} if stream else expected)
    assert fake.calls("/v1/chat/completions") == []
    out = result.structured_content
    assert out["text"] == REPLY and out["finish_reason"] == "stop"
    assert out["citations"] == [{"url": "https://example.org/tides", "title": "Tides explained"},
                                {"url": "https://example.org/moon", "title": "The Moon"}]
    assert out["usage"] == {"input_tokens": 30, "output_tokens": PIECES + 11, "reasoning_tokens": 11}
    assert "Sources:\n1. Tides explained - https://example.org/tides" in result.content[0].text


async def test_responses_only_models_go_to_the_responses_api(connect, hub_env, fakes):
    fakes["openai"].state["text"] = {"reply": REPLY}
    result = await generate(connect, hub_env("openai"), model="openai/gpt-5.5-pro", prompt="Write a haiku",
                            max_tokens=3)
    body = only_request(fakes["openai"], "/v1/responses").json()
    assert body["model"] == "gpt-5.5-pro" and "tools" not in body and body["max_output_tokens"] == 3
    assert result.structured_content["finish_reason"] == "length"  # status incomplete, max_output_tokens
    assert result.structured_content["text"] == "Tides come from"


@pytest.mark.parametrize(
    ("web_search", "stream"), [(False, True), (False, False), (True, True), (True, False)]
)
async def test_a_refusal_is_a_content_policy_error(connect, hub_env, fakes, web_search, stream):
    fakes["openai"].state["text"] = {"refuse": "I can't help with that."}
    result = await generate(connect, hub_env("openai"), model="openai/gpt-5.2", prompt="something bad",
                            web_search=web_search, provider_options={"stream": stream})
    assert result.is_error
    assert result.content[0].text.startswith("[content_policy] the model refused: I can't help with that.")


async def test_a_content_filter_stop_without_text_is_content_policy(connect, hub_env, fakes):
    fakes["openai"].state["text"] = {"reply": "", "finish": "content_filter"}
    result = await generate(connect, hub_env("openai"), model="openai/gpt-4.1", prompt="x")
    assert result.content[0].text.startswith("[content_policy]")


async def test_a_content_filter_stop_after_some_text_keeps_the_text(connect, hub_env, fakes):
    fakes["openai"].state["text"] = {"reply": "Partial answer", "finish": "content_filter"}
    result = await generate(connect, hub_env("openai"), model="openai/gpt-4.1", prompt="x")
    assert result.structured_content["text"] == "Partial answer"
    assert result.structured_content["finish_reason"] == "content_filter"


def openai_body(message, type_, code=None, param=None):
    return {"error": {"message": message, "type": type_, "param": param, "code": code}}


ERRORS = [
    (
        400,
        openai_body(
            "Unsupported value: 'temperature' does not support 0.2 with this model.",
            "invalid_request_error",
            "unsupported_value",
            "temperature",
        ),
        {},
        ("[provider_bad_request] Unsupported value: 'temperature' does not support 0.2 with this model. "
         "(openai, HTTP 400)"),
    ),
    (
        403,
        openai_body(
            "Project `proj_x` does not have access to model `gpt-5.2`",
            "invalid_request_error",
            "model_not_found",
        ),
        {},
        "[provider_auth] Project `proj_x` does not have access",
    ),
    (
        429,
        openai_body(
            "Rate limit reached for gpt-5.2 on tokens per min (TPM): Limit 30000, Used 30000.",
            "tokens",
            "rate_limit_exceeded",
        ),
        {"retry-after": "30"},
        "[provider_rate_limited] Rate limit reached for gpt-5.2",
    ),
    (
        500,
        openai_body(
            "The server had an error while processing your request. Sorry about that!", "server_error"
        ),
        {"retry-after": "0"},
        "[provider_unavailable] The server had an error",
    ),
    (
        503,
        openai_body("The engine is currently overloaded, please try again later", "server_error"),
        {"retry-after": "0"},
        "[provider_unavailable] The engine is currently overloaded",
    ),
    (
        400,
        openai_body(
            "Your request was rejected as a result of our safety system.",
            "invalid_request_error",
            "content_policy_violation",
        ),
        {},
        "[content_policy] Your request was rejected",
    ),
]


@pytest.mark.parametrize(("status", "body", "headers", "expected"), ERRORS)
@pytest.mark.parametrize("path", ["/v1/chat/completions", "/v1/responses"])
async def test_error_bodies_map_to_contract_codes(
    connect, hub_env, fakes, status, body, headers, expected, path
):
    fakes["openai"].inject(path, status=status, body=body, headers=headers, times=3)
    result = await generate(connect, hub_env("openai"), model="openai/gpt-5.2", prompt="hi",
                            web_search=path.endswith("responses"))
    assert result.is_error
    assert result.content[0].text.startswith(expected)
    assert f"HTTP {status}" in result.content[0].text


async def test_a_wrong_key_is_provider_auth_and_never_echoed(connect, hub_env, fakes):
    env = hub_env("openai", OPENAI_API_KEY="sk-wrong-key-0123456789abcdef")
    result = await generate(connect, env, model="openai/gpt-5.2", prompt="hi")
    text = result.content[0].text
    assert text.startswith("[provider_auth] Incorrect API key provided") and "HTTP 401" in text
    assert "sk-wrong-key" not in text


@pytest.mark.parametrize("web_search", [False, True])
async def test_an_error_in_the_middle_of_the_stream_is_reported(connect, hub_env, fakes, web_search):
    fakes["openai"].state["text"] = {"reply": REPLY, "error_after": 2}
    result = await generate(
        connect, hub_env("openai"), model="openai/gpt-5.2", prompt="hi", web_search=web_search
    )
    text = result.content[0].text
    assert text.startswith("[provider_unavailable]") and "reported mid-stream" in text
    assert "HTTP" not in text.split(".")[0]


async def test_a_rate_limit_error_mid_stream_keeps_its_code(connect, hub_env, fakes):
    fakes["openai"].state["text"] = {"reply": REPLY, "error_after": 1, "error": {
        "message": "Rate limit reached", "type": "tokens", "code": "rate_limit_exceeded", "param": None}}
    result = await generate(connect, hub_env("openai"), model="openai/gpt-4.1", prompt="hi")
    assert result.content[0].text.startswith(
        "[provider_rate_limited] Rate limit reached (reported mid-stream)"
    )


@pytest.mark.parametrize("stream", [True, False])
async def test_a_failed_response_maps_its_error_code(connect, hub_env, fakes, stream):
    fakes["openai"].state["text"] = {"failed": {"code": "rate_limit_exceeded", "message": "Too many tokens."}}
    result = await generate(connect, hub_env("openai"), model="openai/gpt-5.2", prompt="hi", web_search=True,
                            provider_options={"stream": stream})
    assert result.content[0].text.startswith("[provider_rate_limited] Too many tokens. (response failed)")


async def test_a_dropped_stream_is_an_error_and_not_resent(connect, hub_env, fakes):
    fakes["openai"].inject("/v1/chat/completions", drop=True)
    result = await generate(connect, hub_env("openai"), model="openai/gpt-5.2", prompt="hi")
    assert result.content[0].text.startswith("[provider_unavailable]")
    assert len(fakes["openai"].calls("/v1/chat/completions")) == 1


async def test_a_malformed_body_is_provider_unavailable(connect, hub_env, fakes):
    fakes["openai"].inject("/v1/chat/completions", malformed=True)
    result = await generate(connect, hub_env("openai"), model="openai/gpt-5.2", prompt="hi")
    assert result.content[0].text.startswith("[provider_unavailable] openai sent a malformed response")


async def test_an_answer_without_usage_has_an_unknown_cost_not_zero(connect, hub_env, fakes):
    fakes["openai"].state["text"] = {"reply": REPLY}
    result = await generate(connect, hub_env("openai"), model="openai/gpt-5.2", prompt="Hi",
                            provider_options={"stream_options": {"include_usage": False}})
    body = only_request(fakes["openai"], "/v1/chat/completions").json()
    assert body["stream_options"] == {"include_usage": False}
    out = result.structured_content
    assert not result.is_error and out["text"] == REPLY
    assert out["cost_usd"] is None  # the price is known, the usage is not
