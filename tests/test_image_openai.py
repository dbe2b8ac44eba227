"""generate_image on OpenAI through a real MCP client: `images/generations` JSON, `images/edits`
multipart with local files, safety refusals, missing keys, content blocks and media://."""

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


async def test_generation_sends_the_exact_request_and_saves_the_images(connect, hub_env, fakes, workdir):
    fake = fakes["openai"]
    async with connect(hub_env("openai")) as client:
        result = await client.call_tool(
            "generate_image",
            {
                "prompt": "a lighthouse at dusk",
                "model": "openai/gpt-image-2.6-sunburst",
                "size": "1536x1024",
                "n": 2,
                "quality": "high",
                "output_format": "png",
                "provider_options": {"background": "transparent"},
            },
        )
        assert not result.is_error, result.content
        first = result.structured_content["images"][0]
        read = await client.read_resource(first["resource_uri"])
    [call] = fake.calls("/v1/images/generations", "POST")
    assert call.headers["authorization"] == f"Bearer {fake.key}"
    assert call.json() == {
        "model": "gpt-image-2.6-sunburst",
        "prompt": "a lighthouse at dusk",
        "n": 2,
        "size": "1536x1024",
        "quality": "high",
        "output_format": "png",
        "background": "transparent",
    }
    out = result.structured_content
    assert (out["model"], out["provider"], out["revised_prompt"], out["notes"]) == (
        "openai/gpt-image-2.6-sunburst",
        "openai",
        None,
        [],
    )
    assert [p.read_bytes() for p in saved(result)] == fake.state["images"]
    for item in out["images"]:
        assert (item["mime_type"], item["width"], item["height"]) == ("image/png", 1536, 1024)
        assert Path(item["path"]).is_absolute() and Path(item["path"]).parent == workdir / "ai-hub-output"
        assert (
            item["uri"] == Path(item["path"]).as_uri()
            and item["resource_uri"] == f"media://{Path(item['path']).name}"
        )
        assert item["bytes"] == Path(item["path"]).stat().st_size
    text = result.content[0].text
    assert all(str(p) in text for p in saved(result))
    links = [b for b in result.content if b.type == "resource_link"]
    inline = [b for b in result.content if b.type == "image"]
    assert [str(b.uri) for b in links] == [i["resource_uri"] for i in out["images"]]
    assert [base64.b64decode(b.data) for b in inline] == fake.state["images"]
    assert all(b.mime_type == "image/png" for b in inline)
    assert base64.b64decode(read.contents[0].blob) == fake.state["images"][0]
    assert read.contents[0].mime_type == "image/png"


async def test_default_model_is_the_best_image_preset_and_aspect_ratio_maps_to_a_size(
    connect, hub_env, fakes
):
    async with connect(hub_env("openai")) as client:
        result = await client.call_tool("generate_image", {"prompt": "a wide valley", "aspect_ratio": "16:9"})
    assert not result.is_error, result.content
    body = fakes["openai"].calls("/v1/images/generations")[0].json()
    # gpt-image-2* make any shape in multiples of 16: the exact 16:9 at about one megapixel, no note
    assert body == {"model": "gpt-image-2.6-sunburst", "prompt": "a wide valley", "n": 1, "size": "1536x864"}
    assert result.structured_content["notes"] == []


async def test_webp_and_jpeg_outputs_keep_their_type_and_header_sizes(connect, hub_env, fakes):
    async with connect(hub_env("openai")) as client:
        webp = await client.call_tool(
            "generate_image",
            {
                "prompt": "x",
                "model": "openai/gpt-image-2.6-flare",
                "size": "1024x1536",
                "output_format": "webp",
            },
        )
        jpeg = await client.call_tool(
            "generate_image", {"prompt": "y", "model": "openai/gpt-image-2.6-flare", "output_format": "jpeg"}
        )
    w, j = webp.structured_content["images"][0], jpeg.structured_content["images"][0]
    assert (w["mime_type"], w["width"], w["height"], w["path"][-5:]) == ("image/webp", 1024, 1536, ".webp")
    assert (j["mime_type"], j["width"], j["height"], j["path"][-4:]) == ("image/jpeg", 1024, 1024, ".jpg")
    assert [Path(w["path"]).read_bytes(), Path(j["path"]).read_bytes()] == fakes["openai"].state["images"]


