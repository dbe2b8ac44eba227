"""Fake ElevenLabs speech: `POST /v1/text-to-speech/{voice_id}` and `POST /v1/text-to-dialogue`
(binary audio in the `output_format` asked, `x-character-count`), and `GET /v2/voices` (search,
pages). Voices are the premade ones plus `fake.state["extra_voices"]`; the bytes sent are kept in
`fake.state["speech_audio"]`."""

from __future__ import annotations

import json
import re

from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route

from . import samples
from .base import FakeProvider, fake_of
from .elevenlabs import elevenlabs_error
from .openai_speech import mp3_frames

PREMADE = {
    "21m00Tcm4TlvDq8ikWAM": "Rachel",
    "JBFqnCBsd6RMkjVDRZzb": "George",
    "EXAVITQu4vr4xnJjxmVL": "Sarah",
    "pNInz6obpgDQGcFmaJgB": "Adam",
}
CUSTOM = {
    "nInA0000000000000001": "Narrator Nina - warm storyteller",
    "bOb00000000000000002": "Bob the Builder",
}
TTS_MODELS = {"eleven_v3", "eleven_turbo_v2_5", "eleven_flash_v2_5", "eleven_multilingual_v2", "eleven_v4",
              "eleven_v4_turbo"}
OUTPUT_FORMAT = re.compile(
    r"^(mp3_(22050_32|44100_(32|64|96|128|192))|pcm_(8000|16000|22050|24000|44100|48000)"
    r"|ulaw_8000|alaw_8000|opus_48000_(32|64|96|128|192))$"
)
SECONDS_PER_CHAR = 0.01


def voices(fake: FakeProvider) -> dict[str, str]:
    return {**PREMADE, **CUSTOM, **fake.state.get("extra_voices", {})}


def unprocessable(loc: list[str], msg: str) -> JSONResponse:
    return JSONResponse({"detail": [{"loc": loc, "msg": msg, "type": "value_error"}]}, 422)


def audio_for(output_format: str, seconds: float) -> tuple[bytes, str]:
    codec, _, rest = output_format.partition("_")
    rate = int(rest.split("_")[0])
    if codec == "mp3":
        return mp3_frames(max(1, round(seconds * 44100 / 1152))), "audio/mpeg"
    if codec == "pcm":
        return samples.pcm(seconds, rate), "audio/pcm"
    if codec in ("ulaw", "alaw"):
        return bytes([0xFF, 0x7F]) * int(seconds * rate / 2), "audio/basic"
    return b"OggS\x00\x02" + bytes(int(seconds * 2000)), "audio/ogg"


def _audio_response(fake: FakeProvider, request: Request, characters: int, seconds: float) -> Response:
    output_format = request.query_params.get("output_format", "mp3_44100_128")
    if not OUTPUT_FORMAT.match(output_format):
        return unprocessable(
            ["query", "output_format"], f"Input should be a valid output format, not {output_format}"
        )
    data, ctype = audio_for(output_format, max(seconds, 0.05))
    fake.state["speech_audio"] = data

    async def chunks():
        for i in range(0, len(data), 1024):
            yield data[i:i + 1024]

    return StreamingResponse(chunks(), media_type=ctype,
                             headers={"x-character-count": str(characters), "request-id": "req_fake_tts"})


async def text_to_speech(request: Request) -> Response:
    fake = fake_of(request)
    voice_id = request.path_params["voice_id"]
    if voice_id not in voices(fake):
        return elevenlabs_error(
            404, "voice_not_found", f"A voice with the voice_id {voice_id} was not found."
        )
    body = json.loads(await request.body() or b"{}")
    if not body.get("text"):
        return unprocessable(["body", "text"], "Field required")
    if body.get("model_id", "eleven_multilingual_v2") not in TTS_MODELS:
        return elevenlabs_error(400, "model_not_found", f"Model {body.get('model_id')} was not found.")
    settings = body.get("voice_settings") or {}
    speed = settings.get("speed")
    if speed is not None and not 0.7 <= speed <= 1.2:
        return elevenlabs_error(400, "invalid_voice_settings", "speed must be between 0.7 and 1.2")
    strength = settings.get("clone_strength")
    if strength is not None and not 0 <= strength <= 1:
        return elevenlabs_error(400, "invalid_voice_settings", "clone_strength must be between 0 and 1")
    return _audio_response(fake, request, len(body["text"]), len(body["text"]) * SECONDS_PER_CHAR)


async def text_to_dialogue(request: Request) -> Response:
    fake = fake_of(request)
    body = json.loads(await request.body() or b"{}")
    inputs = body.get("inputs")
    if not isinstance(inputs, list) or not inputs:
        return unprocessable(["body", "inputs"], "Field required")
    if body.get("model_id", "eleven_v3") != "eleven_v3":
        return elevenlabs_error(400, "unsupported_model", "Text to dialogue is only available for eleven_v3.")
    known = voices(fake)
    for i, item in enumerate(inputs):
        if not item.get("text") or not item.get("voice_id"):
            return unprocessable(["body", "inputs", str(i)], "text and voice_id are required")
        if item["voice_id"] not in known:
            return elevenlabs_error(
                404, "voice_not_found", f"A voice with the voice_id {item['voice_id']} was not found."
            )
    characters = sum(len(item["text"]) for item in inputs)
    return _audio_response(fake, request, characters, characters * SECONDS_PER_CHAR)


async def list_voices(request: Request) -> Response:
    fake = fake_of(request)
    search = (request.query_params.get("search") or "").lower()
    size = min(int(request.query_params.get("page_size", "10")), 100)
    start = int(request.query_params.get("next_page_token") or 0)
    found = [{"voice_id": vid, "name": name, "category": "premade" if vid in PREMADE else "cloned",
              "labels": {}, "available_for_tiers": [], "high_quality_base_model_ids": []}
             for vid, name in voices(fake).items() if search in name.lower()]
    page = found[start:start + size]
    more = start + size < len(found)
    return JSONResponse({"voices": page, "has_more": more, "total_count": len(found),
                         "next_page_token": str(start + size) if more else None})


def routes(fake: FakeProvider) -> list[Route]:
    return [
        Route("/v1/text-to-speech/{voice_id}", text_to_speech, methods=["POST"]),
        Route("/v1/text-to-dialogue", text_to_dialogue, methods=["POST"]),
        Route("/v2/voices", list_voices, methods=["GET"]),
    ]
