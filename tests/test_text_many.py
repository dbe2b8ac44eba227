"""generate_text with `models`: several models asked at once through the MCP client (second
opinions). Answers come back in the order given, one failing model is an entry with its error,
the call fails only when all fail, the models run concurrently, progress counts answers, and
cancelling the call closes every upstream stream."""

from __future__ import annotations

import time

import anyio
import pytest

pytestmark = [pytest.mark.anyio, pytest.mark.both_generations]

OPENAI = "openai/gpt-5.2"
ANTHROPIC = "anthropic/claude-sonnet-4-6"
GEMINI = "gemini/gemini-4-carbon"
SERVER_ERROR = {"error": {"code": 500, "message": "Internal error", "status": "INTERNAL"}}


def slow(fakes, name: str, words: int, delay: float) -> None:
    fakes[name].state["text"] = {"reply": " ".join(f"{name}{i}" for i in range(words)), "delay": delay}


async def ask(client, progress=None, **args):
    return await client.call_tool(
        "generate_text", {"prompt": "Is this plan sound?", **args}, progress_callback=progress
    )


async def test_three_models_two_answers_and_one_error_at_once(connect, hub_env, fakes):
    slow(fakes, "openai", 10, 0.08)  # about 0.8 s of streaming
    slow(fakes, "anthropic", 8, 0.08)
    env = hub_env("openai", "anthropic", "gemini")
    seen: list[tuple[float, float | None, str | None]] = []

    async def on_progress(progress, total, message):
        seen.append((progress, total, message))

    async with connect(env) as client:
        alone = {}
        for model in (OPENAI, ANTHROPIC):  # each on its own first: the baseline of this machine, now
            started = time.monotonic()
            assert not (await ask(client, model=model)).is_error
            alone[model] = time.monotonic() - started
        fakes["gemini"].inject(
            ":streamGenerateContent", status=500, body=SERVER_ERROR, headers={"retry-after": "0"}, times=20
        )
        started = time.monotonic()
        result = await ask(client, on_progress, models=[OPENAI, GEMINI, ANTHROPIC], system="Be brief")
        together = time.monotonic() - started
    assert not result.is_error, result.content[0].text
    out = result.structured_content
    assert [e["model"] for e in out["results"]] == [OPENAI, GEMINI, ANTHROPIC]
    first, failed, third = out["results"]
    assert first["text"] == " ".join(f"openai{i}" for i in range(10)) and first["error"] is None
    assert third["text"] == " ".join(f"anthropic{i}" for i in range(8)) and third["provider"] == "anthropic"
    assert failed["error"].startswith("[provider_unavailable]") and "HTTP 500" in failed["error"]
    assert failed["text"] == "" and failed["usage"] is None and failed["provider"] == "gemini"
    assert out["cost_usd"] == pytest.approx(first["cost_usd"] + third["cost_usd"])
    # concurrent: close to the slowest alone, well under the sum
    assert together < max(alone.values()) + 0.6 and together < 0.85 * sum(alone.values()), (together, alone)
    # each request got the same input
    for fake, path in (("openai", "/v1/chat/completions"), ("anthropic", "/v1/messages")):
        body = fakes[fake].calls(path, "POST")[-1].json()
        assert "Is this plan sound?" in str(body) and "Be brief" in str(body)
    # the text block shows each answer under its model's name
    text = result.content[0].text
    assert text.index(f"## {OPENAI}") < text.index(f"## {GEMINI}") < text.index(f"## {ANTHROPIC}")
    assert "openai9" in text and "[provider_unavailable]" in text
    # progress counts answers done, strictly increasing, up to 3 of 3
    values = [p for p, _, _ in seen]
    assert values == sorted(values) and len(set(values)) == len(values)
    assert seen[-1][0] == 3 and seen[-1][1] == 3 and "3/3 answers" in (seen[-1][2] or "")


