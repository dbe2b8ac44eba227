"""The fault matrix: every provider x capability x fault, each cell ending with its stable code (or
succeeding after a retry) in bounded time, the next call working, and the key nowhere in the answer.

Faults: 429 with retry-after then success; persistent 500; 503 (Anthropic's 529); a rejected key
(401, or the 400 Gemini and xAI answer); a connection dropped mid-body; malformed JSON with 200;
where the provider streams, an SSE stream cut off mid-event; and a provider that stops answering
(read timeout, with AI_HUB_READ_TIMEOUT shortened). Asynchronous providers are hit on their billed
submit, which is never retried except on 429. The 500/503 faults carry `retry-after: 0` so the
bounded retries run at once (the backoff itself is tested in tests/test_http.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import anyio
import pytest

from tests.fakes import samples

pytestmark = pytest.mark.anyio
CELL_SECONDS = 20  # a cell that takes longer than this is a hang


@dataclass(frozen=True)
class Cell:
    provider: str
    capability: str
    tool: str
    args: dict[str, Any]
    path: str  # regex of the request the fault hits
    sse: bytes = b""  # a stream cut off mid-event, for providers that stream


OPENAI_SSE = (
    b'data: {"id":"c1","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":"Hel'
)
CELLS = [
    Cell(
        "openai",
        "text",
        "generate_text",
        {"prompt": "hi", "model": "openai/gpt-6.2-sol"},
        r"/v1/chat/completions$",
        OPENAI_SSE,
    ),
    Cell(
        "openai",
        "image",
        "generate_image",
        {"prompt": "a fox", "model": "openai/gpt-image-2.6-sunburst"},
        r"/v1/images/generations$",
    ),
    Cell(
        "openai",
        "speech",
        "synthesize_speech",
        {"text": "hi", "model": "openai/gpt-4o-mini-tts"},
        r"/v1/audio/speech$",
    ),
    Cell(
        "openai",
        "transcription",
        "transcribe_audio",
        {"audio": "a.wav", "model": "openai/gpt-transcribe"},
        r"/v1/audio/transcriptions$",
    ),
    Cell(
        "anthropic",
        "text",
        "generate_text",
        {"prompt": "hi", "model": "anthropic/claude-sonnet-5-5"},
        r"/v1/messages$",
        b'event: message_start\ndata: {"type":"message_start","message":{"id":"m1","type":"message",'
        b'"role":"assistant","content":[],"model":"claude-sonnet-5-5","usage":{"input_tokens":3,'
        b'"output_tokens":0}}}\n\nevent: content_block_delta\ndata: {"type":"content_block_delta","in',
    ),
    Cell(
        "gemini",
        "text",
        "generate_text",
        {"prompt": "hi", "model": "gemini/gemini-3.8-flash"},
        r":streamGenerateContent$",
        b'data: {"candidates":[{"content":{"role":"model","parts":[{"text":"Hel',
    ),
    Cell(
        "gemini",
        "image",
        "generate_image",
        {"prompt": "a fox", "model": "gemini/gemini-nano-banana-2.1"},
        r"gemini-nano-banana-2\.1:generateContent$",
    ),
    Cell(
        "gemini",
        "speech",
        "synthesize_speech",
        {"text": "hi", "model": "gemini/gemini-3.8-flash-tts"},
        r"gemini-3\.8-flash-tts:generateContent$",
    ),
    Cell(
        "gemini",
        "transcription",
        "transcribe_audio",
        {"audio": "a.wav", "model": "gemini/gemini-3.5-flash-lite"},
        r"gemini-3\.5-flash-lite:generateContent$",
    ),
    Cell(
        "gemini",
        "video",
        "generate_video",
        {"prompt": "waves", "model": "gemini/gemini-omni-1.2-flash"},
        r"/v1beta/interactions$",
    ),
    Cell(
        "xai",
        "text",
        "generate_text",
        {"prompt": "hi", "model": "xai/grok-4.6"},
        r"/v1/chat/completions$",
        OPENAI_SSE,
    ),
    Cell(
        "xai",
        "image",
        "generate_image",
        {"prompt": "a fox", "model": "xai/grok-imagine-image"},
        r"/v1/images/generations$",
    ),
    Cell("xai", "speech", "synthesize_speech", {"text": "hi", "model": "xai/grok-tts"}, r"/v1/tts$"),
    Cell(
        "xai", "transcription", "transcribe_audio", {"audio": "a.wav", "model": "xai/grok-stt"}, r"/v1/stt$"
    ),
    Cell(
        "xai",
        "video",
        "generate_video",
        {"prompt": "waves", "model": "xai/grok-imagine-video"},
        r"/v1/videos/generations$",
    ),
    Cell(
        "elevenlabs",
        "speech",
        "synthesize_speech",
        {"text": "hi", "model": "elevenlabs/eleven_v3"},
        r"/v1/text-to-speech/",
    ),
    Cell(
        "elevenlabs",
        "transcription",
        "transcribe_audio",
        {"audio": "a.wav", "model": "elevenlabs/scribe_v3"},
        r"/v1/speech-to-text$",
    ),
    Cell(
        "wavespeed",
        "image",
        "generate_image",
        {"prompt": "a fox", "model": "wavespeed/wavespeed-ai/flux-dev"},
        r"/api/v3/wavespeed-ai/flux-dev$",
    ),
    Cell(
        "wavespeed",
        "speech",
        "synthesize_speech",
        {"text": "hi", "model": "wavespeed/minimax/speech-2.6"},
        r"/api/v3/minimax/speech-2\.6-hd$",
    ),
    Cell(
        "wavespeed",
        "video",
        "generate_video",
        {"prompt": "waves", "model": "wavespeed/kling/v4.0"},
        r"/api/v3/kwaivgi/kling-v4\.0/text-to-video$",
    ),
    Cell(
        "fal",
        "image",
        "generate_image",
        {"prompt": "a fox", "model": "fal/fal-ai/flux/schnell"},
        r"/queue/fal-ai/flux/schnell$",
    ),
    Cell(
        "fal",
        "transcription",
        "transcribe_audio",
        {"audio": "a.wav", "model": "fal/fal-ai/whisper"},
        r"/queue/fal-ai/whisper$",
    ),
    Cell(
        "fal",
        "video",
        "generate_video",
        {"prompt": "waves", "model": "fal/kling/v4"},
        r"/queue/kling/v4/text-to-video$",
    ),
    Cell(
        "together",
        "text",
        "generate_text",
        {"prompt": "hi", "model": "together/openai/gpt-oss-20b"},
        r"/v1/chat/completions$",
        OPENAI_SSE,
    ),
    Cell(
        "together",
        "image",
        "generate_image",
        {"prompt": "a fox", "model": "together/black-forest-labs/FLUX.2-pro"},
        r"/v1/images/generations$",
    ),
    Cell(
        "together",
        "video",
        "generate_video",
        {"prompt": "waves", "model": "together/minimax/hailuo-02"},
        r"/v2/videos$",
    ),
]
# fault -> (inject kwargs, the code the call ends with; "" for success)
FAULTS: dict[str, tuple[dict[str, Any], str]] = {
    "429-then-ok": ({"status": 429, "headers": {"retry-after": "0"}, "body": {"error": "slow down"}}, ""),
    "500": (
        {"status": 500, "headers": {"retry-after": "0"}, "body": {"error": "boom"}, "times": 10},
        "provider_unavailable",
    ),
    "503": (
        {"status": 503, "headers": {"retry-after": "0"}, "body": {"error": "busy"}, "times": 10},
        "provider_unavailable",
    ),
    "drop": ({"drop": True, "times": 10}, "provider_unavailable"),
    "malformed": ({"malformed": True, "times": 10}, "provider_unavailable"),
}


def key_fragments(key: str) -> list[str]:
    return [key, key[3:12], key[-9:], key.upper()[3:12]]


async def one_call(client, cell: Cell) -> tuple[str, str]:
    """(code or "" for success, the whole answer as text) of one call, which must end in time."""
    args = {
        **cell.args,
        **({"wait_seconds": 20} if cell.tool in ("generate_video", "generate_image") else {}),
    }
    with anyio.fail_after(CELL_SECONDS):
        result = await client.call_tool(cell.tool, args)
    text = result.content[0].text if result.content else ""
    whole = text + repr(result.structured_content)
    if not result.is_error:
        status = (result.structured_content or {}).get("status")
        if status == "failed":  # a job that failed after its submit
            return (result.structured_content.get("error") or {}).get("code", "job_failed"), whole
        return "", whole
    return text[1 : text.index("]")] if text.startswith("[") else "?", whole


@pytest.mark.parametrize("provider", sorted({c.provider for c in CELLS}))
async def test_every_fault_ends_with_its_code_and_the_next_call_works(
    connect, hub_env, fakes, workdir, provider
):
    (workdir / "a.wav").write_bytes(samples.wav(0.2))
    fake = fakes[provider]
    fake.state["steps"] = ["running", "done"]  # jobs finish on their second poll
    cells = [c for c in CELLS if c.provider == provider]
    failures, count = [], 0
    async with connect(hub_env(provider, AI_HUB_POLL_INTERVAL="0.02")) as client:
        for cell in cells:
            faults = dict(FAULTS)
            if provider == "anthropic":
                faults["503"] = ({**FAULTS["503"][0], "status": 529}, "provider_unavailable")
            if cell.sse:
                faults["truncated-sse"] = (
                    {
                        "status": 200,
                        "body": cell.sse,
                        "times": 10,
                        "headers": {"content-type": "text/event-stream"},
                    },
                    "provider_unavailable",
                )
            for name, (inject, expected) in faults.items():
                count += 1
                fake.faults.clear()
                fake.inject(cell.path, **inject)
                code, whole = await one_call(client, cell)
                fake.faults.clear()
                after, _ = await one_call(client, cell)
                leaked = [f for f in key_fragments(fake.key) if f in whole]
                if code != expected or after or leaked:
                    failures.append(
                        f"{cell.capability}/{name}: got {code!r} (want {expected!r}), next call "
                        f"{after or 'ok'}, key fragments {leaked}"
                    )
    # a rejected key: 401, or the 400 Gemini and xAI answer for a bad key
    key_var = next(k for k in fake.hub_env() if "KEY" in k)
    wrong = "zz-wrong-key-0123456789abcdef"
    async with connect(hub_env(provider, **{key_var: wrong})) as client:
        for cell in cells:
            count += 1
            code, whole = await one_call(client, cell)
            if code != "provider_auth" or wrong in whole or wrong[3:12] in whole:
                failures.append(f"{cell.capability}/bad-key: got {code!r} (want 'provider_auth')")
    print(f"{provider}: {count} fault cells")
    assert not failures, "\n".join(failures)


async def test_a_provider_that_stops_answering_times_out_in_bounded_time(connect, hub_env, fakes, workdir):
    """The read-timeout column of the matrix, every cell at once (one provider's cells in turn):
    AI_HUB_READ_TIMEOUT caps how long a silent provider is waited for."""
    (workdir / "a.wav").write_bytes(samples.wav(0.2))
    env = hub_env(*{c.provider for c in CELLS}, AI_HUB_READ_TIMEOUT="0.3", AI_HUB_POLL_INTERVAL="0.02")
    failures: list[str] = []
    async with connect(env) as client:

        async def provider_cells(provider: str) -> None:
            fake = fakes[provider]
            for cell in (c for c in CELLS if c.provider == provider):
                fake.faults.clear()
                fake.inject(cell.path, delay=0.6, times=1)
                started = anyio.current_time()
                code, whole = await one_call(client, cell)
                took = anyio.current_time() - started
                if code != "provider_timeout" or took > 0.55 or fake.key in whole:
                    failures.append(f"{provider} {cell.capability}: got {code!r} in {took:.2f} s")

        async with anyio.create_task_group() as tg:
            for provider in sorted({c.provider for c in CELLS}):
                tg.start_soon(provider_cells, provider)
    print(f"{len(CELLS)} read-timeout cells")
    assert not failures, "\n".join(failures)