async def test_editing_a_local_image_sends_multipart_with_the_file_bytes(connect, hub_env, fakes, workdir):
    source = samples.png(5, 6, (1, 2, 3))
    (workdir / "pic.png").write_bytes(source)
    fake = fakes["openai"]
    async with connect(hub_env("openai")) as client:
        result = await client.call_tool(
            "generate_image",
            {
                "prompt": "make it watercolour",
                "model": "openai/gpt-image-2.6-sunburst",
                "input_images": ["pic.png"],
                "quality": "medium",
                "provider_options": {"moderation": "low"},
            },
        )
    assert not result.is_error, result.content
    [call] = fake.calls("/v1/images/edits", "POST")
    assert call.headers["authorization"] == f"Bearer {fake.key}"
    assert call.headers["content-type"].startswith("multipart/form-data; boundary=")
    assert int(call.headers["content-length"]) == len(call.body)
    assert call.multipart() == {
        "model": "gpt-image-2.6-sunburst",
        "prompt": "make it watercolour",
        "n": "1",
        "quality": "medium",
        "moderation": "low",
        "image": ("pic.png", "image/png", source),
    }
    assert fake.state["edit_inputs"] == [("pic.png", "image/png", source)]
    assert saved(result)[0].read_bytes() == fake.state["images"][0]


async def test_editing_several_images_with_a_mask_uses_image_array_fields(connect, hub_env, fakes, workdir):
    (workdir / "a.png").write_bytes(samples.png(4, 4))
    (workdir / "mask.png").write_bytes(samples.png(4, 4, (0, 0, 0)))
    data_uri = "data:image/jpeg;base64," + base64.b64encode(samples.jpeg(3, 3)).decode()
    async with connect(hub_env("openai")) as client:
        result = await client.call_tool(
            "generate_image",
            {
                "prompt": "combine them",
                "model": "openai/gpt-image-2.6-sunburst",
                "input_images": ["a.png", data_uri],
                "provider_options": {"mask": "mask.png"},
            },
        )
    assert not result.is_error, result.content
    form = fakes["openai"].calls("/v1/images/edits")[0].multipart()
    assert form["image[]"] == [
        ("a.png", "image/png", samples.png(4, 4)),
        ("input.jpeg", "image/jpeg", samples.jpeg(3, 3)),
    ]
    assert form["mask"] == ("mask.png", "image/png", samples.png(4, 4, (0, 0, 0)))
    assert "image" not in form


async def test_a_moderation_block_is_a_content_policy_error(connect, hub_env):
    async with connect(hub_env("openai")) as client:
        result = await client.call_tool(
            "generate_image", {"prompt": "something forbidden", "model": "openai/gpt-image-2.6-sunburst"}
        )
    text = error_text(result)
    assert text.startswith("[content_policy]") and "safety system" in text and "openai, HTTP 400" in text


async def test_a_missing_key_names_the_variable(connect, hub_env, fakes):
    async with connect(hub_env()) as client:
        result = await client.call_tool(
            "generate_image", {"prompt": "a cat", "model": "openai/gpt-image-2.6-sunburst"}
        )
        default = await client.call_tool("generate_image", {"prompt": "a cat"})
    assert error_text(result).startswith("[missing_api_key]") and "OPENAI_API_KEY" in error_text(result)
    assert "OPENAI_API_KEY" in error_text(default)
    assert fakes["openai"].calls("/v1/images") == []


