"""transcribe_audio on OpenAI `audio/transcriptions`: the multipart request streamed from disk,
response formats chosen by what is asked (json, verbose_json, diarized_json), and size limits."""

from __future__ import annotations

import base64
import os

import pytest

from tests.fakes import samples

pytestmark = pytest.mark.anyio


async def transcribe(client, **args):
    return await client.call_tool("transcribe_audio", args)


async def test_default_model_gets_a_streamed_multipart_upload_and_plain_json(
    connect, hub_env, fakes, workdir
):
    fake = fakes["openai"]
    (workdir / "talk.wav").write_bytes(samples.wav(0.5, 16000))
    async with connect(hub_env("openai")) as client:
        result = await transcribe(client, audio="talk.wav", language="en", prompt="Names: Zoë, Anaïs",
                                  provider_options={"include": ["logprobs"]})
    assert not result.is_error, result.content[0].text
    [call] = fake.calls("/v1/audio/transcriptions", "POST")
    assert call.headers["authorization"] == f"Bearer {fake.key}"
    assert call.headers["content-length"] == str(len(call.body)) and "transfer-encoding" not in call.headers
    assert call.multipart() == {
        "model": "gpt-transcribe",
        "response_format": "json",
        "language": "en",
        "prompt": "Names: Zoë, Anaïs",
        "include[]": "logprobs",
        "file": ("talk.wav", "audio/wav", samples.wav(0.5, 16000)),
    }
    out = result.structured_content
    assert out == {"text": "Hello from the fake studio. And a second voice answers.", "language": "en",
                   "duration_seconds": 0.5,  # measured from the WAV header: the reply only counts tokens
                   "segments": [], "model": "openai/gpt-transcribe", "provider": "openai"}
    assert "Hello from the fake studio." in result.content[0].text


async def test_timestamps_from_the_default_use_whisper_verbose_json(connect, hub_env, fakes, workdir):
    (workdir / "talk.mp3").write_bytes(samples.mp3())
    async with connect(hub_env("openai")) as client:
        result = await transcribe(client, audio=str(workdir / "talk.mp3"), timestamps=True)
    assert not result.is_error, result.content[0].text
    fields = fakes["openai"].calls("/v1/audio/transcriptions")[0].multipart()
    assert (fields["model"], fields["response_format"], fields["timestamp_granularities[]"]) == (
        "whisper-1", "verbose_json", "segment")
    assert fields["file"] == ("talk.mp3", "audio/mpeg", samples.mp3())
    out = result.structured_content
    assert (out["model"], out["language"], out["duration_seconds"]) == ("openai/whisper-1", "en", 3.3)
    assert out["segments"] == [
        {"start": 0.0, "end": 1.52, "text": "Hello from the fake studio.", "speaker": None},
        {"start": 1.6, "end": 3.24, "text": "And a second voice answers.", "speaker": None}]
    assert "[00:00.0-00:01.5] Hello from the fake studio." in result.content[0].text


async def test_diarize_uses_the_diarizing_model_and_diarized_json(connect, hub_env, fakes, workdir):
    (workdir / "call.wav").write_bytes(samples.wav(0.2))
    async with connect(hub_env("openai")) as client:
        result = await transcribe(
            client, audio="call.wav", diarize=True, provider_options={"temperature": 0.1}
        )
    assert not result.is_error, result.content[0].text
    fields = fakes["openai"].calls("/v1/audio/transcriptions")[0].multipart()
    assert {k: v for k, v in fields.items() if k != "file"} == {
        "model": "gpt-4o-transcribe-diarize", "response_format": "diarized_json", "chunking_strategy": "auto",
        "temperature": "0.1"}
    out = result.structured_content
    assert out["model"] == "openai/gpt-4o-transcribe-diarize" and out["duration_seconds"] == 3.3
    assert [(s["speaker"], s["start"], s["end"]) for s in out["segments"]] == [
        ("A", 0.0, 1.52),
        ("B", 1.6, 3.24),
    ]
    assert "[00:01.6-00:03.2] B: And a second voice answers." in result.content[0].text


