"""Fake xAI text-to-speech `POST /v1/tts`, built from xAI's REST reference: JSON `{text, voice_id,
language, output_format: {codec, sample_rate, bit_rate}, speed, optimize_streaming_latency,
text_normalization}` checked as the API documents it (text and language required, 15,000
characters, the five built-in voices or a custom voice id, codecs, sample and bit rates, speed),
answered with the raw audio bytes of that codec. The bytes sent are kept in
`fake.state["speech_audio"]`."""

from __future__ import annotations

import json

from starlette.requests import Request
from starlette.responses import Response, StreamingResponse
from starlette.routing import Route

from . import samples
from .base import FakeProvider, fake_of
from .openai_speech import mp3_frames
from .xai_image import xai_error

FIELDS = {"text", "voice_id", "language", "output_format", "speed", "optimize_streaming_latency",
          "text_normalization"}
VOICES = {"eve", "ara", "rex", "sal", "leo"}
CUSTOM_VOICE_PREFIX = "voice_"
CODECS = {"mp3": "audio/mpeg", "wav": "audio/wav", "pcm": "audio/pcm", "mulaw": "audio/basic",
          "ulaw": "audio/basic", "alaw": "audio/alaw"}
SAMPLE_RATES = {8000, 16000, 22050, 24000, 44100, 48000}
BIT_RATES = {32000, 64000, 96000, 128000, 192000}
SECONDS_PER_CHAR = 0.01


def audio(codec: str, seconds: float, rate: int) -> bytes:
    seconds = max(seconds, 0.05)
    if codec == "mp3":
        return mp3_frames(max(1, round(seconds * 44100 / 1152)))
    if codec == "wav":
        return samples.wav(seconds, rate)
    if codec == "pcm":
        return samples.pcm(seconds, rate)
    return bytes((i * 11) % 256 for i in range(int(seconds * rate)))  # 8-bit G.711 samples


def problem(body: object) -> str:
    if not isinstance(body, dict):
        return "Failed to deserialize the JSON body into the target type"
    unknown = sorted(set(body) - FIELDS)
    if unknown:
        return f"Failed to deserialize the JSON body: unknown field `{unknown[0]}`"
    if not isinstance(body.get("text"), str) or not body["text"]:
        return "text: field is required"
    if len(body["text"]) > 15000:
        return "text: must be at most 15000 characters"
    if not body.get("language"):
        return "language: field is required (a BCP-47 code or auto)"
    voice = str(body.get("voice_id") or "eve")
    if voice.lower() not in VOICES and not voice.startswith(CUSTOM_VOICE_PREFIX):
        return f"voice_id: unknown voice '{voice}'"
    fmt = body.get("output_format") or {}
    if not isinstance(fmt, dict):
        return "output_format: expected an object"
    if fmt.get("codec", "mp3") not in CODECS:
        return f"output_format.codec: unknown variant `{fmt.get('codec')}`"
    if fmt.get("sample_rate", 24000) not in SAMPLE_RATES:
        return f"output_format.sample_rate: unsupported value {fmt.get('sample_rate')}"
    if "bit_rate" in fmt and (fmt.get("codec", "mp3") != "mp3" or fmt["bit_rate"] not in BIT_RATES):
        return "output_format.bit_rate: only for mp3, one of 32000, 64000, 96000, 128000, 192000"
    speed = body.get("speed", 1.0)
    if not isinstance(speed, (int, float)) or not 0.7 <= speed <= 1.5:
        return "speed: must be between 0.7 and 1.5"
    return ""


async def tts(request: Request) -> Response:
    fake = fake_of(request)
    try:
        body = json.loads(await request.body())
    except ValueError:
        return xai_error(400, "Failed to parse the request body as JSON")
    if bad := problem(body):
        return xai_error(400, bad)
    fmt = body.get("output_format") or {}
    codec, rate = fmt.get("codec", "mp3"), fmt.get("sample_rate", 24000)
    data = audio(codec, len(body["text"]) * SECONDS_PER_CHAR, rate)
    fake.state["speech_audio"] = data

    async def chunks():
        for i in range(0, len(data), 4096):
            yield data[i:i + 4096]

    return StreamingResponse(chunks(), media_type=CODECS[codec])


def routes(fake: FakeProvider) -> list[Route]:
    return [Route("/v1/tts", tts, methods=["POST"])]
