"""Providers beyond the eight, through a real MCP client: a package registered on the registry by
code (created here, outside the hub's source), and user-configured OpenAI-compatible endpoints
(`AI_HUB_OPENAI_COMPATIBLE`), each listed by list_models and answering generate_text."""

from __future__ import annotations

import textwrap
import uuid
from pathlib import Path

import pytest

from mcp_ai_hub.providers.registry import Registry
from tests.fakes.base import Recorded, ServedApp
from tests.fakes.openai import FakeOpenAI

pytestmark = pytest.mark.anyio


class FakeLocalServer(FakeOpenAI):
    """A keyless OpenAI-compatible server (Ollama, vLLM, llama.cpp): the OpenAI fake's routes, no auth."""

    model_ids = ("llama3.2:1b", "qwen3:4b")

    def auth_ok(self, request: Recorded) -> bool:
        return "authorization" not in request.headers  # a keyless endpoint must not be sent a key


@pytest.fixture(scope="module")
def local_server():
    fake = FakeLocalServer()
    served = ServedApp(fake)
    fake.base_url = served.start()
    yield fake
    served.stop()


@pytest.fixture
def local(local_server: FakeLocalServer) -> FakeLocalServer:
    local_server.reset()
    return local_server


async def call(client, name: str, args: dict):
    return await client.call_tool(name, args)


# --- user-configured endpoints -----------------------------------------------------------------

def endpoints_env(hub_env, local: FakeLocalServer, fakes, **extra: str) -> dict[str, str]:
    value = f"local={local.url('/v1')}, groq={fakes['openai'].url('/v1')}|GROQ_API_KEY"
    return hub_env(AI_HUB_OPENAI_COMPATIBLE=value, **extra)


async def test_endpoints_are_listed_from_their_own_model_listing_on_refresh(connect, hub_env, fakes, local):
    env = endpoints_env(hub_env, local, fakes, GROQ_API_KEY=fakes["openai"].key)
    async with connect(env) as client:
        before = (await call(client, "list_models", {"detail": True, "provider": "local"})).structured_content
        out = (await call(client, "list_models", {"detail": True, "refresh": True})).structured_content
        only = (await call(client, "list_models", {"detail": True, "provider": "groq"})).structured_content
        tools = {t.name: t for t in (await client.list_tools()).tools}
    assert before["models"] == []  # no catalog entries: the endpoint's models are live only
    assert out["refresh_errors"] == {}
    rows = {m["id"]: m for m in out["models"]}
    assert {"local/llama3.2:1b", "local/qwen3:4b"} <= set(rows)
    assert rows["local/qwen3:4b"]["available"] and rows["local/qwen3:4b"]["source"] == "live"
    assert {m["id"] for m in only["models"]} >= {"groq/gpt-5.2", "groq/o9-live-only"}
    assert local.calls("/v1/models", "GET") and fakes["openai"].calls("/v1/models", "GET")
    enum = tools["list_models"].input_schema["properties"]["provider"]["enum"]
    assert enum[-2:] == ["local", "groq"]


async def test_generate_text_on_a_keyless_endpoint_and_a_keyed_one(connect, hub_env, fakes, local):
    local.state["text"] = {"reply": "Hi from a local model."}
    env = endpoints_env(hub_env, local, fakes, GROQ_API_KEY=fakes["openai"].key)
    async with connect(env) as client:
        here = await call(client, "generate_text", {"prompt": "hello", "model": "local/qwen3:4b",
                                                     "max_tokens": 50})
        there = await call(client, "generate_text", {"prompt": "hello", "model": "groq/llama-3.3-70b"})
    assert not here.is_error, here.content[0].text
    assert here.structured_content["text"] == "Hi from a local model."
    out = here.structured_content
    assert (out["provider"], out["model"]) == ("local", "local/qwen3:4b")
    sent = local.calls("/v1/chat/completions", "POST")[-1]
    assert sent.json()["model"] == "qwen3:4b" and sent.json()["max_tokens"] == 50
    assert "authorization" not in sent.headers
    assert not there.is_error, there.content[0].text
    assert there.structured_content["text"] == "Hello from openai."
    assert fakes["openai"].calls("/v1/chat/completions")[-1].headers["authorization"] == (
        f"Bearer {fakes['openai'].key}")


async def test_an_endpoint_whose_key_variable_is_unset_names_it(connect, hub_env, fakes, local):
    async with connect(endpoints_env(hub_env, local, fakes)) as client:
        result = await call(client, "generate_text", {"prompt": "hi", "model": "groq/llama-3.3-70b"})
    assert result.is_error and result.content[0].text.startswith("[missing_api_key]")
    assert "GROQ_API_KEY" in result.content[0].text
    assert not fakes["openai"].calls("/v1/chat/completions")


async def test_generate_image_on_an_endpoint_serving_images_generations(connect, hub_env, fakes, local):
    async with connect(endpoints_env(hub_env, local, fakes)) as client:
        result = await call(client, "generate_image", {"prompt": "a lighthouse", "model": "local/sd-turbo",
                                                        "size": "1024x1024"})
        refused = await call(client, "generate_image", {"prompt": "x", "model": "local/sd-turbo", "seed": 3})
    assert not result.is_error, result.content[0].text
    image = result.structured_content["images"][0]
    assert Path(image["path"]).read_bytes() == local.state["images"][0]
    sent = local.calls("/v1/images/generations")[-1].json()
    assert sent == {"model": "sd-turbo", "prompt": "a lighthouse", "n": 1, "response_format": "b64_json",
                    "size": "1024x1024"}
    assert refused.is_error and refused.content[0].text.startswith("[invalid_argument]")


