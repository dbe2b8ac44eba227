"""generate_image on xAI (base64 that may be a data: URI, or URLs downloaded at once; moderation)
and Together (`response_format` base64/url, width/height, seed, negative prompt, image input)."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest

from tests.fakes import samples

pytestmark = pytest.mark.anyio


def saved(result) -> list[Path]:
    return [Path(i["path"]) for i in result.structured_content["images"]]


def error_text(result) -> str:
    assert result.is_error, result.content
    return result.content[0].text


# --- xAI -----------------------------------------------------------------------------------------

async def test_xai_asks_for_base64_and_decodes_data_uris_and_bare_base64(connect, hub_env, fakes):
    fake = fakes["xai"]
    async with connect(hub_env("xai")) as client:
        result = await client.call_tool(
            "generate_image", {"prompt": "a comet", "model": "xai/grok-imagine-image", "n": 2}
        )
    assert not result.is_error, result.content
    [call] = fake.calls("/v1/images/generations", "POST")
    assert call.headers["authorization"] == f"Bearer {fake.key}"
    assert call.json() == {
        "model": "grok-imagine-image",
        "prompt": "a comet",
        "n": 2,
        "response_format": "b64_json",
    }
    out = result.structured_content
    assert [p.read_bytes() for p in saved(result)] == fake.state["images"]
    assert [(i["mime_type"], i["width"], i["height"]) for i in out["images"]] == [
        ("image/jpeg", 1024, 768)
    ] * 2
    assert out["revised_prompt"] == "A detailed rendering of a comet"
    assert "Revised prompt: A detailed rendering of a comet" in result.content[0].text


async def test_xai_url_outputs_are_downloaded_at_once(connect, hub_env, fakes):
    fake = fakes["xai"]
    async with connect(hub_env("xai")) as client:
        result = await client.call_tool("generate_image", {
            "prompt": "a comet", "model": "xai/grok-imagine-image", "aspect_ratio": "16:9",
            "provider_options": {"response_format": "url"}})
    assert not result.is_error, result.content
    assert fake.calls("/v1/images/generations")[0].json() == {
        "model": "grok-imagine-image",
        "prompt": "a comet",
        "n": 1,
        "response_format": "url",
        "aspect_ratio": "16:9",
    }
    [download] = fake.calls("/cdn/", "GET")
    assert "authorization" not in download.headers  # the CDN URL is public; the key stays with the API
    img = result.structured_content["images"][0]
    assert img["source_url"] == fake.url(download.path)
    assert Path(img["path"]).read_bytes() == fake.state["images"][0]
    assert (img["mime_type"], img["width"], img["height"]) == ("image/jpeg", 1280, 720)


async def test_xai_refuses_seed_quality_and_formats_it_lacks(connect, hub_env, fakes):
    async with connect(hub_env("xai")) as client:
        seed = await client.call_tool("generate_image", {"prompt": "p", "model": "xai/grok-imagine-image",
                                                         "seed": 3})
        quality = await client.call_tool("generate_image", {"prompt": "p", "model": "xai/grok-imagine-image",
                                                            "quality": "high"})
        png = await client.call_tool("generate_image", {"prompt": "p", "model": "xai/grok-imagine-image",
                                                        "output_format": "png"})
    assert "parameter seed, provider xai" in error_text(seed)
    assert "parameter quality, provider xai" in error_text(quality)
    assert "JPEG images only (parameter output_format, provider xai)" in error_text(png)
    assert fakes["xai"].calls("/v1/images") == []


async def test_xai_moderation_in_errors_and_in_items_is_content_policy(connect, hub_env, fakes):
    async with connect(hub_env("xai")) as client:
        rejected = await client.call_tool(
            "generate_image", {"prompt": "forbidden", "model": "xai/grok-imagine-image"}
        )
        withheld = await client.call_tool(
            "generate_image", {"prompt": "withheld", "model": "xai/grok-imagine-image"}
        )
        partly = await client.call_tool(
            "generate_image", {"prompt": "partly", "model": "xai/grok-imagine-image", "n": 2}
        )
    text = error_text(rejected)
    assert (
        text.startswith("[content_policy] Generated image rejected by content moderation")
        and "HTTP 400" in text
    )
    assert error_text(withheld).startswith("[content_policy] xAI moderation withheld the image")
    assert len(saved(partly)) == 1 and partly.structured_content["notes"] == [
        "xAI moderation withheld 1 of 2 images"
    ]


async def test_xai_missing_key(connect, hub_env):
    async with connect(hub_env("gemini")) as client:
        result = await client.call_tool("generate_image", {"prompt": "p", "model": "xai/grok-imagine-image"})
    assert error_text(result).startswith("[missing_api_key]") and "XAI_API_KEY" in error_text(result)


# --- Together ------------------------------------------------------------------------------------

async def test_together_sends_width_height_seed_and_negative_prompt_and_decodes_base64(
    connect, hub_env, fakes
):
    fake = fakes["together"]
    async with connect(hub_env("together")) as client:
        result = await client.call_tool(
            "generate_image",
            {
                "prompt": "a harbour",
                "model": "together/black-forest-labs/FLUX.1.1-pro",
                "size": "768x512",
                "n": 2,
                "seed": 0,
                "negative_prompt": "people",
                "output_format": "png",
                "provider_options": {"steps": 4},
            },
        )
        read = await client.read_resource(result.structured_content["images"][0]["resource_uri"])
    assert not result.is_error, result.content
    [call] = fake.calls("/v1/images/generations", "POST")
    assert call.headers["authorization"] == f"Bearer {fake.key}"
    assert call.json() == {"model": "black-forest-labs/FLUX.1.1-pro", "prompt": "a harbour", "n": 2,
                           "response_format": "base64", "width": 768, "height": 512, "seed": 0,
                           "negative_prompt": "people", "output_format": "png", "steps": 4}
    out = result.structured_content
    assert [p.read_bytes() for p in saved(result)] == fake.state["images"]
    assert [(i["mime_type"], i["width"], i["height"]) for i in out["images"]] == [("image/png", 768, 512)] * 2
    assert base64.b64decode(read.contents[0].blob) == fake.state["images"][0]


async def test_together_url_outputs_are_streamed_to_disk(connect, hub_env, fakes):
    fake = fakes["together"]
    async with connect(hub_env("together")) as client:
        result = await client.call_tool("generate_image", {
            "prompt": "a harbour", "model": "together/black-forest-labs/FLUX.1-dev", "aspect_ratio": "16:9",
            "provider_options": {"response_format": "url"}})
    assert not result.is_error, result.content
    body = fake.calls("/v1/images/generations")[0].json()
    assert (body["model"], body["width"], body["height"], body["response_format"]) == (
        "black-forest-labs/FLUX.1-dev", 1360, 768, "url")
    assert result.structured_content["notes"] == ["aspect_ratio 16:9 sent as 1360x768"]
    img = result.structured_content["images"][0]
    assert (img["mime_type"], img["width"], img["height"]) == ("image/jpeg", 1360, 768)
    assert Path(img["path"]).read_bytes() == fake.state["images"][0] and img["source_url"].startswith(
        fake.base_url
    )


async def test_together_image_to_image_sends_local_files_as_data_uris_and_urls_as_is(
    connect, hub_env, fakes, workdir
):
    (workdir / "sketch.png").write_bytes(samples.png(3, 3))
    async with connect(hub_env("together")) as client:
        result = await client.call_tool("generate_image", {
            "prompt": "ink it", "model": "together/black-forest-labs/FLUX.1-kontext-pro",
            "input_images": ["sketch.png", "https://example.com/style.jpg"]})
    assert not result.is_error, result.content
    body = fakes["together"].calls("/v1/images/generations")[0].json()
    assert body["image_url"] == "data:image/png;base64," + base64.b64encode(samples.png(3, 3)).decode()
    assert body["reference_images"] == ["https://example.com/style.jpg"]


async def test_together_refusals_and_safety_errors(connect, hub_env, fakes, workdir):
    (workdir / "in.png").write_bytes(samples.png())
    async with connect(hub_env("together")) as client:
        nsfw = await client.call_tool(
            "generate_image", {"prompt": "forbidden", "model": "together/black-forest-labs/FLUX.1.1-pro"}
        )
        quality = await client.call_tool(
            "generate_image",
            {"prompt": "p", "model": "together/black-forest-labs/FLUX.1.1-pro", "quality": "high"},
        )
        no_edit = await client.call_tool(
            "generate_image",
            {"prompt": "p", "model": "together/black-forest-labs/FLUX.1.1-pro", "input_images": ["in.png"]},
        )
    text = error_text(nsfw)
    assert text.startswith("[content_policy] Potential NSFW content") and "together, HTTP 422" in text
    assert "parameter quality, provider together" in error_text(quality)
    assert "does not edit images (parameter input_images, provider together)" in error_text(no_edit)
    assert "FLUX.1-kontext-pro" in error_text(no_edit) or "gpt-image" in error_text(no_edit)
    assert len(fakes["together"].calls("/v1/images")) == 1


async def test_together_missing_key(connect, hub_env, fakes):
    async with connect(hub_env("xai")) as client:
        result = await client.call_tool(
            "generate_image", {"prompt": "p", "model": "together/black-forest-labs/FLUX.1.1-pro"}
        )
    assert error_text(result).startswith("[missing_api_key]") and "TOGETHER_API_KEY" in error_text(result)
    assert fakes["together"].calls("/v1/images") == []