async def test_parameters_openai_lacks_are_refused_before_any_request(connect, hub_env, fakes):
    async with connect(hub_env("openai")) as client:
        seed = await client.call_tool(
            "generate_image", {"prompt": "x", "model": "openai/gpt-image-2.6-sunburst", "seed": 7}
        )
        negative = await client.call_tool(
            "generate_image",
            {"prompt": "x", "model": "openai/gpt-image-2.6-sunburst", "negative_prompt": "blur"},
        )
        size = await client.call_tool(
            "generate_image", {"prompt": "x", "model": "openai/gpt-image-2.6-sunburst", "size": "1000x1000"}
        )
        quality = await client.call_tool(
            "generate_image", {"prompt": "x", "model": "openai/gpt-image-2.6-sunburst", "quality": "ultra"}
        )
    for result, param in (
        (seed, "seed"),
        (negative, "negative_prompt"),
        (size, "size"),
        (quality, "quality"),
    ):
        text = error_text(result)
        assert text.startswith("[invalid_argument]") and f"parameter {param}, provider openai" in text, text
    assert "multiples of 16, not 1000x1000" in error_text(size)
    assert fakes["openai"].calls("/v1/images") == []


async def test_small_images_are_inlined_and_large_ones_only_linked(connect, hub_env):
    async with connect(hub_env("openai", AI_HUB_INLINE_MAX_BYTES="100")) as client:
        result = await client.call_tool(
            "generate_image", {"prompt": "x", "model": "openai/gpt-image-2.6-sunburst", "n": 2}
        )
    assert [b.type for b in result.content] == ["text", "resource_link", "resource_link"]
    assert all(i["bytes"] > 100 for i in result.structured_content["images"])


async def test_progress_is_reported_while_the_provider_works(connect, hub_env, fakes):
    fakes["openai"].inject("/v1/images/generations", delay=0.3, status=None)
    seen = []

    async def on_progress(progress, total, message):
        seen.append((progress, message))

    async with connect(hub_env("openai")) as client:
        result = await client.call_tool(
            "generate_image",
            {"prompt": "x", "model": "openai/gpt-image-2.6-sunburst"},
            progress_callback=on_progress,
        )
    assert not result.is_error
    assert seen and seen[0] == (0, "openai/gpt-image-2.6-sunburst: request sent")


async def test_a_server_error_is_retried_and_then_succeeds(connect, hub_env, fakes):
    fake = fakes["openai"]
    fake.inject(
        "/v1/images/generations",
        status=500,
        headers={"retry-after": "0"},
        body={"error": {"message": "The server had an error", "type": "server_error", "code": None}},
    )
    async with connect(hub_env("openai")) as client:
        result = await client.call_tool(
            "generate_image", {"prompt": "x", "model": "openai/gpt-image-2.6-sunburst"}
        )
    assert not result.is_error, result.content
    assert len(fake.calls("/v1/images/generations")) == 2 and len(saved(result)) == 1


async def test_an_input_outside_the_allowed_dirs_is_refused(connect, hub_env, fakes, tmp_path):
    outside = tmp_path / "secret.png"
    outside.write_bytes(samples.png())
    async with connect(hub_env("openai")) as client:
        result = await client.call_tool(
            "generate_image",
            {"prompt": "x", "model": "openai/gpt-image-2.6-sunburst", "input_images": [str(outside)]},
        )
    assert error_text(result).startswith("[file_not_allowed]")
    assert fakes["openai"].calls("/v1/images") == []


async def test_an_input_image_url_is_fetched_and_sent_as_a_file(connect, hub_env, fakes):
    fake = fakes["openai"]
    url = fake.publish("inputs/room.jpg", samples.jpeg(8, 8), "image/jpeg")
    async with connect(hub_env("openai")) as client:
        result = await client.call_tool(
            "generate_image",
            {"prompt": "paint the walls", "model": "openai/gpt-image-2.6-sunburst", "input_images": [url]},
        )
    assert not result.is_error, result.content
    assert fake.calls("/v1/images/edits")[0].multipart()["image"] == (
        "room.jpg",
        "image/jpeg",
        samples.jpeg(8, 8),
    )
