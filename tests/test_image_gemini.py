"""generate_image on Gemini: Imagen `:predict` and the native image models' `:generateContent`
(with inline image input), safety refusals in both shapes, and parameter mapping."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest

from tests.fakes import samples

pytestmark = pytest.mark.anyio
IMAGEN = "/v1beta/models/imagen-4.0-generate-001:predict"


def saved(result) -> list[Path]:
    return [Path(i["path"]) for i in result.structured_content["images"]]


def error_text(result) -> str:
    assert result.is_error, result.content
    return result.content[0].text


async def test_imagen_sends_instances_and_parameters_and_saves_each_prediction(connect, hub_env, fakes):
    fake = fakes["gemini"]
    async with connect(hub_env("gemini")) as client:
        result = await client.call_tool("generate_image", {
            "prompt": "a red fox in snow", "model": "gemini/imagen-4", "aspect_ratio": "16:9", "n": 2,
            "output_format": "jpeg", "provider_options": {"parameters": {"personGeneration": "dont_allow"}}})
        assert not result.is_error, result.content
        read = await client.read_resource(result.structured_content["images"][1]["resource_uri"])
    [call] = fake.calls(IMAGEN, "POST")
    assert call.headers["x-goog-api-key"] == fake.key
    assert call.json() == {
        "instances": [{"prompt": "a red fox in snow"}],
        "parameters": {
            "sampleCount": 2,
            "includeRaiReason": True,
            "aspectRatio": "16:9",
            "outputOptions": {"mimeType": "image/jpeg"},
            "personGeneration": "dont_allow",
        },
    }
    out = result.structured_content
    assert (out["model"], out["provider"], out["notes"]) == ("gemini/imagen-4", "gemini", [])
    assert [p.read_bytes() for p in saved(result)] == fake.state["images"]
    assert [(i["mime_type"], i["width"], i["height"]) for i in out["images"]] == [
        ("image/jpeg", 1408, 768)
    ] * 2
    assert base64.b64decode(read.contents[0].blob) == fake.state["images"][1]
    assert [b.type for b in result.content] == ["text", "resource_link", "image", "resource_link", "image"]


async def test_imagen_maps_a_size_to_the_nearest_aspect_ratio_and_2k(connect, hub_env, fakes):
    async with connect(hub_env("gemini")) as client:
        result = await client.call_tool(
            "generate_image", {"prompt": "tall tower", "model": "gemini/imagen-4-ultra", "size": "1800x3200"}
        )
    assert not result.is_error, result.content
    params = fakes["gemini"].calls(":predict")[0].json()["parameters"]
    assert fakes["gemini"].calls(":predict")[0].path == "/v1beta/models/imagen-4.0-ultra-generate-001:predict"
    assert (params["aspectRatio"], params["sampleImageSize"]) == ("9:16", "2K")
    assert result.structured_content["notes"] == ["size 1800x3200 sent as aspect ratio 9:16"]
    img = result.structured_content["images"][0]
    assert (img["mime_type"], img["width"], img["height"]) == ("image/png", 1536, 2816)


async def test_imagen_safety_filtering_is_content_policy_and_partial_filtering_a_note(
    connect, hub_env, fakes
):
    async with connect(hub_env("gemini")) as client:
        blocked = await client.call_tool(
            "generate_image", {"prompt": "forbidden thing", "model": "gemini/imagen-4"}
        )
        partly = await client.call_tool(
            "generate_image", {"prompt": "partly ok", "model": "gemini/imagen-4", "n": 3}
        )
    text = error_text(blocked)
    assert text.startswith("[content_policy]") and "safety filter threshold filtered out" in text
    assert (
        len(saved(partly)) == 2 and [p.read_bytes() for p in saved(partly)] == fakes["gemini"].state["images"]
    )
    assert partly.structured_content["notes"][0].startswith(
        "1 of 3 images were filtered: Your current safety"
    )


async def test_imagen_refuses_what_the_gemini_api_cannot_do(connect, hub_env, fakes, workdir):
    (workdir / "in.png").write_bytes(samples.png())
    async with connect(hub_env("gemini")) as client:
        calls = {
            "seed": {"seed": 3}, "negative_prompt": {"negative_prompt": "x"}, "quality": {"quality": "high"},
            "output_format": {"output_format": "webp"}, "input_images": {"input_images": ["in.png"]},
            "size": {"size": "3000x1000"},
        }
        results = {
            p: await client.call_tool("generate_image", {"prompt": "p", "model": "gemini/imagen-4", **args})
            for p, args in calls.items()
        }
    for param, result in results.items():
        text = error_text(result)
        assert text.startswith("[invalid_argument]") and f"parameter {param}, provider gemini" in text, text
    assert "gemini-2.5-flash-image" in error_text(results["input_images"])
    assert fakes["gemini"].calls(":predict") == []


async def test_native_model_edits_a_local_image_sent_as_inline_data(connect, hub_env, fakes, workdir):
    source = samples.png(7, 5, (9, 9, 9))
    (workdir / "photo.png").write_bytes(source)
    fake = fakes["gemini"]
    async with connect(hub_env("gemini")) as client:
        result = await client.call_tool("generate_image", {
            "prompt": "add a hat", "model": "gemini/gemini-2.5-flash-image", "input_images": ["photo.png"],
            "aspect_ratio": "3:2", "seed": 42})
    assert not result.is_error, result.content
    [call] = fake.calls("/v1beta/models/gemini-2.5-flash-image:generateContent", "POST")
    assert call.headers["x-goog-api-key"] == fake.key
    assert call.json() == {
        "contents": [
            {
                "role": "user",
                "parts": [
                    {"text": "add a hat"},
                    {"inlineData": {"mimeType": "image/png", "data": base64.b64encode(source).decode()}},
                ],
            }
        ],
        "generationConfig": {
            "responseModalities": ["TEXT", "IMAGE"],
            "imageConfig": {"aspectRatio": "3:2"},
            "seed": 42,
        },
    }
    assert fake.state["inline_inputs"] == [("image/png", source)]
    img = result.structured_content["images"][0]
    assert Path(img["path"]).read_bytes() == fake.state["images"][0]
    assert (img["mime_type"], img["width"], img["height"]) == ("image/png", 1248, 832)
    assert result.structured_content["notes"] == ["Gemini said: Here is the image you asked for."]


async def test_gemini_3_image_gets_image_size_and_its_thought_drafts_are_skipped(connect, hub_env, fakes):
    async with connect(hub_env("gemini")) as client:
        result = await client.call_tool("generate_image", {
            "prompt": "poster", "model": "gemini/gemini-3-pro-image-preview", "size": "2048x2048", "n": 2})
    assert not result.is_error, result.content
    calls = fakes["gemini"].calls("gemini-3-pro-image-preview:generateContent")
    assert len(calls) == 2
    assert calls[0].json()["generationConfig"]["imageConfig"] == {"aspectRatio": "1:1", "imageSize": "2K"}
    assert sorted(p.read_bytes() for p in saved(result)) == sorted(fakes["gemini"].state["images"])
    assert [(i["width"], i["height"]) for i in result.structured_content["images"]] == [(2048, 2048)] * 2


async def test_flash_image_uses_only_the_shape_of_a_size_and_says_so(connect, hub_env, fakes):
    async with connect(hub_env("gemini")) as client:
        result = await client.call_tool(
            "generate_image", {"prompt": "p", "model": "gemini/gemini-2.5-flash-image", "size": "1920x1080"}
        )
    assert not result.is_error, result.content
    config = fakes["gemini"].calls(":generateContent")[0].json()["generationConfig"]
    assert config["imageConfig"] == {"aspectRatio": "16:9"}
    assert result.structured_content["notes"][:2] == [
        "size 1920x1080 sent as aspect ratio 16:9",
        "gemini-2.5-flash-image chooses its own resolution (about 1K); only the shape of size is used"]


async def test_blocked_prompts_and_withheld_images_are_content_policy(connect, hub_env):
    async with connect(hub_env("gemini")) as client:
        blocked = await client.call_tool(
            "generate_image", {"prompt": "forbidden", "model": "gemini/gemini-2.5-flash-image"}
        )
        withheld = await client.call_tool(
            "generate_image", {"prompt": "withheld", "model": "gemini/gemini-2.5-flash-image"}
        )
    assert error_text(blocked).startswith("[content_policy] Gemini blocked the prompt (SAFETY)")
    assert error_text(withheld).startswith(
        "[content_policy] Gemini withheld the image (IMAGE_SAFETY): Unable to show"
    )


async def test_one_failed_request_of_several_keeps_the_images_already_made(connect, hub_env, fakes):
    fakes["gemini"].inject(":generateContent", status=400, body={"error": {
        "code": 400, "message": "Request contains an invalid argument.", "status": "INVALID_ARGUMENT"}})
    async with connect(hub_env("gemini")) as client:
        result = await client.call_tool(
            "generate_image", {"prompt": "p", "model": "gemini/gemini-2.5-flash-image", "n": 2}
        )
    assert not result.is_error, result.content
    assert len(saved(result)) == 1
    assert "1 of 2 requests failed: [provider_bad_request] Request contains an invalid argument" in \
        result.structured_content["notes"][-1]


async def test_gemini_missing_key_names_both_variables(connect, hub_env):
    async with connect(hub_env("openai")) as client:
        result = await client.call_tool("generate_image", {"prompt": "p", "model": "gemini/imagen-4"})
    text = error_text(result)
    assert text.startswith("[missing_api_key]") and "GEMINI_API_KEY or GOOGLE_API_KEY" in text


async def test_native_model_fetches_url_inputs_and_sends_them_inline(connect, hub_env, fakes):
    fake = fakes["gemini"]
    url = fake.publish("ref", samples.jpeg(6, 6), "image/jpeg")  # no extension: the type comes from the bytes
    async with connect(hub_env("gemini")) as client:
        result = await client.call_tool("generate_image", {"prompt": "in this style", "input_images": [url],
                                                           "model": "gemini/gemini-3-pro-image-preview"})
    assert not result.is_error, result.content
    assert fake.state["inline_inputs"] == [("image/jpeg", samples.jpeg(6, 6))]


async def test_native_n_images_with_a_seed_use_consecutive_seeds(connect, hub_env, fakes):
    async with connect(hub_env("gemini")) as client:
        result = await client.call_tool(
            "generate_image", {"prompt": "p", "model": "gemini/gemini-2.5-flash-image", "n": 3, "seed": 10}
        )
    assert not result.is_error, result.content
    seeds = sorted(c.json()["generationConfig"]["seed"] for c in fakes["gemini"].calls(":generateContent"))
    assert seeds == [10, 11, 12] and len(result.structured_content["images"]) == 3
    assert "each image is its own request; seeds 10 to 12 were used" in result.structured_content["notes"]
