"""transcribe_audio across providers: one result shape, allowed input directories, early refusals,
the tool's schema."""

from __future__ import annotations

import pytest

from tests.fakes import samples

pytestmark = [pytest.mark.anyio, pytest.mark.both_generations]

MODELS = [
    "openai/gpt-4o-transcribe-diarize",
    "elevenlabs/scribe_v2",
    "gemini/gemini-3.5-flash-lite",
    "fal/fal-ai/whisper",
]


async def transcribe(client, **args):
    return await client.call_tool("transcribe_audio", args)


async def test_segments_have_one_shape_whichever_provider_transcribes(connect, hub_env, workdir):
    (workdir / "meeting.wav").write_bytes(samples.wav(0.4))
    results = {}
    async with connect(
        hub_env("openai", "elevenlabs", "gemini", "fal", AI_HUB_POLL_INTERVAL="0.03")
    ) as client:
        for model in MODELS:
            result = await transcribe(
                client, audio="meeting.wav", model=model, language="en", timestamps=True, diarize=True
            )
            assert not result.is_error, result.content[0].text
            results[model] = result.structured_content
    assert {model.split("/")[0] for model in results} == {"openai", "elevenlabs", "gemini", "fal"}
    for model, out in results.items():
        assert set(out) == {"text", "language", "duration_seconds", "segments", "model", "provider"}
        assert out["model"] == model and out["provider"] == model.split("/")[0]
        assert out["text"] and out["language"] == "en" and isinstance(out["duration_seconds"], float)
        assert len(out["segments"]) == 2
        for segment in out["segments"]:
            assert set(segment) == {"start", "end", "text", "speaker"}
            assert isinstance(segment["start"], float) and isinstance(segment["end"], float)
            assert segment["end"] > segment["start"] and segment["text"].strip() == segment["text"] != ""
            assert isinstance(segment["speaker"], str) and segment["speaker"]
        assert len({s["speaker"] for s in out["segments"]}) == 2


async def test_paths_outside_the_allowed_dirs_and_symlinks_out_are_refused(
    connect, hub_env, fakes, workdir, tmp_path
):
    outside = tmp_path / "private.wav"
    outside.write_bytes(samples.wav(0.1))
    (workdir / "innocent.wav").symlink_to(outside)
    async with connect(hub_env("openai")) as client:
        for audio in (str(outside), "innocent.wav", "../private.wav", f"file://{outside}"):
            result = await transcribe(client, audio=audio)
            assert result.is_error and result.content[0].text.startswith("[file_not_allowed]"), audio
            assert "AI_HUB_INPUT_DIRS" in result.content[0].text
    assert fakes["openai"].calls("/v1/audio/transcriptions") == []


async def test_an_extra_input_dir_makes_the_same_file_allowed(connect, hub_env, fakes, workdir, tmp_path):
    outside = tmp_path / "shared" / "private.wav"
    outside.parent.mkdir()
    outside.write_bytes(samples.wav(0.1))
    async with connect(hub_env("openai", AI_HUB_INPUT_DIRS=str(outside.parent))) as client:
        result = await transcribe(client, audio=str(outside))
    assert not result.is_error, result.content[0].text
    assert fakes["openai"].calls("/v1/audio/transcriptions")[0].multipart()["file"][2] == samples.wav(0.1)


@pytest.mark.parametrize(
    "setup, args, code, words",
    [
        (
            lambda d: (d / "pic.png").write_bytes(samples.png()),
            {"audio": "pic.png"},
            "invalid_argument",
            "not audio",
        ),
        (lambda d: None, {"audio": "missing.wav"}, "invalid_argument", "does not exist"),
        (
            lambda d: (d / "a.wav").write_bytes(samples.wav(0.1)),
            {"audio": "a.wav", "model": "openai/gpt-4o-mini-tts"},
            "unsupported_capability",
            "does not do transcription",
        ),
        (
            lambda d: (d / "a.wav").write_bytes(samples.wav(0.1)),
            {"audio": "a.wav", "model": "openai/whisper-9"},
            "unknown_model",
            "unknown model",
        ),
        (
            lambda d: (d / "a.wav").write_bytes(samples.wav(0.1)),
            {"audio": "a.wav", "model": "elevenlabs/scribe_v2"},
            "missing_api_key",
            "ELEVENLABS_API_KEY",
        ),
    ],
)
async def test_bad_inputs_are_refused_with_their_codes(
    connect, hub_env, fakes, workdir, setup, args, code, words
):
    setup(workdir)
    async with connect(hub_env("openai")) as client:
        result = await transcribe(client, **args)
    assert result.is_error and result.content[0].text.startswith(f"[{code}]"), result.content[0].text
    assert words in result.content[0].text
    assert fakes["openai"].calls("/v1/audio/transcriptions") == []


async def test_tool_schemas_are_flat_and_marked_as_open_world(connect, hub_env):
    async with connect(hub_env()) as client:
        tools = {t.name: t for t in (await client.list_tools()).tools}
    for name in ("synthesize_speech", "transcribe_audio"):
        tool = tools[name]
        assert not any("anyOf" in p for p in tool.input_schema["properties"].values())
        assert tool.annotations.open_world_hint is True and tool.annotations.read_only_hint is False
    assert set(tools["transcribe_audio"].input_schema["properties"]) == {
        "audio", "model", "language", "prompt", "timestamps", "diarize", "provider_options", "wait_seconds"}
    assert tools["transcribe_audio"].input_schema["required"] == ["audio"]
    assert set(tools["synthesize_speech"].input_schema["properties"]) == {
        "text",
        "model",
        "voice",
        "format",
        "speed",
        "instructions",
        "speakers",
        "language",
        "provider_options",
        "wait_seconds",
    }
    for name in ("synthesize_speech", "transcribe_audio"):
        wait = tools[name].input_schema["properties"]["wait_seconds"]
        assert (wait["type"], wait["default"], wait["minimum"], wait["maximum"]) == ("integer", 120, 0, 3600)
        assert "job" in tools[name].output_schema["properties"]
    out = tools["transcribe_audio"].output_schema
    assert "$defs" not in out and out["properties"]["segments"] == {
        "items": {"type": "object"},
        "type": "array",
    }
    assert set(tools["synthesize_speech"].output_schema["properties"]) >= {
        "audio",
        "model",
        "provider",
        "characters",
    }
