"""Outputs on disk and input files: naming, sniffing, sizes, caps, allowed directories, media://."""

from __future__ import annotations

import base64
import os

import pytest
from mcp.shared.exceptions import MCPError

from mcp_ai_hub.config import Settings
from mcp_ai_hub.errors import FileNotAllowed, InvalidArgument, OutputTooLarge
from mcp_ai_hub.http import Http
from mcp_ai_hub.inputs import resolve_input
from mcp_ai_hub.media import MediaStore, image_size, sniff_mime, wav_duration
from tests.fakes import samples

pytestmark = pytest.mark.anyio


def settings_for(workdir, **env) -> Settings:
    return Settings.load(environ={"HOME": str(workdir), **env}, cwd=workdir)


def test_sniffing_and_header_sizes():
    assert sniff_mime(samples.png()) == "image/png" and image_size(samples.png(7, 9)) == (7, 9)
    assert sniff_mime(samples.jpeg()) == "image/jpeg" and image_size(samples.jpeg(640, 480)) == (640, 480)
    assert sniff_mime(samples.wav()) == "audio/wav"
    assert wav_duration(samples.wav(0.5, 16000), len(samples.wav(0.5, 16000))) == 0.5
    assert sniff_mime(samples.mp4()) == "video/mp4"
    assert sniff_mime(samples.mp3()) == "audio/mpeg"
    assert sniff_mime(b"plain words", "text/plain") == "text/plain"


async def test_saved_files_get_unique_readable_names_and_never_overwrite(workdir):
    store = MediaStore(settings_for(workdir))
    first = await store.save_bytes(samples.png(3, 4), "openai")
    second = await store.save_bytes(samples.png(3, 4), "openai")
    assert first.path != second.path and first.path.parent == workdir / "ai-hub-output"
    assert first.name.endswith(".png") and "-openai-" in first.name
    assert (first.mime_type, first.width, first.height, first.bytes) == (
        "image/png",
        3,
        4,
        len(samples.png(3, 4)),
    )
    d = first.to_dict()
    assert d["uri"].startswith("file://") and d["resource_uri"] == f"media://{first.name}"
    assert first.path.read_bytes() == samples.png(3, 4)


async def test_output_over_the_cap_is_refused_and_leaves_no_file(workdir):
    store = MediaStore(settings_for(workdir, AI_HUB_MAX_OUTPUT_BYTES="1000"))
    with pytest.raises(OutputTooLarge):
        await store.save_bytes(samples.mp4(5000), "fal")
    assert list((workdir / "ai-hub-output").iterdir()) == []


async def test_download_streams_a_provider_url_to_disk(workdir, fakes):
    store = MediaStore(settings_for(workdir))
    url = fakes["fal"].publish("clip.mp4", samples.mp4(20000), "video/mp4")
    http = Http()
    try:
        media = await store.download(http, url, "fal")
    finally:
        await http.aclose()
    assert media.path.read_bytes() == samples.mp4(20000)
    assert media.mime_type == "video/mp4" and media.source_url == url and media.path.suffix == ".mp4"


def test_inputs_inside_the_allowed_dirs_resolve(workdir):
    (workdir / "pic.png").write_bytes(samples.png())
    item = resolve_input("pic.png", settings_for(workdir))
    assert item.path == (workdir / "pic.png").resolve() and item.mime_type == "image/png"


def test_inputs_outside_the_allowed_dirs_and_symlinks_out_are_refused(workdir, tmp_path):
    outside = tmp_path / "secret.png"
    outside.write_bytes(samples.png())
    (workdir / "link.png").symlink_to(outside)
    s = settings_for(workdir)
    for value in (str(outside), "link.png", "../secret.png"):
        with pytest.raises(FileNotAllowed) as info:
            resolve_input(value, s)
        assert info.value.render().startswith("[file_not_allowed]")
    allowed = settings_for(workdir, AI_HUB_INPUT_DIRS=str(tmp_path))
    assert resolve_input(str(outside), allowed).path == outside.resolve()


def test_data_uris_and_urls(workdir):
    s = settings_for(workdir)
    uri = "data:image/png;base64," + base64.b64encode(samples.png()).decode()
    item = resolve_input(uri, s)
    assert item.data == samples.png() and item.mime_type == "image/png"
    assert resolve_input("https://example.com/a.jpg", s).url == "https://example.com/a.jpg"
    with pytest.raises(InvalidArgument):
        resolve_input("data:image/png;base64,@@@", s)
    with pytest.raises(InvalidArgument):
        resolve_input("missing.png", s)


async def test_media_resource_serves_the_file_with_its_mime_type(connect, hub_env, workdir):
    env = hub_env()
    out = workdir / "ai-hub-output"
    out.mkdir()
    (out / "20260101-000000-fal-abcd1234.png").write_bytes(samples.png(5, 6))
    async with connect(env) as client:
        read = await client.read_resource("media://20260101-000000-fal-abcd1234.png")
        templates = await client.list_resource_templates()
        with pytest.raises(MCPError):
            await client.read_resource("media://..%2Fsecret")
    content = read.contents[0]
    assert content.mime_type == "image/png"
    assert base64.b64decode(content.blob) == samples.png(5, 6)
    assert "media://{name}" in [t.uri_template for t in templates.resource_templates]
    assert os.path.exists(out / "20260101-000000-fal-abcd1234.png")


async def test_a_stream_of_small_chunks_is_saved_whole_in_order_and_still_capped(workdir):
    """Network reads are gathered into larger writes: the file holds every byte in order (a chunk
    straddling each write boundary included), and the size cap still stops the stream."""
    pieces = [bytes([i % 251]) * (1000 + i % 7) for i in range(3000)]  # ~3 MB in uneven chunks

    async def chunks():
        for piece in pieces:
            yield piece

    media = await MediaStore(settings_for(workdir)).save_stream(chunks(), "fal", mime_hint="video/mp4")
    data = b"".join(pieces)
    assert media.bytes == len(data) and media.path.read_bytes() == data

    capped = MediaStore(settings_for(workdir, AI_HUB_MAX_OUTPUT_BYTES=str(len(data) - 1)))
    with pytest.raises(OutputTooLarge):
        await capped.save_stream(chunks(), "fal", mime_hint="video/mp4")
    assert not [p for p in capped.dir.iterdir() if p.suffix == ".part"]
