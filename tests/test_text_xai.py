"""generate_text on xAI: OpenAI-compatible chat with `max_tokens`, `reasoning_content` kept out of
the answer, usage on every chunk; web search through the Responses API with xAI's `web_search` and
`x_search` tools; xAI's error bodies (a wrong key is a 400 with a string `error`)."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.anyio

REPLY = "Grok says hello to you."
PIECES = 5
THINKING = "Let me think this through."


async def generate(connect, env, **args):
    async with connect(env) as client:
        return await client.call_tool("generate_text", args)


def only_request(fake, path):
    calls = fake.calls(path, "POST")
    assert len(calls) == 1
    return calls[0]


@pytest.mark.parametrize("stream", [True, False])
async def test_chat_request_and_answer_without_the_reasoning_content(connect, hub_env, fakes, stream):
    fake = fakes["xai"]
    fake.state["text"] = {"reply": REPLY, "thinking": THINKING}
    result = await generate(
        connect,
        hub_env("xai"),
        model="xai/grok-4.6",
        system="Be brief.",
        prompt="Hello?",
        max_tokens=300,
        reasoning="medium",
        provider_options={"stream": stream},
    )
    request = only_request(fake, "/v1/chat/completions")
    assert request.headers["authorization"] == f"Bearer {fake.key}"
    expected = {
        "model": "grok-4.6",
        "max_tokens": 300,
        "reasoning_effort": "medium",
        "messages": [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Hello?"}],
    }
    if stream:
        expected |= {"stream": True, "stream_options": {"include_usage": True}}
    assert request.json() == expected
    out = result.structured_content
    assert out["text"] == REPLY and THINKING not in result.content[0].text
    assert out["finish_reason"] == "stop"
    assert out["usage"] == {"input_tokens": 21, "output_tokens": PIECES + 7, "reasoning_tokens": 7}
    assert out["cost_usd"] is None  # xAI publishes no price for grok-4.6 the catalog could confirm
    assert out["model"] == "xai/grok-4.6" and out["provider"] == "xai"


@pytest.mark.parametrize("stream", [True, False])
async def test_images_go_as_image_url_parts_to_the_wire_id(connect, hub_env, fakes, stream):
    fakes["xai"].state["text"] = {"reply": REPLY}
    result = await generate(connect, hub_env("xai"), model="xai/grok-4.5", prompt="What is it?",
                            images=["https://images.example/cat.jpg", "data:image/png;base64,iVBORw0KGgo="],
                            provider_options={"stream": stream})
    body = only_request(fakes["xai"], "/v1/chat/completions").json()
    expected = {"model": "grok-4.5", "messages": [{"role": "user", "content": [
        {"type": "text", "text": "What is it?"},
        {"type": "image_url", "image_url": {"url": "https://images.example/cat.jpg"}},
        {"type": "image_url", "image_url": {"url": "data:image/png;base64,iVBORw0KGgo="}}]}]}
    if stream:
        expected |= {"stream": True, "stream_options": {"include_usage": True}}
    assert body == expected
    out = result.structured_content
    assert (out["model"], out["text"], out["finish_reason"]) == ("xai/grok-4.5", REPLY, "stop")
    assert out["usage"] == {"input_tokens": 21, "output_tokens": PIECES, "reasoning_tokens": 0}


@pytest.mark.parametrize("stream", [True, False])
async def test_web_search_sends_xais_search_tools_and_returns_citations(connect, hub_env, fakes, stream):
    fake = fakes["xai"]
    fake.state["text"] = {"reply": REPLY}
    result = await generate(connect, hub_env("xai"), model="xai/grok-4.6", system="Cite.", prompt="News?",
                            web_search=True, provider_options={"stream": stream})
    body = only_request(fake, "/v1/responses").json()
    expected = {"model": "grok-4.6", "store": False, "tools": [{"type": "web_search"}, {"type": "x_search"}],
                "input": [{"role": "system", "content": "Cite."}, {"role": "user", "content": "News?"}]}
    assert body == ({**expected, "stream": True} if stream else expected)
    out = result.structured_content
    assert out["text"] == REPLY
    assert out["citations"] == [{"url": "https://example.org/tides", "title": ""},
                                {"url": "https://example.org/moon", "title": ""}]
    assert out["usage"] == {"input_tokens": 30, "output_tokens": PIECES, "reasoning_tokens": 0}


async def test_a_wrong_key_400_with_a_string_error_is_provider_auth(connect, hub_env, fakes):
    result = await generate(connect, hub_env("xai", XAI_API_KEY="xai-wrong-0123456789abcdef"),
                            model="xai/grok-4.6", prompt="hi")
    text = result.content[0].text
    assert text.startswith("[provider_auth] Incorrect API key provided") and "HTTP 400" in text
    assert "xai-wrong" not in text


ERRORS = [
    (
        400,
        {
            "code": "Client specified an invalid argument",
            "error": "Argument not supported on this model: reasoning_effort",
        },
        {},
        "[provider_bad_request] Argument not supported on this model: reasoning_effort (xai, HTTP 400)",
    ),
    (
        403,
        {
            "code": "The caller does not have permission to execute the specified operation",
            "error": "Your team does not have access to grok-4.",
        },
        {},
        "[provider_auth] Your team does not have access",
    ),
    (
        429,
        {"code": "Too many requests", "error": "Your team has exceeded its rate limit."},
        {"retry-after": "60"},
        "[provider_rate_limited] Your team has exceeded its rate limit.",
    ),
    (
        500,
        {"code": "Internal error", "error": "Service temporarily unavailable."},
        {"retry-after": "0"},
        "[provider_unavailable] Service temporarily unavailable.",
    ),
]


@pytest.mark.parametrize(("status", "body", "headers", "expected"), ERRORS)
async def test_error_bodies_map_to_contract_codes(connect, hub_env, fakes, status, body, headers, expected):
    fakes["xai"].inject("/v1/chat/completions", status=status, body=body, headers=headers, times=3)
    result = await generate(connect, hub_env("xai"), model="xai/grok-4.6", prompt="hi")
    assert result.content[0].text.startswith(expected)


async def test_an_error_mid_stream_is_reported(connect, hub_env, fakes):
    fakes["xai"].state["text"] = {"reply": REPLY, "error_after": 2}
    result = await generate(connect, hub_env("xai"), model="xai/grok-4.6", prompt="hi")
    assert result.content[0].text.startswith("[provider_unavailable]")
    assert "reported mid-stream" in result.content[0].text
