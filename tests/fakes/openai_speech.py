"""Fake OpenAI `POST /v1/audio/speech`: the real request checks (required fields, formats, speed,
instructions only on gpt-4o-mini-tts, 4096 characters) and chunked binary audio whose length
follows the text. The bytes sent are kept in `fake.state["speech_audio"]`."""

from __future__ import annotations

import json

from starlette.requests import Request
from starlette.responses import Response, StreamingResponse
from starlette.routing import Route

from . import samples
from .base import FakeProvider, fake_of
from .openai import openai_error

VOICES = {
    "alloy",
    "ash",
    "ballad",
    "coral",
    "echo",
    "fable",
    "nova",
    "onyx",
    "sage",
    "shimmer",
    "verse",
    "marin",
    "cedar",
}
MODELS = {"tts-1", "tts-1-hd", "gpt-4o-mini-tts", "gpt-4o-mini-tts-2025-12-15"}
CONTENT_TYPES = {"mp3": "audio/mpeg", "opus": "audio/ogg", "aac": "audio/aac", "flac": "audio/flac",
                 "wav": "audio/wav", "pcm": "audio/pcm"}
SECONDS_PER_CHAR = 0.01


def mp3_frames(n: int) -> bytes:
    """An ID3 tag and `n` silent MPEG-1 Layer III frames (128 kbit/s, 44.1 kHz, 1152 samples each)."""
    whole = samples.mp3()
    return whole[:10] + whole[10:] * n


def audio_for(fmt: str, seconds: float) -> bytes:
    seconds = max(seconds, 0.05)
    if fmt == "mp3":
        return mp3_frames(max(1, round(seconds * 44100 / 1152)))
    if fmt == "wav":
        return samples.wav(seconds)
    if fmt == "pcm":
        return samples.pcm(seconds)
    filler = bytes((i * 13) % 251 for i in range(int(seconds * 4000)))
    return {"opus": b"OggS\x00\x02" + filler, "aac": b"\xff\xf1\x50\x80" + filler, "flac": b"fLaC" + filler}[
        fmt
    ]


async def speech(request: Request) -> Response:
    fake = fake_of(request)
    try:
        body = json.loads(await request.body())
    except ValueError:
        return openai_error(400, "We could not parse the JSON body of your request.", "invalid_request_error")
    for name in ("model", "input", "voice"):
        if name not in body:
            return openai_error(400, f"Missing required parameter: '{name}'.", "invalid_request_error",
                                "missing_required_parameter", name)
    if body["model"] not in MODELS:
        return openai_error(
            404,
            f"The model `{body['model']}` does not exist or you do not have access to it.",
            "invalid_request_error",
            "model_not_found",
        )
    voice = body["voice"]
    if (
        not (isinstance(voice, dict) and str(voice.get("id", "")).startswith("voice_"))
        and voice not in VOICES
    ):
        return openai_error(400, f"Invalid value: '{voice}'. Supported values are: {sorted(VOICES)}.",
                            "invalid_request_error", "invalid_value", "voice")
    fmt = body.get("response_format", "mp3")
    if fmt not in CONTENT_TYPES:
        return openai_error(400, f"Invalid value: '{fmt}'.", "invalid_request_error", "invalid_value",
                            "response_format")
    if not 0.25 <= float(body.get("speed", 1)) <= 4:
        return openai_error(400, "Invalid 'speed': must be between 0.25 and 4.", "invalid_request_error",
                            "invalid_value", "speed")
    if "instructions" in body and body["model"].startswith("tts-1"):
        return openai_error(400, "instructions are not supported for this model.", "invalid_request_error")
    if len(body["input"]) > 4096:
        return openai_error(
            400,
            "Invalid 'input': string too long.",
            "invalid_request_error",
            "string_above_max_length",
            "input",
        )
    data = audio_for(fmt, len(body["input"]) * SECONDS_PER_CHAR)
    fake.state["speech_audio"] = data

    async def chunks():
        for i in range(0, len(data), 4096):
            yield data[i:i + 4096]

    return StreamingResponse(chunks(), media_type=CONTENT_TYPES[fmt])


def routes(fake: FakeProvider) -> list[Route]:
    return [Route("/v1/audio/speech", speech, methods=["POST"])]
