"""generate_text as a tool, whatever the provider: progress while the answer streams in, cancellation
closing the upstream request, argument checks, input-file rules, model resolution, the schema."""

from __future__ import annotations

import importlib
import inspect
import itertools
import time

import anyio
import pytest

from mcp_ai_hub.capabilities.text import TextGenerator
from mcp_ai_hub.catalog import Catalog
from mcp_ai_hub.config import PROVIDERS
from mcp_ai_hub.server import progress, text_tools
from tests.fakes.samples import png

pytestmark = [pytest.mark.anyio, pytest.mark.both_generations]

LONG_REPLY = " ".join(f"word{i}" for i in range(200))


async def generate(client, progress=None, **args):
    return await client.call_tool("generate_text", args, progress_callback=progress)


async def test_progress_notifications_arrive_while_the_answer_streams(connect, hub_env, fakes):
    fakes["openai"].state["text"] = {"reply": " ".join(f"w{i}" for i in range(12)), "delay": 0.08}
    seen: list[tuple[float, float, str]] = []

    async def on_progress(progress, total, message):
        seen.append((time.monotonic(), progress, message))

    async with connect(hub_env("openai")) as client:
        result = await generate(client, on_progress, prompt="count", model="openai/gpt-4.1-mini")
        done = time.monotonic()
    assert not result.is_error
    assert result.structured_content["text"] == " ".join(f"w{i}" for i in range(12))
    assert len(seen) >= 3  # about 0.9 s of streaming, one notification per 0.25 s at most
    values = [p for _, p, _ in seen]
    assert values == sorted(values) and len(set(values)) == len(values)  # strictly increasing
    assert all(message.startswith("writing: ") and message.endswith(" characters") for _, _, message in seen)
    gaps = [b[0] - a[0] for a, b in itertools.pairwise(seen)]
    assert min(gaps) >= text_tools.PROGRESS_INTERVAL - 0.05  # throttled to a few per second
    assert seen[0][0] < done - 0.4  # the first arrived well before the answer was complete


async def test_a_silent_model_still_gets_heartbeat_progress(connect, hub_env, fakes, monkeypatch):
    monkeypatch.setattr(progress, "HEARTBEAT_SECONDS", 0.15)
    fakes["anthropic"].inject("/v1/messages", delay=0.7)  # the answer starts after 0.7 s of silence
    seen: list[tuple[float, str]] = []

    async def on_progress(progress, total, message):
        seen.append((progress, message))

    async with connect(hub_env("anthropic")) as client:
        result = await generate(client, on_progress, prompt="hi", model="anthropic/claude-haiku-4-5-20251001")
    assert not result.is_error
    waits = [m for _, m in seen if m.startswith("waiting for the model")]
    assert len(waits) >= 2
    values = [p for p, _ in seen]
    assert values == sorted(values) and len(set(values)) == len(values)


async def test_cancelling_the_call_closes_the_upstream_stream_at_once(connect, hub_env, fakes):
    fake = fakes["openai"]
    fake.state["text"] = {"reply": LONG_REPLY, "delay": 0.05}  # 10 s if left to finish
    first_progress = anyio.Event()

    async def on_progress(progress, total, message):
        first_progress.set()

    async with connect(hub_env("openai")) as client:
        async with anyio.create_task_group() as tg:
            tg.start_soon(lambda: generate(client, on_progress, prompt="go on", model="openai/gpt-5.2"))
            with anyio.fail_after(15):
                await first_progress.wait()
            cancelled_at = time.monotonic()
            tg.cancel_scope.cancel()
        with anyio.fail_after(5):  # the stream needs 10 s to end by itself
            while not fake.disconnects:
                await anyio.sleep(0.01)
        closed_after = time.monotonic() - cancelled_at
        disconnected = set(fake.disconnects)
        # the server lives on: the next call works
        fake.state["text"] = {"reply": "Still here."}
        again = await generate(client, prompt="again", model="openai/gpt-5.2")
    assert disconnected == {"/v1/chat/completions"}
    assert closed_after < 5  # closed by the cancel, long before the stream's own end
    assert again.structured_content["text"] == "Still here."


