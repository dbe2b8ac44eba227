"""ElevenLabs text-to-speech (`POST /v1/text-to-speech/{voice_id}`) and multi-speaker dialogue in
one request (`POST /v1/text-to-dialogue`, eleven_v3), the audio streamed to disk.

Text goes through untouched, so eleven_v3 audio tags such as `[whispers]` work. Formats map to
`output_format` (mp3 44.1 kHz 128 kbit/s, opus 48 kHz 128 kbit/s, raw PCM 24 kHz, mu-law 8 kHz);
`wav` is the 24 kHz PCM saved behind a WAV header. provider_options join the JSON body
(`voice_settings`, `seed`, `previous_text`, ...), except `output_format`, `enable_logging` and
`optimize_streaming_latency`, which are query parameters.

eleven_v4 and eleven_v4_turbo (ids from the elevenlabs SDK 2.78 model literals) use the same
endpoint and body; their one documented addition is `voice_settings.clone_strength` (0-1, for
professional voice clones fine-tuned on a v4 model), checked here. The SDK does not say whether v4
takes eleven_v3's audio tags or text-to-dialogue, so neither is claimed for it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import httpx2

from ...audio import checked_audio, fill_duration, save_pcm_as_wav
from ...capabilities.speech import SpeechRequest, SpeechResult, assign_voices
from ...errors import InvalidArgument
from . import voices
from .api import base_url

if TYPE_CHECKING:
    from ...context import ProviderContext

OUTPUT_FORMATS = {"mp3": "mp3_44100_128", "opus": "opus_48000_128", "pcm": "pcm_24000", "wav": "pcm_24000",
                  "ulaw": "ulaw_8000"}
CODEC_MIME = {"mp3": "audio/mpeg", "opus": "audio/ogg", "pcm": "audio/pcm", "ulaw": "audio/basic",
              "alaw": "application/octet-stream"}
QUERY_OPTIONS = ("output_format", "enable_logging", "optimize_streaming_latency")
RESERVED = {"text", "model_id", "inputs"}
SPEED_RANGE = (0.7, 1.2)
SPEECH_TIMEOUT = httpx2.Timeout(connect=10.0, read=180.0, write=60.0, pool=10.0)


def _check_voice_settings(options: dict[str, Any]) -> None:
    settings = options.get("voice_settings")
    if settings is None:
        return
    if not isinstance(settings, dict):
        raise InvalidArgument("provider_options.voice_settings must be an object")
    strength = settings.get("clone_strength")
    if strength is not None and (isinstance(strength, bool) or not isinstance(strength, (int, float))
                                 or not 0 <= strength <= 1):
        raise InvalidArgument(f"voice_settings.clone_strength must be between 0 and 1, not {strength!r}")


def _query(request: SpeechRequest, options: dict[str, Any]) -> tuple[dict[str, str], str]:
    fmt = request.format or "mp3"
    query = {k: str(options.pop(k)).lower() if isinstance(options.get(k), bool) else str(options.pop(k))
             for k in QUERY_OPTIONS if k in options}
    if "output_format" not in query:
        if fmt not in OUTPUT_FORMATS:
            raise InvalidArgument(f"elevenlabs cannot produce {fmt!r} audio",
                                  hint=f"Use one of: {', '.join(OUTPUT_FORMATS)}")
        query["output_format"] = OUTPUT_FORMATS[fmt]
    elif request.format == "wav" and not query["output_format"].startswith("pcm_"):
        raise InvalidArgument(
            "format wav needs a pcm_* output_format", hint="Drop provider_options.output_format"
        )
    elif not request.format:
        fmt = query["output_format"].split("_")[0]
    return query, fmt


async def _dialogue_body(hub: ProviderContext, request: SpeechRequest) -> tuple[str, dict[str, Any], str]:
    entry = request.model.entry
    if request.speed and request.speed != 1:
        raise InvalidArgument("elevenlabs dialogue has no speed setting", hint="Leave speed at 0")
    choices = (
        [entry.default_voice, *entry.voices]
        if entry and entry.default_voice
        else list(entry.voices if entry else [])
    )
    named = assign_voices(request, choices)
    ids = {speaker: await voices.resolve(hub, voice, entry) for speaker, voice in named.items()}
    body: dict[str, Any] = {"inputs": [{"text": t.text, "voice_id": ids[t.speaker]} for t in request.turns],
                            "model_id": request.model.wire_id}
    label = ", ".join(f"{s}={v}" for s, v in named.items())
    return f"{base_url(hub.settings)}/v1/text-to-dialogue", body, label


async def _speech_body(
    hub: ProviderContext, request: SpeechRequest, options: dict[str, Any]
) -> tuple[str, dict[str, Any], str]:
    entry = request.model.entry
    voice = request.voice.strip() or (entry.default_voice if entry and entry.default_voice else "Rachel")
    voice_id = await voices.resolve(hub, voice, entry)
    body: dict[str, Any] = {"text": request.text, "model_id": request.model.wire_id}
    if request.speed:
        if not SPEED_RANGE[0] <= request.speed <= SPEED_RANGE[1]:
            raise InvalidArgument(f"elevenlabs takes speed from {SPEED_RANGE[0]} to {SPEED_RANGE[1]}, "
                                  f"not {request.speed}")
        body["voice_settings"] = {**(options.pop("voice_settings", None) or {}), "speed": request.speed}
    return f"{base_url(hub.settings)}/v1/text-to-speech/{voice_id}", body, voice


async def synthesize(hub: ProviderContext, request: SpeechRequest) -> SpeechResult:
    options = dict(request.provider_options)
    clash = RESERVED & set(options)
    if clash:
        raise InvalidArgument(f"provider_options.{min(clash)} is set by the hub",
                              hint="Use the tool's text, speakers and model parameters")
    _check_voice_settings(options)
    query, fmt = _query(request, options)
    if request.turns:
        url, body, label = await _dialogue_body(hub, request)
    else:
        url, body, label = await _speech_body(hub, request, options)
    if request.language:
        body["language_code"] = request.language
    body.update(options)
    codec, _, rest = query["output_format"].partition("_")
    rate = int(rest.split("_")[0]) if rest.split("_")[0].isdigit() else 0
    async with hub.client("elevenlabs").stream("POST", url, retry="generate", params=query, json=body,
                                               timeout=SPEECH_TIMEOUT) as response:
        counted = response.headers.get("x-character-count", "")
        ctype = response.headers.get("content-type", "")
        # wav is raw pcm on the wire, wrapped here
        chunks = checked_audio(response.aiter_bytes(), ctype, "pcm" if fmt == "wav" else fmt, "elevenlabs")
        if fmt == "wav":
            media = await save_pcm_as_wav(hub.media, chunks, "elevenlabs", rate=rate)
        else:
            mime = CODEC_MIME.get(codec) or ctype.split(";")[0]
            media = await hub.media.save_stream(chunks, "elevenlabs", mime_hint=mime)
    if codec in ("ulaw", "alaw") and rate:  # one byte per sample
        media.duration_seconds = round(media.bytes / rate, 3)
    await fill_duration(media, pcm_rate=rate if codec == "pcm" else None)
    characters = int(counted) if counted.isdigit() else request.characters
    return SpeechResult(media, request.model.full_id, "elevenlabs", characters, label, fmt)