@pytest.mark.parametrize("args, words", [
    ({"model": "openai/gpt-4o-mini-transcribe", "timestamps": True}, "gives no timestamps"),
    ({"model": "openai/whisper-1", "diarize": True}, "does not label speakers"),
    ({"model": "openai/gpt-4o-transcribe-diarize", "diarize": True, "prompt": "x"}, "takes no prompt"),
    ({"provider_options": {"model": "whisper-1"}}, "provider_options.model"),
])
async def test_an_explicit_model_lacking_what_is_asked_is_refused(
    connect, hub_env, fakes, workdir, args, words
):
    (workdir / "a.wav").write_bytes(samples.wav(0.1))
    async with connect(hub_env("openai")) as client:
        result = await transcribe(client, audio="a.wav", **args)
    assert result.is_error and result.content[0].text.startswith("[invalid_argument]")
    assert words in result.content[0].text
    assert fakes["openai"].calls("/v1/audio/transcriptions") == []


async def test_a_file_over_the_limit_is_refused_up_front_naming_the_limit(connect, hub_env, fakes, workdir):
    big = workdir / "long.wav"
    big.write_bytes(samples.wav(0.1)[:44])
    os.truncate(big, 26 * 1024 * 1024)  # sparse: 26 MB on paper
    async with connect(hub_env("openai")) as client:
        result = await transcribe(client, audio="long.wav")
    assert result.is_error
    text = result.content[0].text
    assert (
        text.startswith("[invalid_argument]")
        and "26 MB" in text
        and "25 MB limit of openai/gpt-transcribe" in text
    )
    assert fakes["openai"].calls("/v1/audio/transcriptions") == []


async def test_a_url_is_fetched_and_uploaded_and_a_data_uri_gets_a_named_file(connect, hub_env, fakes):
    fake = fakes["openai"]
    url = fake.publish("remote-clip.mp3", samples.mp3(), "audio/mpeg")
    uri = "data:audio/wav;base64," + base64.b64encode(samples.wav(0.1)).decode()
    async with connect(hub_env("openai")) as client:
        from_url = await transcribe(client, audio=url)
        from_data = await transcribe(client, audio=uri)
    assert not from_url.is_error and not from_data.is_error, from_url.content[0].text
    uploads = [c.multipart()["file"] for c in fake.calls("/v1/audio/transcriptions")]
    assert uploads == [
        ("remote-clip.mp3", "audio/mpeg", samples.mp3()),
        ("input.wav", "audio/wav", samples.wav(0.1)),
    ]
    assert (
        from_data.structured_content["duration_seconds"] is None
    )  # no local file to measure, no provider figure


async def test_a_url_over_the_limit_is_refused_while_downloading(connect, hub_env, fakes):
    url = fakes["openai"].publish("huge.wav", b"RIFF" + os.urandom(64) + bytes(26 * 1024 * 1024), "audio/wav")
    async with connect(hub_env("openai")) as client:
        result = await transcribe(client, audio=url)
    assert result.is_error and result.content[0].text.startswith("[invalid_argument]")
    assert "25 MB limit" in result.content[0].text
    assert fakes["openai"].calls("/v1/audio/transcriptions") == []


async def test_a_rate_limited_upload_is_sent_again_in_full(connect, hub_env, fakes, workdir):
    fake = fakes["openai"]
    (workdir / "retry.wav").write_bytes(samples.wav(0.3))
    fake.inject("/v1/audio/transcriptions", status=429, headers={"retry-after": "0"},
                body={"error": {"message": "Rate limit reached", "type": "requests", "param": None,
                                "code": "rate_limit_exceeded"}})
    async with connect(hub_env("openai")) as client:
        result = await transcribe(client, audio="retry.wav")
    assert not result.is_error, result.content[0].text
    first, second = fake.calls("/v1/audio/transcriptions")
    assert (
        first.multipart()["file"]
        == second.multipart()["file"]
        == ("retry.wav", "audio/wav", samples.wav(0.3))
    )