async def test_cancelling_an_anthropic_stream_closes_it_too(connect, hub_env, fakes):
    fake = fakes["anthropic"]
    fake.state["text"] = {"reply": LONG_REPLY, "delay": 0.05}
    first_progress = anyio.Event()

    async def on_progress(progress, total, message):
        first_progress.set()

    async with connect(hub_env("anthropic")) as client:
        async with anyio.create_task_group() as tg:
            tg.start_soon(
                lambda: generate(client, on_progress, prompt="go", model="anthropic/claude-opus-5-5")
            )
            with anyio.fail_after(15):
                await first_progress.wait()
            tg.cancel_scope.cancel()
        with anyio.fail_after(5):  # the stream needs 10 s to end by itself
            while not fake.disconnects:
                await anyio.sleep(0.01)
    assert set(fake.disconnects) == {"/v1/messages"}


async def test_a_local_image_outside_the_input_dirs_is_refused(connect, hub_env, fakes, workdir):
    outside = workdir.parent / "elsewhere.png"
    outside.write_bytes(png())
    link = workdir / "innocent.png"
    link.symlink_to(outside)
    async with connect(hub_env("openai")) as client:
        direct = await generate(client, prompt="describe", model="openai/gpt-5.2", images=[str(outside)])
        via_link = await generate(client, prompt="describe", model="openai/gpt-5.2", images=["innocent.png"])
    for result in (direct, via_link):
        assert result.is_error
        assert result.content[0].text.startswith("[file_not_allowed]")
        assert "AI_HUB_INPUT_DIRS" in result.content[0].text
    assert fakes["openai"].requests == []


async def test_an_image_inside_an_added_input_dir_is_accepted(connect, hub_env, fakes, workdir):
    shared = workdir.parent / "shared"
    shared.mkdir()
    (shared / "cat.png").write_bytes(png())
    async with connect(hub_env("openai", AI_HUB_INPUT_DIRS=str(shared))) as client:
        result = await generate(
            client, prompt="describe", model="openai/gpt-5.2", images=[str(shared / "cat.png")]
        )
    assert not result.is_error
    part = fakes["openai"].requests[-1].json()["messages"][-1]["content"][1]
    assert part["image_url"]["url"].startswith("data:image/png;base64,")


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ({}, "nothing to answer"),
        ({"prompt": "   "}, "nothing to answer"),
        (
            {"messages": [{"role": "system", "content": "be terse"}]},
            "Put system instructions in the system parameter",
        ),
        ({"messages": [{"role": "user", "content": ""}]}, "messages[0].content"),
        ({"messages": ["just a string"]}, "messages[0] must be an object"),
        ({"prompt": "hi", "temperature": 3}, "temperature 3"),
        ({"prompt": "hi", "temperature": -0.5}, "temperature -0.5"),
        ({"prompt": "hi", "max_tokens": -5}, "max_tokens"),
        ({"prompt": "hi", "reasoning": "extreme"}, "reasoning 'extreme'"),
        ({"prompt": "hi", "provider_options": {"stream": "no"}}, "provider_options.stream"),
        ({"prompt": "hi", "images": ["missing.png"]}, "does not exist"),
        ({"prompt": "hi", "images": ["ftp://host/cat.png"]}, "unsupported image"),
    ],
)
async def test_bad_arguments_are_invalid_argument_errors(connect, hub_env, fakes, args, expected):
    async with connect(hub_env("openai")) as client:
        result = await generate(client, model="openai/gpt-5.2", **args)
    assert result.is_error
    assert result.content[0].text.startswith("[invalid_argument]")
    assert expected in result.content[0].text
    assert fakes["openai"].requests == []


@pytest.mark.parametrize(("model", "args", "expected"), [
    ("together/openai/gpt-oss-20b", {"web_search": True}, "has no server-side web search"),
    ("openai/gpt-4.1", {"reasoning": "high"}, "does not take a reasoning setting"),
    ("together/deepseek-ai/DeepSeek-V4-Pro", {"images": ["data:image/png;base64,iVBORw0KGgo="]},
     "does not accept images"),
    ("openai/gpt-image-2.6-sunburst", {}, "does not do text"),
    ("fal/some-lab/some-llm", {}, "fal does not offer text"),
])
async def test_features_a_model_lacks_are_unsupported_capability(
    connect, hub_env, fakes, model, args, expected
):
    async with connect(hub_env("openai", "together", "xai")) as client:
        result = await generate(client, prompt="hi", model=model, **args)
    assert result.is_error
    assert result.content[0].text.startswith("[unsupported_capability]")
    assert expected in result.content[0].text


