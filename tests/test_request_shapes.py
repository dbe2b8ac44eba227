"""The request shapes the newer models take, asserted on the exact bodies the loopback fakes
received: Anthropic adaptive thinking with an effort hint (and the budgets older Claude models
still take), Gemini thinking levels vs budgets, OpenAI reasoning effort values and gpt-image-2
parameters, ElevenLabs v4 voice settings and scribe_v3 options, through a real MCP client."""

from __future__ import annotations

import pytest

from tests.fakes import samples

pytestmark = pytest.mark.anyio


async def call(connect, env, tool, **args):
    async with connect(env) as client:
        return await client.call_tool(tool, args)


def only_body(fake, path):
    calls = fake.calls(path, "POST")
    assert len(calls) == 1, [c.path for c in fake.requests]
    return calls[0].json()


def error_text(result) -> str:
    assert result.is_error, result.content
    return result.content[0].text


# --- Anthropic ---------------------------------------------------------------------------------

@pytest.mark.parametrize("reasoning", ["low", "medium", "high"])
async def test_an_adaptive_claude_gets_adaptive_thinking_and_the_effort_hint(
    connect, hub_env, fakes, reasoning
):
    fakes["anthropic"].state["text"] = {"reply": "Because of the Moon."}
    result = await call(connect, hub_env("anthropic"), "generate_text", model="anthropic/claude-sonnet-5-5",
                        prompt="Why tides?", reasoning=reasoning, provider_options={"stream": False})
    assert not result.is_error, result.content
    assert only_body(fakes["anthropic"], "/v1/messages") == {
        "model": "claude-sonnet-5-5", "max_tokens": 8192,  # no budget, so max_tokens is left as asked
        "messages": [{"role": "user", "content": "Why tides?"}],
        "thinking": {"type": "adaptive"}, "output_config": {"effort": reasoning}}
    out = result.structured_content
    assert out["text"] == "Because of the Moon."  # the thinking the fake sends stays out
    assert out["usage"]["reasoning_tokens"] is None


async def test_an_adaptive_claude_with_reasoning_off_sends_no_thinking(connect, hub_env, fakes):
    result = await call(connect, hub_env("anthropic"), "generate_text", model="anthropic/claude-sonnet-5-5",
                        prompt="Hi", max_tokens=300)
    assert not result.is_error, result.content
    body = only_body(fakes["anthropic"], "/v1/messages")
    assert "thinking" not in body and "output_config" not in body and body["max_tokens"] == 300


async def test_a_budget_claude_still_gets_a_thinking_budget(connect, hub_env, fakes):
    result = await call(
        connect,
        hub_env("anthropic"),
        "generate_text",
        model="anthropic/claude-haiku-4-5-20251001",
        prompt="Think",
        reasoning="low",
        max_tokens=4000,
    )
    assert not result.is_error, result.content
    body = only_body(fakes["anthropic"], "/v1/messages")
    assert body["thinking"] == {"type": "enabled", "budget_tokens": 2048} and "output_config" not in body


async def test_an_adaptive_claude_refuses_temperature_with_thinking_before_sending(connect, hub_env, fakes):
    result = await call(connect, hub_env("anthropic"), "generate_text", model="anthropic/claude-sonnet-5-5",
                        prompt="x", reasoning="high", temperature=0.2)
    assert error_text(result).startswith("[invalid_argument]") and "temperature" in error_text(result)
    assert fakes["anthropic"].requests == []


@pytest.mark.parametrize(
    ("model", "thinking", "said"),
    [
        # a model that takes only adaptive thinking rejects a budget, as the API does
        (
            "claude-sonnet-5-5",
            {"type": "enabled", "budget_tokens": 2048},
            "thinking.type.enabled is not supported",
        ),
        # an older model rejects adaptive thinking
        ("claude-haiku-4-5-20251001", {"type": "adaptive"}, "thinking.type.adaptive is not supported"),
    ],
)
async def test_the_fake_rejects_the_thinking_type_a_model_does_not_take(
    connect, hub_env, fakes, model, thinking, said
):
    result = await call(
        connect,
        hub_env("anthropic"),
        "generate_text",
        model=f"anthropic/{model}",
        prompt="x",
        max_tokens=4096,
        provider_options={"thinking": thinking},
    )
    text = error_text(result)
    assert text.startswith("[provider_bad_request]") and said in text and "400" in text


async def test_an_unknown_effort_is_a_bad_request(connect, hub_env, fakes):
    result = await call(connect, hub_env("anthropic"), "generate_text", model="anthropic/claude-sonnet-5-5",
                        prompt="x", reasoning="high", provider_options={"output_config": {"effort": "ultra"}})
    assert error_text(result).startswith("[provider_bad_request]") and "output_config.effort" in error_text(
        result
    )


