"""generate_text on Gemini: streamGenerateContent over SSE and plain generateContent, system
instruction, thinkingLevel (Gemini 3) and thinkingBudget (2.5), inline images, Google Search
grounding citations, prompt blocks, safety stops and every mapped error, through a real MCP client."""

from __future__ import annotations

import base64

import pytest

from tests.fakes.samples import png

pytestmark = pytest.mark.anyio

REPLY = "Tides come from the Moon's pull."
PIECES = 6


async def generate(connect, env, **args):
    async with connect(env) as client:
        return await client.call_tool("generate_text", args)


def only_request(fake):
    calls = fake.calls(r":(stream)?[gG]enerateContent$", "POST")
    assert len(calls) == 1
    return calls[0]


@pytest.mark.parametrize("stream", [True, False])
async def test_the_exact_request_and_the_parsed_answer(connect, hub_env, fakes, workdir, stream):
    fake = fakes["gemini"]
    fake.state["text"] = {"reply": REPLY}
    (workdir / "chart.png").write_bytes(png())
    cdn = fake.publish("moon.png", png(4, 4), "image/png")
    result = await generate(
        connect,
        hub_env("gemini"),
        model="gemini/gemini-3.5-flash-lite",
        system="Be brief.",
        reasoning="medium",
        max_tokens=800,
        temperature=0.4,
        prompt="What are these?",
        images=["chart.png", cdn],
        messages=[{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello!"}],
        provider_options={"stream": stream, "generationConfig": {"topK": 40}},
    )
    request = only_request(fake)
    method = "streamGenerateContent" if stream else "generateContent"
    assert request.path == f"/v1beta/models/gemini-3.5-flash-lite:{method}"
    assert request.param("alt") == ("sse" if stream else None)
    assert request.headers["x-goog-api-key"] == fake.key
    assert request.json() == {
        "contents": [
            {"role": "user", "parts": [{"text": "Hi"}]},
            {"role": "model", "parts": [{"text": "Hello!"}]},
            {
                "role": "user",
                "parts": [
                    {"inlineData": {"mimeType": "image/png", "data": base64.b64encode(png()).decode()}},
                    {"inlineData": {"mimeType": "image/png", "data": base64.b64encode(png(4, 4)).decode()}},
                    {"text": "What are these?"},
                ],
            },
        ],
        "systemInstruction": {"parts": [{"text": "Be brief."}]},
        "generationConfig": {
            "maxOutputTokens": 800,
            "temperature": 0.4,
            "thinkingConfig": {"thinkingLevel": "MEDIUM"},
            "topK": 40,
        },
    }
    out = result.structured_content
    assert out["text"] == REPLY  # thought parts are not mixed in
    assert out["finish_reason"] == "stop"
    assert out["usage"] == {"input_tokens": 17, "output_tokens": PIECES + 9, "reasoning_tokens": 9}
    assert out["cost_usd"] == pytest.approx((17 * 0.3 + (PIECES + 9) * 2.5) / 1e6)
    assert out["model"] == "gemini/gemini-3.5-flash-lite" and out["provider"] == "gemini"


@pytest.mark.parametrize(
    ("model", "reasoning", "config"),
    [
        ("gemini/gemini-4-carbon", "medium", {"thinkingLevel": "MEDIUM"}),  # levels only, budgets refused
        ("gemini/gemini-4-hydrogen", "high", {"thinkingLevel": "HIGH"}),
        ("gemini/gemini-3.8-flash", "low", {"thinkingLevel": "LOW"}),
        ("gemini/gemini-3.5-flash-lite", "medium", {"thinkingLevel": "MEDIUM"}),
        ("gemini/gemini-2.5-flash-lite", "low", {"thinkingBudget": 1024}),
    ],
)
async def test_reasoning_maps_to_the_thinking_config_of_the_generation(
    connect, hub_env, fakes, model, reasoning, config
):
    result = await generate(connect, hub_env("gemini"), model=model, prompt="Think", reasoning=reasoning)
    assert only_request(fakes["gemini"]).json()["generationConfig"] == {"thinkingConfig": config}
    assert not result.is_error


async def test_reasoning_off_sends_no_generation_config(connect, hub_env, fakes):
    result = await generate(connect, hub_env("gemini"), model="gemini/gemini-4-carbon", prompt="Hi")
    assert only_request(fakes["gemini"]).json() == {"contents": [{"role": "user", "parts": [{"text": "Hi"}]}]}
    assert result.structured_content["usage"]["reasoning_tokens"] == 0


@pytest.mark.parametrize("stream", [True, False])
async def test_web_search_adds_google_search_and_returns_grounding_sources(connect, hub_env, fakes, stream):
    fakes["gemini"].state["text"] = {"reply": REPLY}
    result = await generate(
        connect,
        hub_env("gemini"),
        model="gemini/gemini-3-flash-preview",
        prompt="Why tides?",
        web_search=True,
        provider_options={"stream": stream},
    )
    assert only_request(fakes["gemini"]).json()["tools"] == [{"googleSearch": {}}]
    out = result.structured_content
    assert out["citations"] == [
        {
            "url": "https://vertexaisearch.cloud.google.com/grounding-api-redirect/tides",
            "title": "tides.example",
        },
        {
            "url": "https://vertexaisearch.cloud.google.com/grounding-api-redirect/moon",
            "title": "moon.example",
        },
    ]
    assert out["usage"]["input_tokens"] == 17 + 40  # the search's tool-use prompt tokens are billed as input


@pytest.mark.parametrize("stream", [True, False])
async def test_max_output_tokens_is_finish_length(connect, hub_env, fakes, stream):
    fakes["gemini"].state["text"] = {"reply": REPLY}
    result = await generate(
        connect,
        hub_env("gemini"),
        model="gemini/gemini-3.5-flash-lite",
        prompt="x",
        max_tokens=2,
        provider_options={"stream": stream},
    )
    assert (result.structured_content["text"], result.structured_content["finish_reason"]) == (
        "Tides come",
        "length",
    )


@pytest.mark.parametrize("stream", [True, False])
async def test_a_blocked_prompt_is_content_policy(connect, hub_env, fakes, stream):
    fakes["gemini"].state["text"] = {"block": "PROHIBITED_CONTENT"}
    result = await generate(
        connect,
        hub_env("gemini"),
        model="gemini/gemini-3.5-flash-lite",
        prompt="bad",
        provider_options={"stream": stream},
    )
    assert result.content[0].text.startswith(
        "[content_policy] Gemini blocked the prompt (PROHIBITED_CONTENT)"
    )


@pytest.mark.parametrize("stream", [True, False])
async def test_a_safety_stop_without_text_is_content_policy(connect, hub_env, fakes, stream):
    fakes["gemini"].state["text"] = {"reply": "", "finish": "SAFETY"}
    result = await generate(
        connect,
        hub_env("gemini"),
        model="gemini/gemini-3.5-flash-lite",
        prompt="bad",
        provider_options={"stream": stream},
    )
    assert result.content[0].text.startswith("[content_policy] Gemini stopped the answer on safety grounds")


async def test_a_recitation_stop_after_some_text_keeps_the_text(connect, hub_env, fakes):
    fakes["gemini"].state["text"] = {"reply": "Once upon a time", "finish": "RECITATION"}
    result = await generate(connect, hub_env("gemini"), model="gemini/gemini-3.5-flash-lite", prompt="story")
    assert result.structured_content["text"] == "Once upon a time"
    assert result.structured_content["finish_reason"] == "content_filter"


@pytest.mark.parametrize("url", ["/cdn/missing.png", "http://127.0.0.1:9/unreachable.png"])
async def test_an_image_url_that_cannot_be_fetched_is_invalid_argument(connect, hub_env, fakes, url):
    image = fakes["gemini"].url(url) if url.startswith("/") else url
    result = await generate(
        connect, hub_env("gemini"), model="gemini/gemini-3.5-flash-lite", prompt="x", images=[image]
    )
    assert result.content[0].text.startswith("[invalid_argument] could not fetch")
    assert fakes["gemini"].calls("GenerateContent") == []


def gemini_body(code, status, message, details=None):
    return {"error": {"code": code, "message": message, "status": status, "details": details or []}}


ERRORS = [
    (
        400,
        gemini_body(
            400, "INVALID_ARGUMENT", "Unable to submit request because it has an empty text parameter."
        ),
        {},
        (
            "[provider_bad_request] Unable to submit request because it has an empty text parameter. "
            "(gemini, HTTP 400)"
        ),
    ),
    (
        400,
        gemini_body(400, "INVALID_ARGUMENT", "API key not valid. Please pass a valid API key."),
        {},
        "[provider_auth] API key not valid",
    ),
    (
        403,
        gemini_body(403, "PERMISSION_DENIED", "Method doesn't allow unregistered callers."),
        {},
        "[provider_auth] Method doesn't allow unregistered callers.",
    ),
    (
        429,
        gemini_body(
            429,
            "RESOURCE_EXHAUSTED",
            "You exceeded your current quota.",
            [{"@type": "type.googleapis.com/google.rpc.RetryInfo", "retryDelay": "37s"}],
        ),
        {},
        "[provider_rate_limited] You exceeded your current quota.",
    ),
    (
        500,
        gemini_body(500, "INTERNAL", "An internal error has occurred."),
        {"retry-after": "0"},
        "[provider_unavailable] An internal error has occurred.",
    ),
    (
        503,
        gemini_body(503, "UNAVAILABLE", "The model is overloaded. Please try again later."),
        {"retry-after": "0"},
        "[provider_unavailable] The model is overloaded.",
    ),
]


@pytest.mark.parametrize(("status", "body", "headers", "expected"), ERRORS)
async def test_error_bodies_map_to_contract_codes(connect, hub_env, fakes, status, body, headers, expected):
    fakes["gemini"].inject(r":streamGenerateContent$", status=status, body=body, headers=headers, times=3)
    result = await generate(connect, hub_env("gemini"), model="gemini/gemini-3.5-flash-lite", prompt="hi")
    assert result.content[0].text.startswith(expected)
    assert f"HTTP {status}" in result.content[0].text


async def test_the_fakes_own_key_check_gives_provider_auth(connect, hub_env, fakes):
    result = await generate(
        connect,
        hub_env("gemini", GEMINI_API_KEY="AIza-wrong-key-000000000"),
        model="gemini/gemini-3.5-flash-lite",
        prompt="hi",
    )
    assert result.content[0].text.startswith("[provider_auth] API key not valid")
    assert "AIza-wrong" not in result.content[0].text


async def test_an_error_chunk_mid_stream_is_reported(connect, hub_env, fakes):
    fakes["gemini"].state["text"] = {"reply": REPLY, "error_after": 2}
    result = await generate(connect, hub_env("gemini"), model="gemini/gemini-3.5-flash-lite", prompt="hi")
    assert result.content[0].text.startswith(
        "[provider_unavailable] The model is overloaded. Please try again later. (reported mid-stream)"
    )
