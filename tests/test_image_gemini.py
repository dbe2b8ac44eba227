"""generate_image on Gemini: the native image models' `:generateContent` (with inline image input),
safety refusals, and parameter mapping."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest

from tests.fakes import samples

pytestmark = pytest.mark.anyio
LITE, BANANA = "gemini/gemini-3.1-flash-lite-image", "gemini/gemini-nano-banana-2.1"


def saved(result) -> list[Path]:
    return [Path(i["path"]) for i in result.structured_content["images"]]


def error_text(result) -> str:
    assert result.is_error, result.content
    return result.content[0].text


async def test_native_model_edits_a_local_image_sent_as_inline_data(connect, hub_env, fakes, workdir):
    source = samples.png(7, 5, (9, 9, 9))
    (workdir / "photo.png").write_bytes(source)
    fake = fakes["gemini"]
    async with connect(hub_env("gemini")) as client:
        result = await client.call_tool("generate_image", {
            "prompt": "add a hat", "model": LITE, "input_images": ["photo.png"],
            "aspect_ratio": "3:2", "seed": 42})
    assert not result.is_error, result.content
    [call] = fake.calls("/v1beta/models/gemini-3.1-flash-lite-image:generateContent", "POST")
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
            "prompt": "poster", "model": "gemini/gemini-3-pro-image", "size": "2048x2048", "n": 2})
    assert not result.is_error, result.content
    calls = fakes["gemini"].calls("gemini-3-pro-image:generateContent")
    assert len(calls) == 2
    assert calls[0].json()["generationConfig"]["imageConfig"] == {"aspectRatio": "1:1", "imageSize": "2K"}
    assert sorted(p.read_bytes() for p in saved(result)) == sorted(fakes["gemini"].state["images"])
    assert [(i["width"], i["height"]) for i in result.structured_content["images"]] == [(2048, 2048)] * 2


async def test_flash_image_uses_only_the_shape_of_a_size_and_says_so(connect, hub_env, fakes):
    async with connect(hub_env("gemini")) as client:
        result = await client.call_tool(
            "generate_image", {"prompt": "p", "model": LITE, "size": "1920x1080"}
        )
    assert not result.is_error, result.content
    config = fakes["gemini"].calls(":generateContent")[0].json()["generationConfig"]
    assert config["imageConfig"] == {"aspectRatio": "16:9"}
    assert result.structured_content["notes"][:2] == [
        "size 1920x1080 sent as aspect ratio 16:9",
        "gemini-3.1-flash-lite-image chooses its own resolution (about 1K); only the shape of size is used"]


async def test_blocked_prompts_and_withheld_images_are_content_policy(connect, hub_env):
    async with connect(hub_env("gemini")) as client:
        blocked = await client.call_tool(
            "generate_image", {"prompt": "forbidden", "model": LITE}
        )
        withheld = await client.call_tool(
            "generate_image", {"prompt": "withheld", "model": LITE}
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
            "generate_image", {"prompt": "p", "model": LITE, "n": 2}
        )
    assert not result.is_error, result.content
    assert len(saved(result)) == 1
    assert "1 of 2 requests failed: [provider_bad_request] Request contains an invalid argument" in \
        result.structured_content["notes"][-1]


async def test_gemini_missing_key_names_both_variables(connect, hub_env):
    async with connect(hub_env("openai")) as client:
        result = await client.call_tool("generate_image", {"prompt": "p", "model": BANANA})
    text = error_text(result)
    assert text.startswith("[missing_api_key]") and "GEMINI_API_KEY or GOOGLE_API_KEY" in text


async def test_native_model_fetches_url_inputs_and_sends_them_inline(connect, hub_env, fakes):
    fake = fakes["gemini"]
    url = fake.publish("ref", samples.jpeg(6, 6), "image/jpeg")  # no extension: the type comes from the bytes
    async with connect(hub_env("gemini")) as client:
        result = await client.call_tool("generate_image", {"prompt": "in this style", "input_images": [url],
                                                           "model": "gemini/gemini-3-pro-image"})
    assert not result.is_error, result.content
    assert fake.state["inline_inputs"] == [("image/jpeg", samples.jpeg(6, 6))]


async def test_native_n_images_with_a_seed_use_consecutive_seeds(connect, hub_env, fakes):
    async with connect(hub_env("gemini")) as client:
        result = await client.call_tool(
            "generate_image", {"prompt": "p", "model": LITE, "n": 3, "seed": 10}
        )
    assert not result.is_error, result.content
    seeds = sorted(c.json()["generationConfig"]["seed"] for c in fakes["gemini"].calls(":generateContent"))
    assert seeds == [10, 11, 12] and len(result.structured_content["images"]) == 3
    assert "each image is its own request; seeds 10 to 12 were used" in result.structured_content["notes"]
