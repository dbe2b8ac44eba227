"""OpenAI text-to-speech: `POST /audio/speech` (gpt-4o-mini-tts takes delivery `instructions`),
the audio streamed straight to disk in the requested format (mp3, opus, aac, flac, wav, pcm)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import httpx2

from ...audio import checked_audio, fill_duration
from ...capabilities.speech import SpeechRequest, SpeechResult
from ...errors import InvalidArgument

if TYPE_CHECKING:
    from ...context import ProviderContext

FORMAT_MIME = {"mp3": "audio/mpeg", "opus": "audio/ogg", "aac": "audio/aac", "flac": "audio/flac",
               "wav": "audio/wav", "pcm": "audio/pcm"}
PCM_RATE = 24000  # `pcm` is raw 24 kHz 16-bit little-endian mono
MAX_CHARACTERS = 4096
SPEED_RANGE = (0.25, 4.0)
RESERVED = {"model", "input", "response_format", "stream_format"}
SPEECH_TIMEOUT = httpx2.Timeout(connect=10.0, read=180.0, write=60.0, pool=10.0)


def _voice(request: SpeechRequest) -> Any:
    entry = request.model.entry
    voice = request.voice.strip() or (entry.default_voice if entry and entry.default_voice else "alloy")
    if voice.startswith("voice_"):  # a custom voice id
        return {"id": voice}
    known = entry.voices if entry else []
    return next((v for v in known if v.lower() == voice.lower()), voice)


async def synthesize(hub: ProviderContext, request: SpeechRequest) -> SpeechResult:
    model = request.model.full_id
    if len(request.text) > MAX_CHARACTERS:
        raise InvalidArgument(
            f"{model} speaks at most {MAX_CHARACTERS} characters per call; the text has {len(request.text)}",
            hint="Split the text into parts, or use an ElevenLabs model",
        )
    if request.language:
        raise InvalidArgument(f"{model} has no language setting; it speaks the language of the text",
                              hint="Leave language empty")
    if request.speed and not SPEED_RANGE[0] <= request.speed <= SPEED_RANGE[1]:
        raise InvalidArgument(
            f"{model} takes speed from {SPEED_RANGE[0]} to {SPEED_RANGE[1]}, not {request.speed}"
        )
    clash = RESERVED & set(request.provider_options)
    if clash:
        raise InvalidArgument(f"provider_options.{min(clash)} is set by the hub",
                              hint="Use the tool's model, text and format parameters")
    fmt = request.format or "mp3"
    if fmt not in FORMAT_MIME:
        raise InvalidArgument(
            f"{model} cannot produce {fmt!r} audio", hint=f"Use one of: {', '.join(FORMAT_MIME)}"
        )
    voice = _voice(request)
    body: dict[str, Any] = {"model": request.model.wire_id, "input": request.text, "voice": voice,
                            "response_format": fmt}
    if request.instructions.strip():
        body["instructions"] = request.instructions.strip()
    if request.speed:
        body["speed"] = request.speed
    body.update(request.provider_options)
    async with hub.client("openai").stream("POST", "/audio/speech", retry="generate", json=body,
                                           headers={"accept": "application/octet-stream"},
                                           timeout=SPEECH_TIMEOUT) as response:
        body_chunks = checked_audio(
            response.aiter_bytes(), response.headers.get("content-type", ""), fmt, "openai"
        )
        media = await hub.media.save_stream(body_chunks, "openai", mime_hint=FORMAT_MIME[fmt])
    await fill_duration(media, pcm_rate=PCM_RATE)
    label = voice["id"] if isinstance(voice, dict) else voice
    return SpeechResult(media, model, "openai", request.characters, label, fmt)