async def test_xhigh_effort_passes_through_provider_options(connect, hub_env, fakes):
    result = await call(connect, hub_env("anthropic"), "generate_text", model="anthropic/claude-sonnet-5-5",
                        prompt="x", reasoning="high", provider_options={"output_config": {"effort": "xhigh"}})
    assert not result.is_error, result.content
    assert only_body(fakes["anthropic"], "/v1/messages")["output_config"] == {"effort": "xhigh"}


# --- Gemini ------------------------------------------------------------------------------------

@pytest.mark.parametrize(("model", "reasoning", "config"), [
    ("gemini-3-flash-preview", "high", {"thinkingLevel": "HIGH"}),
    ("gemini-3.1-pro-preview", "medium", {"thinkingLevel": "MEDIUM"}),
    ("gemini-2.5-flash-lite", "medium", {"thinkingBudget": 8192}),
    ("gemini-4-carbon", "high", {"thinkingLevel": "HIGH"}),
])
async def test_gemini_gets_levels_where_the_model_takes_levels_and_budgets_elsewhere(
        connect, hub_env, fakes, model, reasoning, config):
    result = await call(connect, hub_env("gemini"), "generate_text", model=f"gemini/{model}", prompt="Why?",
                        reasoning=reasoning, provider_options={"stream": False})
    assert not result.is_error, result.content
    assert only_body(fakes["gemini"], f"/v1beta/models/{model}:generateContent") == {
        "contents": [{"role": "user", "parts": [{"text": "Why?"}]}],
        "generationConfig": {"thinkingConfig": config}}


@pytest.mark.parametrize(("model", "thinking", "said"), [
    ("gemini-2.5-flash-lite", {"thinkingLevel": "LOW"}, "Thinking level is not supported"),
    ("gemini-4-carbon", {"thinkingBudget": 1024}, "thinking_budget is not supported"),
    ("gemini-4-carbon", {"thinkingLevel": "MINIMAL"}, "Thinking level MINIMAL is not supported"),
    ("gemini-3-flash-preview", {"thinkingLevel": "LOW", "thinkingBudget": 1024}, "not supported together"),
])
async def test_the_gemini_fake_rejects_levels_a_model_does_not_take(
    connect, hub_env, fakes, model, thinking, said
):
    result = await call(connect, hub_env("gemini"), "generate_text", model=f"gemini/{model}", prompt="x",
                        provider_options={"generationConfig": {"thinkingConfig": thinking}})
    assert error_text(result).startswith("[provider_bad_request]") and said in error_text(result)


# --- OpenAI text -------------------------------------------------------------------------------

async def test_openai_reasoning_maps_to_reasoning_effort_and_newer_values_pass_through(
    connect, hub_env, fakes
):
    env = hub_env("openai")
    result = await call(connect, env, "generate_text", model="openai/gpt-5.2", prompt="x", reasoning="low",
                        provider_options={"stream": False})
    assert not result.is_error, result.content
    assert only_body(fakes["openai"], "/v1/chat/completions")["reasoning_effort"] == "low"
    fakes.reset()
    result = await call(connect, env, "generate_text", model="openai/gpt-5.2", prompt="x", reasoning="high",
                        provider_options={"stream": False, "reasoning_effort": "xhigh"})
    assert not result.is_error, result.content
    assert only_body(fakes["openai"], "/v1/chat/completions")["reasoning_effort"] == "xhigh"


async def test_an_effort_openai_does_not_list_is_a_bad_request(connect, hub_env, fakes):
    result = await call(connect, hub_env("openai"), "generate_text", model="openai/gpt-5.2", prompt="x",
                        reasoning="high", provider_options={"reasoning_effort": "ultra"})
    assert error_text(result).startswith("[provider_bad_request]") and "ultra" in error_text(result)


# --- OpenAI gpt-image-2 ------------------------------------------------------------------------

async def test_gpt_image_2_takes_a_free_size_and_its_documented_options(connect, hub_env, fakes):
    result = await call(
        connect,
        hub_env("openai"),
        "generate_image",
        model="openai/gpt-image-2",
        prompt="a harbour",
        size="1536x864",
        quality="high",
        output_format="webp",
        provider_options={
            "background": "opaque",
            "moderation": "low",
            "output_compression": 80,
            "complexity": "medium",
        },
    )
    assert not result.is_error, result.content
    assert only_body(fakes["openai"], "/v1/images/generations") == {
        "model": "gpt-image-2", "prompt": "a harbour", "n": 1, "size": "1536x864", "quality": "high",
        "output_format": "webp", "background": "opaque", "moderation": "low", "output_compression": 80,
        "complexity": "medium"}
    image = result.structured_content["images"][0]
    assert (image["mime_type"], image["width"], image["height"]) == ("image/webp", 1536, 864)