async def test_a_missing_key_names_the_variable(connect, hub_env):
    async with connect(hub_env()) as client:
        result = await generate(client, prompt="hi", model="anthropic/claude-opus-5-5")
    assert result.is_error
    assert (
        result.content[0].text.startswith("[missing_api_key]")
        and "ANTHROPIC_API_KEY" in result.content[0].text
    )


async def test_an_unknown_model_suggests_close_ids(connect, hub_env):
    async with connect(hub_env("openai")) as client:
        result = await generate(client, prompt="hi", model="openai/gpt-5.3")
    assert result.content[0].text.startswith("[unknown_model]") and "openai/gpt-5" in result.content[0].text


async def test_no_model_uses_the_default_preset_for_the_keys_present(connect, hub_env, fakes):
    async with connect(hub_env("gemini")) as client:
        result = await generate(client, prompt="hi")
    assert result.structured_content["model"] == "gemini/gemini-4-carbon"
    assert fakes["gemini"].requests[-1].path == "/v1beta/models/gemini-4-carbon:streamGenerateContent"


async def test_a_preset_name_resolves_like_a_model(connect, hub_env, fakes):
    async with connect(hub_env("together")) as client:
        result = await generate(client, prompt="hi", model="open-text")
    assert result.structured_content["model"] == "together/moonshotai/Kimi-K2.6"
    assert result.structured_content["cost_usd"] is None  # Together publishes no price for it: unknown, not 0


async def test_the_tool_schema_is_flat_documented_and_nullable_free(connect, hub_env):
    async with connect(hub_env()) as client:
        tools = {t.name: t for t in (await client.list_tools()).tools}
    tool = tools["generate_text"]
    props = tool.input_schema["properties"]
    assert set(props) == {"prompt", "messages", "system", "model", "models", "max_tokens", "temperature",
                          "reasoning", "images", "web_search", "provider_options"}
    assert all("anyOf" not in p and "title" not in p for p in props.values())
    # every parameter says what it takes: a description, or a name that says it for a plain string
    assert all(p.get("description") for name, p in props.items() if name != "system")
    assert props["models"]["maxItems"] == 6 and props["models"]["items"] == {"type": "string"}
    assert props["reasoning"]["enum"] == ["off", "low", "medium", "high"]
    assert props["messages"]["items"]["properties"]["role"]["enum"] == ["user", "assistant"]
    assert props["temperature"]["default"] == -1 and props["max_tokens"]["default"] == 0
    assert tool.annotations.read_only_hint is False and tool.annotations.open_world_hint is True
    out = tool.output_schema["properties"]
    assert set(out) == {"text", "citations", "model", "provider", "finish_reason", "usage", "cost_usd",
                        "results", "text_file"}
    assert out["finish_reason"]["anyOf"] == [
        {"enum": ["stop", "length", "content_filter", "tool_calls", "other"], "type": "string"},
        {"type": "null"},
    ]
    assert "catalog://guide" in tool.description  # provider_options per provider: in the guide
    guide = await client_guide(connect, hub_env)
    for provider in ("openai", "anthropic", "gemini", "xai", "together"):
        assert f"**{provider}**" in guide.split("## image")[0]  # each text provider's notes


async def client_guide(connect, hub_env) -> str:
    async with connect(hub_env()) as client:
        read = await client.read_resource("catalog://guide")
    return read.contents[0].text


def test_every_provider_with_text_models_has_a_text_module_following_the_protocol():
    catalog = Catalog.load()
    with_text = {p for p, entry in catalog.entries() if "text" in entry.capabilities}
    assert with_text == {"openai", "anthropic", "gemini", "xai", "together"}
    wanted = inspect.signature(TextGenerator.generate_text)
    for provider in PROVIDERS:
        try:
            module = importlib.import_module(f"mcp_ai_hub.providers.{provider}.text")
        except ModuleNotFoundError:
            assert provider not in with_text, f"{provider} has text models but no text module"
            continue
        assert provider in with_text, f"{provider} has a text module but no text model"
        assert inspect.iscoroutinefunction(module.generate_text)
        got = inspect.signature(module.generate_text)
        assert list(got.parameters) == [p for p in wanted.parameters if p != "self"]