async def test_the_call_fails_only_when_every_model_fails(connect, hub_env, fakes):
    async with connect(hub_env("openai")) as client:  # anthropic has no key; the xai id is unknown
        result = await ask(client, models=["anthropic/claude-sonnet-4-6", "xai/grok-nonexistent"])
        mixed = await ask(client, models=["anthropic/claude-sonnet-4-6", "cheap-text", OPENAI])
    assert result.is_error
    text = result.content[0].text
    assert text.startswith("[missing_api_key] all 2 models failed")
    assert "ANTHROPIC_API_KEY" in text and "[unknown_model]" in text
    assert not mixed.is_error
    errors = [e["error"] for e in mixed.structured_content["results"]]
    assert errors[0].startswith("[missing_api_key]") and errors[2] is None


@pytest.mark.parametrize(
    "args, message",
    [
        ({"models": [OPENAI, OPENAI]}, "more than once"),
        ({"models": [OPENAI, " "]}, "empty entry"),
        ({"models": [OPENAI], "model": ANTHROPIC}, "model or models, not both"),
        ({"models": [f"openai/m{i}" for i in range(7)]}, "models"),
    ],
)
async def test_a_bad_models_list_is_refused_before_anything_is_sent(connect, hub_env, fakes, args, message):
    async with connect(hub_env("openai", "anthropic")) as client:
        result = await ask(client, **args)
    assert result.is_error and result.content[0].text.startswith("[invalid_argument]")
    assert message in result.content[0].text
    assert not fakes["openai"].requests and not fakes["anthropic"].requests


async def test_cancelling_the_call_closes_every_upstream_stream(connect, hub_env, fakes):
    for name in ("openai", "anthropic", "gemini"):
        slow(fakes, name, 200, 0.05)  # 10 s each if left to finish
    asked = anyio.Event()

    async def on_progress(progress, total, message):
        if all(fakes[n].requests for n in ("openai", "anthropic", "gemini")):
            asked.set()

    async with connect(hub_env("openai", "anthropic", "gemini")) as client:
        async with anyio.create_task_group() as tg:
            tg.start_soon(lambda: ask(client, on_progress, models=[OPENAI, ANTHROPIC, GEMINI]))
            with anyio.fail_after(10):
                while not all(fakes[n].requests for n in ("openai", "anthropic", "gemini")):
                    await anyio.sleep(0.02)
            await anyio.sleep(0.2)  # every stream under way
            cancelled_at = time.monotonic()
            tg.cancel_scope.cancel()
        with anyio.fail_after(5):  # the streams need 10 s to end by themselves
            while not all(fakes[n].disconnects for n in ("openai", "anthropic", "gemini")):
                await anyio.sleep(0.01)
        closed_after = time.monotonic() - cancelled_at
    assert closed_after < 5
    assert fakes["openai"].disconnects == ["/v1/chat/completions"]
    assert fakes["anthropic"].disconnects == ["/v1/messages"]
    assert len(fakes["gemini"].disconnects) == 1 and "streamGenerateContent" in fakes["gemini"].disconnects[0]


async def test_an_answer_longer_than_a_client_passes_on_is_saved_and_linked(connect, hub_env, fakes):
    from pathlib import Path

    from mcp_ai_hub.server.long_answers import LONG_ANSWER_CHARS, PREVIEW_CHARS

    reply = " ".join(f"w{i:05d}" for i in range(LONG_ANSWER_CHARS // 6 + 100))  # just over the limit
    fakes["openai"].state["text"] = {"reply": reply}
    async with connect(hub_env("openai")) as client:
        result = await ask(client, model=OPENAI, provider_options={"stream": False})
        fakes["openai"].state["text"] = {"reply": "Brief."}
        brief = await ask(client, model=OPENAI)
    assert not result.is_error
    out = result.structured_content
    saved = Path(out["text_file"]["path"])
    assert saved.read_text() == reply  # the whole answer, not cut
    assert out["text"].startswith(reply[:PREVIEW_CHARS]) and len(out["text"]) < PREVIEW_CHARS + 400
    assert str(saved) in out["text"] and out["text_file"]["resource_uri"] in out["text"]
    links = [b for b in result.content if b.type == "resource_link"]
    assert [str(link.uri) for link in links] == [out["text_file"]["resource_uri"]]
    assert len(result.content[0].text) < PREVIEW_CHARS + 1000  # the text block carries the opening too
    assert "text_file" not in brief.structured_content and brief.structured_content["text"] == "Brief."