@pytest.mark.parametrize(("args", "said"), [
    ({"size": "1000x1000"}, "multiples of 16"),
    ({"size": "3840x960"}, "between 1:3 and 3:1"),
    ({"size": "4096x2304"}, "3840x2160"),
    ({"quality": "max"}, "takes quality low, medium, high, auto"),
    ({"output_format": "jpeg", "provider_options": {"background": "transparent"}}, "needs png or webp"),
    ({"provider_options": {"output_compression": 50}}, "webp or jpeg"),
    ({"provider_options": {"moderation": "none"}}, "moderation must be one of low, auto"),
    ({"provider_options": {"input_fidelity": "high"}}, "takes no input_fidelity"),
])
async def test_gpt_image_2_refuses_what_the_api_rejects_before_sending(connect, hub_env, fakes, args, said):
    result = await call(connect, hub_env("openai"), "generate_image", model="openai/gpt-image-2",
                        prompt="a harbour", **args)
    assert error_text(result).startswith("[invalid_argument]") and said in error_text(result)
    assert fakes["openai"].requests == []


# --- ElevenLabs v4 and scribe_v3 ---------------------------------------------------------------

async def test_eleven_v4_speaks_through_text_to_speech_with_clone_strength(connect, hub_env, fakes):
    fake = fakes["elevenlabs"]
    result = await call(
        connect,
        hub_env("elevenlabs"),
        "synthesize_speech",
        model="elevenlabs/eleven_v4_turbo",
        text="Hello from v4.",
        voice="George",
        language="en",
        speed=1.1,
        provider_options={"voice_settings": {"clone_strength": 0.3, "stability": 0.5}},
    )
    assert not result.is_error, result.content
    [sent] = fake.calls("/v1/text-to-speech/", "POST")
    assert sent.path == "/v1/text-to-speech/JBFqnCBsd6RMkjVDRZzb"
    assert sent.param("output_format") == "mp3_44100_128"
    assert sent.json() == {"text": "Hello from v4.", "model_id": "eleven_v4_turbo", "language_code": "en",
                           "voice_settings": {"clone_strength": 0.3, "stability": 0.5, "speed": 1.1}}
    assert result.structured_content["model"] == "elevenlabs/eleven_v4_turbo"


async def test_a_clone_strength_out_of_range_is_refused_before_sending(connect, hub_env, fakes):
    result = await call(connect, hub_env("elevenlabs"), "synthesize_speech", model="elevenlabs/eleven_v4",
                        text="Hi", provider_options={"voice_settings": {"clone_strength": 1.5}})
    assert error_text(result).startswith("[invalid_argument]") and "clone_strength" in error_text(result)
    assert fakes["elevenlabs"].calls("/v1/text-to-speech/") == []


async def test_scribe_v3_takes_secondary_languages_and_a_numbers_format(connect, hub_env, fakes, workdir):
    (workdir / "mixed.wav").write_bytes(samples.wav(0.1))
    result = await call(connect, hub_env("elevenlabs"), "transcribe_audio", model="elevenlabs/scribe_v3",
                        audio="mixed.wav", language="en",
                        provider_options={"secondary_language_codes": ["es", "fr"], "numbers_format": "words",
                                          "no_verbatim": True})
    assert not result.is_error, result.content
    fields = fakes["elevenlabs"].calls("/v1/speech-to-text", "POST")[0].multipart()
    assert {k: v for k, v in fields.items() if k != "file"} == {
        "model_id": "scribe_v3", "language_code": "en", "timestamps_granularity": "none",
        "secondary_language_codes": ["es", "fr"], "numbers_format": "words", "no_verbatim": "true"}
    assert fakes["elevenlabs"].state["secondary_language_codes"] == ["es", "fr"]


@pytest.mark.parametrize(("model", "options", "said"), [
    ("scribe_v2", {"numbers_format": "digits"}, "takes no numbers_format"),
    ("scribe_v3", {"numbers_format": "roman"}, "digits, words"),
])
async def test_scribe_options_a_model_does_not_take_are_refused(
    connect, hub_env, fakes, workdir, model, options, said
):
    (workdir / "a.wav").write_bytes(samples.wav(0.1))
    result = await call(connect, hub_env("elevenlabs"), "transcribe_audio", model=f"elevenlabs/{model}",
                        audio="a.wav", provider_options=options)
    assert error_text(result).startswith("[invalid_argument]") and said in error_text(result)
    assert fakes["elevenlabs"].calls("/v1/speech-to-text") == []
