"""The generate_image tool itself and the pieces every provider shares: argument checks, size and
aspect-ratio parsing and mapping, base64 outputs saved in slices, streamed multipart bodies."""

from __future__ import annotations

import base64

import pytest

from mcp_ai_hub.capabilities.image import (
    ImageRequest,
    nearest_ratio,
    parse_aspect_ratio,
    parse_size,
    size_for_ratio,
)
from mcp_ai_hub.catalog import Catalog
from mcp_ai_hub.config import Settings
from mcp_ai_hub.errors import InvalidArgument, ProviderUnavailable
from mcp_ai_hub.media import MediaStore
from mcp_ai_hub.multipart import FilePart, MultipartBody
from tests.fakes import samples

pytestmark = [pytest.mark.anyio, pytest.mark.both_generations]


def request_for(model: str, **kwargs) -> ImageRequest:
    settings = Settings.load(environ={"HOME": "/nonexistent"})
    return ImageRequest(prompt="p", resolved=Catalog.load().resolve(model, "image", settings), **kwargs)


def test_sizes_and_aspect_ratios_parse_and_reduce():
    assert parse_size("1024x768") == (1024, 768) and parse_size(" 512 X 512 ") == (512, 512)
    assert parse_size("") is None and parse_size("auto") is None
    assert parse_aspect_ratio("32:18") == (16, 9) and parse_aspect_ratio("19.5:9") == (13, 6)
    assert parse_aspect_ratio("") is None
    for bad in ("1024", "0x5", "big"):
        with pytest.raises(InvalidArgument):
            parse_size(bad)
    for bad in ("16-9", "0:1", "wide"):
        with pytest.raises(InvalidArgument):
            parse_aspect_ratio(bad)
    assert size_for_ratio((16, 9)) == (1360, 768) and size_for_ratio((1, 1)) == (1024, 1024)


def test_nearest_ratio_maps_close_shapes_and_refuses_far_ones():
    near = request_for("gemini/gemini-nano-banana-2.1", size=(1024, 1792))
    assert nearest_ratio(near, ("1:1", "9:16", "16:9")) == "9:16"
    assert near.notes == ["size 1024x1792 sent as aspect ratio 9:16"]
    exact = request_for("gemini/gemini-nano-banana-2.1", aspect_ratio=(4, 3))
    assert nearest_ratio(exact, ("1:1", "4:3")) == "4:3" and exact.notes == []
    with pytest.raises(InvalidArgument) as info:
        nearest_ratio(request_for("gemini/gemini-nano-banana-2.1", aspect_ratio=(5, 1)), ("1:1", "16:9"))
    assert (
        "parameter aspect_ratio, provider gemini" in info.value.render()
        and "1:1, 16:9" in info.value.render()
    )


async def test_base64_outputs_are_decoded_in_slices_whatever_their_wrapping(workdir, monkeypatch):
    store = MediaStore(Settings.load(environ={"HOME": str(workdir)}, cwd=workdir))
    image = samples.png(300, 200)
    encoded = base64.b64encode(image).decode()
    monkeypatch.setattr("mcp_ai_hub.media.B64_SLICE", 64)  # many slices for a small image
    wrapped = "\n".join(encoded[i:i + 76] for i in range(0, len(encoded), 76))
    for value in (encoded, wrapped, "data:image/png;base64," + encoded):
        media = await store.save_base64(value, "openai")
        assert media.path.read_bytes() == image and (media.width, media.height) == (300, 200)
    before = sorted(store.dir.iterdir())
    with pytest.raises(ProviderUnavailable) as info:
        await store.save_base64(encoded[:100] + "!!!!" + encoded[104:], "xai")
    assert "not valid base64" in info.value.render()
    assert sorted(store.dir.iterdir()) == before  # nothing half-written is left behind


async def test_multipart_bodies_stream_files_and_declare_their_exact_length(tmp_path):
    (tmp_path / "a.png").write_bytes(samples.png(40, 40))
    body = MultipartBody([("prompt", 'say "hi"\n'), ("n", "2")],
                         [FilePart("image[]", "a.png", "image/png", path=tmp_path / "a.png"),
                          FilePart("image[]", 'we"ird.jpg', "image/jpeg", data=samples.jpeg())])
    first = b"".join([chunk async for chunk in body])
    again = b"".join([chunk async for chunk in body])  # a retry sends the same bytes
    assert first == again and len(first) == body.content_length == int(body.headers["Content-Length"])
    assert body.headers["Content-Type"] == f"multipart/form-data; boundary={body.boundary}"
    assert b'filename="we%22ird.jpg"' in first and samples.png(40, 40) in first and b'say "hi"\n' in first


async def test_the_tool_is_listed_with_flat_parameters_and_an_output_schema(connect, hub_env):
    async with connect(hub_env()) as client:
        tools = {t.name: t for t in (await client.list_tools()).tools}
    tool = tools["generate_image"]
    props = tool.input_schema["properties"]
    assert set(props) == {
        "prompt",
        "model",
        "size",
        "aspect_ratio",
        "n",
        "quality",
        "seed",
        "negative_prompt",
        "input_images",
        "output_format",
        "wait_seconds",
        "provider_options",
    }
    assert tool.input_schema["required"] == ["prompt"]
    assert not any("anyOf" in p for p in props.values())
    assert (props["n"]["minimum"], props["n"]["maximum"]) == (1, 10)
    assert {"images", "model", "provider", "revised_prompt"} <= set(tool.output_schema["properties"])
    assert tool.annotations.read_only_hint is False and tool.annotations.open_world_hint is True


@pytest.mark.parametrize("args, expected", [
    ({"n": 0}, "[invalid_argument] n must be between 1 and 10"),
    ({"n": 11}, "[invalid_argument] n must be between 1 and 10"),
    ({"seed": -5}, "[invalid_argument] seed must be"),
    ({"size": "1024x1024", "aspect_ratio": "1:1"}, "[invalid_argument] give size or aspect_ratio, not both"),
    ({"output_format": "tiff"}, "[invalid_argument] output_format 'tiff'"),
    ({"prompt": "   "}, "[invalid_argument] prompt is empty"),
    ({"size": "huge"}, "[invalid_argument] size 'huge' is not WIDTHxHEIGHT"),
    ({"input_images": ["missing.png"]}, "[invalid_argument] input_images[0] missing.png does not exist"),
    ({"model": "openai/gpt-4.1-mini"}, "[unsupported_capability] openai/gpt-4.1-mini does not do image"),
    ({"model": "imagen-9"}, "[unknown_model] unknown model 'imagen-9'"),
])
async def test_bad_arguments_are_refused_with_a_code_before_any_request(
    connect, hub_env, fakes, args, expected
):
    async with connect(hub_env("openai")) as client:
        result = await client.call_tool(
            "generate_image", {"prompt": "a cat", "model": "openai/gpt-image-2.6-sunburst", **args}
        )
    assert result.is_error and result.content[0].text.startswith(expected), result.content[0].text
    assert fakes["openai"].calls("/v1/images") == []


async def test_a_non_image_input_is_refused(connect, hub_env, workdir):
    (workdir / "notes.txt").write_text("hello")
    async with connect(hub_env("openai")) as client:
        result = await client.call_tool(
            "generate_image",
            {"prompt": "p", "model": "openai/gpt-image-2.6-sunburst", "input_images": ["notes.txt"]},
        )
    assert result.content[0].text.startswith(
        "[invalid_argument] input_images[0] is not an image (text/plain)"
    )