# --- a provider package registered by code -----------------------------------------------------

def write_package(root: Path, base_url: str) -> str:
    """A provider package of its own (spec, api, text) and its manifest, outside the hub's source."""
    name = f"parrot_{uuid.uuid4().hex[:8]}"
    package = root / name
    package.mkdir()
    (package / "__init__.py").write_text('"""A throw-away provider."""\n')
    (root / "parrot.toml").write_text(textwrap.dedent("""\
        provider = "parrot"
        display_name = "Parrot"
        key_env = ["PARROT_KEY"]

        [[models]]
        id = "polly-1"
        capabilities = ["text"]
        context_window = 8000
        """))
    (package / "spec.py").write_text(textwrap.dedent(f"""\
        from mcp_ai_hub.providers.registry import ProviderSpec

        SPEC = ProviderSpec(
            name="parrot", display_name="Parrot", package={name!r}, capabilities=("text",),
            base_urls={{"PARROT_BASE_URL": {base_url!r}}}, key_vars=("PARROT_KEY",),
            manifest={str(root / "parrot.toml")!r},
        )
        """))
    (package / "api.py").write_text(textwrap.dedent("""\
        from mcp_ai_hub.capabilities import LiveModel
        from mcp_ai_hub.http import ProviderApi, make_error

        API = ProviderApi("parrot", lambda key: {"Authorization": f"Bearer {key}"},
                          lambda status, body, headers: make_error(status, body.decode()[:200]))


        async def list_models(client):
            data = client.json(await client.request("GET", "/models", retry="none"))
            return [LiveModel(m["id"], ["text"]) for m in data["data"]]
        """))
    (package / "text.py").write_text(textwrap.dedent("""\
        from mcp_ai_hub.capabilities.text import Draft


        async def generate_text(hub, resolved, request, on_progress=None):
            client = hub.client("parrot")
            body = {"model": resolved.wire_id, "messages": [{"role": m.role, "content": m.content}
                                                            for m in request.messages]}
            data = client.json(await client.request("POST", "/chat/completions", retry="generate", json=body))
            draft = Draft(resolved, on_progress)
            draft.add_text("squawk: " + data["choices"][0]["message"]["content"])
            draft.finish_reason = "stop"
            return draft.result()
        """))
    return name


@pytest.fixture
def parrot_registry(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fakes) -> Registry:
    root = tmp_path / "site"
    root.mkdir()
    name = write_package(root, fakes["openai"].url("/v1"))
    monkeypatch.syspath_prepend(str(root))
    from importlib import import_module

    registry = Registry.builtin()
    registry.register(import_module(f"{name}.spec").SPEC)
    return registry


async def test_a_registered_package_is_listed_and_generates_text(connect, hub_env, fakes, parrot_registry):
    env = hub_env(PARROT_KEY=fakes["openai"].key)
    async with connect(env, registry=parrot_registry) as client:
        listed = (
            await call(client, "list_models", {"detail": True, "provider": "parrot"})
        ).structured_content
        refreshed = (
            await call(client, "list_models", {"detail": True, "provider": "parrot", "refresh": True})
        ).structured_content
        result = await call(client, "generate_text", {"prompt": "say hi", "model": "parrot/polly-1"})
        bare = await call(client, "generate_text", {"prompt": "say hi", "model": "polly-1"})
        outside = await call(client, "generate_text", {"prompt": "hi", "model": "parrot/not-in-catalog"})
        instructions = client.instructions or ""
        tools = {t.name: t for t in (await client.list_tools()).tools}
    assert [(m["id"], m["available"], m["context_window"]) for m in listed["models"]] == [
        ("parrot/polly-1", True, 8000)
    ]
    assert refreshed["refresh_errors"] == {}
    assert {"parrot/gpt-5.2", "parrot/polly-1"} <= {m["id"] for m in refreshed["models"]}
    assert not result.is_error, result.content[0].text
    assert result.structured_content["text"] == "squawk: Hello from openai."
    assert result.structured_content["provider"] == "parrot"
    assert fakes["openai"].calls("/v1/chat/completions")[-1].json()["model"] == "polly-1"
    assert not bare.is_error and bare.structured_content["model"] == "parrot/polly-1"
    assert outside.is_error and outside.content[0].text.startswith("[unknown_model]")  # not open_ids
    assert "Together AI and Parrot." in instructions
    assert "xAI, Together AI or Parrot." in tools["generate_text"].description


async def test_a_registered_package_without_its_key_names_the_variable(connect, hub_env, parrot_registry):
    async with connect(hub_env(), registry=parrot_registry) as client:
        result = await call(client, "generate_text", {"prompt": "hi", "model": "parrot/polly-1"})
    assert result.is_error and result.content[0].text.startswith("[missing_api_key]")
    assert "PARROT_KEY" in result.content[0].text
