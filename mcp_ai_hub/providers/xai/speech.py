"""xAI text-to-speech (Grok TTS): `POST /tts` with JSON
`{text, voice_id, language, output_format: {codec, sample_rate, bit_rate}, speed}`, the audio bytes
streamed straight to disk.

- One endpoint serves the one TTS model, so the body names no model (the catalog's `grok-tts`).
- `language` is required by the API: the request's BCP-47 code, else "auto" (detection).
- Voices: eve (default), ara, rex, sal, leo, matched case-insensitively; any other value is passed
  as a custom voice id.
- Formats: mp3 (24 kHz, 128 kbit/s), wav, raw pcm (24 kHz s16le) and ulaw (G.711 mu-law 8 kHz,
  `codec: "mulaw"`); A-law through provider_options `{"output_format": {"codec": "alaw", ...}}`.
- Text goes through untouched, so speech tags such as `[laugh]`, `[pause]` or `<whisper>...</whisper>`
  work; there are no delivery instructions and no multi-speaker dialogue.
- provider_options join the body (`optimize_streaming_latency`, `text_normalization`, `output_format`).

Sources: the xai-sdk (1.21.0) is gRPC-only and has no speech client, so the shape comes from xAI's
REST reference (docs.x.ai, "Voice: Text to speech /v1/tts") and public clients of it. Not
confirmed there: the speed range (0.7-1.5 is what clients document) and whether the body may name
a model; some gateway pages say the REST answer is base64 JSON, which the reference does not show
(a JSON answer is refused as unexpected rather than saved as audio).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import httpx2

from ...audio import checked_audio, fill_duration
from ...capabilities.speech import SpeechRequest, SpeechResult
from ...errors import InvalidArgument

if TYPE_CHECKING:
    from ...context import ProviderContext

# hub format -> (output_format, saved MIME type)
FORMATS: dict[str, tuple[dict[str, Any], str]] = {
    "mp3": ({"codec": "mp3", "sample_rate": 24000, "bit_rate": 128000}, "audio/mpeg"),
    "wav": ({"codec": "wav", "sample_rate": 24000}, "audio/wav"),
    "pcm": ({"codec": "pcm", "sample_rate": 24000}, "audio/pcm"),
    "ulaw": ({"codec": "mulaw", "sample_rate": 8000}, "audio/basic"),
}
CODEC_MIME = {"mp3": "audio/mpeg", "wav": "audio/wav", "pcm": "audio/pcm", "mulaw": "audio/basic",
              "ulaw": "audio/basic", "alaw": "application/octet-stream"}
VOICES = ("eve", "ara", "rex", "sal", "leo")
MAX_CHARACTERS = 15000
SPEED_RANGE = (0.7, 1.5)
RESERVED = {"text", "voice_id"}
SPEECH_TIMEOUT = httpx2.Timeout(connect=10.0, read=180.0, write=60.0, pool=10.0)


def _voice(request: SpeechRequest) -> str:
    entry = request.model.entry
    voice = request.voice.strip() or (entry.default_voice if entry and entry.default_voice else VOICES[0])
    return voice.lower() if voice.lower() in VOICES else voice


def request_body(request: SpeechRequest) -> tuple[dict[str, Any], str]:
    """The JSON body and the hub format it asks for."""
    model = request.model.full_id
    if request.turns:
        raise InvalidArgument(
            f"{model} voices one speaker per call",
            hint="Use an ElevenLabs or Gemini model for dialogue, or one call per speaker",
        )
    if len(request.text) > MAX_CHARACTERS:
        raise InvalidArgument(f"{model} speaks at most {MAX_CHARACTERS} characters per call; the text has "
                              f"{len(request.text)}", hint="Split the text into parts")
    if request.speed and not SPEED_RANGE[0] <= request.speed <= SPEED_RANGE[1]:
        raise InvalidArgument(
            f"{model} takes speed from {SPEED_RANGE[0]} to {SPEED_RANGE[1]}, not {request.speed}"
        )
    clash = RESERVED & set(request.provider_options)
    if clash:
        raise InvalidArgument(f"provider_options.{min(clash)} is set by the hub",
                              hint="Use the tool's text and voice parameters")
    fmt = request.format or "mp3"
    if fmt not in FORMATS:
        raise InvalidArgument(
            f"{model} cannot produce {fmt!r} audio", hint=f"Use one of: {', '.join(FORMATS)}"
        )
    body: dict[str, Any] = {"text": request.text, "voice_id": _voice(request),
                            "language": request.language.strip() or "auto",
                            "output_format": dict(FORMATS[fmt][0])}
    if request.speed:
        body["speed"] = request.speed
    body.update(request.provider_options)
    return body, fmt


async def synthesize(hub: ProviderContext, request: SpeechRequest) -> SpeechResult:
    body, fmt = request_body(request)
    given = body.get("output_format")
    output: dict[str, Any] = given if isinstance(given, dict) else {}
    codec = str(output.get("codec") or "mp3")
    rate = int(output.get("sample_rate") or 24000)
    if "output_format" in request.provider_options and not request.format:
        fmt = {"mulaw": "ulaw"}.get(codec, codec)
    async with hub.client("xai").stream("POST", "/tts", retry="generate", json=body,
                                        timeout=SPEECH_TIMEOUT) as response:
        ctype = response.headers.get("content-type", "").split(";")[0].strip()
        mime = CODEC_MIME.get(codec) or ctype or FORMATS[fmt][1]
        chunks = checked_audio(response.aiter_bytes(), ctype, fmt, "xai")
        media = await hub.media.save_stream(chunks, "xai", mime_hint=mime)
    if codec in ("mulaw", "ulaw", "alaw"):  # one byte per sample
        media.duration_seconds = round(media.bytes / rate, 3)
    await fill_duration(media, pcm_rate=rate if codec == "pcm" else None)
    return SpeechResult(media, request.model.full_id, "xai", request.characters, body["voice_id"], fmt)
