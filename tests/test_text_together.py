"""generate_text on Together: OpenAI-compatible chat with Together's quirks (`max_tokens`, no
`stream_options`, usage on the finishing chunk, reasoning in `reasoning`, finish `eos`), models
outside the catalog, and Together's error bodies, through a real MCP client."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.anyio

REPLY = "Open weights say hi."
PIECES = 4
THINKING = "Let me think this through."


async def generate(connect, env, **args):
    async with connect(env) as client:
        return await client.call_tool("generate_text", args)


def only_request(fake):
    calls = fake.calls("/v1/chat/completions", "POST")
    assert len(calls) == 1
    return calls[0]


@pytest.mark.parametrize("stream", [True, False])
async def test_chat_request_and_answer_with_togethers_quirks(connect, hub_env, fakes, stream):
    fake = fakes["together"]
    fake.state["text"] = {"reply": REPLY, "thinking": THINKING, "think": True}
    result = await generate(
        connect,
        hub_env("together"),
        model="together/deepseek-ai/DeepSeek-V4-Pro",
        system="Be brief.",
        prompt="Hi",
        messages=[{"role": "user", "content": "Hello"}, {"role": "assistant", "content": "Hey"}],
        max_tokens=256,
        temperature=0.6,
        provider_options={"stream": stream, "repetition_penalty": 1.1},
    )
    request = only_request(fake)
    assert request.headers["authorization"] == f"Bearer {fake.key}"
    expected = {
        "model": "deepseek-ai/DeepSeek-V4-Pro",
        "max_tokens": 256,
        "temperature": 0.6,
        "repetition_penalty": 1.1,
        "messages": [
            {"role": "system", "content": "Be brief."},
            {"role": "user", "content": "Hello"},
            {"role": "assistant", "content": "Hey"},
            {"role": "user", "content": "Hi"},
        ],
    }
    assert request.json() == ({**expected, "stream": True} if stream else expected)  # never stream_options
    out = result.structured_content
    assert out["text"] == REPLY and THINKING not in result.content[0].text
    assert out["finish_reason"] == "stop"  # Together's "eos"
    # Together reports no reasoning breakdown
    assert out["usage"] == {"input_tokens": 21, "output_tokens": PIECES + 7, "reasoning_tokens": None}
    assert out["cost_usd"] == pytest.approx((21 * 1.74 + (PIECES + 7) * 3.48) / 1e6)


@pytest.mark.parametrize("stream", [True, False])
async def test_a_model_outside_the_catalog_gets_reasoning_and_images_and_no_price(
    connect, hub_env, fakes, stream
):
    fakes["together"].state["text"] = {"reply": REPLY, "thinking": THINKING}
    result = await generate(connect, hub_env("together"), model="together/Qwen/Qwen3-VL-235B-A22B-Thinking",
                            prompt="Hi", reasoning="low", max_tokens=64, images=["https://images.example/cat.jpg"],
                            provider_options={"stream": stream})
    expected = {"model": "Qwen/Qwen3-VL-235B-A22B-Thinking", "max_tokens": 64,
                "reasoning_effort": "low",  # models outside the catalog get the field; the provider decides
                "messages": [{"role": "user", "content": [
                    {"type": "text", "text": "Hi"},
                    {"type": "image_url", "image_url": {"url": "https://images.example/cat.jpg"}}]}]}
    assert only_request(fakes["together"]).json() == ({**expected, "stream": True} if stream else expected)
    out = result.structured_content
    assert (out["text"], out["finish_reason"]) == (REPLY, "stop")
    assert out["usage"] == {"input_tokens": 21, "output_tokens": PIECES + 7, "reasoning_tokens": None}
    assert out["model"] == "together/Qwen/Qwen3-VL-235B-A22B-Thinking" and out["cost_usd"] is None


async def test_a_catalog_model_without_a_price_has_a_null_cost(connect, hub_env, fakes):
    result = await generate(connect, hub_env("together"), model="together/moonshotai/Kimi-K2.6",
                            prompt="Hi")
    assert result.structured_content["cost_usd"] is None
    assert "$" not in result.content[0].text


async def test_max_tokens_stop_is_finish_length(connect, hub_env, fakes):
    fakes["together"].state["text"] = {"reply": REPLY}
    result = await generate(connect, hub_env("together"), model="together/openai/gpt-oss-20b", prompt="x",
                            max_tokens=2)
    assert (result.structured_content["text"], result.structured_content["finish_reason"]) == (
        "Open weights",
        "length",
    )


def together_body(message, type_, code=None):
    return {"error": {"message": message, "type": type_, "param": None, "code": code}}


ERRORS = [
    (
        400,
        together_body(
            "Input validation error: `max_tokens` must be less than 32769", "invalid_request_error"
        ),
        {},
        ("[provider_bad_request] Input validation error: `max_tokens` must be less than 32769 "
         "(together, HTTP 400)"),
    ),
    (
        401,
        together_body(
            "Invalid API key provided. You can find your API key at https://api.together.xyz/settings/api-keys.",
            "invalid_request_error",
            "invalid_api_key",
        ),
        {},
        "[provider_auth] Invalid API key provided",
    ),
    (
        429,
        together_body("You are on tier Free, which offers 60 queries per minute.", "rate_limit"),
        {"retry-after": "30"},
        "[provider_rate_limited] You are on tier Free",
    ),
    (
        503,
        together_body("The server is overloaded or not ready yet.", "server_error"),
        {"retry-after": "0"},
        "[provider_unavailable] The server is overloaded or not ready yet.",
    ),
]


@pytest.mark.parametrize(("status", "body", "headers", "expected"), ERRORS)
async def test_error_bodies_map_to_contract_codes(connect, hub_env, fakes, status, body, headers, expected):
    fakes["together"].inject("/v1/chat/completions", status=status, body=body, headers=headers, times=3)
    result = await generate(connect, hub_env("together"), model="together/openai/gpt-oss-20b", prompt="hi")
    assert result.content[0].text.startswith(expected)
    assert f"HTTP {status}" in result.content[0].text


async def test_an_error_mid_stream_is_reported(connect, hub_env, fakes):
    fakes["together"].state["text"] = {"reply": REPLY, "error_after": 1}
    result = await generate(connect, hub_env("together"), model="together/openai/gpt-oss-20b", prompt="hi")
    assert result.content[0].text.startswith("[provider_unavailable]")
    assert "reported mid-stream" in result.content[0].text
